"""Whatever bytes come in, the CSV import fails only with its own one-line errors."""

from __future__ import annotations

import io
from datetime import UTC, datetime

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from funnel_tui.domain.errors import ValidationError
from funnel_tui.services.csv_import import PRESETS, ImportProblem, read_table
from funnel_tui.services.csv_import.presets import detect_preset, normalize
from funnel_tui.services.csv_import.rows import login_of, parse_rows
from funnel_tui.services.csv_import.sniff import decode, parse_text, sniff_delimiter

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
FIELDS = ["title", "value", "currency", "created_at", "closed_at", "status", "stage", "owner",
          "email", "phone", "tags", "expected_close", "loss_reason", "external_id"]  # fmt: skip
CELLS = st.one_of(
    st.text(max_size=30),
    st.sampled_from(["1 500,50", "1,500.50", "15.03.2024 14:22", "2024-03-15", "won", "Lost",
                     "не закрыта", "-1", "31.02.2024", "1e9", "Успешно реализовано", ""]),
)  # fmt: skip


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=400))
def test_any_bytes_read_or_fail_cleanly(data: bytes) -> None:
    text, encoding = decode(data)
    assert isinstance(text, str) and encoding
    assert sniff_delimiter(text) in ",;\t"
    try:
        table = read_table(data, "x.csv")
    except ImportProblem:
        return
    assert all(len(cells) == len(table.header) for _, cells in table.rows)
    assert all(line >= 2 for line, _ in table.rows)
    detect_preset(table.header)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.lists(CELLS, min_size=len(FIELDS), max_size=len(FIELDS)), max_size=5),
    st.sampled_from(sorted(PRESETS)),
)
def test_rows_become_drafts_or_problems(rows: list[list[str]], preset: str) -> None:
    buffer = io.StringIO()
    import csv

    csv.writer(buffer, delimiter=";").writerows([FIELDS, *rows])
    try:
        table = parse_text(buffer.getvalue())
    except ImportProblem:
        return
    try:
        parsed = parse_rows(table, PRESETS[preset], now=NOW)
    except ValidationError:  # pragma: no cover - every row problem is reported, not raised
        raise
    lines = {d.line for d in parsed.drafts} | {p.line for p in parsed.problems}
    assert lines <= {line for line, _ in table.rows}
    assert not {d.line for d in parsed.drafts} & {p.line for p in parsed.problems}


@given(st.text(max_size=40))
def test_login_of_is_a_login_or_empty(name: str) -> None:
    login = login_of(name)
    assert login == "" or all(part.isascii() and part.isalnum() for part in login.split("."))
    normalize(name)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.lists(CELLS, min_size=len(FIELDS), max_size=len(FIELDS)), max_size=4),
    st.sampled_from(sorted(PRESETS)),
    st.booleans(),
)
def test_import_writes_or_fails_cleanly(rows: list[list[str]], preset: str, skip: bool) -> None:
    import csv
    import tempfile
    from pathlib import Path

    from funnel_tui.services.context import ServiceContext
    from funnel_tui.services.csv_import import import_table
    from funnel_tui.storage.database import open_store

    buffer = io.StringIO()
    csv.writer(buffer).writerows([FIELDS, *rows])
    with tempfile.TemporaryDirectory() as folder:
        store = open_store(Path(folder) / "f.db")
        try:
            context = ServiceContext(store, login="anna", clock=lambda: NOW)
            table = parse_text(buffer.getvalue())
            try:
                result = import_table(context, table, preset=preset, skip_bad=skip)
            except ImportProblem:
                return
            again = import_table(context, table, preset=preset, skip_bad=True)
            assert again.created == 0
            assert again.plan.already_present + again.plan.duplicates_in_file >= result.created
        finally:
            store.close()
