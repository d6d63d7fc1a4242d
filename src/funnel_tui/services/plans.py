"""Monthly plans: the amount a pipeline (its team, or one owner) should close in a month.

A plan is set from a month on and stays in effect until it is changed (DESIGN.md: the
reference funnel starts from it). Clearing records "no plan from this month on", so an
earlier plan stops there instead of being lost.
"""

from __future__ import annotations

import builtins
import re
from dataclasses import dataclass
from datetime import date

from funnel_tui.domain.dates import check_year
from funnel_tui.domain.errors import NotFoundError, ValidationError
from funnel_tui.domain.models import Pipeline, PlanTarget
from funnel_tui.domain.money import Money, check_money, parse_money
from funnel_tui.domain.validation import shown
from funnel_tui.i18n import _
from funnel_tui.services.context import ServiceContext
from funnel_tui.services.ports import UnitOfWork

_ISO_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_DOTTED_MONTH = re.compile(r"^(\d{1,2})[./](\d{4})$")
"""`11.2026` or `11/2026`: month then year, however days are written."""


@dataclass(frozen=True, slots=True)
class PlanLine:
    """One plan as people read it: whose, from when, how much."""

    pipeline_id: int
    pipeline_name: str
    owner_id: int | None
    owner_login: str | None
    """None: the team's plan (the whole pipeline's)."""
    month: date
    """The first day of the month it holds from."""
    amount: Money | None
    """None: no plan from this month on (a cleared one)."""


def parse_month(text: str) -> date:
    """The first day of the month written `2026-10`, `10.2026` or `10/2026`."""
    raw = text.strip()
    year = month = 0
    if match := _ISO_MONTH.match(raw):
        year, month = int(match[1]), int(match[2])
    elif match := _DOTTED_MONTH.match(raw):
        month, year = int(match[1]), int(match[2])
    if year >= 1 and 1 <= month <= 12:
        first = date(year, month, 1)
        check_year(first, "month")
        return first
    raise ValidationError(
        "month", _("{text} is not a month (use 2026-10)").format(text=shown(text))
    )


class PlanService:
    def __init__(self, context: ServiceContext) -> None:
        self._context = context

    def set_plan(
        self,
        pipeline_id: int,
        amount: str | Money,
        *,
        month: date,
        currency: str,
        owner_id: int | None = None,
    ) -> PlanLine:
        """Plan `amount` a month for the pipeline (the team, or one owner) from `month` on.
        `currency`: the amount's currency when the text names none."""
        money = _plan_amount(amount, currency)
        first = month.replace(day=1)
        with self._context.store.write() as uow:
            pipeline = _open_pipeline(uow, pipeline_id)
            login = _owner_login(uow, owner_id)
            plan = uow.plans.put(pipeline.id, owner_id, first, money)
            uow.commit()
        return _line(plan, pipeline, login)

    def clear_plan(self, pipeline_id: int, *, month: date, owner_id: int | None = None) -> PlanLine:
        """No plan for the pipeline (the team, or one owner) from `month` on."""
        first = month.replace(day=1)
        with self._context.store.write() as uow:
            pipeline = _open_pipeline(uow, pipeline_id)
            login = _owner_login(uow, owner_id)
            current = uow.plans.in_effect(pipeline.id, owner_id, first)
            if current is None or current.target_amount is None:
                if login:
                    message = _("no plan of {login} for {pipeline} in {month} to clear")
                else:
                    message = _("no plan for {pipeline} in {month} to clear")
                raise NotFoundError(
                    message.format(
                        login=login, pipeline=repr(pipeline.name), month=f"{first:%Y-%m}"
                    )
                )
            plan = uow.plans.put(pipeline.id, owner_id, first, None)
            uow.commit()
        return _line(plan, pipeline, login)

    def list_plans(self, pipeline_id: int | None = None) -> builtins.list[PlanLine]:
        """Every plan set (of one pipeline if given), the team's first, each by month."""
        with self._context.store.read() as uow:
            pipelines = {p.id: p for p in uow.pipelines.list(include_archived=True)}
            logins = {user.id: user.login for user in uow.users.list()}
            plans = uow.plans.list(pipeline_id)
        return [
            _line(
                plan,
                pipelines[plan.pipeline_id],
                None if plan.owner_id is None else logins[plan.owner_id],
            )
            for plan in plans
        ]

    def in_effect(self, pipeline_id: int, month: date, owner_id: int | None = None) -> Money | None:
        """The plan amount for `month`: the latest set from that month or before."""
        with self._context.store.read() as uow:
            plan = uow.plans.in_effect(pipeline_id, owner_id, month.replace(day=1))
        return plan.target_amount if plan is not None else None


def _plan_amount(amount: str | Money, currency: str) -> Money:
    """A plan amount checked as every amount is: no float, not negative, an ISO currency."""
    try:
        if isinstance(amount, Money):
            return check_money(amount)
        return parse_money(amount, currency)
    except ValidationError as err:
        raise ValidationError("plan", err.message) from None


def _open_pipeline(uow: UnitOfWork, pipeline_id: int) -> Pipeline:
    pipeline = uow.pipelines.get(pipeline_id)
    if pipeline is None:
        raise NotFoundError(_("no pipeline #{pipeline}").format(pipeline=pipeline_id))
    if pipeline.archived_at is not None:
        raise ValidationError(
            "pipeline", _("{pipeline} is archived").format(pipeline=repr(pipeline.name))
        )
    return pipeline


def _owner_login(uow: UnitOfWork, owner_id: int | None) -> str | None:
    if owner_id is None:
        return None
    user = uow.users.get(owner_id)
    if user is None:
        raise NotFoundError(_("no user #{user}").format(user=owner_id))
    return user.login


def _line(plan: PlanTarget, pipeline: Pipeline, login: str | None) -> PlanLine:
    return PlanLine(
        pipeline_id=pipeline.id,
        pipeline_name=pipeline.name,
        owner_id=plan.owner_id,
        owner_login=login,
        month=plan.month,
        amount=plan.target_amount,
    )
