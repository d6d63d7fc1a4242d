"""`funnel export --format csv`: columns, BOM, delimiter, filters, the formula guard, the
activities file, and that Python's `csv` reads back exactly what was stored."""

from __future__ import annotations

import csv
import io
import json
import time
from pathlib import Path
from typing import Any

import pytest

from funnel_tui.cli import main
from funnel_tui.services.csv_export import ACTIVITY_COLUMNS, DEAL_COLUMNS, guard_formula

HOSTILE = 'bell\x07 esc\x1b[31m red\x1b[0m nul\x00 c1\x9b2J bidi\u202e zw\u200b;quote"\r\nline'


def _deal(title: str, **fields: Any) -> dict[str, Any]:
    created = fields.pop("created_at", "2026-10-01T09:00:00Z")
    history = fields.pop("history", [{"stage": "Lead", "at": created, "by": "anna"}])
    return {
        "title": title,
        "pipeline": "New clients",
        "value": "0.00",
        "currency": "RUB",
        "owner": "anna",
        "created_at": created,
        "history": history,
    } | fields


DOCUMENT: dict[str, Any] = {
    "format": "funnel/1",
    "users": [{"login": "anna", "name": "Anna"}, {"login": "boris", "name": "Boris"}],
    "pipelines": [
        {
            "name": "New clients",
            "stages": [
                {"name": "Lead", "kind": "open"},
                {"name": "Meeting", "kind": "open"},
                {"name": "Won", "kind": "won"},
                {"name": "Lost", "kind": "lost"},
            ],
            "loss_reasons": ["Price", "Competitor"],
        },
        {
            "name": "Repeat",
            "stages": [
                {"name": "Lead", "kind": "open"},
                {"name": "Won", "kind": "won"},
                {"name": "Lost", "kind": "lost"},
            ],
        },
    ],
    "deals": [
        _deal(
            "Office chairs",
            value="1500.50",
            company="Romashka LLC",
            contact="Ivan Petrov",
            phone="+7 900 000-00-00",
            email="ivan@example.com",
            source="website",
            tags=["b2b", "vip"],
            expected_close="2026-11-30",
            next_contact_at="2026-11-25T07:00:00Z",
            next_contact_note="send the offer",
            activities=[
                {
                    "kind": "call",
                    "direction": "out",
                    "outcome": "reached",
                    "duration_s": 180,
                    "at": "2026-10-03T10:00:00Z",
                    "by": "anna",
                    "body": "=cmd|' /C calc'!A0",
                },
                {"kind": "note", "at": "2026-10-04T10:00:00Z", "by": "boris", "body": HOSTILE},
            ],
        ),
        _deal(
            '=HYPERLINK("http://evil","x")',
            value="1234567.89",
            owner="boris",
            company="@SUM(A1)",
            contact="-2+3",
            source="\tsneaky",
            created_at="2026-10-20T09:00:00Z",
            history=[
                {"stage": "Lead", "at": "2026-10-20T09:00:00Z", "by": "boris"},
                {"stage": "Lost", "at": "2026-10-22T09:00:00Z", "by": "boris"},
            ],
            loss_reason="Price",
            loss_note="+too expensive",
        ),
        _deal(
            HOSTILE.replace("\r\n", " "),
            value="10.00",
            currency="EUR",
            created_at="2026-11-02T09:00:00Z",
            history=[
                {"stage": "Lead", "at": "2026-11-02T09:00:00Z", "by": "anna"},
                {"stage": "Meeting", "at": "2026-11-03T09:00:00Z", "by": "anna"},
                {"stage": "Won", "at": "2026-11-04T09:00:00Z", "by": "anna"},
            ],
        ),
        _deal(
            "Repeat order",
            pipeline="Repeat",
            value="99.00",
            owner="boris",
            created_at="2026-09-15T09:00:00Z",
        ),
        _deal("Deleted one", deleted_at="2026-10-10T09:00:00Z"),
    ],
}


@pytest.fixture
def db(tmp_path: Path) -> Path:
    source = tmp_path / "in.json"
    source.write_text(json.dumps(DOCUMENT), encoding="utf-8")
    path = tmp_path / "a.db"
    assert main(["--db", str(path), "import", str(source)]) == 0
    return path


def export(db: Path, *args: str) -> int:
    return main(["--db", str(db), "export", "--format", "csv", *args])


def read(path: Path, delimiter: str = ",") -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle, delimiter=delimiter))


def by_title(rows: list[dict[str, str]]) -> dict[str, dict[str, str]]:
    return {row["title"]: row for row in rows}


