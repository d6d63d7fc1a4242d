"""The import screen (issue 10), driven by keys with Pilot over a real temporary database.

The files are small amoCRM exports written in `tmp_path` (cp1251, `;`, as Russian Excel
saves them); the database is the board fixture's, whose pipelines know none of their
stages: importing them creates the pipeline "Продажи", after asking.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Input, ProgressBar

from funnel_tui.bootstrap import open_services
from funnel_tui.services.csv_import import PRESETS
from funnel_tui.ui.app import FunnelApp
from funnel_tui.ui.modals.confirm import ConfirmModal
from funnel_tui.ui.screens.board import BoardScreen
from funnel_tui.ui.screens.import_screen import PRESET_CHOICES, ImportScreen

from .conftest import frozen_clock, settle, shown
from .test_board import make_app

pytestmark = pytest.mark.usefixtures("utc_zone")

SIZE = (120, 40)
HEADER = [
    "ID",
    "Название сделки",
    "Бюджет",
    "Ответственный",
    "Статус сделки",
    "Воронка",
    "Дата создания",
    "Кем создано",
]
STAGES = ["Первичный контакт", "Переговоры", "Успешно реализовано"]
OWNERS = ["Иван Петров", "Мария Сидорова"]


def amo_rows(count: int) -> list[list[str]]:
    return [
        [
            str(1000 + n),
            f"Сделка №{n}",
            f"{n + 1} 500,50",
            OWNERS[n % 2],
            STAGES[n % 3],
            "Продажи",
            f"{1 + n:02d}.03.2024 14:22",
            "robot",
        ]
        for n in range(count)
    ]


def write_csv(path: Path, rows: list[list[str]], header: list[str] = HEADER) -> Path:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    path.write_bytes(buffer.getvalue().encode("cp1251"))
    return path


def importer(app: FunnelApp) -> ImportScreen:
    screen = app.screen
    assert isinstance(screen, ImportScreen), f"expected the import screen, got {screen!r}"
    return screen


async def open_import(app: FunnelApp, pilot: Any) -> ImportScreen:
    await settle(pilot)
    await pilot.press("I")
    await settle(pilot)
    return importer(app)


async def load(pilot: Any, screen: ImportScreen, path: Path | str) -> None:
    """Type `path` into the path field (set, as typing a long tmp path key by key is slow)
    and press enter."""
    field = screen.query_one("#import-path", Input)
    field.value = str(path)
    field.focus()
    await pilot.press("enter")
    await settle(pilot)


async def answer(app: FunnelApp, pilot: Any, key: str) -> str:
    """Answer the confirm modal on top with `key`; returns its question."""
    await settle(pilot)
    modal = app.screen
    assert isinstance(modal, ConfirmModal), f"expected a question, got {modal!r}"
    question = str(modal._question)
    await pilot.press(key)
    await settle(pilot)
    return question


def deals_by_stage(db: Path, pipeline: str) -> Counter[str]:
    services = open_services(db, login="anna", clock=frozen_clock)
    try:
        found = services.pipelines.find(pipeline)
        stages = {stage.id: stage.name for stage in found.stages}
        with services.context.store.read() as uow:
            return Counter(
                stages[bundle.deal.stage_id]
                for bundle in uow.bulk.iter_bundles()
                if bundle.deal.pipeline_id == found.id
            )
    finally:
        services.close()


def pipeline_names(db: Path) -> set[str]:
    services = open_services(db, login="anna", clock=frozen_clock)
    try:
        with services.context.store.read() as uow:
            return {pipeline.name for pipeline in uow.pipelines.list()}
    finally:
        services.close()


def test_the_preset_choice_names_every_preset_of_the_import() -> None:
    assert sorted(value for _label, value in PRESET_CHOICES[1:]) == sorted(PRESETS)
    assert {value: label for label, value in PRESET_CHOICES[1:]} == {
        name: preset.label for name, preset in PRESETS.items()
    }


async def test_I_opens_the_import_and_a_cp1251_amocrm_file_is_previewed(
    board_db: Path, tmp_path: Path
) -> None:
    file = write_csv(tmp_path / "amo.csv", amo_rows(6))
    app = make_app(board_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "Import… (I)" in [c.title for c in app.get_system_commands(app.screen)]
        screen = await open_import(app, pilot)
        assert app.focused is screen.query_one("#import-path", Input)
        await load(pilot, screen, file)
        assert screen.loaded is not None
        assert screen.loaded.preset.name == "amocrm"
        summary = shown(screen, "#preview-summary")
        assert "amo.csv: amoCRM / Kommo (detected)" in summary
        assert "cp1251 · delimiter ';' · 6 rows" in summary
        mapping = shown(screen, "#preview-mapping")
        assert "Название сделки → title" in mapping and "Бюджет → value" in mapping
        assert "Статус сделки → stage" in mapping and "Кем создано → ignored" in mapping
        rows = shown(screen, "#preview-rows")
        assert "Сделка №0" in rows and "Сделка №5" in rows and "1 500,50" in rows
        counts = shown(screen, "#preview-counts")
        assert "6 new deals · 0 already here · 0 repeated in the file · 0 bad rows" in counts
        creates = shown(screen, "#preview-creates")
        assert "New pipeline “Продажи”: Первичный контакт, Переговоры" in creates
        assert "New users: mariya.sidorova (Мария Сидорова)" in creates
        assert "No problems found." in shown(screen, "#preview-problems")
        assert "press i to import 6 new deals" in screen.status
        # `p` reads the columns as another CRM's export; the preview follows.
        await pilot.press("p")
        await settle(pilot)
        assert screen.loaded.preset.name == "amocrm"  # "auto" → amoCRM, chosen this time
        assert "(detected)" not in shown(screen, "#preview-summary")
        await pilot.press("p")
        await settle(pilot)
        assert screen.loaded.preset.name == "bitrix24"
        assert "Bitrix24" in shown(screen, "#preview-summary")
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, BoardScreen)
    assert "Продажи" not in pipeline_names(board_db)  # a preview writes nothing


@pytest.mark.parametrize(
    ("name", "content", "said"),
    [
        ("missing.csv", None, "No such file: "),
        ("folder", "dir", "is a directory, not a file"),
        ("empty.csv", b"", "empty.csv: the file is empty: no header line"),
    ],
)
async def test_a_path_that_is_no_table_says_why_on_one_line(
    board_db: Path, tmp_path: Path, name: str, content: bytes | str | None, said: str
) -> None:
    path = tmp_path / name
    if content == "dir":
        path.mkdir()
    elif isinstance(content, bytes):
        path.write_bytes(content)
    app = make_app(board_db)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_import(app, pilot)
        await load(pilot, screen, path)
        assert said in screen.status
        assert "\n" not in shown(screen, "#import-status")
        assert "-error" in screen.query_one("#import-status").classes
        assert screen.loaded is None
        await pilot.press("i")  # nothing loaded: the key does nothing
        await settle(pilot)
        assert importer(app) is screen


async def test_a_relative_path_is_read_from_the_working_directory(
    board_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_csv(tmp_path / "amo.csv", amo_rows(2))
    monkeypatch.chdir(tmp_path)
    app = make_app(board_db)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_import(app, pilot)
        await pilot.press(*"amo.csv", "enter")
        await settle(pilot)
        assert screen.loaded is not None and screen.loaded.path == tmp_path / "amo.csv"
        # Another path that fails: the last file's preview goes, and `i` cannot import it.
        await pilot.press("o", "ctrl+u", *"nope.csv", "enter")
        await settle(pilot)
        assert screen.status == f"No such file: {tmp_path / 'nope.csv'}"
        assert screen.loaded is None
        assert not screen.query_one("#import-preview").display


async def test_bad_rows_are_listed_and_the_good_ones_import(board_db: Path, tmp_path: Path) -> None:
    rows = amo_rows(6)
    rows[1][1] = ""  # no title: line 3
    rows[3][2] = "много"  # not an amount: line 5
    file = write_csv(tmp_path / "bad.csv", rows)
    app = make_app(board_db)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_import(app, pilot)
        await load(pilot, screen, file)
        problems = shown(screen, "#preview-problems")
        assert "Problems (2):" in problems
        assert "line 3, column 'Название сделки'" in problems
        assert "line 5, column 'Бюджет'" in problems
        assert "4 new deals" in shown(screen, "#preview-counts")
        assert "2 bad rows" in shown(screen, "#preview-counts")
        await pilot.press("i")
        assert "Create these" in await answer(app, pilot, "y")
        question = await answer(app, pilot, "n")
        assert "2 rows cannot be imported" in question and "Import the 4 good rows?" in question
        assert screen.status == "Nothing imported"
        assert "Продажи" not in pipeline_names(board_db)
        await pilot.press("i")
        await answer(app, pilot, "y")
        await answer(app, pilot, "y")
        await settle(pilot)
        assert screen.imported == 4
        assert screen.status.startswith("Imported 4 deals.")
    assert sum(deals_by_stage(board_db, "Продажи").values()) == 4


async def test_stages_are_created_only_after_a_yes_and_a_second_import_adds_nothing(
    board_db: Path, tmp_path: Path
) -> None:
    file = write_csv(tmp_path / "amo.csv", amo_rows(7))
    app = make_app(board_db)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_import(app, pilot)
        await load(pilot, screen, file)
        await pilot.press("i")
        question = await answer(app, pilot, "n")
        assert "new pipeline “Продажи”: stages Первичный контакт, Переговоры" in question
        assert "users mariya.sidorova (Мария Сидорова)" in question
        assert screen.status == "Nothing imported: no pipeline or stage was created"
        assert "Продажи" not in pipeline_names(board_db)
        await pilot.press("i")
        await answer(app, pilot, "y")
        await settle(pilot)
        assert screen.imported == 7
        assert screen.status.startswith("Imported 7 deals.")
        assert "0 new deals · 7 already here" in shown(screen, "#preview-counts")
        bar = screen.query_one("#import-progress", ProgressBar)
        assert bar.has_class("-shown") and bar.percentage == 1.0
        assert deals_by_stage(board_db, "Продажи") == Counter(
            {"Первичный контакт": 3, "Переговоры": 2, "Успешно реализовано": 2}
        )
        # Back on the board, which reads again at the app's next look for changes (not
        # while under the import screen).
        board = app.screen_stack[0]
        assert isinstance(board, BoardScreen)
        loads = board.loads
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen_stack == [board]
        await pilot.pause(1.5)
        await settle(pilot)
        assert board.loads > loads
        # Again, from the board: everything is already here.
        screen = await open_import(app, pilot)
        await load(pilot, screen, file)
        assert "0 new deals · 7 already here" in shown(screen, "#preview-counts")
        assert "Nothing to import" in screen.status
        await pilot.press("i")
        await settle(pilot)
        assert importer(app) is screen and "Nothing to import" in screen.status
    assert sum(deals_by_stage(board_db, "Продажи").values()) == 7


async def test_text_from_the_file_shows_literally(board_db: Path, tmp_path: Path) -> None:
    rows = amo_rows(2)
    rows[0][1] = "[bold]x[/bold]"
    rows[1][1] = "\x1b[31mred"
    rows[1][3] = "[@click=app.quit]Boss[/]"
    header = [*HEADER[:-1], "[red]Кем[/red]"]
    file = write_csv(tmp_path / "[bold]evil.csv", rows, header)
    app = make_app(board_db)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_import(app, pilot)
        await load(pilot, screen, file)
        table = shown(screen, "#preview-rows")
        assert "[bold]x[/bold]" in table and "␛[31mred" in table and "\x1b" not in table
        assert "[@click=app.quit]Boss[/]" in table
        assert "[bold]evil.csv: amoCRM" in shown(screen, "#preview-summary")
        assert "[red]Кем[/red] → ignored" in shown(screen, "#preview-mapping")
        assert "[@click=app.quit]Boss[/]" in shown(screen, "#preview-creates")
        await pilot.press("i")
        assert "[@click=app.quit]Boss[/]" in await answer(app, pilot, "y")
        await settle(pilot)
        assert screen.imported == 2
        assert app.is_running


async def test_every_deal_into_one_pipeline_adds_the_stages_it_lacks_after_a_yes(
    board_db: Path, tmp_path: Path
) -> None:
    file = write_csv(tmp_path / "amo.csv", amo_rows(4))
    before = deals_by_stage(board_db, "Sales")
    app = make_app(board_db)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_import(app, pilot)
        await load(pilot, screen, file)
        await pilot.press("P")
        assert app.focused is screen.query_one("#import-pipeline", Input)
        await pilot.press(*"Sales", "enter")
        await settle(pilot)
        assert screen.loaded is not None and screen.loaded.choice.pipeline == "Sales"
        creates = shown(screen, "#preview-creates")
        assert "New stages in “Sales”: Первичный контакт, Переговоры" in creates
        assert "New pipeline" not in creates
        await pilot.press("i")
        question = await answer(app, pilot, "y")
        assert "in “Sales”: new stages Первичный контакт, Переговоры" in question
        await settle(pilot)
        assert screen.imported == 4
    after = deals_by_stage(board_db, "Sales")
    assert after - before == Counter({"Первичный контакт": 2, "Переговоры": 1, "Won": 1})
    assert "Продажи" not in pipeline_names(board_db)
