"""Deals and their activities as CSV rows (`funnel export --format csv`).

Columns are plain English names that the importer's "generic" preset reads back
(`stage_position` keeps the order of the stages, `external_id` where an imported deal came
from, so that neither is lost on the way through a spreadsheet). Money is a
plain decimal string in major units (`1500.50`), dates ISO (`2026-11-30`), times UTC ISO with
`Z` (as in the interchange format), tags joined by `; `. Deleted deals are left out.

Text is kept exactly (CSV is data for other tools), except for the formula guard: spreadsheets
run a cell that starts with `=`, `+`, `-`, `@`, tab or carriage return as a formula (CSV
injection), so such a text cell gets a leading `'` unless the caller asks for raw cells. Only
free-text columns are guarded; numbers, dates and times are ours and never start so. A cell of
digits, spaces and `+ - ( ) . , /` alone (a phone number such as `+7 900 000-00-00`) is left
as it is: with no letter, quote, `!`, `|` or `@` it can call no function, read no other cell and
start no program, and phone numbers are most of the cells that start with `+`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from funnel_tui.domain.dates import format_utc
from funnel_tui.domain.errors import NotFoundError
from funnel_tui.domain.models import Activity, Deal, Pipeline, Stage, StageKind
from funnel_tui.i18n import _
from funnel_tui.services.ports import Store

DEAL_COLUMNS = (
    "id",
    "external_id",
    "title",
    "pipeline",
    "stage",
    "stage_position",
    "status",
    "value",
    "currency",
    "owner",
    "company",
    "contact",
    "phone",
    "email",
    "source",
    "tags",
    "expected_close",
    "next_contact",
    "next_contact_note",
    "loss_reason",
    "loss_note",
    "created_at",
    "closed_at",
)

ACTIVITY_COLUMNS = (
    "deal_id",
    "deal_title",
    "kind",
    "direction",
    "outcome",
    "duration_s",
    "at",
    "by",
    "body",
)

TAG_SEPARATOR = "; "
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_HARMLESS = re.compile(r"[+\-][0-9 ()\-.,/]*")

# Columns whose cells come from what people typed (the formula guard applies to these).
_DEAL_TEXT = frozenset(
    {
        "title",
        "pipeline",
        "stage",
        "owner",
        "company",
        "contact",
        "phone",
        "email",
        "source",
        "tags",
        "next_contact_note",
        "loss_reason",
        "loss_note",
    }
)
_ACTIVITY_TEXT = frozenset({"deal_title", "by", "body"})


@dataclass(frozen=True, slots=True)
class DealFilter:
    """Which deals to export; None everywhere means every (not deleted) deal."""

    pipeline: str | None = None
    """A pipeline name (any case), archived pipelines included."""
    owner_id: int | None = None
    stage: str | None = None
    """A stage name (any case), in the chosen pipeline or in any pipeline."""
    status: StageKind | None = None
    created_from: datetime | None = None
    """Created at or after this moment (aware)."""
    created_before: datetime | None = None
    """Created before this moment (aware): half-open like every period."""


@dataclass(frozen=True, slots=True)
class CsvRows:
    deals: list[list[str]]
    """Rows under DEAL_COLUMNS."""
    activities: list[list[str]]
    """Rows under ACTIVITY_COLUMNS: the activities of the exported deals, oldest first."""


def guard_formula(text: str) -> str:
    """`text` with a leading `'` when a spreadsheet would take it for a formula."""
    if text.startswith(FORMULA_STARTS) and _HARMLESS.fullmatch(text) is None:
        return "'" + text
    return text


def unguard_formula(text: str) -> str:
    """`text` as it was before `guard_formula`: the importer reads our own exports back."""
    if text.startswith("'") and guard_formula(text[1:]) == text:
        return text[1:]
    return text


def export_rows(
    store: Store, where: DealFilter | None = None, *, guard: bool = True, activities: bool = True
) -> CsvRows:
    """The deals matching `where` (by creation time) and their activities, as CSV rows."""
    where = where or DealFilter()
    deal_rows: list[list[str]] = []
    activity_rows: list[list[str]] = []
    with store.read() as uow:
        logins = {user.id: user.login for user in uow.users.list()}
        pipelines = uow.pipelines.list(include_archived=True)
        chosen = _choose_pipelines(pipelines, where.pipeline)
        stage_ids = _choose_stages(chosen, where.stage)
        by_id = {pipeline.id: pipeline for pipeline in pipelines}
        stages = {stage.id: stage for pipeline in pipelines for stage in pipeline.stages}
        for bundle in uow.bulk.iter_bundles():
            deal = bundle.deal
            stage = stages[deal.stage_id]
            if not _matches(deal, stage, where, chosen, stage_ids):
                continue
            deal_rows.append(_deal_row(deal, by_id[deal.pipeline_id], stage, logins))
            if activities:
                activity_rows.extend(
                    _activity_row(deal, activity, logins) for activity in bundle.activities
                )
    if guard:
        deal_rows = _guarded(deal_rows, DEAL_COLUMNS, _DEAL_TEXT)
        activity_rows = _guarded(activity_rows, ACTIVITY_COLUMNS, _ACTIVITY_TEXT)
    return CsvRows(deal_rows, activity_rows)


def _choose_pipelines(pipelines: list[Pipeline], name: str | None) -> list[Pipeline]:
    if name is None:
        return pipelines
    wanted = name.strip().casefold()
    found = [pipeline for pipeline in pipelines if pipeline.name.casefold() == wanted]
    if not found:
        names = ", ".join(pipeline.name for pipeline in pipelines) or _("none yet")
        raise NotFoundError(
            _("no pipeline {name} (pipelines: {names})").format(name=repr(name), names=names)
        )
    return found


def _choose_stages(pipelines: list[Pipeline], name: str | None) -> set[int] | None:
    if name is None:
        return None
    wanted = name.strip().casefold()
    found = {
        stage.id
        for pipeline in pipelines
        for stage in pipeline.stages
        if stage.name.casefold() == wanted
    }
    if not found:
        names = ", ".join(dict.fromkeys(s.name for p in pipelines for s in p.stages))
        raise NotFoundError(
            _("no stage {name} (stages: {names})").format(
                name=repr(name), names=names or _("none yet")
            )
        )
    return found


def _matches(
    deal: Deal,
    stage: Stage,
    where: DealFilter,
    pipelines: list[Pipeline],
    stage_ids: set[int] | None,
) -> bool:
    if deal.deleted_at is not None:
        return False
    if where.pipeline is not None and all(p.id != deal.pipeline_id for p in pipelines):
        return False
    if where.owner_id is not None and deal.owner_id != where.owner_id:
        return False
    if stage_ids is not None and deal.stage_id not in stage_ids:
        return False
    if where.status is not None and stage.kind is not where.status:
        return False
    if where.created_from is not None and deal.created_at < where.created_from:
        return False
    return where.created_before is None or deal.created_at < where.created_before


def _text(value: str | None) -> str:
    return "" if value is None else value


def _stamp(moment: datetime | None) -> str:
    return "" if moment is None else format_utc(moment)


def _deal_row(deal: Deal, pipeline: Pipeline, stage: Stage, logins: dict[int, str]) -> list[str]:
    reasons = {reason.id: reason.name for reason in pipeline.loss_reasons}
    return [
        str(deal.id),
        _text(deal.external_id),
        deal.title,
        pipeline.name,
        stage.name,
        str(stage.position),
        stage.kind.value,
        deal.value.to_decimal_string(),
        deal.value.currency,
        logins.get(deal.owner_id, ""),
        _text(deal.company),
        _text(deal.contact),
        _text(deal.phone),
        _text(deal.email),
        _text(deal.source),
        TAG_SEPARATOR.join(deal.tags),
        deal.expected_close.isoformat() if deal.expected_close else "",
        _stamp(deal.next_contact_at),
        _text(deal.next_contact_note) if deal.next_contact_at else "",
        reasons.get(deal.loss_reason_id, "") if deal.loss_reason_id else "",
        _text(deal.loss_note),
        format_utc(deal.created_at),
        _stamp(deal.closed_at),
    ]


def _activity_row(deal: Deal, activity: Activity, logins: dict[int, str]) -> list[str]:
    return [
        str(deal.id),
        deal.title,
        activity.kind.value,
        activity.direction.value if activity.direction else "",
        activity.outcome.value if activity.outcome else "",
        "" if activity.duration_s is None else str(activity.duration_s),
        format_utc(activity.at),
        logins.get(activity.by_user_id, ""),
        _text(activity.body),
    ]


def _guarded(
    rows: Iterable[list[str]], columns: tuple[str, ...], text_columns: frozenset[str]
) -> list[list[str]]:
    positions = [index for index, column in enumerate(columns) if column in text_columns]
    result = []
    for row in rows:
        for index in positions:
            row[index] = guard_formula(row[index])
        result.append(row)
    return result
