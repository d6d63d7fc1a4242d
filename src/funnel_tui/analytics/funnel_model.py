"""What the funnel figures are, as plain data (DESIGN.md, "Definitions of the figures").

Ratios are `Fraction`s, exact, and None where DESIGN.md calls them undefined (0/0): shown as
"—", never as 0 %. Money is in one currency, the report's; deals in other currencies are
counted but not summed (currencies are never added together), and are named in
`FunnelReport.other_currencies`.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime
from fractions import Fraction

from funnel_tui.domain.money import Money


class FunnelView(enum.StrEnum):
    COHORT = "cohort"
    """The deals created in the period: how far they got, and where they are now."""
    SNAPSHOT = "snapshot"
    """The open deals now, wherever they came from."""


@dataclass(frozen=True, slots=True)
class FunnelQuery:
    pipeline_id: int
    start: datetime
    """The period's first moment (included), aware."""
    end: datetime
    """The period's end (excluded), aware."""
    owner_id: int | None = None
    """One owner's deals; None: everyone's."""
    currency: str | None = None
    """The currency to sum amounts in; None: the one most of the deals in view are in."""


@dataclass(frozen=True, slots=True)
class StageFigures:
    """One open stage of the pipeline, in the pipeline's order."""

    stage_id: int
    name: str
    is_key: bool
    probability: int
    reached: int
    """Cohort deals whose history put them at this stage, a later open one, or won."""
    conversion_to_next: Fraction | None
    """reached[next] / reached[this] (after the last open stage: won / reached); None: 0/0."""
    dropoff: int
    """Cohort deals lost now whose last open stage before the loss was this one."""
    count: int
    """Open deals at this stage now: the cohort's (cohort view) or all (snapshot view)."""
    amount: Money
    """The sum of their values in the report's currency."""
    weighted_amount: Money
    """The sum of value × the stage's probability, rounded once, half to even."""


@dataclass(frozen=True, slots=True)
class Transition:
    """Stage `index` of `FunnelReport.stages` to the next one (or to won, after the last)."""

    index: int
    from_name: str
    to_name: str
    conversion: Fraction


@dataclass(frozen=True, slots=True)
class LossFigure:
    """Cohort deals lost now, by the stage they dropped off at and their reason."""

    stage_index: int
    """Into `FunnelReport.stages`."""
    reason: str | None
    """None: lost without a reason (imports, old data)."""
    count: int
    amount: Money


@dataclass(frozen=True, slots=True)
class FunnelReport:
    pipeline_id: int
    pipeline_name: str
    won_stage_name: str
    view: FunnelView
    start: datetime
    end: datetime
    owner_login: str | None
    currency: str
    stages: tuple[StageFigures, ...]
    cohort_size: int
    """Deals created in the period in this pipeline (reached[first] unless some never sat at
    an open stage: an import straight into won or lost)."""
    won: int
    """Cohort deals in the won stage now."""
    lost: int
    """Cohort deals in the lost stage now."""
    whole_conversion: Fraction | None
    """won / reached[first stage]; None: 0/0."""
    bottleneck: Transition | None
    """The lowest conversion among transitions from a stage with reached >= 5 (earliest on
    ties); None when no stage has 5."""
    inverse_at: tuple[int, ...]
    """Indexes of stages holding more deals (`count`) than some earlier stage."""
    losses: tuple[LossFigure, ...]
    """By stage, then by count (most first), then reason."""
    other_currencies: tuple[str, ...] = ()
    """Currencies of deals counted here but left out of the amounts."""

    @property
    def inverse(self) -> bool:
        """An inverse funnel: a later stage holds more deals than an earlier one."""
        return bool(self.inverse_at)

    @property
    def key_index(self) -> int | None:
        return next((i for i, stage in enumerate(self.stages) if stage.is_key), None)
