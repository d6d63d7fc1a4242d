"""Your own preferences (settings tab), saved to your config file.

Language, start screen, theme, date format and the currency of new deals. Nothing is written
until Save (ctrl+s or the button): then only what changed goes into the file, whose other
keys and comments stay (`config.save_settings`). The theme, the date format and the currency
apply at once; the language and the start screen from the next start.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Button, Input, Label, Select, Static

from funnel_tui import paths
from funnel_tui.config import START_SCREENS, Settings
from funnel_tui.domain.date_format import BY_LANGUAGE, DATE_FORMATS
from funnel_tui.domain.errors import FunnelError, ValidationError
from funnel_tui.domain.money import normalize_currency
from funnel_tui.i18n import N_, _, language, language_from_environment
from funnel_tui.render.safe import clean, safe_text
from funnel_tui.ui.notices import tell
from funnel_tui.ui.settings.pane import SettingsPane

if TYPE_CHECKING:
    from funnel_tui.services import Services

FIELDS = ("language", "start_screen", "theme", "date_format", "currency")
"""The settings this tab edits, in order."""

LANGUAGE_NAMES = {"en": "English", "ru": "Русский"}
"""Each language in its own words (not translated), as language pickers list them."""
LANGUAGE_IN_TEXT = {"en": N_("English"), "ru": N_("Russian")}
"""Each language as a sentence of the interface names it."""

START_SCREEN_LABELS = {
    "auto": N_("The agenda when a contact is due, else the board"),
    "agenda": N_("Agenda"),
    "board": N_("Board"),
}


def example_of(date_format: str) -> str:
    """25 December 2026 in `date_format` (without switching the format in use)."""
    return date_format.replace("dd", "25").replace("mm", "12").replace("yyyy", "2026")


class PreferencesPane(SettingsPane):
    """Your own preferences."""

    DEFAULT_CSS = """
    PreferencesPane > VerticalScroll { height: 1fr; padding: 0 1; }
    PreferencesPane .pref-row { height: 1; margin-top: 1; }
    PreferencesPane .pref-row > Label { width: 16; color: $text-muted; }
    /* The row itself must carry :focus-within for Textual to restyle its label. */
    PreferencesPane .pref-row:focus-within { background: $boost; }
    PreferencesPane .pref-row:focus-within > Label { color: $accent; text-style: bold; }
    PreferencesPane .pref-row > Input, PreferencesPane .pref-row > Select {
        width: 1fr; max-width: 60;
    }
    PreferencesPane #pref-currency-error { height: auto; padding-left: 16; color: $text-error; }
    PreferencesPane #pref-buttons { height: auto; margin-top: 1; }
    PreferencesPane #pref-hint { height: auto; max-width: 100; margin-top: 1; color: $text-muted; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", N_("Save"), id="preferences.save"),
    ]

    def __init__(self, services: Services, *, id: str | None = None) -> None:
        super().__init__(services, id=id)
        self._shown: Settings | None = None
        """The settings the fields started from (to tell what the user changed); None
        until on_mount, since a live refresh can arrive between compose and the fields
        being mounted."""

    def compose(self) -> ComposeResult:
        settings = self.funnel_app.settings
        by_language = "RUB" if settings.effective_language == "ru" else "USD"
        with VerticalScroll():
            with Horizontal(classes="pref-row"):
                yield Label(_("Language"))
                environment = _(LANGUAGE_IN_TEXT.get(language_from_environment(), "English"))
                languages = [(name, code) for code, name in LANGUAGE_NAMES.items()]
                languages.append(
                    (_("From the environment ({language})").format(language=environment), "")
                )
                yield _select(languages, settings.language, "pref-language")
            with Horizontal(classes="pref-row"):
                yield Label(_("Start screen"))
                screens = [(_(START_SCREEN_LABELS[name]), name) for name in START_SCREENS]
                yield _select(screens, settings.start_screen, "pref-start-screen")
            with Horizontal(classes="pref-row"):
                yield Label(_("Theme"))
                themes = [(_("Textual's default"), "")]
                themes += [(name, name) for name in sorted(self.app.available_themes)]
                yield _select(themes, settings.theme, "pref-theme")
            with Horizontal(classes="pref-row"):
                yield Label(_("Date format"))
                usual = BY_LANGUAGE.get(language(), "yyyy-mm-dd")
                formats = [
                    (_("Language default ({example})").format(example=example_of(usual)), "")
                ]
                formats += [(f"{name}  ({example_of(name)})", name) for name in DATE_FORMATS]
                yield _select(formats, settings.date_format, "pref-date-format")
            with Horizontal(classes="pref-row"):
                yield Label(_("Currency"))
                yield Input(
                    settings.currency,
                    placeholder=_("by language: {code}").format(code=by_language),
                    compact=True,
                    id="pref-currency",
                )
            yield Static("", id="pref-currency-error")
            with Horizontal(id="pref-buttons"):
                yield Button(_("Save (ctrl+s)"), id="pref-save", variant="primary")
            yield Static(
                _(
                    "Your preferences are kept in {path}. The theme, the date format and the currency apply at "
                    "once; the language and the start screen from the next start."
                ).format(path=clean(paths.config_file())),
                id="pref-hint",
                markup=False,
            )

    def on_mount(self) -> None:
        """The fields are mounted: from now on a refresh may compare against them."""
        self._shown = self.funnel_app.settings  # what compose filled the fields from

    def on_show(self) -> None:
        """The tab was opened: its keys work at once (on a choice, not the text field,
        which would take the screen's keys 1–4 as typing)."""
        focused = self.screen.focused
        if focused is None or self not in focused.ancestors:
            self.query_one("#pref-language", Select).focus()

    def values(self) -> dict[str, str]:
        """What the fields say now, by setting name (currency as typed)."""
        typed: dict[str, str] = {}
        for field in FIELDS[:-1]:
            value = self.query_one(f"#pref-{field.replace('_', '-')}", Select).value
            typed[field] = value if isinstance(value, str) else ""
        typed["currency"] = self.query_one("#pref-currency", Input).value.strip()
        return typed

    def reload(self) -> None:
        """The settings live in the config file, not in the database: fields the user has
        not changed show the app's settings again (after a save elsewhere)."""
        settings = self.funnel_app.settings
        shown = self._shown
        if shown is None or not self.is_mounted:
            return
        typed = self.values()
        for field in FIELDS:
            new = getattr(settings, field)
            if typed[field] != getattr(shown, field) or new == typed[field]:
                continue
            if field == "currency":
                self.query_one("#pref-currency", Input).value = new
            else:
                self.query_one(f"#pref-{field.replace('_', '-')}", Select).value = new
        self._shown = settings

    @on(Input.Changed, "#pref-currency")
    def _clear_error(self) -> None:
        self._currency_error("")

    @on(Input.Submitted, "#pref-currency")
    @on(Button.Pressed, "#pref-save")
    def _save_pressed(self) -> None:
        self.action_save()

    def action_save(self) -> None:
        typed = self.values()
        if typed["currency"]:
            try:
                typed["currency"] = normalize_currency(typed["currency"])
            except ValidationError as err:
                self._currency_error(err.message)
                self.query_one("#pref-currency", Input).focus()
                return
        current = self.funnel_app.settings
        changes = {
            field: value for field, value in typed.items() if value != getattr(current, field)
        }
        if not changes:
            tell(self, _("Nothing to save: no preference changed."))
            return
        try:
            saved = self.funnel_app.apply_settings(changes)
        except FunnelError as err:
            tell(self, str(err), "warning")
            return
        self._shown = saved
        self.query_one("#pref-currency", Input).value = saved.currency
        message = _("Preferences saved.")
        if "language" in changes or "start_screen" in changes:
            message += " " + _("The language and the start screen apply from the next start.")
        tell(self, message)

    def _currency_error(self, message: str) -> None:
        self.query_one("#pref-currency-error", Static).update(safe_text(message))


def _select(options: list[tuple[str, str]], value: str, id: str) -> Select[str]:
    """A one-line choice; a value not among the options (a theme since removed) shows the
    first option."""
    known = [option for _label, option in options]
    return Select(
        options,
        allow_blank=False,
        value=value if value in known else known[0],
        compact=True,
        id=id,
    )
