"""Monthly plans in the interchange document: each pipeline's `plans`, as

    {"month": "2026-10", "owner": null, "amount": "1500000.00", "currency": "RUB"}

`owner` null is the team's plan; `amount` null records "no plan from this month on" (a cleared
one). Exported in the order `PlanRepository.list` gives, so that an import of an export gives
back the same document.

And the team's monthly targets of each stage (the reference funnel), in the stage's `targets`:

    {"month": "2026-10", "count": 12, "amount": "900000.00", "currency": "RUB"}

one a month (the target of that month only), by month; a month with neither a count nor an
amount is no target and is not exported. Those of removed stages go with the removed stage.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import date
from typing import Any

from funnel_tui.domain.errors import FunnelError, ValidationError
from funnel_tui.domain.models import Pipeline, PlanTarget, Stage
from funnel_tui.domain.money import Money
from funnel_tui.i18n import _
from funnel_tui.services.interchange_schema import PlanDoc, StageTargetDoc
from funnel_tui.services.plans import parse_month
from funnel_tui.services.ports import UnitOfWork


def plan_docs(
    plans: Iterable[PlanTarget], logins: Mapping[int, str]
) -> dict[int, list[dict[str, Any]]]:
    """Pipeline id -> its plans as documents."""
    docs: dict[int, list[dict[str, Any]]] = {}
    for plan in plans:
        amount = plan.target_amount
        docs.setdefault(plan.pipeline_id, []).append(
            {
                "month": f"{plan.month:%Y-%m}",
                "owner": None if plan.owner_id is None else logins[plan.owner_id],
                "amount": amount.to_decimal_string() if amount else None,
                "currency": amount.currency if amount else None,
            }
        )
    return docs


def import_plans(
    uow: UnitOfWork,
    pipeline: Pipeline,
    docs: Iterable[PlanDoc],
    user_id: Callable[[str], int],
    where: str,
) -> None:
    """Set the plans of `docs` on `pipeline`, replacing any set here for the same months.
    `user_id`: the id of the user with a login (recorded on first use)."""
    seen: set[tuple[int | None, str]] = set()
    for index, doc in enumerate(docs):
        field = f"{where}.plans[{index}]"
        try:
            month = parse_month(doc.month)
            owner = None if doc.owner is None else user_id(doc.owner)
            amount = _amount(doc)
        except FunnelError as err:
            raise ValidationError(field, str(err)) from None
        key = (owner, f"{month:%Y-%m}")
        if key in seen:
            raise ValidationError(
                field, _("a second plan for {month} of the same owner").format(month=key[1])
            )
        seen.add(key)
        uow.plans.put(pipeline.id, owner, month, amount)


def stage_target_docs(
    targets: Iterable[PlanTarget], exported_as: Mapping[int, int]
) -> dict[int, list[dict[str, Any]]]:
    """Stage id -> its targets as documents, by month. `exported_as`: the id of the stage
    each stage is exported as (removed stages of one name are exported as one, the first of
    them): a month that two of those have keeps the target of the one exported."""
    own_first = sorted(
        targets, key=lambda target: exported_as.get(target.stage_id or 0) != target.stage_id
    )
    months: dict[int, dict[date, dict[str, Any]]] = {}
    for target in own_first:
        stage_id = exported_as.get(target.stage_id or 0)
        amount = target.target_amount
        if stage_id is None or (target.target_count is None and amount is None):
            continue
        months.setdefault(stage_id, {}).setdefault(
            target.month,
            {
                "month": f"{target.month:%Y-%m}",
                "count": target.target_count,
                "amount": amount.to_decimal_string() if amount else None,
                "currency": amount.currency if amount else None,
            },
        )
    return {
        stage_id: [by_month[month] for month in sorted(by_month)]
        for stage_id, by_month in months.items()
    }


def import_stage_targets(
    uow: UnitOfWork, pipeline: Pipeline, stage: Stage, docs: Iterable[StageTargetDoc], where: str
) -> None:
    """Set the targets of `docs` on `stage`, replacing any set here for the same months (a
    month with neither count nor amount clears the target here)."""
    seen: set[date] = set()
    for index, doc in enumerate(docs):
        field = f"{where}.targets[{index}]"
        if not stage.is_open:
            raise ValidationError(field, _("targets are set on open stages"))
        try:
            month = parse_month(doc.month)
            amount = _amount(doc)
        except FunnelError as err:
            raise ValidationError(field, str(err)) from None
        if month in seen:
            raise ValidationError(
                field, _("a second target for {month}").format(month=f"{month:%Y-%m}")
            )
        seen.add(month)
        uow.plans.put_stage_target(pipeline.id, stage.id, month, doc.count, amount)


def _amount(doc: PlanDoc | StageTargetDoc) -> Money | None:
    if doc.amount is None:
        if doc.currency is not None:
            if isinstance(doc, StageTargetDoc):
                raise ValidationError("currency", _("is set on a target without an amount"))
            raise ValidationError("currency", _("is set on a plan without an amount"))
        return None
    if doc.currency is None:
        raise ValidationError("currency", _("is missing (an amount needs its currency)"))
    return Money.from_major(doc.amount, doc.currency)
