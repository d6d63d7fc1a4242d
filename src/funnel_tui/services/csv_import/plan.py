"""The import plan: which pipelines, stages, owners and loss reasons would be created, which
rows become new deals and which are already here (by their external id)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from funnel_tui.domain.models import Pipeline, StageKind, User
from funnel_tui.services.csv_import.errors import RowProblem
from funnel_tui.services.csv_import.rows import ParsedRows, RowDraft

DEFAULT_OPEN = "New"
DEFAULT_WON = "Won"
DEFAULT_LOST = "Lost"


@dataclass(slots=True)
class NewPipeline:
    name: str
    open_stages: list[str] = field(default_factory=list)
    won: str | None = None
    lost: str | None = None
    loss_reasons: list[str] = field(default_factory=list)
    positions: dict[str, int] = field(default_factory=dict)
    """Open stage → its position, where the file gives one (our own export does)."""

    def stages(self) -> list[tuple[str, StageKind]]:
        """Open stages by the file's positions, else in the order rows show them."""
        order = {name: index for index, name in enumerate(self.open_stages)}
        opens = sorted(self.open_stages, key=lambda s: (self.positions.get(s, 10**6), order[s]))
        opens = opens or [DEFAULT_OPEN]
        return [
            *((name, StageKind.OPEN) for name in opens),
            (self.won or DEFAULT_WON, StageKind.WON),
            (self.lost or DEFAULT_LOST, StageKind.LOST),
        ]


@dataclass(frozen=True, slots=True)
class PlannedDeal:
    row: RowDraft
    pipeline: str
    history: tuple[tuple[str, datetime], ...]
    """(stage name, when entered): creation first, the current stage last."""
    owner_login: str
    loss_reason: str | None
    loss_note: str | None


@dataclass(slots=True)
class Additions:
    """Open stages and loss reasons an existing pipeline lacks, in the order rows show them."""

    pipeline: Pipeline
    open_stages: list[str] = field(default_factory=list)
    loss_reasons: list[str] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.pipeline.name


@dataclass(slots=True)
class ImportPlan:
    deals: list[PlannedDeal] = field(default_factory=list)
    already_present: int = 0
    duplicates_in_file: int = 0
    new_pipelines: dict[str, NewPipeline] = field(default_factory=dict)
    """Case-folded name → the pipeline to create."""
    additions: dict[str, Additions] = field(default_factory=dict)
    """Case-folded name → what an existing pipeline gets."""
    new_owners: dict[str, str] = field(default_factory=dict)
    """login → display name."""
    problems: list[RowProblem] = field(default_factory=list)
    columns: dict[int, str] = field(default_factory=dict)
    """The file's column index → the Funnel field it was read as."""

    @property
    def new_stages(self) -> list[tuple[str, str]]:
        """(pipeline, stage) for every stage to create: new pipelines' and added ones."""
        return [(p.name, s) for p in self.new_pipelines.values() for s, _ in p.stages()] + [
            (a.name, s) for a in self.additions.values() for s in a.open_stages
        ]

    @property
    def new_loss_reasons(self) -> list[tuple[str, str]]:
        return [(p.name, r) for p in self.new_pipelines.values() for r in p.loss_reasons] + [
            (a.name, r) for a in self.additions.values() for r in a.loss_reasons
        ]

    def per_stage(self) -> Counter[tuple[str, str]]:
        return Counter((d.pipeline, d.history[-1][0]) for d in self.deals)

    def per_owner(self) -> Counter[str]:
        return Counter(d.owner_login for d in self.deals)


def build_plan(
    parsed: ParsedRows,
    *,
    pipelines: Iterable[Pipeline],
    users: Iterable[User],
    present: set[str],
    default_owner: str,
) -> ImportPlan:
    """What importing `parsed` would do. Stages, pipelines and loss reasons the file names
    but this database lacks are planned as new ones (the caller asks before creating)."""
    plan = ImportPlan(problems=list(parsed.problems), columns=dict(parsed.columns))
    existing = {p.name.casefold(): p for p in pipelines}
    by_login = {u.login: u for u in users}
    by_name = {u.display_name.casefold(): u.login for u in by_login.values()}
    seen: set[str] = set()
    fresh: list[RowDraft] = []
    for row in parsed.drafts:
        if row.external_id in present:
            plan.already_present += 1
            continue
        if row.external_id in seen:
            plan.duplicates_in_file += 1
            continue
        seen.add(row.external_id)
        fresh.append(row)
    for row in fresh:
        key = row.pipeline.casefold()
        if key in existing:
            _extend(plan, existing[key], row)
        else:
            _create(plan.new_pipelines.setdefault(key, NewPipeline(row.pipeline)), row)
    for row in fresh:
        plan.deals.append(_plan_deal(row, existing, plan, by_login, by_name, default_owner))
    plan.problems.sort(key=lambda p: p.line)
    return plan


