"""What the team lead's figures are, as plain data: KPIs with their change against the
previous period, forecasts by month, the reference funnel (plan), manager activity and loss
reasons (DESIGN.md, "Definitions of the figures").

The same rules as `funnel_model.py`: ratios are exact `Fraction`s and None where undefined
(0/0, shown as "—"); money is in one currency, the report's, and deals in other currencies
are counted but never summed into it (named in `other_currencies`). Durations are in days,
as `Fraction`s of exact seconds.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from fractions import Fraction

from funnel_tui.domain.money import Money

# --- queries -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class MetricsQuery:
    """The deals a KPI, team or loss report is about."""

    pipeline_id: int | None
    """One pipeline; None: every (unarchived) pipeline."""
    start: datetime
    """The period's first moment (included), aware."""
    end: datetime
    """The period's end (excluded), aware."""
    owner_id: int | None = None
    """One owner's deals; None: everyone's."""
    currency: str | None = None
    """The currency to sum amounts in; None: the one most of the deals in view are in."""


@dataclass(frozen=True, slots=True)
class ForecastQuery:
    pipeline_id: int | None
    """One pipeline; None: every pipeline."""
    first_month: date
    """The first day of the first month forecast (normally the current one)."""
    months: int = 3
    """How many months, 3 to 9."""
    owner_id: int | None = None
    currency: str | None = None


@dataclass(frozen=True, slots=True)
class PlanQuery:
    pipeline_id: int
    month: date
    """The first day of the month the plan is for."""
    owner_id: int | None = None
    """One owner's plan and deals; None: the team's plan (the pipeline's) and everyone's deals."""
    currency: str | None = None


def relative_change(
    current: Fraction | int | None, previous: Fraction | int | None
) -> Fraction | None:
    """(current − previous) / previous: +0.25 is 25 % up. None when either is undefined or the
    previous one is 0 (no base to compare against)."""
    if current is None or previous is None or previous == 0:
        return None
    return Fraction(current - previous) / Fraction(previous)


# --- KPIs ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class KpiValues:
    """The KPIs of one period (DESIGN.md definitions)."""

    new_leads: int
    """Deals created in the period."""
    open_opportunities: int
    """Open deals at the period's end, or now if that is earlier (the current period: now)."""
    won: int
    """Deals closed as won in the period (closed_at in the period, in the won stage now)."""
    lost: int
    """Deals closed as lost in the period."""
    win_rate: Fraction | None
    """won / (won + lost); None: nothing closed."""
    won_amount: Money
    """The sum of the won deals' values in the report's currency."""
    average_deal_size: Money | None
    """The mean value of the won deals in the report's currency, rounded half to even; None:
    none won in it."""
    cycle_mean_days: Fraction | None
    """Mean days from creation to close of the deals won in the period; None: none won."""
    cycle_median_days: Fraction | None
    """Their median (the mean of the middle two for an even count)."""
    velocity: Money | None
    """Pipeline velocity, money per day: open deals in the report's currency × win rate ×
    average deal size / mean cycle days, rounded half to even; None when any part is
    undefined or the mean cycle is 0."""
    velocity_open_deals: int
    """The open deals (in the report's currency) the velocity was computed from."""


@dataclass(frozen=True, slots=True)
class KpiReport:
    pipeline_id: int | None
    pipeline_name: str | None
    """None: every pipeline."""
    owner_login: str | None
    currency: str
    start: datetime
    end: datetime
    previous_start: datetime
    """The previous period of the same length: the same number of whole calendar months
    before a period of whole months, else the same number of days right before."""
    previous_end: datetime
    current: KpiValues
    previous: KpiValues
    other_currencies: tuple[str, ...] = ()


# --- forecast ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class StageOdds:
    """The chance that a deal at an open stage is won, configured and measured."""

    stage_id: int
    pipeline_name: str
    stage_name: str
    configured: Fraction
    """The stage's win probability (its percent / 100)."""
    measured: Fraction | None
    """P(win | the deal reached this stage), over the deals created in the 12 months before
    the forecast that are closed now: won ones / (won ones + lost ones that reached the
    stage; skipped stages count as passed, as in the funnel). None: no such deal closed."""
    sample: int
    """How many closed deals `measured` was computed from."""


