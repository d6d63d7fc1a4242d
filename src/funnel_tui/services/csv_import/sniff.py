"""Bytes of an export → a table of text cells: the encoding and delimiter are detected.

Encodings: UTF-8 (with or without BOM), UTF-16 LE/BE with BOM (Excel's "Unicode text"), and
cp1251 when the bytes are not UTF-8 (Russian Excel's "CSV"). Delimiters: `,` `;` or tab.
"""

from __future__ import annotations

import codecs
import csv
import io
from dataclasses import dataclass

from funnel_tui.i18n import _
from funnel_tui.services.csv_import.errors import ImportProblem

DELIMITERS = ",;\t"
MAX_BYTES = 200 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class Table:
    """The header and the data rows, each with its physical line number (header = 1)."""

    header: tuple[str, ...]
    rows: tuple[tuple[int, tuple[str, ...]], ...]
    encoding: str = "utf-8"
    delimiter: str = ","


def decode(data: bytes) -> tuple[str, str]:
    """The text of `data` and the name of the encoding it was read in."""
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8) :].decode("utf-8", errors="replace"), "utf-8-sig"
    for bom, name in ((codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")):
        if data.startswith(bom):
            return data[len(bom) :].decode(name, errors="replace"), name
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        return data.decode("cp1251", errors="replace"), "cp1251"


def sniff_delimiter(text: str) -> str:
    """`,` `;` or tab, judged by the header line (csv.Sniffer, then by counting)."""
    first = next(iter(text.splitlines()), "")
    try:
        dialect = csv.Sniffer().sniff(first, delimiters=DELIMITERS)
    except csv.Error:
        dialect = None
    if dialect is not None and dialect.delimiter in DELIMITERS:
        return dialect.delimiter
    counts = {delimiter: first.count(delimiter) for delimiter in DELIMITERS}
    best = max(DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


def parse_text(text: str, delimiter: str | None = None, encoding: str = "utf-8") -> Table:
    """The table in `text`; blank lines are skipped, short rows padded, long rows cut."""
    text = text.replace("\x00", "")
    delimiter = delimiter or sniff_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=False)
    header: tuple[str, ...] | None = None
    rows: list[tuple[int, tuple[str, ...]]] = []
    previous_end = 0
    try:
        for record in reader:
            start = previous_end + 1
            previous_end = reader.line_num
            if not any(cell.strip() for cell in record):
                continue
            if header is None:
                header = tuple(cell.strip() for cell in record)
                continue
            cells = tuple(record[: len(header)]) + ("",) * (len(header) - len(record))
            rows.append((start, cells))
    except csv.Error as err:
        raise ImportProblem(
            _("line {line}: {error}").format(line=reader.line_num, error=err)
        ) from None
    if header is None:
        raise ImportProblem(_("the file is empty: no header line"))
    return Table(header, tuple(rows), encoding, delimiter)


def read_table(data: bytes, name: str = "") -> Table:
    """The table in a file's bytes: XLSX by its name (or zip signature), else CSV."""
    if len(data) > MAX_BYTES:
        raise ImportProblem(
            _("the file is larger than {size} MB").format(size=MAX_BYTES // (1024 * 1024))
        )
    if name.lower().endswith((".xlsx", ".xlsm")) or data.startswith(b"PK\x03\x04"):
        from funnel_tui.services.csv_import.xlsx import read_xlsx

        return read_xlsx(data)
    text, encoding = decode(data)
    return parse_text(text, encoding=encoding)
