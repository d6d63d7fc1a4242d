"""ColumnHeader: a stage's name, key-stage mark, deal count and sums above its cards."""

from __future__ import annotations

from textual.content import Content
from textual.widgets import Static

from funnel_tui.domain.models import StageKind
from funnel_tui.i18n import _, ngettext
from funnel_tui.render.format import format_amounts, format_money
from funnel_tui.render.locale_format import format_number
from funnel_tui.render.safe import clean
from funnel_tui.services.board_model import ColumnTotals


class ColumnHeader(Static):
    DEFAULT_CSS = """
    ColumnHeader {
        height: 3; padding: 0 1; background: $panel; color: $text;
        text-wrap: nowrap; text-overflow: ellipsis;
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
        count = ngettext("{n} deal", "{n} deals", totals.count).format(
            n=format_number(totals.count)
        )
        probability = f" · {stage.probability}%" if stage.is_open and stage.probability else ""
        plan = totals.plan
        count_plan = ""
        if plan and plan.target_count:
            count_plan = _(" of {n} planned").format(n=format_number(plan.target_count))
        amount_plan = ""
        if plan and plan.target_amount:
            amount_plan = _(" of {amount} planned").format(
                amount=format_money(plan.target_amount, compact=True)
            )
        # Textual's own Content, not Rich Text: it renders ~5x faster, and every filter
        # keystroke redraws the headers. Built from plain strings: names are never markup.
        lines = Content.assemble(
            ("★ " if stage.is_key else "", "bold"),
            (clean(stage.name), "bold"),
            "\n",
            count,
            (count_plan, "dim"),
            (probability, "dim"),
            "\n",
            (format_amounts(totals.amounts), "dim"),
            (amount_plan, "dim"),
        )
        # Three lines, as wide as the column: the size never changes, so no layout pass (one
        # would repaint every column's scrollbar).
        self.update(lines, layout=False)
