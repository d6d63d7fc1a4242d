"""The one way to turn data into something displayable.

Everything a user or an import typed goes through `safe_text` (or `clean`; `safe_json` for a
JSON text) before it reaches a terminal: it becomes a Rich `Text` built from a plain string
(never markup), and control characters, escape sequences, bidi overrides and zero-width
characters are replaced by visible stand-ins (shared/FINDINGS.md: no Textual path strips raw
escapes).
"""

from __future__ import annotations

import re
import string

from rich.text import Text

# C0 controls except tab and newline, DEL, C1 controls.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\x80-\x9f]")
# Bidi embeddings/overrides/isolates and zero-width characters: they reorder or hide text.
_INVISIBLE = re.compile(r"[\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")


# JSON escapes C0 controls but may carry these raw: DEL, C1 controls (an 8-bit CSI or OSC
# to a terminal), bidi overrides and zero-width characters. Outside its strings a JSON text is
# ASCII, so each of them is in a string and its \u escape decodes to the same value.
_JSON_RAW = re.compile(r"[\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")


def _control_picture(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code < 0x20:
        return chr(0x2400 + code)  # ␀…␟, so ESC shows as ␛
    if code == 0x7F:
        return "\u2421"  # ␡
    return f"<U+{code:04X}>"


def clean(value: object, *, multiline: bool = False) -> str:
    """`value` as a plain string with nothing a terminal would act on."""
    text = "" if value is None else str(value)
    if not multiline:
        text = text.replace("\t", " ").replace("\r\n", "\u23ce").replace("\n", "\u23ce")
    text = _CONTROL.sub(_control_picture, text)
    return _INVISIBLE.sub(lambda match: f"<U+{ord(match.group()):04X}>", text)


def safe_text(value: object, style: str = "", *, multiline: bool = False) -> Text:
    """A Rich `Text` showing `value` literally (no markup, no escapes)."""
    return Text(clean(value, multiline=multiline), style=style)


def fill(template: str, style: str = "", **fields: object) -> Text:
    """A translated sentence with its `{fields}` filled in wherever the language puts them:
    a `Text` field keeps its own style (a deal's title in bold), anything else is shown
    literally (`clean`); `{name!r}` and format specs work as in `str.format`. The template's
    own words are never read as markup; `style` is the whole sentence's."""
    line = Text(style=style)
    for literal, name, spec, conversion in string.Formatter().parse(template):
        if literal:
            line.append(literal)
        if name is None:
            continue
        value = fields[name]
        if isinstance(value, Text):
            line.append_text(value)
            continue
        if conversion == "r":
            value = repr(value)
        elif conversion == "s":
            value = str(value)
        elif conversion == "a":
            value = ascii(value)
        line.append(clean(format(value, spec or "")))
    return line


def safe_json(text: str) -> str:
    """A JSON text (`json.dumps`, `ensure_ascii=False`) with nothing a terminal would act on:
    the same document, with the characters above written as \\u escapes."""
    return _JSON_RAW.sub(lambda match: f"\\u{ord(match.group()):04x}", text)