def _create(new: NewPipeline, row: RowDraft) -> None:
    if row.stage is not None:
        kind = row.kind if _names_kind(row) else None
        if kind is StageKind.WON:
            new.won = new.won or row.stage
        elif kind is StageKind.LOST:
            new.lost = new.lost or row.stage
        elif not _has(new.open_stages, row.stage):
            new.open_stages.append(row.stage)
            if row.stage_position is not None:
                new.positions[row.stage] = row.stage_position
    if row.loss_reason and not _has(new.loss_reasons, row.loss_reason):
        new.loss_reasons.append(row.loss_reason)


def _extend(plan: ImportPlan, pipeline: Pipeline, row: RowDraft) -> None:
    known = [stage.name for stage in pipeline.stages]
    if row.stage is not None and not _names_kind(row) and not _has(known, row.stage):
        additions = plan.additions.setdefault(pipeline.name.casefold(), Additions(pipeline))
        if not _has(additions.open_stages, row.stage):
            additions.open_stages.append(row.stage)
    reasons = [reason.name for reason in pipeline.loss_reasons]
    if row.loss_reason and not _has(reasons, row.loss_reason):
        additions = plan.additions.setdefault(pipeline.name.casefold(), Additions(pipeline))
        if not _has(additions.loss_reasons, row.loss_reason):
            additions.loss_reasons.append(row.loss_reason)


def _has(names: Iterable[str], name: str) -> bool:
    wanted = name.casefold()
    return any(known.casefold() == wanted for known in names)


def _names_kind(row: RowDraft) -> bool:
    """Whether the stage cell itself is the won/lost stage (amoCRM), rather than the last
    open stage of a deal whose status column says won/lost (Pipedrive)."""
    return row.kind is not None and row.stage is not None and row.stage_is_closing


def _plan_deal(
    row: RowDraft,
    existing: dict[str, Pipeline],
    plan: ImportPlan,
    by_login: dict[str, User],
    by_name: dict[str, str],
    default_owner: str,
) -> PlannedDeal:
    key = row.pipeline.casefold()
    pipeline = existing.get(key)
    if pipeline is not None:
        name = pipeline.name
        added = plan.additions.get(key)
        opens = [s.name for s in pipeline.open_stages] + (added.open_stages if added else [])
        won, lost = pipeline.won_stage.name, pipeline.lost_stage.name
        reasons = [r.name for r in pipeline.loss_reasons] + (added.loss_reasons if added else [])
    else:
        new = plan.new_pipelines[key]
        stages = new.stages()
        name, opens = new.name, [s for s, kind in stages if kind is StageKind.OPEN]
        won, lost = stages[-2][0], stages[-1][0]
        reasons = new.loss_reasons
    first_open = opens[0]
    open_name: str | None = None
    if row.stage is not None and not _names_kind(row):
        open_name = next((s for s in opens if s.casefold() == row.stage.casefold()), None)
    kind = row.kind
    if kind is None and row.stage is not None:
        if row.stage.casefold() == won.casefold():
            kind = StageKind.WON
        elif row.stage.casefold() == lost.casefold():
            kind = StageKind.LOST
    history: list[tuple[str, datetime]] = []
    if kind is None:
        history.append((open_name or first_open, row.created_at))
    else:
        final = won if kind is StageKind.WON else lost
        closed = row.closed_at or row.created_at
        if open_name is not None or closed > row.created_at:
            history.append((open_name or first_open, row.created_at))
            history.append((final, closed))
        else:
            history.append((final, row.created_at))
    loss_reason = None
    if kind is StageKind.LOST and row.loss_reason:
        loss_reason = next(r for r in reasons if r.casefold() == row.loss_reason.casefold())
    login = default_owner
    if row.owner is not None and row.owner_login is not None:
        login = by_name.get(row.owner.casefold(), row.owner_login)
        if login not in by_login and login not in plan.new_owners:
            plan.new_owners[login] = row.owner
    return PlannedDeal(row, name, tuple(history), login, loss_reason, row.loss_note)
