"""`funnel agenda` and `funnel ics` as a user runs them, on a temporary database.

The CLI has no clock option, so next contacts are placed around the real now, and the local
time zone (TZ) is chosen so that it is about noon there: "today" then has hours left on both
sides, whenever the tests run.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from funnel_tui.bootstrap import open_services
from funnel_tui.cli import main
from funnel_tui.domain.models import Deal, DealDraft
from funnel_tui.domain.money import Money
from funnel_tui.services.agenda_model import AgendaItem, Section


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[bytes]:
    """The real command in a subprocess; output as bytes (a calendar's CRLFs intact)."""
    return subprocess.run(
        [sys.executable, "-m", "funnel_tui", *args],
        capture_output=True,
        env={**os.environ, "COLUMNS": "200", **(env or {})},
        timeout=120,
        check=False,
    )


@pytest.fixture
def zone(monkeypatch: pytest.MonkeyPatch) -> ZoneInfo:
    """A whole-hour zone where it is now 12:xx (Etc/GMT-3 is UTC+3: the sign is reversed)."""
    offset = 12 - datetime.now(UTC).hour
    name = f"Etc/GMT{-offset:+d}" if offset else "Etc/GMT"
    monkeypatch.setenv("TZ", name)
    return ZoneInfo(name)


@pytest.fixture
def now() -> datetime:
    return datetime.now(UTC).replace(second=0, microsecond=0)


@pytest.fixture
def crm(tmp_path: Path, zone: ZoneInfo, now: datetime) -> tuple[Path, dict[str, Deal]]:
    """A database with a deal in every situation the agenda tells apart."""
    path = tmp_path / "crm.db"
    services = open_services(str(path), login="anna")
    try:
        pipeline = services.pipelines.create_from_template("b2b", "en", "New clients")

        def add(
            title: str,
            next_at: datetime | None,
            note: str | None = None,
            *,
            by: str | None = None,
            company: str | None = None,
        ) -> Deal:
            deal = services.deals.create(
                DealDraft(title, Money(150_050, "RUB"), company=company),
                pipeline_id=pipeline.id,
                by=by,
            )
            if next_at is not None:
                deal = services.deals.set_next_contact(deal.id, next_at, note, by=by)
            return deal

        made = {
            "overdue": add(
                "Office chairs",
                now - timedelta(hours=2),
                "send the offer",
                company="Romashka LLC",
            ),
            "today": add("Desks", now + timedelta(hours=2), "call the CFO", by="ivan"),
            "later": add("Lamps", now + timedelta(hours=3)),
            "tomorrow": add("Carpets", now + timedelta(days=1), "visit"),
            "none": add("Plants", None),
            "won": add("Won deal", now + timedelta(hours=1)),
            "deleted": add("Deleted deal", now + timedelta(hours=1)),
        }
        services.deals.win(made["won"].id)
        services.deals.delete(made["deleted"].id)
    finally:
        services.close()
    return path, made


# --- funnel agenda --------------------------------------------------------------------------


def test_agenda_prints_overdue_and_today_with_a_summary(
    crm: tuple[Path, dict[str, Deal]], capsys: pytest.CaptureFixture[str]
) -> None:
    path, _ = crm
    assert main(["--db", str(path), "agenda"]) == 0
    out = capsys.readouterr().out
    assert "Overdue (1)" in out and "Today (2)" in out
    for shown in ("Office chairs", "Romashka LLC", "send the offer", "Desks", "call the CFO"):
        assert shown in out
    assert "ivan" in out and "anna" in out
    for hidden in ("Carpets", "Plants", "Won deal", "Deleted deal"):
        assert hidden not in out
    assert out.index("Office chairs") < out.index("Desks") < out.index("Lamps")
    assert out.strip().splitlines()[-1] == "1 overdue, 2 today"


def test_agenda_quiet_prints_only_the_summary(
    crm: tuple[Path, dict[str, Deal]], capsys: pytest.CaptureFixture[str]
) -> None:
    path, _ = crm
    assert main(["--db", str(path), "agenda", "--quiet"]) == 0
    assert capsys.readouterr().out == "1 overdue, 2 today\n"
    assert main(["--db", str(path), "agenda", "-q", "--owner", "ivan"]) == 0
    assert capsys.readouterr().out == "0 overdue, 1 today\n"


def test_agenda_of_one_owner(
    crm: tuple[Path, dict[str, Deal]], capsys: pytest.CaptureFixture[str]
) -> None:
    path, _ = crm
    assert main(["--db", str(path), "agenda", "--owner", "ivan"]) == 0
    out = capsys.readouterr().out
    assert "Desks" in out
    assert "Office chairs" not in out and "Lamps" not in out


def test_nothing_due_still_exits_0(
    tmp_path: Path, zone: ZoneInfo, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "empty.db"
    assert main(["--db", str(path), "add", "Chairs"]) == 0
    capsys.readouterr()
    assert main(["--db", str(path), "agenda"]) == 0
    assert capsys.readouterr().out == "Nothing due: 0 overdue, 0 today\n"
    assert main(["--db", str(path), "agenda", "--format", "json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert (document["overdue"], document["today"]) == ([], [])
    assert (document["overdue_total"], document["today_total"]) == (0, 0)


def test_unknown_owner_is_a_one_line_error(crm: tuple[Path, dict[str, Deal]]) -> None:
    path, _ = crm
    for command in ("agenda", "ics"):
        result = run("--db", str(path), command, "--owner", "zed")
        assert result.returncode == 1
        err = result.stderr.decode()
        assert "no user 'zed' (users: anna, ivan)" in err
        assert len(err.strip().splitlines()) == 1
        assert "Traceback" not in err
        assert result.stdout == b""


def test_quiet_json_is_a_usage_error(crm: tuple[Path, dict[str, Deal]]) -> None:
    path, _ = crm
    assert main(["--db", str(path), "agenda", "--quiet", "--format", "json"]) == 2


def _expected(item: AgendaItem) -> dict[str, object]:
    return {
        "deal_id": item.deal_id,
        "version": item.version,
        "title": item.title,
        "company": item.company,
        "value": str(item.value.major),
        "currency": item.value.currency,
        "owner_login": item.owner_login,
        "owner_name": item.owner_name,
        "pipeline_name": item.pipeline_name,
        "stage_name": item.stage_name,
        "next_contact_at": item.next_contact_at,
        "next_contact_note": item.next_contact_note,
        "idle_since": item.idle_since,
        "rot_days": item.rot_days,
        "on_hold": item.on_hold,
    }


def _read_times(entry: dict[str, object]) -> dict[str, object]:
    """JSON times back to aware datetimes; they must be ISO 8601 UTC with a Z."""
    read = dict(entry)
    for key in ("next_contact_at", "idle_since"):
        text = entry[key]
        assert isinstance(text, str) and text.endswith("Z")
        read[key] = datetime.fromisoformat(text)
    return read


def test_json_agenda_is_what_the_service_returns(
    crm: tuple[Path, dict[str, Deal]],
    zone: ZoneInfo,
    capsys: pytest.CaptureFixture[str],
) -> None:
    path, made = crm
    assert main(["--db", str(path), "agenda", "--format", "json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert set(document) == {"now", "overdue", "today", "overdue_total", "today_total"}
    assert document["now"].endswith("Z")
    assert abs(datetime.fromisoformat(document["now"]) - datetime.now(UTC)) < timedelta(minutes=5)

    services = open_services(str(path), create=False)
    try:
        agenda = services.agenda.agenda(owner_id=None, zone=zone)
    finally:
        services.close()
    for name, section in (("overdue", Section.OVERDUE), ("today", Section.TODAY)):
        expected = agenda.section(section)
        assert [_read_times(entry) for entry in document[name]] == [
            _expected(item) for item in expected.items
        ]
        assert document[f"{name}_total"] == expected.total
    (overdue,) = document["overdue"]
    assert overdue["deal_id"] == made["overdue"].id
    assert (overdue["value"], overdue["currency"]) == ("1500.50", "RUB")
    assert overdue["company"] == "Romashka LLC"
    assert [entry["title"] for entry in document["today"]] == ["Desks", "Lamps"]


def test_markup_and_escapes_in_agenda_data_print_literally(
    tmp_path: Path, zone: ZoneInfo, now: datetime
) -> None:
    path = tmp_path / "evil.db"
    services = open_services(str(path), login="anna")
    try:
        pipeline = services.pipelines.create_from_template("b2b", "en", "New clients")
        deal = services.deals.create(
            DealDraft(
                "[bold red]x[/] \x1b]52;c;aGk=\x07",
                Money(1, "RUB"),
                company="[link=https://evil.example]Co[/link]",
            ),
            pipeline_id=pipeline.id,
        )
        services.deals.set_next_contact(deal.id, now - timedelta(hours=1), "\x1b[2Jwipe [i]it[/i]")
    finally:
        services.close()
    result = run("--db", str(path), "agenda")
    assert result.returncode == 0, result.stderr
    out = result.stdout.decode()
    assert "\x1b" not in out and "\x07" not in out
    assert "[bold red]x[/]" in out
    assert "␛]52;c;aGk=␇" in out
    assert "[link=https://evil.example]Co[/link]" in out
    assert "␛[2Jwipe [i]it[/i]" in out


# --- funnel ics -----------------------------------------------------------------------------


def _events(data: bytes) -> dict[str, object]:
    calendar = Calendar.from_ical(data)
    assert str(calendar["VERSION"]) == "2.0"
    assert "funnel-tui" in str(calendar["PRODID"])
    return {str(event["UID"]): event for event in calendar.walk("VEVENT")}


def test_ics_has_one_event_per_next_contact_with_stable_uids(
    crm: tuple[Path, dict[str, Deal]], tmp_path: Path
) -> None:
    path, made = crm
    first = run("--db", str(path), "ics")
    assert first.returncode == 0, first.stderr
    assert first.stdout.startswith(b"BEGIN:VCALENDAR\r\n")
    events = _events(first.stdout)
    live = [made[key] for key in ("overdue", "today", "later", "tomorrow")]
    assert len(events) == len(live)
    for deal in live:
        uid = f"funnel-deal-{deal.id}-{int(deal.created_at.timestamp())}@funnel-tui"
        event = events[uid]
        assert event.decoded("DTSTART") == deal.next_contact_at  # type: ignore[attr-defined]
        assert event.decoded("DURATION") == timedelta(minutes=15)  # type: ignore[attr-defined]
        assert deal.title in str(event["SUMMARY"])  # type: ignore[index]
        assert "DTSTAMP" in event  # type: ignore[operator]
    chairs = events[next(uid for uid in events if f"-{made['overdue'].id}-" in uid)]
    assert str(chairs["SUMMARY"]) == "Call: Office chairs (Romashka LLC)"  # type: ignore[index]
    description = str(chairs["DESCRIPTION"])  # type: ignore[index]
    assert "send the offer" in description and "anna" in description
    assert "New clients / Prospecting" in description

    output = tmp_path / "contacts.ics"
    again = run("--db", str(path), "ics", "-o", str(output))
    assert again.returncode == 0 and again.stdout == b""
    assert set(_events(output.read_bytes())) == set(events)


def test_ics_of_one_owner_and_control_characters(
    crm: tuple[Path, dict[str, Deal]], capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    path, made = crm
    assert main(["--db", str(path), "ics", "--owner", "ivan"]) == 0
    events = _events(capsysbinary.readouterr().out)
    assert [str(e["SUMMARY"]) for e in events.values()] == ["Call: Desks"]  # type: ignore[index]

    services = open_services(str(path), create=False, login="anna")
    try:
        services.deals.set_next_contact(
            made["tomorrow"].id, made["tomorrow"].next_contact_at, "ring\x1b[2J\x07 twice"
        )
    finally:
        services.close()
    assert main(["--db", str(path), "ics"]) == 0
    data = capsysbinary.readouterr().out
    assert b"\x1b" not in data and b"\x07" not in data
    descriptions = [str(e["DESCRIPTION"]) for e in _events(data).values()]  # type: ignore[index]
    assert any("ring␛[2J␇ twice" in text for text in descriptions)
