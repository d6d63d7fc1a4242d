"""The import itself: the plan, written in one transaction by the interchange import
(all or nothing), or only the good rows with `skip_bad`.

Each deal keeps its external id (`amocrm:123`, `Deal.external_id`); a re-import skips the rows
whose deal is here already. Stages and pipelines the file needs are created only when the
caller says so (`create_stages`: the question in the app, `--create-stages` on the command
line); owners and loss reasons are created as needed.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import tzinfo
from typing import Any

from funnel_tui.domain.dates import format_utc, format_utc_or_none
from funnel_tui.domain.errors import ValidationError
from funnel_tui.domain.models import StageKind
from funnel_tui.i18n import N_, _, ngettext
from funnel_tui.services.context import ServiceContext
from funnel_tui.services.csv_import.errors import ImportProblem, RowProblem
from funnel_tui.services.csv_import.plan import (
    Additions,
    ImportPlan,
    NewPipeline,
    PlannedDeal,
    build_plan,
)
from funnel_tui.services.csv_import.presets import PRESETS, Preset, detect_preset, parse_maps
from funnel_tui.services.csv_import.rows import parse_rows
from funnel_tui.services.csv_import.sniff import Table
from funnel_tui.services.interchange import InterchangeService
from funnel_tui.services.interchange_schema import FORMAT

ImportProgress = Callable[[str, int, int], None]
"""(phase, done, total): CHECKING the rows, then WRITING the deals."""
CHECKING = N_("Checking rows")
WRITING = N_("Writing deals")


@dataclass(frozen=True, slots=True)
class CsvImportResult:
    preset: Preset
    plan: ImportPlan
    created: int
    """Deals written (0 on a dry run)."""
    rejected: tuple[RowProblem, ...]
    """The problems of the rows left out (with `skip_bad`), for a reject file."""


def choose_preset(table: Table, name: str | None) -> Preset:
    if name is None:
        return detect_preset(table.header)
    try:
        return PRESETS[name.casefold()]
    except KeyError:
        raise ImportProblem(
            _("unknown preset {name} (one of {presets})").format(
                name=repr(name), presets=", ".join(PRESETS)
            )
        ) from None


def plan_import(
    context: ServiceContext,
    table: Table,
    *,
    preset: str | None = None,
    maps: tuple[str, ...] | list[str] = (),
    pipeline: str | None = None,
    currency: str = "RUB",
    local: tzinfo | None = None,
    progress: ImportProgress | None = None,
) -> tuple[Preset, ImportPlan]:
    """What importing `table` would do, changing nothing."""
    chosen = choose_preset(table, preset)
    parsed = parse_rows(
        table,
        chosen,
        parse_maps(maps),
        currency=currency,
        pipeline=pipeline,
        now=context.clock(),
        local=local,
        progress=(lambda done, total: progress(_(CHECKING), done, total)) if progress else None,
    )
    with context.store.read() as uow:
        present = uow.bulk.existing_external_ids(row.external_id for row in parsed.drafts)
        pipelines = uow.pipelines.list()
        users = uow.users.list()
    plan = build_plan(
        parsed, pipelines=pipelines, users=users, present=present, default_owner=context.login
    )
    return chosen, plan


def import_table(
    context: ServiceContext,
    table: Table,
    *,
    preset: str | None = None,
    maps: tuple[str, ...] | list[str] = (),
    pipeline: str | None = None,
    currency: str = "RUB",
    create_stages: bool = False,
    dry_run: bool = False,
    skip_bad: bool = False,
    progress: ImportProgress | None = None,
    local: tzinfo | None = None,
) -> CsvImportResult:
    """Plan, then (unless `dry_run`) write. Bad rows stop everything unless `skip_bad`; stages
    the file needs stop everything unless `create_stages`."""
    chosen, plan = plan_import(
        context,
        table,
        preset=preset,
        maps=maps,
        pipeline=pipeline,
        currency=currency,
        local=local,
        progress=progress,
    )
    rejected = tuple(plan.problems)
    if dry_run:
        return CsvImportResult(chosen, plan, 0, rejected)
    if plan.problems and not skip_bad:
        bad = len({p.line for p in plan.problems})
        raise ImportProblem(
            ngettext(
                "{n} bad row: nothing imported (see --dry-run, or --skip-bad to import the rest)",
                "{n} bad rows: nothing imported (see --dry-run, or --skip-bad to import the rest)",
                bad,
            ).format(n=bad),
            rejected,
        )
    if plan.new_stages and not create_stages:
        raise ImportProblem(
            _(
                "the file needs {what} this database lacks: nothing imported "
                "(--create-stages creates them; --dry-run lists them)"
            ).format(what=stages_needed(plan))
        )
    if plan.deals:
        try:
            InterchangeService(context).import_document(
                document(plan),
                (lambda done, total: progress(_(WRITING), done, total)) if progress else None,
                extend_pipelines=True,
            )
        except ValidationError as err:
            raise _at_line(err, plan) from None
    elif progress:
        progress(_(WRITING), 0, 0)
    return CsvImportResult(chosen, plan, len(plan.deals), rejected)


def _at_line(err: ValidationError, plan: ImportPlan) -> ImportProblem:
    """A problem the interchange import found in `deals[i]`, told by the file's line."""
    match = re.match(r"deals\[(\d+)\]", err.field)
    if match is None or int(match[1]) >= len(plan.deals):
        return ImportProblem(_("{problem}; nothing was imported").format(problem=err))
    problem = RowProblem(plan.deals[int(match[1])].row.line, "", err.message)
    return ImportProblem(_("{problem}; nothing was imported").format(problem=problem), (problem,))


