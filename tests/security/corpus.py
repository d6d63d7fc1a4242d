"""Hostile strings: what a teammate or an imported file could put in any text field.

Each is a (name, value) pair. No value starts or ends with whitespace, so the fields' stripping
keeps it exactly as written and the exported JSON must give it back unchanged.
"""

from __future__ import annotations

LONG_LINE = "L" + "x" * 9_998 + "L"

HOSTILE: tuple[tuple[str, str], ...] = (
    # Rich / Textual markup: must show literally, never style, link or run an action.
    ("click-quit", "[@click=app.quit]x[/]"),
    ("click-bell", "[@click=app.bell]ring[/]"),
    ("click-screen", "[@click=app.push_screen('help')]help[/]"),
    ("link", "[link=https://evil.example]x[/link]"),
    ("close-all", "[/]"),
    ("close-named", "[/bold]tail"),
    ("open-unclosed", "[bold"),
    ("bold-red", "[bold red]alarm[/bold red]"),
    ("escaped-bracket", r"\[not markup]"),
    ("nested", "[b][i][u]deep[/u][/i][/b]"),
    ("on-meta", "[on red @click=app.quit]x"),
    ("emoji-code", ":warning: :skull:"),
    ("brackets-only", "]]][[["),
    ("rich-style-tag", "[reverse blink]x[/]"),
    # Raw terminal escapes.
    ("csi-clear", "a\x1b[2Jb"),
    ("csi-red", "\x1b[31mred\x1b[0m"),
    ("csi-home", "x\x1b[H\x1b[Ky"),
    ("osc52", "c\x1b]52;c;ZXZpbA==\x07d"),
    ("osc52-st", "c\x1b]52;c;ZXZpbA==\x1b\\d"),
    ("osc8", "\x1b]8;;https://evil.example\x1b\\click\x1b]8;;\x1b\\"),
    ("osc-title", "t\x1b]0;pwned\x07u"),
    ("osc-title2", "t\x1b]2;pwned\x1b\\u"),
    ("dcs", "d\x1bP+q544e\x1b\\e"),
    ("esc-alone", "a\x1bb"),
    ("bell", "ding\x07dong"),
    ("backspace", "abc\x08\x08\x08xyz"),
    # C1 controls (8-bit CSI, OSC, NEL, ST).
    ("c1-csi", "a\x9b2Jb"),
    ("c1-osc", "a\x9d0;pwned\x9cb"),
    ("c1-nel", "a\x85b"),
    ("c1-all", "".join(chr(code) for code in range(0x80, 0xA0))),
    # Other C0 controls, DEL, NUL, carriage return.
    ("nul", "a\x00b"),
    ("del", "a\x7fb"),
    ("cr", "visible\rhidden"),
    ("crlf-mid", "one\r\ntwo"),
    ("vt-ff", "a\x0b\x0cb"),
    ("c0-all", "<" + "".join(chr(code) for code in range(1, 32) if code not in (9, 10)) + ">"),
    # Bidi overrides and isolates, zero-width characters.
    ("rlo", "invoice\u202egpj.exe"),
    ("lri-pdi", "a\u2066b\u2069c"),
    ("bidi-all", "x\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069y"),
    ("zwsp", "pay\u200bpal"),
    ("zwj-zwnj", "a\u200db\u200cc"),
    ("bom-wj", "a\ufeffb\u2060c"),
    ("lrm-rlm", "a\u200eb\u200fc"),
    ("line-sep", "a\u2028b\u2029c"),
    # Shaped to pass the phone and e-mail checks, which allow whitespace-like characters.
    ("phone-cr", "+7 999\r123-45-67"),
    ("phone-c1", "+7\x85999\x1c123\x0b45\x0c67"),
    ("phone-ls", "+7\u2028999 123 45 67"),
    ("email-rlo", "user\u202e@example.com"),
    ("email-osc", "a\x1b]52;c;ZXZpbA==\x07@evil.example"),
    ("email-markup", "[@click=app.quit]@x.y"),
    # Long, wide and non-Latin text.
    ("long-line", LONG_LINE),
    ("emoji-zwj", "\U0001f468\u200d\U0001f469\u200d\U0001f467\u200d\U0001f466 family"),
    ("emoji-flags", "\U0001f1f7\U0001f1fa\U0001f1fa\U0001f1e6 \U0001f44d\U0001f3fd"),
    ("cyrillic", "Сделка «Ромашка» — ООО"),
    ("cyrillic-lookalike", "\u0430\u0440\u0440\u04cf\u0435.com"),
    ("cjk-wide", "漢字かなカナ한국어"),
    ("combining", "Z\u0351\u0364\u036b\u0302a\u0337l\u0338g\u0334o"),
    ("mixed", "[@click=app.quit]\x1b]52;c;ZXZpbA==\x07\u202e\x9b2J[/]"),
)

VALUES: tuple[str, ...] = tuple(value for _, value in HOSTILE)
NAMES: tuple[str, ...] = tuple(name for name, _ in HOSTILE)

# What no drawn line may contain when it came from data (the payloads of the sequences above).
PAYLOADS: tuple[str, ...] = (
    "\x1b",
    "\x07",
    "\x00",
    "\x7f",
    "\x9b",
    "\x9c",
    "\x9d",
    "\x85",
    "\u202e",
    "\u2066",
    "\u200b",
    "\ufeff",
)
