"""Loss reasons of a period: the deals lost in it (closed_at in it, at a lost stage now), by
reason, with their count and amount, the most frequent first.

Across several pipelines, reasons of the same name are one reason (each pipeline has its
own picklist, and "Price" in two of them is the same thing to the team lead).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from funnel_tui.analytics.metrics_model import LossReasonFigure, LossReport, MetricsQuery
from funnel_tui.analytics.metrics_ports import ClosedSum
from funnel_tui.analytics.metrics_view import MetricsView, main_currency, metrics_view
from funnel_tui.domain.money import Money
from funnel_tui.services.ports import Store


def loss_report(store: Store, query: MetricsQuery, *, fallback_currency: str) -> LossReport:
    """The deals lost in [query.start, query.end) by reason, read in one transaction.
    `fallback_currency`: the amounts' currency when the query names none and no lost deal
    tells."""
    with store.read() as uow:
        view = metrics_view(uow, query)
        closed = uow.metrics.closed(view.scope, query.start, query.end)
        # Every pipeline's reasons, archived ones too: a deal may have moved since.
        names = uow.metrics.loss_reason_names()
    return assemble_losses(query, view, closed, names, fallback_currency=fallback_currency)


def assemble_losses(
    query: MetricsQuery,
    view: MetricsView,
    closed: Iterable[ClosedSum],
    reason_names: Mapping[int, str],
    *,
    fallback_currency: str,
) -> LossReport:
    """The figures by reason: the most deals first, then by name (no reason, None, before
    the named ones on a tie, as in the funnel's losses)."""
    lost_ids = set(view.scope.lost_ids)
    lost = [row for row in closed if row.stage_id in lost_ids]
    currency = (
        query.currency
        or main_currency((row.currency, row.count) for row in lost)
        or fallback_currency
    )
    grouped: dict[str | None, tuple[int, int]] = {}
    for row in lost:
        reason = reason_names.get(row.reason_id) if row.reason_id is not None else None
        count, value = grouped.get(reason, (0, 0))
        value += row.value_minor if row.currency == currency else 0
        grouped[reason] = (count + row.count, value)
    ordered = sorted(grouped.items(), key=lambda item: (-item[1][0], item[0] or ""))
    return LossReport(
        pipeline_id=query.pipeline_id,
        pipeline_name=view.pipeline_name,
        start=query.start,
        end=query.end,
        currency=currency,
        reasons=tuple(
            LossReasonFigure(reason, count, Money(value, currency))
            for reason, (count, value) in ordered
        ),
        other_currencies=tuple(sorted({row.currency for row in lost} - {currency})),
    )
