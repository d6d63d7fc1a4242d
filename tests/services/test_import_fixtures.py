"""Acceptance fixtures of `funnel import FILE.csv|FILE.xlsx` (issue 10).

tests/fixtures/import/ holds one export per preset (amoCRM in Russian and in Kommo's English,
Bitrix24 by its Russian headers and by its field codes, Pipedrive as CSV and XLSX, a plain
spreadsheet), several hundred rows each with a few malformed and a couple of repeated rows.
Their generator, make_fixtures.py, also writes expected.json from its own model of the rows:
the dry run must report exactly those bad lines, the import the expected deals per stage and
owner, and a second import nothing new.
"""

from __future__ import annotations

import codecs
import json
import re
import shutil
import subprocess
import sys
import zipfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from funnel_tui.bootstrap import open_services
from funnel_tui.cli.base import Options
from funnel_tui.cli.data import import_
from funnel_tui.config import load_settings
from funnel_tui.domain.models import StageKind
from funnel_tui.services.csv_import import detect_preset, read_table
from tests.analytics.fixture_support import database_for
from tests.conftest import ENGINES

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "import"
EXPECTED: dict[str, dict[str, Any]] = json.loads(
    (FIXTURES / "expected.json").read_text(encoding="utf-8")
)
FILES = sorted(EXPECTED)
CSV_FILES = [name for name in FILES if not name.endswith(".xlsx")]
PROBLEM = re.compile(r"^line (\d+)(?:, column '([^']*)')?: ", re.MULTILINE)


def run(db: str, *args: str) -> tuple[int, str, BaseException | None]:
    options = Options(db=db, settings=load_settings())
    result = CliRunner().invoke(import_, list(args), obj=options)
    return result.exit_code, result.output, result.exception


@dataclass(frozen=True)
class Counts:
    per_stage: Counter[tuple[str, str]]
    """(pipeline, stage name) → deals."""
    per_owner: Counter[str]
    """Owner login → deals."""
    per_kind: Counter[str]
    """open / won / lost → deals."""
    lost_with_reason: int
    """Lost deals whose reason is one of their pipeline's loss reasons."""
    total: int
    logins: frozenset[str]


def counts(db: str) -> Counts:
    services = open_services(db, create=False)
    try:
        with services.context.store.read() as uow:
            pipelines = {p.id: p for p in uow.pipelines.list()}
            logins = {u.id: u.login for u in uow.users.list()}
            stages: Counter[tuple[str, str]] = Counter()
            owners: Counter[str] = Counter()
            kinds: Counter[str] = Counter()
            with_reason = total = 0
            for bundle in uow.bulk.iter_bundles():
                deal = bundle.deal
                pipeline = pipelines[deal.pipeline_id]
                stage = pipeline.stage(deal.stage_id)
                stages[pipeline.name, stage.name] += 1
                owners[logins[deal.owner_id]] += 1
                kinds[stage.kind.value] += 1
                reasons = {reason.id for reason in pipeline.loss_reasons}
                with_reason += stage.kind is StageKind.LOST and deal.loss_reason_id in reasons
                total += 1
    finally:
        services.close()
    return Counts(stages, owners, kinds, with_reason, total, frozenset(logins.values()))


def reported_problems(out: str) -> dict[int, list[str]]:
    """Line → the columns of its problems, as the dry run lists them."""
    reported: dict[int, list[str]] = {}
    for line, column in PROBLEM.findall(out):
        reported.setdefault(int(line), []).append(column)
    return reported


def pipeline_names(db: str) -> set[str]:
    services = open_services(db, create=False)
    try:
        with services.context.store.read() as uow:
            return {p.name for p in uow.pipelines.list()}
    finally:
        services.close()


