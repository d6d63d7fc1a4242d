"""A card's next-contact badge writes its day in the user's date format: `11/16` in English
by default, `16.11` in Russian, and as chosen when a format is picked."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest

from funnel_tui.bootstrap import build_app, open_services
from funnel_tui.config import Settings
from funnel_tui.domain.date_format import set_date_format
from funnel_tui.domain.models import DealDraft
from funnel_tui.domain.money import Money
from funnel_tui.render.format import short_when
from funnel_tui.ui.widgets.stage_column import StageColumn

from .conftest import NOW, frozen_clock, settle

CONTACT = datetime(2026, 11, 16, 12, 0, tzinfo=NOW.tzinfo)  # a week before NOW: overdue


def one_deal_db(tmp_path: Path) -> Path:
    path = tmp_path / "dates.db"
    services = open_services(path, login="anna", clock=frozen_clock)
    sales = services.pipelines.create_from_template("b2b", "en", "Sales")
    deal = services.deals.create(
        DealDraft("Office chairs", Money(150_000_00, "RUB")),
        pipeline_id=sales.id,
        stage_id=sales.open_stages[0].id,
        at=NOW - timedelta(days=10),
    )
    services.deals.set_next_contact(deal.id, CONTACT, at=NOW - timedelta(days=10))
    services.close()
    return path


async def badge_text(path: Path, language: str) -> str:
    app = build_app(
        Settings(currency="RUB", language=language, start_screen="board"),
        str(path),
        login="anna",
        clock=frozen_clock,
    )
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        column = app.screen.query(StageColumn).first()
        return "\n".join(column.render_line(y).text for y in range(column.size.height))


@pytest.mark.usefixtures("utc_zone")
@pytest.mark.parametrize(
    ("language", "chosen", "shown", "not_shown"),
    [
        ("en", "", "◷11/16", "16.11"),
        ("ru", "", "◷16.11", "11/16"),
        ("en", "dd.mm.yyyy", "◷16.11", "11/16"),
        ("ru", "dd/mm/yyyy", "◷16/11", "16.11"),
    ],
)
async def test_the_card_badge_shows_the_day_in_the_date_format(
    tmp_path: Path, language: str, chosen: str, shown: str, not_shown: str
) -> None:
    set_date_format(chosen)
    text = await badge_text(one_deal_db(tmp_path), language)
    assert "Office chairs" in text
    assert shown in text
    assert not_shown not in text


@pytest.mark.usefixtures("utc_zone")
def test_the_badge_has_a_short_year_in_another_year() -> None:
    later = datetime(2027, 1, 5, 12, 0, tzinfo=NOW.tzinfo)
    assert short_when(later, NOW.date()) == "01/05/27"
    set_date_format("dd.mm.yyyy")
    assert short_when(later, NOW.date()) == "05.01.27"
    assert short_when(CONTACT, NOW.date()) == "16.11"