def test_columns_and_values_read_back(db: Path, tmp_path: Path) -> None:
    out = tmp_path / "deals.csv"
    assert export(db, "-o", str(out)) == 0
    with out.open(encoding="utf-8", newline="") as handle:
        header = next(csv.reader(handle))
    assert tuple(header) == DEAL_COLUMNS
    rows = read(out)
    assert len(rows) == 4  # the deleted deal is left out
    chairs = by_title(rows)["Office chairs"]
    assert chairs == chairs | {
        "pipeline": "New clients",
        "stage": "Lead",
        "status": "open",
        "value": "1500.50",
        "currency": "RUB",
        "owner": "anna",
        "company": "Romashka LLC",
        "contact": "Ivan Petrov",
        "phone": "+7 900 000-00-00",  # a phone number is not guarded
        "email": "ivan@example.com",
        "source": "website",
        "tags": "b2b; vip",
        "expected_close": "2026-11-30",
        "next_contact": "2026-11-25T07:00:00Z",
        "next_contact_note": "send the offer",
        "loss_reason": "",
        "created_at": "2026-10-01T09:00:00Z",
        "closed_at": "",
    }
    assert chairs["id"].isdigit()
    lost = by_title(rows)['\'=HYPERLINK("http://evil","x")']
    assert lost["status"] == "lost"
    assert lost["value"] == "1234567.89"  # no thousands separators
    assert lost["loss_reason"] == "Price"
    assert lost["closed_at"] == "2026-10-22T09:00:00Z"


def test_formula_guard_and_raw(db: Path, tmp_path: Path) -> None:
    guarded, raw = tmp_path / "g.csv", tmp_path / "r.csv"
    assert export(db, "-o", str(guarded)) == 0
    assert export(db, "--raw", "-o", str(raw)) == 0
    row = next(r for r in read(guarded) if r["owner"] == "boris" and r["status"] == "lost")
    assert row["title"] == '\'=HYPERLINK("http://evil","x")'
    assert row["company"] == "'@SUM(A1)"
    assert row["contact"] == "'-2+3"
    assert row["loss_note"] == "'+too expensive"
    assert row["value"] == "1234567.89"
    exact = next(r for r in read(raw) if r["owner"] == "boris" and r["status"] == "lost")
    assert exact["title"] == '=HYPERLINK("http://evil","x")'
    assert exact["company"] == "@SUM(A1)"
    assert exact["loss_note"] == "+too expensive"


def test_guard_rule() -> None:
    for text in ("=1+1", "+1+cmd|' /C calc'!A0", "-5% off", "@x", "\tx", "\rx", "-2+3"):
        assert guard_formula(text) == "'" + text
    for text in ("ok", "+7 900 000-00-00", "-", "+1 (555) 010.20/30", "a=b", "'=x"):
        assert guard_formula(text) == text


def test_bom_present_only_when_asked(db: Path, tmp_path: Path) -> None:
    plain, bom = tmp_path / "plain.csv", tmp_path / "bom.csv"
    assert export(db, "-o", str(plain)) == 0
    assert export(db, "--bom", "-o", str(bom)) == 0
    assert plain.read_bytes().startswith(b"id,external_id,title,")
    assert bom.read_bytes().startswith(b"\xef\xbb\xbfid,external_id,title,")
    assert bom.read_bytes()[3:] == plain.read_bytes()


@pytest.mark.parametrize(("option", "delimiter"), [(";", ";"), ("tab", "\t"), (",", ",")])
def test_delimiter(db: Path, tmp_path: Path, option: str, delimiter: str) -> None:
    out = tmp_path / "d.csv"
    assert export(db, "--delimiter", option, "-o", str(out)) == 0
    first = out.read_text(encoding="utf-8").splitlines()[0]
    assert first == delimiter.join(DEAL_COLUMNS)
    rows = read(out, delimiter)
    assert by_title(rows)["Office chairs"]["value"] == "1500.50"
    assert len(rows) == 4


