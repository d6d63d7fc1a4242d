"""XLSX sheets as tables (the first sheet), when openpyxl is installed."""

from __future__ import annotations

import io
from datetime import date, datetime
from typing import Any

from funnel_tui.i18n import _
from funnel_tui.services.csv_import.errors import ImportProblem
from funnel_tui.services.csv_import.sniff import Table


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%d.%m.%Y %H:%M:%S")
    if isinstance(value, date):
        return value.strftime("%d.%m.%Y")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def read_xlsx(data: bytes) -> Table:
    try:
        import openpyxl  # type: ignore[import-untyped, unused-ignore]
    except ImportError:
        raise ImportProblem(_("reading .xlsx needs openpyxl: save the sheet as CSV")) from None
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as err:  # noqa: BLE001 - a broken zip/xml is a problem of the file
        raise ImportProblem(_("not a readable .xlsx file: {error}").format(error=err)) from None
    sheet = book.worksheets[0]
    header: tuple[str, ...] | None = None
    rows: list[tuple[int, tuple[str, ...]]] = []
    for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
        cells = tuple(_text(value) for value in values)
        if not any(cell.strip() for cell in cells):
            continue
        if header is None:
            header = tuple(cell.strip() for cell in cells)
            continue
        cells = cells[: len(header)] + ("",) * (len(header) - len(cells))
        rows.append((number, cells))
    book.close()
    if header is None:
        raise ImportProblem(_("the sheet is empty: no header row"))
    return Table(header, tuple(rows), "xlsx", "")
