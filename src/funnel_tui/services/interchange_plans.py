"""Monthly plans in the interchange document: each pipeline's `plans`, as

    {"month": "2026-10", "owner": null, "amount": "1500000.00", "currency": "RUB"}

`owner` null is the team's plan; `amount` null records "no plan from this month on" (a cleared
one). Exported in the order `PlanRepository.list` gives, so that an import of an export gives
back the same document.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from funnel_tui.domain.errors import FunnelError, ValidationError
from funnel_tui.domain.models import Pipeline, PlanTarget
from funnel_tui.domain.money import Money
from funnel_tui.i18n import _
from funnel_tui.services.interchange_schema import PlanDoc
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


def _amount(doc: PlanDoc) -> Money | None:
    if doc.amount is None:
        if doc.currency is not None:
            raise ValidationError("currency", _("is set on a plan without an amount"))
        return None
    if doc.currency is None:
        raise ValidationError("currency", _("is missing (an amount needs its currency)"))
    return Money.from_major(doc.amount, doc.currency)