def test_stdout_by_default(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert export(db) == 0
    text = capsys.readouterr().out
    assert text.startswith("id,external_id,title,pipeline,stage,stage_position,status,value,")
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    assert {row["title"] for row in rows} >= {"Office chairs", "Repeat order"}


@pytest.mark.parametrize(
    ("args", "titles"),
    [
        (["--pipeline", "repeat"], {"Repeat order"}),
        (["--owner", "boris"], {"Repeat order", '\'=HYPERLINK("http://evil","x")'}),
        (["--status", "lost"], {'\'=HYPERLINK("http://evil","x")'}),
        (["--status", "won"], {HOSTILE.replace("\r\n", " ")}),
        (["--stage", "lead"], {"Office chairs", "Repeat order"}),
        (["--stage", "Lead", "--pipeline", "New clients"], {"Office chairs"}),
        (
            ["--from", "2026-10-01", "--to", "2026-10-31"],
            {"Office chairs", '\'=HYPERLINK("http://evil","x")'},
        ),
        (["--from", "2026-09-01", "--to", "2026-09-30", "--owner", "anna"], set()),
    ],
)
def test_filters(
    db: Path, tmp_path: Path, args: list[str], titles: set[str], utc_zone: None
) -> None:
    out = tmp_path / "f.csv"
    assert export(db, *args, "-o", str(out)) == 0
    assert {row["title"] for row in read(out)} == titles


def test_unknown_filter_values_are_one_line_errors(
    db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert export(db, "--pipeline", "Nope") == 1
    assert "no pipeline 'Nope'" in capsys.readouterr().err
    assert export(db, "--stage", "Nope") == 1
    assert "no stage 'Nope'" in capsys.readouterr().err
    assert export(db, "--owner", "nobody") == 1
    assert "no user 'nobody'" in capsys.readouterr().err


def test_csv_options_are_refused_for_json(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--db", str(db), "export", "--status", "won"]) == 2
    assert "--status is for --format csv" in capsys.readouterr().err
    assert main(["--db", str(db), "export", "--format", "csv", "--from", "2026-10-01"]) == 2


def test_activities_file(db: Path, tmp_path: Path) -> None:
    deals, acts = tmp_path / "deals.csv", tmp_path / "acts.csv"
    assert export(db, "--bom", "-o", str(deals), "--activities", str(acts)) == 0
    assert acts.read_bytes().startswith(b"\xef\xbb\xbfdeal_id,deal_title,")
    with acts.open(encoding="utf-8-sig", newline="") as handle:
        assert tuple(next(csv.reader(handle))) == ACTIVITY_COLUMNS
    rows = read(acts)
    chairs = by_title(read(deals))["Office chairs"]
    assert [row["deal_id"] for row in rows] == [chairs["id"], chairs["id"]]
    call, note = rows
    assert call == call | {
        "deal_title": "Office chairs",
        "kind": "call",
        "direction": "out",
        "outcome": "reached",
        "duration_s": "180",
        "at": "2026-10-03T10:00:00Z",
        "by": "anna",
        "body": "'=cmd|' /C calc'!A0",
    }
    assert note["kind"] == "note"
    assert note["by"] == "boris"
    assert note["direction"] == note["outcome"] == note["duration_s"] == ""


def test_activities_follow_the_filter(db: Path, tmp_path: Path) -> None:
    deals, acts = tmp_path / "deals.csv", tmp_path / "acts.csv"
    assert export(db, "--status", "lost", "-o", str(deals), "--activities", str(acts)) == 0
    assert read(acts) == []
    assert acts.read_text(encoding="utf-8").startswith("deal_id,")


def test_hostile_text_is_kept_exactly(db: Path, tmp_path: Path) -> None:
    """CSV is data for other tools: control characters, quotes, delimiters and line breaks in
    a cell come back exactly (the formula guard is the only change)."""
    deals, acts = tmp_path / "deals.csv", tmp_path / "acts.csv"
    assert export(db, "--delimiter", ";", "-o", str(deals), "--activities", str(acts)) == 0
    titles = {row["title"] for row in read(deals, ";")}
    assert HOSTILE.replace("\r\n", " ") in titles
    bodies = [row["body"] for row in read(acts, ";")]
    assert HOSTILE.strip() in bodies


def test_unwritable_output_is_a_one_line_error(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert export(db, "-o", str(tmp_path / "missing" / "x.csv")) == 1
    assert "cannot write" in capsys.readouterr().err


def test_ten_thousand_deals(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Large-ish export: the time is printed (run with -s), not asserted."""
    path = tmp_path / "big.db"
    assert main(["--db", str(path), "demo", "--deals", "10000", "--seed", "2"]) == 0
    deals, acts = tmp_path / "deals.csv", tmp_path / "acts.csv"
    started = time.perf_counter()
    assert main(["--db", str(path), "export", "--format", "csv", "-o", str(deals),
                 "--activities", str(acts)]) == 0  # fmt: skip
    elapsed = time.perf_counter() - started
    rows = read(deals)
    assert len(rows) == 10000
    assert all(row["value"].replace(".", "", 1).isdigit() for row in rows)
    assert read(acts)
    with capsys.disabled():
        print(f"\n10,000 deals exported as CSV (with activities) in {elapsed:.2f} s")


def test_terminal_gets_no_escape_sequences(
    db: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """On a terminal the cells are shown with stand-ins for control characters, and no BOM."""
    capsys.readouterr()
    monkeypatch.setattr("sys.stdout.isatty", lambda: True)
    assert export(db, "--bom") == 0
    text = capsys.readouterr().out
    assert text.startswith("id,external_id,title,")
    assert "\x1b" not in text
    assert "\x07" not in text
    assert "\u202e" not in text
    assert "␛[31m" in text
