"""The Pipelines tab of the settings screen (issue 15), driven by keys with Pilot over a real
temporary database: every operation on pipelines and stages, checked in a fresh services
object; renames and reorders leave the figures of past history as they were; the board shows
the change once the user goes back."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from textual.pilot import Pilot
from textual.widgets import Checkbox, Input, OptionList, TextArea

from funnel_tui.bootstrap import build_app
from funnel_tui.config import Settings
from funnel_tui.domain.models import Pipeline
from funnel_tui.services import Services
from funnel_tui.ui.app import FunnelApp
from funnel_tui.ui.screens.board import BoardScreen
from funnel_tui.ui.settings.pipeline_modals import NameModal, NewPipelineModal
from funnel_tui.ui.settings.pipelines_pane import PipelinesPane
from funnel_tui.ui.settings.screen import SettingsScreen
from funnel_tui.ui.settings.stage_modals import (
    StageDeleteModal,
    StageEditModal,
    StageTargetsModal,
)
from funnel_tui.ui.widgets.form_field import FormField
from tests.services.test_pipeline_settings import figures

from .conftest import frozen_clock, press_settled, screen_text, settle
from .test_board import make_app

Reopen = Callable[[], Services]
SIZE = (120, 36)


async def open_settings(pilot: Pilot[Any]) -> PipelinesPane:
    await settle(pilot)
    await press_settled(pilot, "S")
    return pane(pilot.app)


def pane(app: Any) -> PipelinesPane:
    screen = next(s for s in app.screen_stack if isinstance(s, SettingsScreen))
    return screen.query_one(PipelinesPane)


async def type_in(pilot: Pilot[Any], field: Input, text: str) -> None:
    """Replace what `field` holds with `text`, typed key by key."""
    field.value = ""
    field.focus()
    await pilot.press(*text)


def sales(services: Services) -> Pipeline:
    return services.pipelines.find("Sales")


def stage_names(pipeline: Pipeline) -> list[str]:
    return [stage.name for stage in pipeline.stages]


def highlighted_stage(app: FunnelApp) -> str | None:
    stage = pane(app).stage
    return None if stage is None else stage.name


# --- pipelines -----------------------------------------------------------------------------


async def test_pipelines_and_the_stages_of_the_highlighted_one(board_db: Path) -> None:
    app = make_app(board_db)
    async with app.run_test(size=SIZE) as pilot:
        shown = await open_settings(pilot)
        assert [p.name for p in shown.pipelines] == ["Sales", "Холодные звонки"]
        assert isinstance(app.focused, OptionList)
        text = screen_text(app)
        assert "Stages of “Sales”" in text
        assert "Prospecting" in text and "Meeting" in text and "★" in text
        await press_settled(pilot, "down")
        assert "Stages of “Холодные звонки”" in screen_text(app)
        assert shown.stage_table.row_count == len(shown.pipelines[1].stages)


async def test_new_pipeline_from_a_template(board_db: Path, reopen: Reopen) -> None:
    app = make_app(board_db)
    async with app.run_test(size=SIZE) as pilot:
        shown = await open_settings(pilot)
        await press_settled(pilot, "n")
        modal = app.screen
        assert isinstance(modal, NewPipelineModal)
        await type_in(pilot, modal.query_one("#pipeline-name", Input), "Webinars")
        await press_settled(pilot, "tab", "down", "enter")  # B2B sales
        assert not isinstance(app.screen, NewPipelineModal)
        assert shown.pipeline is not None and shown.pipeline.name == "Webinars"
        assert "Stages of “Webinars”" in screen_text(app)
    made = reopen().pipelines.find("Webinars")
    assert stage_names(made)[:2] == ["Prospecting", "Qualification"]


async def test_new_empty_pipeline_needs_a_name(board_db: Path, reopen: Reopen) -> None:
    app = make_app(board_db)
    async with app.run_test(size=SIZE) as pilot:
        shown = await open_settings(pilot)
        await press_settled(pilot, "n", "tab", "end", "enter")  # "Empty", no name
        modal = app.screen
        assert isinstance(modal, NewPipelineModal)
        assert "an empty pipeline needs a name" in screen_text(app)
        await type_in(pilot, modal.query_one("#pipeline-name", Input), "Partners")
        await press_settled(pilot, "enter")
        assert not isinstance(app.screen, NewPipelineModal)
        assert shown.pipeline is not None and shown.pipeline.name == "Partners"
    assert stage_names(reopen().pipelines.find("Partners")) == ["New", "Won", "Lost"]


async def test_rename_a_pipeline(board_db: Path, reopen: Reopen) -> None:
    app = make_app(board_db)
    async with app.run_test(size=SIZE) as pilot:
        await open_settings(pilot)
        await press_settled(pilot, "r")
        modal = app.screen
        assert isinstance(modal, NameModal)
        await type_in(pilot, modal.query_one(Input), "Key accounts")
        await press_settled(pilot, "enter")
        assert "Stages of “Key accounts”" in screen_text(app)
    assert [p.name for p in reopen().pipelines.list()] == ["Key accounts", "Холодные звонки"]


async def test_renaming_to_a_taken_name_says_so_and_changes_nothing(
    board_db: Path, reopen: Reopen
) -> None:
    app = make_app(board_db)
    async with app.run_test(size=SIZE) as pilot:
        await open_settings(pilot)
        await press_settled(pilot, "tab", "down", "r")  # Qualification
        modal = app.screen
        assert isinstance(modal, NameModal)
        await type_in(pilot, modal.query_one(Input), "meeting")
        await press_settled(pilot, "enter")
        assert app.screen is modal  # still open, saying why
        said = "a stage in this pipeline named 'Meeting' exists ('meeting')"
        assert said in screen_text(app)
        await press_settled(pilot, "escape")
        assert highlighted_stage(app) == "Qualification"
    assert stage_names(sales(reopen()))[:3] == ["Prospecting", "Qualification", "Meeting"]


async def test_archive_and_restore_a_pipeline(board_db: Path, reopen: Reopen) -> None:
    app = make_app(board_db)
    async with app.run_test(size=SIZE) as pilot:
        shown = await open_settings(pilot)
        await press_settled(pilot, "down", "a")
        assert "(archived)" in screen_text(app)
        assert [p.name for p in reopen().pipelines.list()] == ["Sales"]
        assert shown.pipeline is not None and shown.pipeline.archived_at is not None
        await press_settled(pilot, "a")
        assert "(archived)" not in screen_text(app)
    assert [p.name for p in reopen().pipelines.list()] == ["Sales", "Холодные звонки"]


async def test_archiving_the_last_pipeline_is_refused(board_db: Path, reopen: Reopen) -> None:
    app = make_app(board_db)
    async with app.run_test(size=SIZE) as pilot:
        await open_settings(pilot)
        await press_settled(pilot, "down", "a", "up", "a")
        said = [n for n in app._notifications if "only pipeline left" in n.message]
        assert said and not said[0].markup
    assert [p.name for p in reopen().pipelines.list()] == ["Sales"]


async def test_reorder_pipelines(board_db: Path, reopen: Reopen) -> None:
    app = make_app(board_db)
    async with app.run_test(size=SIZE) as pilot:
        shown = await open_settings(pilot)
        await press_settled(pilot, "down", "K")
        assert [p.name for p in shown.pipelines] == ["Холодные звонки", "Sales"]
        assert shown.pipeline is not None and shown.pipeline.name == "Холодные звонки"
        assert [p.name for p in reopen().pipelines.list()] == ["Холодные звонки", "Sales"]
        await press_settled(pilot, "shift+down")
    assert [p.name for p in reopen().pipelines.list()] == ["Sales", "Холодные звонки"]


# --- stages ---------------------------------------------------------------------------------


async def test_add_a_stage_after_the_highlighted_one(board_db: Path, reopen: Reopen) -> None:
    app = make_app(board_db)
    async with app.run_test(size=SIZE) as pilot:
        await open_settings(pilot)
        await press_settled(pilot, "tab", "down", "plus")
        modal = app.screen
        assert isinstance(modal, NameModal)
        assert "New stage after “Qualification”" in screen_text(app)
        await type_in(pilot, modal.query_one(Input), "Call back")
        await press_settled(pilot, "enter")
        assert highlighted_stage(app) == "Call back"
    names = stage_names(sales(reopen()))
    assert names[:4] == ["Prospecting", "Qualification", "Call back", "Meeting"]


async def test_rename_a_stage(board_db: Path, reopen: Reopen) -> None:
    app = make_app(board_db)
    async with app.run_test(size=SIZE) as pilot:
        await open_settings(pilot)
        await press_settled(pilot, "tab", "down", "down", "r")
        modal = app.screen
        assert isinstance(modal, NameModal)
        await type_in(pilot, modal.query_one(Input), "Demo")
        await press_settled(pilot, "enter")
        assert highlighted_stage(app) == "Demo"
    assert stage_names(sales(reopen()))[2] == "Demo"


async def test_reorder_stages_among_the_open_ones(board_db: Path, reopen: Reopen) -> None:
    app = make_app(board_db)
    async with app.run_test(size=SIZE) as pilot:
        shown = await open_settings(pilot)
        await press_settled(pilot, "tab", "J", "J")
        assert highlighted_stage(app) == "Prospecting"
        assert stage_names(sales(reopen()))[:3] == ["Qualification", "Meeting", "Prospecting"]
        await press_settled(pilot, "shift+up")
        assert stage_names(sales(reopen()))[:3] == ["Qualification", "Prospecting", "Meeting"]
        # Won and lost stay at the end: moving them is not offered.
        await press_settled(pilot, *["down"] * 8)
        assert highlighted_stage(app) == "Lost"
        await press_settled(pilot, "K")
        assert shown.check_action("move", (-1,)) is None
    assert stage_names(sales(reopen()))[-2:] == ["Won", "Lost"]


async def test_edit_a_stage(board_db: Path, reopen: Reopen) -> None:
    app = make_app(board_db)
    async with app.run_test(size=SIZE) as pilot:
        await open_settings(pilot)
        await press_settled(pilot, "tab", "down", "down", "down", "e")  # Proposal
        modal = app.screen
        assert isinstance(modal, StageEditModal)
        await type_in(pilot, modal.field("probability").input, "45")
        await type_in(pilot, modal.field("rot_days").input, "")
        modal.query_one("#stage-key", Checkbox).focus()
        await press_settled(pilot, "space")
        checklist = modal.query_one(TextArea)
        checklist.text = "Budget confirmed?\n\n  Who signs?  \n"
        await press_settled(pilot, "ctrl+s")
        assert not isinstance(app.screen, StageEditModal)
        assert highlighted_stage(app) == "Proposal"
        assert "Budget confirmed? · Who signs?" in screen_text(app)
    pipeline = sales(reopen())
    proposal = pipeline.stages[3]
    assert proposal.name == "Proposal"
    assert proposal.probability == 45
    assert proposal.rot_days is None
    assert proposal.is_key
    assert [s.name for s in pipeline.stages if s.is_key] == ["Proposal"]
    assert proposal.checklist == ("Budget confirmed?", "Who signs?")


async def test_a_refused_stage_edit_saves_none_of_it(board_db: Path, reopen: Reopen) -> None:
    """Name, settings and checklist are one transaction: a checklist the service refuses
    leaves the new name and probability unsaved too."""
    app = make_app(board_db)
    async with app.run_test(size=SIZE) as pilot:
        await open_settings(pilot)
        await press_settled(pilot, "tab", "enter")
        modal = app.screen
        assert isinstance(modal, StageEditModal)
        await type_in(pilot, modal.field("name").input, "First touch")
        await type_in(pilot, modal.field("probability").input, "7")
        modal.query_one(TextArea).text = "Budget?\nbudget?"
        await press_settled(pilot, "ctrl+s")
        assert isinstance(app.screen, StageEditModal)  # still open, saying why
        assert "the same question is there twice" in screen_text(app)
        await press_settled(pilot, "escape")
    first = sales(reopen()).stages[0]
    assert (first.name, first.probability, first.checklist) == ("Prospecting", 5, ())


async def test_a_wrong_probability_is_said_under_the_field(board_db: Path, reopen: Reopen) -> None:
    app = make_app(board_db)
    async with app.run_test(size=SIZE) as pilot:
        await open_settings(pilot)
        await press_settled(pilot, "tab", "enter")  # enter edits too
        modal = app.screen
        assert isinstance(modal, StageEditModal)
        await type_in(pilot, modal.field("probability").input, "150")
        await press_settled(pilot, "enter")
        assert isinstance(app.screen, StageEditModal)  # still open
        assert modal.field("probability").has_class("-invalid")
        assert "a whole number from 0 to 100" in screen_text(app)
        await press_settled(pilot, "escape")
    assert sales(reopen()).stages[0].probability == 5


async def test_targets_for_a_month(board_db: Path, reopen: Reopen) -> None:
    app = make_app(board_db)
    async with app.run_test(size=SIZE) as pilot:
        await open_settings(pilot)
        await press_settled(pilot, "tab", "down", "t")
        modal = app.screen
        assert isinstance(modal, StageTargetsModal)
        await type_in(pilot, modal.query_one("#field-count", FormField).input, "12")
        await type_in(pilot, modal.query_one("#field-amount", FormField).input, "1500000")
        await press_settled(pilot, "enter")
        assert not isinstance(app.screen, StageTargetsModal)
        assert "12 · 1,500,000" in screen_text(app)
        # Next month's, then this month's cleared.
        await press_settled(pilot, "t")
        modal = app.screen
        assert isinstance(modal, StageTargetsModal)
        count = modal.query_one("#field-count", FormField)
        assert count.text == "12"
        month = modal.query_one("#field-month", FormField).input
        await type_in(pilot, month, "12.2026")
        await settle(pilot)
        assert count.text == ""  # December has none
        await type_in(pilot, month, "2026-11")
        await settle(pilot)
        assert count.text == "12"
        await type_in(pilot, month, "12.2026")
        await settle(pilot)
        await type_in(pilot, count.input, "20")
        await type_in(pilot, modal.query_one("#field-amount", FormField).input, "")
        await press_settled(pilot, "enter", "t")
        modal = app.screen
        assert isinstance(modal, StageTargetsModal)
        await type_in(pilot, modal.query_one("#field-count", FormField).input, "")
        await type_in(pilot, modal.query_one("#field-amount", FormField).input, "")
        await press_settled(pilot, "enter")
        assert "1,500,000" not in screen_text(app)
    services = reopen()
    pipeline = sales(services)
    qualification = pipeline.stages[1].id
    assert services.stages.targets(pipeline.id, date(2026, 11, 1)) == {}
    december = services.stages.targets(pipeline.id, date(2026, 12, 1))[qualification]
    assert (december.count, december.amount) == (20, None)


async def test_delete_an_empty_stage(board_db: Path, reopen: Reopen) -> None:
    app = make_app(board_db)
    async with app.run_test(size=SIZE) as pilot:
        await open_settings(pilot)
        await press_settled(pilot, "tab", "down", "down", "down", "down", "x")  # Negotiation
        modal = app.screen
        assert isinstance(modal, StageDeleteModal)
        assert modal.deals == 0
        assert "It has no deals" in screen_text(app)
        await press_settled(pilot, "y")
        assert not isinstance(app.screen, StageDeleteModal)
        assert "Negotiation" not in screen_text(app)
    assert "Negotiation" not in stage_names(sales(reopen()))


async def test_delete_a_stage_with_deals_moves_them_with_history(
    board_db: Path, reopen: Reopen
) -> None:
    app = make_app(board_db)
    async with app.run_test(size=SIZE) as pilot:
        await open_settings(pilot)
        await press_settled(pilot, "tab", "x")  # Prospecting: three deals
        modal = app.screen
        assert isinstance(modal, StageDeleteModal)
        assert "It has 3 deals. Move them to:" in screen_text(app)
        await press_settled(pilot, "down", "enter")  # Meeting
        assert not isinstance(app.screen, StageDeleteModal)
        assert "Prospecting" not in screen_text(app).split("Stages of")[1]
    services = reopen()
    pipeline = sales(services)
    meeting = next(s for s in pipeline.stages if s.name == "Meeting")
    assert "Prospecting" not in stage_names(pipeline)
    for title in ("Office chairs", "Столы"):
        (deal,) = services.deals.search(title)
        assert deal.stage_id == meeting.id
        last = services.deals.history(deal.id)[-1]
        assert last.to_stage_id == meeting.id
        assert last.from_stage_id is not None


async def test_the_delete_modal_can_be_cancelled(board_db: Path, reopen: Reopen) -> None:
    app = make_app(board_db)
    async with app.run_test(size=SIZE) as pilot:
        await open_settings(pilot)
        await press_settled(pilot, "tab", "x", "escape")
        assert isinstance(app.screen, SettingsScreen)
    assert stage_names(sales(reopen()))[0] == "Prospecting"


# --- history, the board, literal names ------------------------------------------------------


async def test_rename_and_reorder_keep_the_figures_and_the_board_follows(
    board_db: Path, reopen: Reopen
) -> None:
    services = reopen()
    pipeline = sales(services)
    (deal,) = services.deals.search("Lamps")
    services.deals.move(deal.id, pipeline.open_stages[3].id)
    services.deals.win(deal.id)
    before = figures(services, pipeline.id)
    app = make_app(board_db)
    async with app.run_test(size=(160, 45)) as pilot:
        await open_settings(pilot)
        await press_settled(pilot, "down", "K")  # the cold calls first
        await press_settled(pilot, "down", "tab", "down", "r")  # Sales' Qualification
        modal = app.screen
        assert isinstance(modal, NameModal)
        await type_in(pilot, modal.query_one(Input), "Discovery")
        await press_settled(pilot, "enter")
        assert figures(reopen(), pipeline.id) == before
        await press_settled(pilot, "shift+tab", "plus")  # from the pipelines: not a stage key
        assert isinstance(app.screen, SettingsScreen)
        await press_settled(pilot, "tab", "plus")
        adding = app.screen
        assert isinstance(adding, NameModal)
        await type_in(pilot, adding.query_one(Input), "Call back")
        await press_settled(pilot, "enter", "escape")
        assert isinstance(app.screen, BoardScreen)
        app.poll_changes()  # the live refresh's tick reads the board again
        await settle(pilot)
        board = screen_text(app)
        assert "Discovery" in board and "Qualification" not in board
        assert "Call back" in board
    assert [p.name for p in reopen().pipelines.list()] == ["Холодные звонки", "Sales"]
    # A stage added since changes no figure of the stages that were there.
    known = {row[0] for row in before}
    assert [row for row in figures(reopen(), pipeline.id) if row[0] in known] == before


async def test_names_are_shown_literally(board_db: Path, reopen: Reopen) -> None:
    services = reopen()
    pipeline = sales(services)
    services.stages.rename(pipeline.id, pipeline.stages[0].id, "[red]x[/]")
    services.stages.set_checklist(pipeline.id, pipeline.stages[0].id, ["[b]bold?[/b]"])
    services.pipelines.rename(pipeline.id, "[bold]Sales[/]")
    app = make_app(board_db)
    async with app.run_test(size=SIZE) as pilot:
        await open_settings(pilot)
        await press_settled(pilot, "tab")
        text = screen_text(app)
        assert "[red]x[/]" in text
        assert "[bold]Sales[/]" in text
        assert "[b]bold?[/b]" in text
        await press_settled(pilot, "e")
        assert "Stage “[red]x[/]”" in screen_text(app)


async def test_the_pane_reads_again_on_live_refresh(board_db: Path, reopen: Reopen) -> None:
    app = make_app(board_db)
    async with app.run_test(size=SIZE) as pilot:
        shown = await open_settings(pilot)
        services = reopen()
        services.pipelines.create_empty("Partners", "en")
        shown.reload()
        await settle(pilot)
        assert [p.name for p in shown.pipelines][-1] == "Partners"


async def test_enter_on_a_pipeline_goes_to_its_stages(board_db: Path) -> None:
    app = make_app(board_db)
    async with app.run_test(size=SIZE) as pilot:
        shown = await open_settings(pilot)
        await press_settled(pilot, "down", "enter")
        assert app.focused is shown.stage_table
        assert shown.pipeline is not None and shown.pipeline.name == "Холодные звонки"


async def test_a_rep_is_told_only_a_lead_reshapes_pipelines(board_db: Path, reopen: Reopen) -> None:
    settings = Settings(currency="RUB", start_screen="board")
    app = build_app(settings, str(board_db), login="ivan", clock=frozen_clock)
    async with app.run_test(size=SIZE) as pilot:
        await open_settings(pilot)
        await press_settled(pilot, "tab", "r")
        modal = app.screen
        assert isinstance(modal, NameModal)
        await type_in(pilot, modal.query_one(Input), "Cold leads")
        await press_settled(pilot, "enter")
        assert isinstance(app.screen, NameModal)  # still open, saying why
        assert "anna" in screen_text(app)
    assert stage_names(sales(reopen()))[0] == "Prospecting"
