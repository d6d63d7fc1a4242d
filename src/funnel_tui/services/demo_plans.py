"""The demo's monthly plans, one history per pipeline, so that the reference funnel and the
dashboard have something to show from the first run.

What a sales lead would set: a round figure a little above what the team closed lately. The
plan of the last three months is 125 % of the mean won a month in roubles over the three whole
months before this one; the plan of the year's start, when the business was smaller (the demo
grows), 85 % of it. Both come from the deals generated, so they stay deterministic.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from fractions import Fraction

from funnel_tui.analytics.months import shift_month
from funnel_tui.domain.models import Deal
from funnel_tui.domain.money import Money

PLAN_CURRENCY = "RUB"
_RECENT_MONTHS = 3
_STEPS = ((11, Fraction(85, 100)), (2, Fraction(125, 100)))
"""(months before this one the plan holds from, share of the recent mean won a month)."""


@dataclass(frozen=True, slots=True)
class DemoPlan:
    pipeline_id: int
    month: date
    amount: Money


class PlanTally:
    """Sums the roubles won per pipeline in the whole months before `today`'s month."""

    def __init__(self, won_stage_ids: Mapping[int, int], today: date) -> None:
        self._won_stage_ids = won_stage_ids
        """Pipeline id -> its won stage id."""
        self._this_month = today.replace(day=1)
        self._since = shift_month(self._this_month, -_RECENT_MONTHS)
        self._won = Counter[int]()

    def add(self, deals: Iterable[Deal]) -> None:
        for deal in deals:
            if (
                deal.closed_at is not None
                and deal.stage_id == self._won_stage_ids.get(deal.pipeline_id)
                and deal.value.currency == PLAN_CURRENCY
                and self._since <= deal.closed_at.date() < self._this_month
            ):
                self._won[deal.pipeline_id] += deal.value.minor

    def plans(self) -> list[DemoPlan]:
        """The plans to set, by pipeline then month; none for a pipeline that won nothing."""
        result = []
        for pipeline_id in sorted(self._won):
            monthly = Fraction(self._won[pipeline_id], _RECENT_MONTHS)
            for months_back, share in _STEPS:
                amount = Money(_round_figure(monthly * share), PLAN_CURRENCY)
                result.append(
                    DemoPlan(pipeline_id, shift_month(self._this_month, -months_back), amount)
                )
        return result


def _round_figure(minor: Fraction) -> int:
    """Up to two significant digits of whole roubles (1 234 567.89 → 1 300 000.00)."""
    roubles = -(-minor.numerator // (minor.denominator * 100))  # ⌈minor / 100⌉, in integers
    unit: int = 10 ** max(0, len(str(roubles)) - 2)
    return -(-roubles // unit) * unit * 100  # rounded up to a whole number of units