@dataclass(frozen=True, slots=True)
class ForecastMonth:
    month: date
    """The first day of the month."""
    deals: int
    """Open deals whose expected close falls in the month (in the report's currency)."""
    amount: Money
    """The sum of their values, unweighted."""
    weighted: Money
    """Σ value × the stage's configured probability, rounded once, half to even."""
    historical: Money
    """Σ value × the stage's measured odds (the configured probability where none were
    measured), rounded once, half to even."""


@dataclass(frozen=True, slots=True)
class ForecastReport:
    pipeline_id: int | None
    pipeline_name: str | None
    owner_login: str | None
    currency: str
    months: tuple[ForecastMonth, ...]
    odds: tuple[StageOdds, ...]
    """Every open stage in view, in pipeline then stage order."""
    overdue_deals: int
    """Open deals whose expected close is before the first month: not in any month."""
    undated_deals: int
    """Open deals with no expected close: not in any month."""
    other_currencies: tuple[str, ...] = ()


# --- the reference funnel (plan) -----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PlanStage:
    stage_id: int
    name: str
    win_odds: Fraction | None
    """Π of the conversions from this stage on = P(win | reached this stage): the measured
    odds of the forecast when defined and non-zero, else the configured probability; None
    when both are 0 (no number of deals is enough)."""
    measured: bool
    """Whether `win_odds` was measured (else configured)."""
    required: int | None
    """⌈required wins / win_odds⌉; None: no plan, no average deal size, or no odds."""
    actual: int
    """Deals of the month's cohort that reached the stage (the funnel's `reached`)."""
    deficit: int | None
    """max(0, required − actual); None when `required` is."""


@dataclass(frozen=True, slots=True)
class PlanReport:
    pipeline_id: int
    pipeline_name: str
    month: date
    owner_login: str | None
    currency: str
    plan: Money | None
    """The monthly plan amount in effect for the month; None: none set."""
    won_amount: Money
    """Won in the month (closed_at in it), in the plan's currency."""
    won: int
    average_deal_size: Money | None
    """The mean value of deals won in the 12 months before the month's end; None: none."""
    required_wins: int | None
    """⌈plan / average deal size⌉; None without a plan or an average."""
    stages: tuple[PlanStage, ...]

    @property
    def fulfilment(self) -> Fraction | None:
        """won_amount / plan; None without a plan (or a plan of 0)."""
        if self.plan is None or self.plan.minor == 0:
            return None
        return Fraction(self.won_amount.minor, self.plan.minor)


# --- the team ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ManagerActivity:
    """One owner's work in the period (DESIGN.md: manager activity)."""

    user_id: int
    login: str
    display_name: str
    calls: int
    """Call activities they logged in the period."""
    meetings: int
    created: int
    """Deals they own that were created in the period."""
    moved_forward: int
    """Stage changes they made in the period to a later stage (open or won) of the same
    pipeline."""
    won: int
    """Their deals won in the period."""
    won_amount: Money
    lost: int
    median_first_response: timedelta | None
    """Median time from creation to the first activity, of their deals created in the period
    that have one; None: none has."""
    overdue_now: int
    """Their open deals whose next contact is past now."""
    without_next_contact: int
    """Their open deals with no next contact."""


@dataclass(frozen=True, slots=True)
class TeamReport:
    pipeline_id: int | None
    pipeline_name: str | None
    start: datetime
    end: datetime
    currency: str
    managers: tuple[ManagerActivity, ...]
    """Everyone who owns a deal or did something in the period, by display name."""
    other_currencies: tuple[str, ...] = ()


# --- loss reasons --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class LossReasonFigure:
    reason: str | None
    """None: lost without a reason."""
    count: int
    amount: Money


@dataclass(frozen=True, slots=True)
class LossReport:
    """Deals lost in the period (closed_at in it), by reason: the most first."""

    pipeline_id: int | None
    pipeline_name: str | None
    start: datetime
    end: datetime
    currency: str
    reasons: tuple[LossReasonFigure, ...]
    other_currencies: tuple[str, ...] = ()
