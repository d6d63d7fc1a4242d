"""`date_format` in the config: the commands write dates in it (`funnel agenda`), and English
without a choice writes them month first."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from funnel_tui.bootstrap import open_services
from funnel_tui.cli import main
from funnel_tui.domain.models import DealDraft
from funnel_tui.domain.money import Money

ZONE = "Europe/Moscow"


@pytest.fixture
def overdue(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, datetime]:
    """A database with one deal whose next contact was three days ago; (path, that moment
    in local time)."""
    monkeypatch.setenv("TZ", ZONE)
    path = tmp_path / "crm.db"
    at = datetime.now(UTC).replace(second=0, microsecond=0) - timedelta(days=3)
    services = open_services(str(path), login="anna")
    try:
        pipeline = services.pipelines.create_from_template("b2b", "en", "New clients")
        deal = services.deals.create(
            DealDraft("Office chairs", Money(150_050, "RUB")), pipeline_id=pipeline.id
        )
        services.deals.set_next_contact(deal.id, at, "send the offer")
    finally:
        services.close()
    return path, at.astimezone(ZoneInfo(ZONE))


def agenda(path: Path, config: str, capsys: pytest.CaptureFixture[str]) -> str:
    Path(os.environ["FUNNEL_TUI_CONFIG"]).write_text(config, encoding="utf-8")
    assert main(["--db", str(path), "agenda"]) == 0
    return capsys.readouterr().out


def expected(moment: datetime, day_month: str, full: str) -> str:
    """What the agenda writes for `moment`: without the year in this year."""
    today = datetime.now(ZoneInfo(ZONE)).date()
    return moment.strftime(day_month if moment.year == today.year else full)


@pytest.mark.parametrize(
    ("config", "day_month", "full"),
    [
        ('language = "en"\n', "%m/%d %H:%M", "%m/%d/%Y %H:%M"),
        ('language = "ru"\n', "%d.%m %H:%M", "%d.%m.%Y %H:%M"),
        ('language = "en"\ndate_format = "dd/mm/yyyy"\n', "%d/%m %H:%M", "%d/%m/%Y %H:%M"),
        ('language = "ru"\ndate_format = "yyyy-mm-dd"\n', "%m-%d %H:%M", "%Y-%m-%d %H:%M"),
    ],
)
def test_the_agenda_writes_dates_in_the_configured_format(
    overdue: tuple[Path, datetime],
    capsys: pytest.CaptureFixture[str],
    config: str,
    day_month: str,
    full: str,
) -> None:
    path, at = overdue
    out = agenda(path, config, capsys)
    assert "Office chairs" in out
    assert expected(at, day_month, full) in out


def test_lang_on_the_command_line_picks_its_usual_format(
    overdue: tuple[Path, datetime], capsys: pytest.CaptureFixture[str]
) -> None:
    path, at = overdue
    Path(os.environ["FUNNEL_TUI_CONFIG"]).write_text('language = "en"\n', encoding="utf-8")
    assert main(["--lang", "ru", "--db", str(path), "agenda"]) == 0
    assert expected(at, "%d.%m %H:%M", "%d.%m.%Y %H:%M") in capsys.readouterr().out
