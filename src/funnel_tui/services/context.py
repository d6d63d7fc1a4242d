"""What every service needs: the store, a clock, and who is acting."""

from __future__ import annotations

import os
import pwd
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from funnel_tui.domain.dates import check_moment, utc_now
from funnel_tui.domain.models import Role, User
from funnel_tui.domain.validation import clean_login
from funnel_tui.services.ports import Store, UnitOfWork

Clock = Callable[[], datetime]


def os_login() -> str:
    """The login of the process's effective user.

    Not `getpass.getuser()`, which trusts $USER (`USER=lead funnel` would impersonate).
    """
    return pwd.getpwuid(os.geteuid()).pw_name


@dataclass(frozen=True, slots=True)
class ServiceContext:
    store: Store
    login: str = field(default_factory=os_login)
    """Who is acting when a call names nobody else (`--by`)."""
    clock: Clock = utc_now

    def moment(self, at: datetime | None) -> datetime:
        """`at` if given (scripted back-dating), else now; always aware UTC."""
        if at is None:
            return self.clock()
        return check_moment(at, "at")


def ensure_user(uow: UnitOfWork, login: str, at: datetime) -> User:
    """The user with `login`, recorded on first use.

    The first user of a database is its lead (a personal database: its owner); later
    unknown logins join as reps.
    """
    login = clean_login(login)
    user = uow.users.by_login(login)
    if user is not None:
        return user
    role = Role.LEAD if not uow.users.list() else Role.REP
    return uow.users.add(login, login, role, at)
