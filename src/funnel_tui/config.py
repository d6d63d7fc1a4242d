"""Settings from `config.toml` (platformdirs user config dir), read with the stdlib.

A plain dataclass rather than pydantic: this runs before the first frame, and pydantic's
import would cost start-up time for a handful of fields. The settings screen writes the file
back with `save_settings` (tomlkit, which keeps the user's comments and layout).

Example `config.toml`:

    currency = "RUB"            # default currency of new deals
    language = "ru"             # en or ru
    default_pipeline = "New clients"
    start_screen = "auto"       # auto, agenda or board
    theme = "nord"              # any of Textual's themes
    date_format = "dd.mm.yyyy"  # dd.mm.yyyy, dd/mm/yyyy, mm/dd/yyyy or yyyy-mm-dd
    database = "~/crm/funnel.db"   # or an SQLAlchemy URL
    auto_backup = true             # a daily backup into backups/ next to the database
    backup_keep_days = 14          # automatic backups older than this are deleted
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, fields
from pathlib import Path

from funnel_tui import paths
from funnel_tui.domain.date_format import DATE_FORMATS
from funnel_tui.domain.errors import FunnelError
from funnel_tui.domain.money import normalize_currency
from funnel_tui.i18n import LANGUAGES, _, language_from_environment

START_SCREENS = ("auto", "agenda", "board")


@dataclass(frozen=True, slots=True)
class Settings:
    currency: str = ""
    """Currency of new deals; empty means by language (RUB for ru, else USD)."""
    language: str = ""
    """UI language, en or ru; empty means from LC_ALL / LC_MESSAGES / LANG."""
    default_pipeline: str | None = None
    """Pipeline shown and used first; None means the first one."""
    database: str | None = None
    """Database path or URL; `--db` and FUNNEL_DB override it."""
    start_screen: str = "auto"
    """auto: the agenda when something is overdue or due today, else the board; or always
    `agenda` or always `board`."""
    theme: str = ""
    """A Textual theme by name (`textual-dark`, `nord`, …); empty means Textual's default."""
    date_format: str = ""
    """How dates are written and read (`dd.mm.yyyy`, `dd/mm/yyyy`, `mm/dd/yyyy`,
    `yyyy-mm-dd`); empty means the language's usual one."""
    auto_backup: bool = True
    """Write a daily automatic backup of a database file (storage/backups.py)."""
    backup_keep_days: int = 14
    """Delete automatic backups older than this many days."""
    backup_dir: str | None = None
    """Where automatic backups go; None means `backups/` next to the database file."""

    @property
    def effective_language(self) -> str:
        return self.language or language_from_environment()

    @property
    def effective_currency(self) -> str:
        if self.currency:
            return self.currency
        return "RUB" if self.effective_language == "ru" else "USD"


def load_settings(path: Path | None = None) -> Settings:
    """Read the config file; a missing file means defaults. Bad content is a FunnelError."""
    path = path or paths.config_file()
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return Settings()
    except (OSError, UnicodeDecodeError) as err:
        raise FunnelError(_("cannot read {path}: {error}").format(path=path, error=err)) from None
    return _settings_from(text, path)


def save_settings(changes: dict[str, str], path: Path | None = None) -> Settings:
    """Write `changes` into the config file (an empty string removes the key: back to the
    default) and return the settings it then holds. The file's other keys, comments and
    layout stay as they were; it is replaced in one step (written beside it, then renamed),
    so a crash leaves the old file or the new one. Nothing is written when the result would
    not load: the error says why."""
    import tomlkit  # only the settings screen writes: not on the way to the first frame

    path = path or paths.config_file()
    try:
        old = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        old = ""
    except (OSError, UnicodeDecodeError) as err:
        raise FunnelError(_("cannot read {path}: {error}").format(path=path, error=err)) from None
    try:
        document = tomlkit.parse(old)
    except tomlkit.exceptions.TOMLKitError as err:
        raise FunnelError(f"{path}: {err}") from None
    for key, value in changes.items():
        if value == "":
            document.pop(key, None)
        else:
            document[key] = value
    text = tomlkit.dumps(document)
    settings = _settings_from(text, path)  # refuses what would not load, before writing
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        part = path.with_name(path.name + ".part")
        part.write_text(text, encoding="utf-8")
        part.replace(path)
    except OSError as err:
        raise FunnelError(
            _("cannot write {path}: {error}").format(path=path, error=err.strerror or err)
        ) from None
    return settings


def _settings_from(text: str, path: Path) -> Settings:
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise FunnelError(f"{path}: {err}") from None
    known = {field.name for field in fields(Settings)}
    unknown = sorted(set(raw) - known)
    if unknown:
        raise FunnelError(
            _("{path}: unknown setting {setting} (known: {known})").format(
                path=path, setting=repr(unknown[0]), known=", ".join(sorted(known))
            )
        )
    for key, value in raw.items():
        if key == "auto_backup":
            if not isinstance(value, bool):
                raise FunnelError(_("{path}: auto_backup must be true or false").format(path=path))
        elif key == "backup_keep_days":
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise FunnelError(
                    _("{path}: backup_keep_days must be a whole number, 1 or more").format(
                        path=path
                    )
                )
        elif not isinstance(value, str):
            raise FunnelError(_("{path}: {key} must be a string").format(path=path, key=key))
    settings = Settings(**raw)
    if settings.start_screen not in START_SCREENS:
        raise FunnelError(
            _("{path}: start_screen must be one of {choices}").format(
                path=path, choices=", ".join(START_SCREENS)
            )
        )
    if settings.language and settings.language not in LANGUAGES:
        raise FunnelError(
            _("{path}: language must be one of {choices}").format(
                path=path, choices=", ".join(LANGUAGES)
            )
        )
    if settings.date_format and settings.date_format not in DATE_FORMATS:
        raise FunnelError(
            _("{path}: date_format must be one of {choices}").format(
                path=path, choices=", ".join(DATE_FORMATS)
            )
        )
    if settings.currency:
        try:
            normalize_currency(settings.currency)
        except FunnelError as err:
            raise FunnelError(f"{path}: {err}") from None
    return settings


def database_target(cli_value: str | None, settings: Settings) -> str:
    """The database to open: `--db`, else FUNNEL_DB, else the config file, else the default."""
    return (
        cli_value
        or os.environ.get("FUNNEL_DB")
        or settings.database
        or str(paths.default_database())
    )
