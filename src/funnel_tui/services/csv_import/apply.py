"""The import itself: the plan, written in one transaction by the interchange import
(all or nothing), or only the good rows with `skip_bad`.

The external id of each deal (`amocrm:123`) is kept as a tag `ext:amocrm:123` until the deals
table has a column for it; a re-import skips the deals whose tag is already here.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import tzinfo
from typing import Any

from funnel_tui.domain.dates import format_utc
from funnel_tui.domain.errors import ValidationError
from funnel_tui.services.context import ServiceContext
from funnel_tui.services.csv_import.errors import ImportProblem, RowProblem
from funnel_tui.services.csv_import.plan import ImportPlan, PlannedDeal, build_plan
from funnel_tui.services.csv_import.presets import PRESETS, Preset, detect_preset, parse_maps
from funnel_tui.services.csv_import.rows import EXT_TAG, parse_rows
from funnel_tui.services.csv_import.sniff import Table
from funnel_tui.services.interchange import InterchangeService, Progress
from funnel_tui.services.interchange_schema import FORMAT


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
        raise ImportProblem(f"unknown preset {name!r} (one of {', '.join(PRESETS)})") from None


def existing_ext_ids(context: ServiceContext) -> set[str]:
    with context.store.read() as uow:
        return {
            tag
            for bundle in uow.bulk.iter_bundles()
            for tag in bundle.deal.tags
            if tag.startswith(EXT_TAG)
        }


def plan_import(
    context: ServiceContext,
    table: Table,
    *,
    preset: str | None = None,
    maps: tuple[str, ...] | list[str] = (),
    pipeline: str | None = None,
    currency: str = "RUB",
    create_stages: bool = True,
    local: tzinfo | None = None,
) -> tuple[Preset, ImportPlan]:
    chosen = choose_preset(table, preset)
    parsed = parse_rows(
        table,
        chosen,
        parse_maps(maps),
        currency=currency,
        pipeline=pipeline,
        now=context.clock(),
        local=local,
    )
    present = existing_ext_ids(context)
    with context.store.read() as uow:
        pipelines = uow.pipelines.list()
        users = uow.users.list()
    plan = build_plan(
        parsed,
        pipelines=pipelines,
        users=users,
        present=present,
        default_owner=context.login,
        create_stages=create_stages,
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
    create_stages: bool = True,
    dry_run: bool = False,
    skip_bad: bool = False,
    progress: Progress | None = None,
    local: tzinfo | None = None,
) -> CsvImportResult:
    """Plan, then (unless `dry_run`) write. Bad rows stop everything unless `skip_bad`."""
    chosen, plan = plan_import(
        context,
        table,
        preset=preset,
        maps=maps,
        pipeline=pipeline,
        currency=currency,
        create_stages=create_stages,
        local=local,
    )
    rejected = tuple(plan.problems)
    if dry_run:
        return CsvImportResult(chosen, plan, 0, rejected)
    if plan.problems and not skip_bad:
        raise ImportProblem(
            f"{len({p.line for p in plan.problems})} bad rows: nothing imported "
            "(see --dry-run, or --skip-bad to import the rest)",
            rejected,
        )
    if plan.deals:
        try:
            InterchangeService(context).import_document(document(plan), progress)
        except ValidationError as err:
            raise _at_line(err, plan) from None
    elif progress:
        progress(0, 0)
    return CsvImportResult(chosen, plan, len(plan.deals), rejected)


def _at_line(err: ValidationError, plan: ImportPlan) -> ImportProblem:
    """A problem the interchange import found in `deals[i]`, told by the file's line."""
    match = re.match(r"deals\[(\d+)\]", err.field)
    if match is None or int(match[1]) >= len(plan.deals):
        return ImportProblem(f"{err}; nothing was imported")
    problem = RowProblem(plan.deals[int(match[1])].row.line, "", err.message)
    return ImportProblem(f"{problem}; nothing was imported", (problem,))


def document(plan: ImportPlan) -> dict[str, Any]:
    """The plan as an interchange document (services/interchange_schema.py)."""
    return {
        "format": FORMAT,
        "users": [{"login": login, "name": name} for login, name in plan.new_owners.items()],
        "pipelines": [
            {
                "name": new.name,
                "stages": [{"name": name, "kind": kind.value} for name, kind in new.stages()],
                "loss_reasons": new.loss_reasons,
            }
            for new in plan.new_pipelines.values()
        ],
        "deals": [_deal(deal) for deal in plan.deals],
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
        "created_at": format_utc(deal.row.created_at),
        "history": [
            {"stage": stage, "at": format_utc(at), "by": deal.owner_login}
            for stage, at in deal.history
        ],
    }
