"""Users and their roles: list, add, change. The OS login is the identity (DESIGN.md, Domain:
User); a lead sees the whole team by default, a rep their own deals.

Roles on a shared SQLite file choose what each person sees; they are not access control:
anyone who can read the file can read all of it (shared/FINDINGS.md, "Shared server").
"""

from __future__ import annotations

import builtins

from funnel_tui.domain.errors import FunnelError, NotFoundError, ValidationError
from funnel_tui.domain.models import Role, User
from funnel_tui.domain.validation import clean_display_name, clean_login
from funnel_tui.i18n import N_, _
from funnel_tui.services.context import ServiceContext, ensure_user
from funnel_tui.services.ports import UnitOfWork

_ONLY_A_LEAD = {
    "add users": N_("only a lead can add users; ask {names}"),
    "change roles": N_("only a lead can change roles; ask {names}"),
    "rename other users": N_("only a lead can rename other users; ask {names}"),
    "choose the default owner": N_("only a lead can choose the default owner; ask {names}"),
    "change pipelines": N_("only a lead can change pipelines, stages and targets; ask {names}"),
}


class NotAllowedError(FunnelError):
    """The acting login's role does not allow the change."""


def parse_role(value: str | Role) -> Role:
    try:
        return Role(value.strip().casefold() if isinstance(value, str) else value)
    except ValueError:
        raise ValidationError(
            "role", _("{value} is not a role (lead or rep)").format(value=repr(value))
        ) from None


class UserService:
    def __init__(self, context: ServiceContext) -> None:
        self._context = context

    def list(self) -> builtins.list[User]:
        with self._context.store.read() as uow:
            return uow.users.list()

    def add(self, login: str, *, role: str | Role = Role.REP, name: str | None = None) -> User:
        """Record `login` with `role` (a display name defaults to the login).

        Once the database has a lead, only a lead may add users.
        """
        login = clean_login(login)
        wanted = parse_role(role)
        display = clean_display_name(name) if name is not None else login
        with self._context.store.write() as uow:
            self._require_lead(uow, "add users")
            existing = uow.users.by_login(login)
            if existing is not None:
                raise ValidationError(
                    "login",
                    _(
                        "{quoted} is already a user ({role}); `funnel users set {login}` changes it"
                    ).format(quoted=repr(login), role=existing.role.value, login=login),
                )
            added = uow.users.add(login, display, wanted, self._context.clock())
            uow.commit()
        return added

    def change(
        self, login: str, *, role: str | Role | None = None, name: str | None = None
    ) -> User:
        """Change a user's role or display name.

        A role needs a lead (once there is one); a name, a lead or the user themselves. The
        last lead cannot stop being one.
        """
        login = clean_login(login)
        wanted = parse_role(role) if role is not None else None
        display = clean_display_name(name) if name is not None else None
        if wanted is None and display is None:
            raise ValidationError("users set", _("nothing to change (give --role or --name)"))
        with self._context.store.write() as uow:
            user = uow.users.by_login(login)
            if user is None:
                known = ", ".join(u.login for u in uow.users.list()) or _("none yet")
                raise NotFoundError(
                    _("no user {login} (users: {known})").format(login=repr(login), known=known)
                )
            if wanted is not None and wanted is not user.role:
                self._require_lead(uow, "change roles")
                leads = _leads(uow)
                if user.role is Role.LEAD and [u.login for u in leads] == [login]:
                    raise ValidationError(
                        "role",
                        _("{login} is the only lead: make someone else a lead first").format(
                            login=login
                        ),
                    )
            if display is not None and login != self._context.login:
                self._require_lead(uow, "rename other users")
            changed = uow.users.update(
                user.id,
                display_name=display if display is not None else user.display_name,
                role=wanted if wanted is not None else user.role,
            )
            uow.commit()
        return changed

    def join(self) -> User | None:
        """Record the acting login on its first use of a database that has a team: a
        newcomer joins as a rep (DESIGN.md, Domain: User), so that their views start on their
        own deals. The newly recorded user; None when they were known, or when the database
        has nobody yet (its first writer becomes its lead, `ensure_user`)."""
        with self._context.store.read() as uow:
            if uow.users.by_login(self._context.login) is not None or not uow.users.list():
                return None
        with self._context.store.write() as uow:
            known = uow.users.by_login(self._context.login)  # joined meanwhile (another app)
            me = ensure_user(uow, self._context.login, self._context.clock())
            uow.commit()
        return None if known is not None else me

    def found_team(self) -> User:
        """Record the acting login as the team's lead (`funnel init-team`).

        In a new database they are the first user, so a lead. In an existing one they are
        made lead only when there is no lead yet: nobody promotes themselves past a lead.
        """
        with self._context.store.write() as uow:
            me = ensure_user(uow, self._context.login, self._context.clock())
            if me.role is not Role.LEAD and not _leads(uow):
                me = uow.users.update(me.id, display_name=me.display_name, role=Role.LEAD)
            uow.commit()
        return me

    def default_owner(self) -> User | None:
        """Who new deals go to when nobody is named; None: whoever creates them."""
        with self._context.store.read() as uow:
            return uow.users.default_owner()

    def set_default_owner(self, login: str | None) -> User | None:
        """Send new deals that name no owner to `login` (None: to whoever creates them).
        A lead's choice, once the team has a lead."""
        with self._context.store.write() as uow:
            self._require_lead(uow, "choose the default owner")
            user = None
            if login is not None:
                user = uow.users.by_login(clean_login(login))
                if user is None:
                    known = ", ".join(u.login for u in uow.users.list()) or _("none yet")
                    raise NotFoundError(
                        _("no user {login} (users: {known})").format(login=repr(login), known=known)
                    )
            uow.users.set_default_owner(user.id if user is not None else None)
            uow.commit()
        return user

    def _require_lead(self, uow: UnitOfWork, action: str) -> None:
        require_lead(uow, self._context, action)


def require_lead(uow: UnitOfWork, context: ServiceContext, action: str) -> None:
    """Refuse `action` (a key of _ONLY_A_LEAD) unless the acting login leads the team, or
    nobody does yet."""
    # The actor is recorded on first use, as everywhere: in a new personal database that
    # makes its owner the lead (ensure_user); a refusal rolls the record back.
    ensure_user(uow, context.login, context.clock())
    leads = _leads(uow)
    if not leads:
        return  # nobody leads yet: anyone may set the team up
    if any(lead.login == context.login for lead in leads):
        return
    names = ", ".join(lead.login for lead in leads)
    raise NotAllowedError(_(_ONLY_A_LEAD[action]).format(names=names))


def _leads(uow: UnitOfWork) -> builtins.list[User]:
    return [user for user in uow.users.list() if user.role is Role.LEAD]
