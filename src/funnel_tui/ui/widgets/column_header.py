"""ColumnHeader: a stage's name, key-stage mark, deal count and sums above its cards."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from funnel_tui.domain.models import StageKind
from funnel_tui.render.format import format_amounts
from funnel_tui.render.safe import clean
from funnel_tui.services.board_model import ColumnTotals


class ColumnHeader(Static):
    DEFAULT_CSS = """
    ColumnHeader {
        height: 3; padding: 0 1; background: $panel; color: $text;
        &.-key { background: $primary 30%; }
        &.-won { background: $success 30%; }
        &.-lost { background: $error 30%; }
    }
    """

    _shown: ColumnTotals | None = None

    def show(self, totals: ColumnTotals) -> None:
        if totals == self._shown:
            return
        self._shown = totals
        stage = totals.stage
        self.set_class(stage.is_key, "-key")
        self.set_class(stage.kind is StageKind.WON, "-won")
        self.set_class(stage.kind is StageKind.LOST, "-lost")
        name = Text(clean(stage.name), style="bold", overflow="ellipsis", no_wrap=True)
        if stage.is_key:
            name = Text("★ ", style="bold") + name
        count = Text(f"{totals.count:,} deals", style="")
        if stage.is_open and stage.probability:
            count.append(f" · {stage.probability}%", style="dim")
        amounts = Text(
            format_amounts(totals.amounts), style="dim", overflow="ellipsis", no_wrap=True
        )
        lines = Text("\n").join([name, count, amounts])
        lines.no_wrap, lines.overflow = True, "ellipsis"
        self.update(lines)
