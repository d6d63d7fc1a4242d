"""RichLines, which holds the funnel screen's chart and tables: drawn as a Static draws, but
once per width rather than in every layout pass (docs/performance.md)."""

from __future__ import annotations

from rich.console import Console, ConsoleOptions, RenderResult
from rich.table import Table
from rich.text import Text
from textual.app import App, ComposeResult
from textual.containers import VerticalScroll
from textual.geometry import Region
from textual.widget import Widget
from textual.widgets import Static

from funnel_tui.ui.widgets.rich_lines import RichLines


class Counted:
    """A table that counts how often it is rendered."""

    def __init__(self, rows: int) -> None:
        self.renders = 0
        self.table = Table("stage", "deals")
        for row in range(rows):
            self.table.add_row(Text(f"stage {row}"), str(row))

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        self.renders += 1
        yield self.table


class Both(App[None]):
    CSS = "VerticalScroll { scrollbar-gutter: stable; }"  # as on the funnel screen

    def __init__(self, renderable: object) -> None:
        super().__init__()
        self.renderable = renderable

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield RichLines(id="lines")
            yield Static(id="static", markup=False)


def drawn(widget: Widget) -> list[str]:
    strips = widget.render_lines(Region(0, 0, widget.size.width, widget.size.height))
    return [strip.text for strip in strips]


async def test_drawn_once_through_the_layout_passes_and_repaints() -> None:
    counted = Counted(rows=30)  # taller than the screen: the scrollbar appears as well
    app = Both(counted)
    async with app.run_test(size=(60, 20)) as pilot:
        app.query_one(RichLines).update(counted)
        await pilot.pause()
        lines = app.query_one(RichLines)
        assert lines.size.height == 34  # a header, its rule, 30 rows, the top and the bottom
        assert counted.renders == 1
        lines.refresh()
        await pilot.pause()
        assert counted.renders == 1
        await pilot.resize_terminal(50, 20)
        await pilot.pause()
        assert counted.renders == 2  # drawn again for the new width


async def test_it_draws_what_a_static_draws() -> None:
    table = Table("stage", "deals")
    table.add_row(Text("Qualified", style="bold"), "12")
    app = Both(table)
    async with app.run_test(size=(60, 20)) as pilot:
        app.query_one(RichLines).update(table)
        app.query_one(Static).update(table)
        await pilot.pause()
        assert drawn(app.query_one(RichLines)) == drawn(app.query_one(Static))


async def test_a_string_is_shown_as_it_is_never_as_markup() -> None:
    app = Both("")
    async with app.run_test(size=(60, 20)) as pilot:
        app.query_one(RichLines).update("[bold]x[/] [@click=app.quit]y[/]")
        await pilot.pause()
        assert drawn(app.query_one(RichLines))[0].rstrip() == "[bold]x[/] [@click=app.quit]y[/]"