def stages_needed(plan: ImportPlan) -> str:
    """`2 pipelines and 3 more stages`, for a message."""
    parts = []
    if plan.new_pipelines:
        count = len(plan.new_pipelines)
        parts.append(ngettext("{n} pipeline", "{n} pipelines", count).format(n=count))
    added = sum(len(a.open_stages) for a in plan.additions.values())
    if added:
        parts.append(ngettext("{n} more stage", "{n} more stages", added).format(n=added))
    if len(parts) == 2:
        return _("{pipelines} and {stages}").format(pipelines=parts[0], stages=parts[1])
    return "".join(parts)


def document(plan: ImportPlan) -> dict[str, Any]:
    """The plan as an interchange document (services/interchange_schema.py), imported with
    `extend_pipelines`: an existing pipeline is listed with the stages and reasons it gains."""
    return {
        "format": FORMAT,
        "users": [{"login": login, "name": name} for login, name in plan.new_owners.items()],
        "pipelines": [_new_pipeline(new) for new in plan.new_pipelines.values()]
        + [_extended_pipeline(additions) for additions in plan.additions.values()],
        "deals": [_deal(deal) for deal in plan.deals],
    }


def _new_pipeline(new: NewPipeline) -> dict[str, Any]:
    stages = new.stages()
    opens = sum(1 for _, kind in stages if kind is StageKind.OPEN)
    return {
        "name": new.name,
        "stages": [
            {"name": name, "kind": kind.value}
            # Open stages get a rising win probability (10 % … 90 %) until someone sets theirs.
            | ({"probability": _ramp(position, opens)} if kind is StageKind.OPEN else {})
            for position, (name, kind) in enumerate(stages)
        ],
        "loss_reasons": new.loss_reasons,
    }


def _ramp(position: int, count: int) -> int:
    return 10 if count == 1 else round(10 + 80 * position / (count - 1))


def _extended_pipeline(additions: Additions) -> dict[str, Any]:
    pipeline = additions.pipeline
    last_open = pipeline.open_stages[-1].probability if pipeline.open_stages else 10
    return {
        "name": pipeline.name,
        "stages": [{"name": stage.name, "kind": stage.kind.value} for stage in pipeline.stages]
        + [
            {"name": name, "kind": "open", "probability": last_open}
            for name in additions.open_stages
        ],
        "loss_reasons": [reason.name for reason in pipeline.loss_reasons] + additions.loss_reasons,
    }


def _deal(deal: PlannedDeal) -> Mapping[str, Any]:
    draft = deal.row.draft
    return {
        "title": draft.title,
        "pipeline": deal.pipeline,
        "value": draft.value.to_decimal_string(),
        "currency": draft.value.currency,
        "owner": deal.owner_login,
        "company": draft.company,
        "contact": draft.contact,
        "phone": draft.phone,
        "email": draft.email,
        "source": draft.source,
        "tags": list(draft.tags),
        "expected_close": draft.expected_close.isoformat() if draft.expected_close else None,
        "loss_reason": deal.loss_reason,
        "loss_note": deal.loss_note,
        "next_contact_at": format_utc_or_none(deal.row.next_contact_at),
        "next_contact_note": deal.row.next_contact_note,
        "external_id": deal.row.external_id,
        "created_at": format_utc(deal.row.created_at),
        "history": [
            {"stage": stage, "at": format_utc(at), "by": deal.owner_login}
            for stage, at in deal.history
        ],
    }
