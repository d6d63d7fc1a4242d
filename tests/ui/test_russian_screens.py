"""The app in Russian (issue 14): every screen and modal, reached by keys on a database whose
own data is all Cyrillic, shows no English word of the interface; the board, the deal pane
and the funnel are kept as snapshots.

Any Latin word on these screens is interface text nobody translated (the data has none),
except the few that are the same in both languages: currency codes, key names, the app's
name.
"""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from funnel_tui.bootstrap import open_services
from funnel_tui.domain.models import ActivityKind, DealDraft, Direction, Outcome, Role
from funnel_tui.domain.money import Money

from .conftest import NOW, frozen_clock, pressing, russian_app, screen_text, settle

pytestmark = pytest.mark.usefixtures("moscow_time")

SAME_IN_BOTH = re.compile(
    r"^(RUB|USD|EUR|ctrl|shift|alt|super|esc|enter|tab|space|backspace|delete|home|end|pgup"
    r"|pgdn|up|down|left|right|Funnel|CSV|XLSX|JSON|KPI|ID|UTC|Fn|F\d+"
    r"|amoCRM|Kommo|Bitrix|Pipedrive|Textual|AIDA|anna|ivan)$",
    re.IGNORECASE,
)
"""Latin words a Russian interface may show: codes, key names, the app's, Textual's and other CRMs'
names, and the logins of this database's users (data)."""
NOT_WORDS = re.compile(r"\S*/\S*|\bfunnel(?: [a-z-]+){1,2}\b")
"""Paths, and commands to type (`funnel plan set`): what they say is not translated."""

WORD = re.compile(r"[A-Za-z][A-Za-z'’]+")


@pytest.fixture
def russian_db(tmp_path: Path) -> Path:
    """Two Russian pipelines, three Russian users, deals and activities all in Cyrillic."""
    path = tmp_path / "ru.db"
    services = open_services(path, login="anna", clock=frozen_clock)
    sales = services.pipelines.create_from_template("b2b", "ru", "Продажи")
    services.pipelines.create_from_template("cold", "ru", "Холодные")
    with services.context.store.write() as uow:
        uow.users.add("anna", "Анна Смирнова", Role.LEAD, NOW)
        uow.users.add("ivan", "Иван Петров", Role.REP, NOW)
        uow.commit()
    deals = [
        ("Офисные кресла", "ООО «Ромашка»", 150_000, 0, "anna"),
        ("Столы", "АО «Заря»", 99_900, 0, "ivan"),
        ("Лампы", "ИП Сидоров", 5_000, 1, "anna"),
        ("Серверные стойки", "ПАО «Глобус»", 1_000_000, 2, "ivan"),
        ("Принтеры", "ООО «Инитех»", 30_000, 3, "anna"),
    ]
    for index, (title, company, value, stage, owner) in enumerate(deals):
        deal = services.deals.create(
            DealDraft(
                title,
                Money(value * 100, "RUB"),
                company=company,
                contact="Ольга",
                phone="+7 900 000-00-0" + str(index),
            ),
            pipeline_id=sales.id,
            stage_id=sales.open_stages[stage].id,
            owner=owner,
            at=NOW - timedelta(days=10 - index),
        )
        services.deals.log_activity(
            deal.id,
            ActivityKind.CALL,
            direction=Direction.OUT,
            outcome=Outcome.REACHED,
            duration_s=180,
            body="Обсудили условия",
            at=NOW - timedelta(days=2, hours=index),
        )
        services.deals.set_next_contact(deal.id, NOW + timedelta(hours=index - 2), "Позвонить")
    services.close()
    return path


def english_words(text: str) -> list[str]:
    words = WORD.findall(NOT_WORDS.sub(" ", text))
    return sorted({word for word in words if not SAME_IN_BOTH.match(word)})


ROUTES: dict[str, tuple[str, ...]] = {
    "board": (),
    "help panel": ("question_mark",),
    "new deal": ("n",),
    "lose": ("x",),
    "stage picker": ("m",),
    "move question": ("m", "down", "enter"),
    "owner picker": ("o",),
    "deal pane": ("enter",),
    "log activity": ("enter", "a"),
    "agenda": ("a",),
    "call session": ("a", "s"),
    "log call": ("a", "c"),
    "next contact": ("a", "n"),
    "funnel": ("f",),
    "period": ("f", "d"),
    "reports": ("R",),
    "reports: forecast": ("R", "2"),
    "reports: plan": ("R", "3"),
    "plan modal": ("R", "3", "P"),
    "reports: team": ("R", "4"),
    "reports: losses": ("R", "5"),
    "dashboard": ("D",),
    "import": ("I",),
    "command palette": ("ctrl+p",),
    "settings: pipelines": ("S",),
    "settings: stages": ("S", "tab"),
    "settings: new pipeline": ("S", "n"),
    "settings: stage edit": ("S", "tab", "e"),
    "settings: stage delete": ("S", "tab", "x"),
    "settings: stage targets": ("S", "tab", "t"),
    "settings: loss reasons": ("S", "2"),
    "settings: new loss reason": ("S", "2", "a"),
    "settings: team": ("S", "3"),
    "settings: preferences": ("S", "4"),
}
"""Every screen and modal, by the keys that reach it from the board."""


@pytest.mark.parametrize("route", list(ROUTES), ids=list(ROUTES))
async def test_no_english_is_left_on_screen(russian_db: Path, route: str) -> None:
    app = russian_app(russian_db)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        for key in ROUTES[route]:
            await pilot.press(key)
            await settle(pilot)
        await pilot.pause(0.3)  # the palette and the reports fill in a moment
        await settle(pilot)
        text = screen_text(app)
        assert english_words(text) == [], f"{route}:\n{text}"


@pytest.mark.parametrize("size", [(80, 24), (160, 45)], ids=["80x24", "160x45"])
@pytest.mark.parametrize("keys", [(), ("enter",), ("f",)], ids=["board", "deal pane", "funnel"])
def test_russian_snapshots(
    snap_compare: Any, russian_db: Path, keys: tuple[str, ...], size: tuple[int, int]
) -> None:
    assert snap_compare(russian_app(russian_db), terminal_size=size, run_before=pressing(*keys))
