"""The interface language: gettext catalogs, one language per process at a time.

Every string a user reads goes through `_()` (or `ngettext()` when it holds a count); the
English text is the message id, so English needs no catalog. Strings fixed when a module is
imported (key descriptions, column titles) are marked with `N_()` for extraction and
translated where they are shown, so switching the language later still translates them.

Catalogs: `locale/<lang>/LC_MESSAGES/funnel.po` in the package, the file translators edit.
It is compiled to a `.mo` on first use and the result cached in the user's cache directory,
keyed by the `.po`'s content, so an edited `.po` is picked up at once and no build step
is needed (Babel compiles; the stdlib `gettext` reads). Plural forms come from the
catalog's header (Russian: 1 сделка, 2 сделки, 5 сделок).

Which language: `--lang`, else `language` in the config, else LC_ALL / LC_MESSAGES /
LANG (ru… is Russian, anything else English).
"""

from __future__ import annotations

import gettext
import hashlib
import os
import threading
from io import BytesIO
from pathlib import Path

LANGUAGES = ("en", "ru")
DOMAIN = "funnel"
LOCALE_DIR = Path(__file__).parent / "locale"

_NULL = gettext.NullTranslations()
_lock = threading.Lock()
_catalogs: dict[str, gettext.NullTranslations] = {"en": _NULL}
_current = "en"


def language_from_environment(environ: dict[str, str] | None = None) -> str:
    """The language the locale variables ask for (the first one set wins, as in libc)."""
    environ = dict(os.environ) if environ is None else environ
    for variable in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = environ.get(variable, "")
        if value:
            return "ru" if value.lower().startswith("ru") else "en"
    return "en"


def set_language(language: str) -> None:
    """Translate from now on into `language` (en or ru), in every thread."""
    global _current
    if language not in LANGUAGES:
        raise ValueError(f"unknown language {language!r}")
    _catalog(language)  # compiled now, not in the middle of drawing a screen
    _current = language


def language() -> str:
    """The language strings are translated into."""
    return _current


def _(message: str) -> str:
    """`message` (English) in the current language."""
    return _catalog(_current).gettext(message)


def ngettext(singular: str, plural: str, count: int) -> str:
    """The form of a message for `count` things (format the count in yourself:
    `ngettext("{n} deal", "{n} deals", n).format(n=n)`)."""
    return _catalog(_current).ngettext(singular, plural, count)


def pgettext(context: str, message: str) -> str:
    """`message` in the current language, where the same English means different things:
    `pgettext("call outcome", "reached")` (дозвонились) vs `_("reached")` in the funnel
    (дошли)."""
    return _catalog(_current).pgettext(context, message)


def N_(message: str) -> str:
    """Mark `message` for the catalog without translating it yet (it is translated with
    `_()` where it is shown, in the language of that moment)."""
    return message


def NP_(context: str, message: str) -> str:
    """`N_` with a context: shown with `pgettext(context, message)`."""
    return message


def _catalog(language: str) -> gettext.NullTranslations:
    found = _catalogs.get(language)
    if found is not None:
        return found
    with _lock:
        found = _catalogs.get(language)
        if found is None:
            found = _load(language)
            _catalogs[language] = found
    return found


def _load(language: str) -> gettext.NullTranslations:
    po = LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"
    try:
        source = po.read_bytes()
    except OSError:
        return _NULL  # a language without a catalog reads English
    from funnel_tui import paths

    digest = hashlib.sha256(source).hexdigest()[:16]
    cached = paths.cache_dir() / "catalogs" / f"{DOMAIN}-{language}-{digest}.mo"
    try:
        return gettext.GNUTranslations(BytesIO(cached.read_bytes()))
    except OSError:
        pass
    compiled = _compile(source)
    try:  # for the next start; a read-only cache only costs the compiling again
        cached.parent.mkdir(parents=True, exist_ok=True)
        partial = cached.with_name(f"{cached.name}.{os.getpid()}.part")
        partial.write_bytes(compiled)
        partial.replace(cached)  # atomic: a process compiling at the same time reads a whole file
    except OSError:
        pass
    return gettext.GNUTranslations(BytesIO(compiled))


def _compile(source: bytes) -> bytes:
    """The `.mo` bytes of a `.po` file's bytes (Babel: imported only when compiling)."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    catalog = read_po(BytesIO(source))
    compiled = BytesIO()
    write_mo(compiled, catalog, use_fuzzy=False)
    return compiled.getvalue()
