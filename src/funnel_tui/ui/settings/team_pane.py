"""The team (settings tab): display names, roles, the default owner of new deals.

A table of the users; on the highlighted one: rename (a modal), make a lead or a rep, make
them the default owner of new deals (or stop: new deals then go to whoever creates them).
Roles and the default owner are a lead's choice: the service refuses anyone else, and the
pane says its message. Every change is one service call; the table is read again at once.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import DataTable, Static
from textual.widgets.data_table import CellDoesNotExist

from funnel_tui.domain.errors import FunnelError
from funnel_tui.domain.models import Role, User
from funnel_tui.i18n import N_, _
from funnel_tui.render.safe import fill, safe_text
from funnel_tui.ui.notices import tell
from funnel_tui.ui.settings.pane import SettingsPane
from funnel_tui.ui.settings.pipeline_modals import NameModal, titled
from funnel_tui.ui.threads import call_back

if TYPE_CHECKING:
    from funnel_tui.services import Services

DEFAULT_MARK = "●"


class TeamPane(SettingsPane):
    """The team: names, roles, default owner."""

    DEFAULT_CSS = """
    TeamPane DataTable { height: 1fr; }
    TeamPane #team-default { height: auto; padding: 0 1; }
    TeamPane #team-hint { height: auto; padding: 0 1; color: $text-muted; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("r", "rename_user", N_("Rename"), id="team.rename"),
        Binding("t", "toggle_role", N_("Lead / rep"), id="team.toggle-role"),
        Binding("o", "toggle_default_owner", N_("Default owner"), id="team.default-owner"),
    ]

    def __init__(self, services: Services, *, id: str | None = None) -> None:
        super().__init__(services, id=id)
        self.users: list[User] = []
        """The team, as last read."""
        self.default_login: str | None = None
        """Who new deals go to when nobody is named; None: whoever creates them."""

    def compose(self) -> ComposeResult:
        yield DataTable(cursor_type="row", zebra_stripes=True, id="team-table")
        yield Static("", id="team-default")
        yield Static(
            _(
                "Only a lead changes roles and the default owner. "
                "A rep sees their own deals first; a lead, the whole team's."
            ),
            id="team-hint",
        )

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_column(_("Login"), key="login")
        table.add_column(_("Name"), key="name")
        table.add_column(_("Role"), key="role")
        table.add_column(_("Default owner"), key="default")
        self.start_reading()

    def on_show(self) -> None:
        """The tab was opened: its keys work at once."""
        focused = self.screen.focused
        if focused is None or self not in focused.ancestors:
            self.query_one(DataTable).focus()

    # Reading

    def read(self) -> tuple[list[User], str | None]:
        default = self.services.users.default_owner()
        return self.services.users.list(), default.login if default is not None else None

    def show(self, read: tuple[list[User], str | None]) -> None:
        users, default_login = read
        table = self.query_one(DataTable)
        keep = self.user.login if self.user is not None else None
        self.users = users
        self.default_login = default_login
        table.clear()
        for user in users:
            table.add_row(
                safe_text(user.login),
                safe_text(user.display_name),
                Text(_("lead") if user.role is Role.LEAD else _("rep")),
                Text(DEFAULT_MARK if user.login == default_login else "", style="bold"),
                key=user.login,
            )
        logins = [user.login for user in users]
        if keep in logins:
            table.move_cursor(row=logins.index(keep), animate=False)
        default = next((user for user in users if user.login == default_login), None)
        line = self.query_one("#team-default", Static)
        if default is None:
            line.update(_("New deals that name no owner go to whoever creates them."))
        else:
            line.update(
                fill(
                    _("{mark} New deals that name no owner go to {name} ({login})."),
                    mark=DEFAULT_MARK,
                    name=default.display_name,
                    login=default.login,
                )
            )
        self.refresh_bindings()

    @property
    def user(self) -> User | None:
        """The highlighted user."""
        if not self.is_mounted:
            return None
        table = self.query_one(DataTable)
        if not table.row_count:
            return None
        try:
            key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key
        except CellDoesNotExist:
            return None
        return next((user for user in self.users if user.login == key.value), None)

    # Changing

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("rename_user", "toggle_role", "toggle_default_owner"):
            return self.user is not None
        return True

    @on(DataTable.RowSelected)
    def _row_selected(self) -> None:
        self.action_rename_user()

    @on(DataTable.RowHighlighted)
    def _row_highlighted(self) -> None:
        self.refresh_bindings()

    def action_rename_user(self) -> None:
        user = self.user
        if user is None:
            return
        service = self.services.users
        modal = NameModal(
            titled(_("Display name of {login}"), login=user.login),
            _("Name"),
            user.display_name,
            lambda name: service.change(user.login, name=name),
        )
        self.app.push_screen(modal, self._renamed)

    def _renamed(self, user: User | None) -> None:
        if user is not None:
            self.reload()

    def action_toggle_role(self) -> None:
        user = self.user
        if user is None:
            return
        role = Role.REP if user.role is Role.LEAD else Role.LEAD
        self._change_role(user.login, role)

    @work(thread=True, group="team-write")
    def _change_role(self, login: str, role: Role) -> None:
        try:
            self.services.users.change(login, role=role)
        except FunnelError as err:
            call_back(self, tell, self, str(err), "warning")
            return
        call_back(self, self.reload)

    def action_toggle_default_owner(self) -> None:
        user = self.user
        if user is None:
            return
        self._set_default_owner(None if user.login == self.default_login else user.login)

    @work(thread=True, group="team-write")
    def _set_default_owner(self, login: str | None) -> None:
        try:
            self.services.users.set_default_owner(login)
        except FunnelError as err:
            call_back(self, tell, self, str(err), "warning")
            return
        call_back(self, self.reload)
