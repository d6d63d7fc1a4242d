"""What is not translated yet, for part of the code:

    python -m funnel_tui.locale.missing [--cli] [--part FILE.po] PATH...

Lists every message marked in the Python files under PATH (and with `--cli` the commands'
help texts and click's messages) that neither the Russian catalog nor the fragment FILE.po
translates, as `.po` entries ready to fill in. For work on one area at a time, merged into
the catalog later (`python -m funnel_tui.locale.merge FILE.po`).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from babel.messages.extract import extract_from_dir, extract_from_file
from babel.messages.pofile import read_po

from funnel_tui.locale.catalog import KEYWORDS, Key, key_of, marked_cli, read_catalog, translated


def marked_in(paths: list[Path]) -> dict[Key, str]:
    found: dict[Key, str] = {}
    for path in paths:
        if path.is_dir():
            entries = [
                (f"{path / name}:{line}", message, context)
                for name, line, message, _c, context in extract_from_dir(
                    str(path), method_map=[("**.py", "python")], keywords=KEYWORDS
                )
            ]
        else:
            entries = [
                (f"{path}:{line}", message, context)
                for line, message, _c, context in extract_from_file(
                    "python", str(path), keywords=KEYWORDS
                )
            ]
        for where, message, context in entries:
            found.setdefault(key_of(message, context), where)
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*", type=Path)
    parser.add_argument("--cli", action="store_true", help="also help texts and click's words")
    parser.add_argument("--part", type=Path, help="a fragment .po translating some of them")
    args = parser.parse_args()
    wanted = marked_in(args.paths)
    if args.cli:
        wanted.update(marked_cli())
    catalogs = [read_catalog("ru")]
    if args.part is not None and args.part.exists():
        with args.part.open("rb") as handle:
            catalogs.append(read_po(handle, locale="ru"))
    for key, where in wanted.items():
        if any(translated(catalog, key) for catalog in catalogs):
            continue
        print(f"#: {where}")
        if key.context is not None:
            print(f"msgctxt {_quoted(key.context)}")
        if isinstance(key.id, str):
            print(f'msgid {_quoted(key.id)}\nmsgstr ""\n')
        else:
            print(f"msgid {_quoted(key.id[0])}\nmsgid_plural {_quoted(key.id[1])}")
            print('msgstr[0] ""\nmsgstr[1] ""\nmsgstr[2] ""\n')


def _quoted(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\t", "\\t")
    lines = escaped.split("\n")
    if len(lines) == 1:
        return f'"{escaped}"'
    return '""\n' + "\n".join(
        f'"{line}\\n"' if index < len(lines) - 1 else f'"{line}"'
        for index, line in enumerate(lines)
        if index < len(lines) - 1 or line
    )


if __name__ == "__main__":
    main()
