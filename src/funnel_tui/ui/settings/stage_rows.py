"""How the Pipelines settings tab draws a pipeline (an option of the list) and a stage (a row
of the table). Names are anyone's text: shown literally."""

from __future__ import annotations

from rich.text import Text
from textual.widgets.option_list import Option

from funnel_tui.domain.models import Pipeline, Stage, StageKind
from funnel_tui.i18n import N_, _
from funnel_tui.render.locale_format import format_amount, format_money, format_number
from funnel_tui.render.safe import safe_text
from funnel_tui.services.stages import StageTargets

KIND_LABELS = {StageKind.OPEN: N_("open"), StageKind.WON: N_("won"), StageKind.LOST: N_("lost")}


def pipeline_option(pipeline: Pipeline) -> Option:
    if pipeline.archived_at is None:
        return Option(safe_text(pipeline.name), id=str(pipeline.id))
    label = safe_text(pipeline.name, "dim")
    label.append(" " + _("(archived)"), style="dim italic")
    return Option(label, id=str(pipeline.id))


def stage_cells(stage: Stage, targets: StageTargets | None, currency: str) -> list[Text]:
    style = "" if stage.is_open else "dim"
    kind = Text(_(KIND_LABELS[stage.kind]), style="dim")
    name = safe_text(stage.name, "bold" if stage.is_key else style)
    if not stage.is_open:
        probability = Text(f"{stage.probability}", style=style, justify="right")
        return [name, probability, *[Text("")] * 5, kind]
    rot = "" if stage.rot_days is None else _("{n} d").format(n=format_number(stage.rot_days))
    return [
        name,
        Text(f"{stage.probability}", justify="right"),
        Text("★" if stage.is_key else "", style="bold yellow"),
        Text(rot, justify="right"),
        Text("✓" if stage.on_hold else ""),
        Text(format_number(len(stage.checklist)) if stage.checklist else "", justify="right"),
        Text(_target_text(targets, currency)),
        kind,
    ]


def _target_text(targets: StageTargets | None, currency: str) -> str:
    """`80 · 4,000,000`: deals and amount (its currency named when not the user's)."""
    if targets is None:
        return ""
    parts = []
    if targets.count is not None:
        parts.append(format_number(targets.count))
    if targets.amount is not None:
        amount = targets.amount
        if amount.currency == currency:
            parts.append(format_amount(amount, compact=True))
        else:
            parts.append(format_money(amount, compact=True))
    return " · ".join(parts)