@pytest.fixture(params=ENGINES)
def database(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The target to import into: an SQLite file, or a fresh PostgreSQL database."""
    return database_for(request) or str(tmp_path / "funnel.db")


@pytest.mark.parametrize("name", FILES)
def test_dry_run_names_the_bad_rows_then_the_import_counts_and_runs_once(
    tmp_path: Path, name: str, database: str
) -> None:
    want = EXPECTED[name]
    file = tmp_path / name
    shutil.copyfile(FIXTURES / name, file)  # --skip-bad writes FILE.rejected.csv beside it
    db = database
    args = (str(file), "--preset", want["preset"], "--create-stages")
    bad = {int(line): column for line, column in want["bad"].items()}
    deals, repeated = want["deals"], want["repeated"]

    code, out, error = run(db, *args, "--dry-run")
    assert code == 0, (out, error)
    reported = reported_problems(out)
    assert set(reported) == set(bad), out
    assert all(bad[line] in columns for line, columns in reported.items()), reported
    assert (
        f"{deals} new deals, 0 already here, {repeated} repeated in the file, "
        f"{len(bad)} bad rows." in out
    ), out
    assert f"Would import {deals} deals." in out
    nothing = counts(db)
    assert nothing.total == 0
    assert not nothing.logins & set(want["per_owner"])
    assert not pipeline_names(db) & {pipeline for pipeline, _, _ in want["per_stage"]}

    code, out, error = run(db, *args, "--skip-bad")
    assert code == 0, (out, error)
    assert f"Imported {deals} deals." in out, out
    assert f"{len(bad)} bad rows written to" in out, out
    assert file.with_name(file.stem + ".rejected.csv").exists()
    imported = counts(db)
    assert imported.total == deals
    assert imported.per_stage == Counter({(p, s): count for p, s, count in want["per_stage"]})
    assert imported.per_owner == Counter(want["per_owner"])
    assert imported.per_kind == Counter(want["per_kind"])
    assert imported.lost_with_reason == want["lost_with_reason"]

    code, out, error = run(db, *args, "--skip-bad")
    assert code == 0, (out, error)
    assert f"0 new deals, {deals + repeated} already here" in out, out
    assert "Imported 0 deals." in out
    assert counts(db) == imported


@pytest.mark.parametrize("name", FILES)
def test_each_bad_row_has_one_problem_at_its_defect(tmp_path: Path, name: str) -> None:
    """A row with one defect gets one problem: e.g. an unreadable creation date must not
    also make a valid closing date "earlier than the creation date"."""
    want = EXPECTED[name]
    file = tmp_path / name
    shutil.copyfile(FIXTURES / name, file)
    args = (str(file), "--preset", want["preset"], "--create-stages", "--dry-run")
    code, out, error = run(str(tmp_path / "funnel.db"), *args)
    assert code == 0, (out, error)
    bad = {int(line): [column] for line, column in want["bad"].items()}
    assert reported_problems(out) == bad


@pytest.mark.parametrize("name", FILES)
def test_the_preset_is_recognised_from_the_header(name: str) -> None:
    table = read_table((FIXTURES / name).read_bytes(), name)
    assert table.header == tuple(EXPECTED[name]["header"])
    assert detect_preset(table.header).name == EXPECTED[name]["preset"]


@pytest.mark.parametrize("name", CSV_FILES)
def test_each_file_is_in_its_declared_encoding_and_delimiter(name: str) -> None:
    want = EXPECTED[name]
    data = (FIXTURES / name).read_bytes()
    if want["encoding"] == "cp1251":
        with pytest.raises(UnicodeDecodeError):
            data.decode("utf-8")
        text = data.decode("cp1251")
    elif want["encoding"] == "utf-8-sig":
        assert data.startswith(codecs.BOM_UTF8)
        text = data.decode("utf-8-sig")
    else:
        assert want["encoding"] == "utf-8"
        assert not data.startswith(codecs.BOM_UTF8)
        text = data.decode("utf-8")
    assert text.split("\r\n", 1)[0].split(want["delimiter"]) == want["header"]
    table = read_table(data, name)
    assert (table.encoding, table.delimiter) == (want["encoding"], want["delimiter"])
    assert len(table.rows) == want["rows"]


def test_the_xlsx_is_a_workbook_of_the_same_rows() -> None:
    data = (FIXTURES / "pipedrive_en.xlsx").read_bytes()
    assert data.startswith(b"PK\x03\x04")
    table = read_table(data, "pipedrive_en.xlsx")
    assert table.encoding == "xlsx"
    assert len(table.rows) == EXPECTED["pipedrive_en.xlsx"]["rows"]
    assert table.header == read_table((FIXTURES / "pipedrive_en.csv").read_bytes()).header


def test_the_generator_writes_the_same_bytes(tmp_path: Path) -> None:
    out = tmp_path / "fixtures"
    subprocess.run(
        [sys.executable, str(FIXTURES / "make_fixtures.py"), str(out)], check=True, timeout=60
    )
    written = sorted(path.name for path in out.iterdir())
    committed = sorted(
        path.name for path in FIXTURES.iterdir() if path.is_file() and path.suffix != ".py"
    )
    assert written == committed
    for name in written:
        if name.endswith(".xlsx"):  # the deflated bytes depend on the zlib build
            assert zip_entries(out / name) == zip_entries(FIXTURES / name), name
        else:
            assert (out / name).read_bytes() == (FIXTURES / name).read_bytes(), name


def zip_entries(path: Path) -> list[tuple[str, tuple[int, ...], bytes]]:
    with zipfile.ZipFile(path) as archive:
        return [(i.filename, i.date_time, archive.read(i)) for i in archive.infolist()]
