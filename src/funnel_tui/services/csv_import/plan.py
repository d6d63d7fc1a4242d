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

    def stages(self) -> list[tuple[str, StageKind]]:
        opens = self.open_stages or [DEFAULT_OPEN]
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
class ImportPlan:
    deals: list[PlannedDeal] = field(default_factory=list)
    already_present: int = 0
    duplicates_in_file: int = 0
    new_pipelines: dict[str, NewPipeline] = field(default_factory=dict)
    new_owners: dict[str, str] = field(default_factory=dict)
    """login → display name."""
    reasons_as_notes: set[tuple[str, str]] = field(default_factory=set)
    """(pipeline, reason): not in an existing pipeline's list, kept as the loss note."""
    problems: list[RowProblem] = field(default_factory=list)

    @property
    def new_stages(self) -> list[tuple[str, str]]:
        return [(p.name, s) for p in self.new_pipelines.values() for s, _ in p.stages()]

    @property
    def new_loss_reasons(self) -> list[tuple[str, str]]:
        return [(p.name, r) for p in self.new_pipelines.values() for r in p.loss_reasons]

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
    create_stages: bool = True,
) -> ImportPlan:
    plan = ImportPlan(problems=list(parsed.problems))
    existing = {p.name.casefold(): p for p in pipelines}
    by_login = {u.login: u for u in users}
    by_name = {u.display_name.casefold(): u.login for u in by_login.values()}
    seen: set[str] = set()
    fresh: list[RowDraft] = []
    for row in parsed.drafts:
        if row.tag in present:
            plan.already_present += 1
            continue
        if row.tag in seen:
            plan.duplicates_in_file += 1
            continue
        seen.add(row.tag)
        fresh.append(row)
    # New pipelines: stages in the order rows first show them.
    for row in fresh:
        key = row.pipeline.casefold()
        if key in existing:
            continue
        if not create_stages:
            plan.problems.append(
                RowProblem(row.line, "pipeline", f"no pipeline {row.pipeline!r} here")
            )
            continue
        new = plan.new_pipelines.setdefault(key, NewPipeline(row.pipeline))
        if row.stage is not None:
            kind = row.kind if _names_kind(row) else None
            if kind is StageKind.WON:
                new.won = new.won or row.stage
            elif kind is StageKind.LOST:
                new.lost = new.lost or row.stage
            elif row.stage.casefold() not in {s.casefold() for s in new.open_stages}:
                new.open_stages.append(row.stage)
        if row.loss_reason and row.loss_reason.casefold() not in {
            r.casefold() for r in new.loss_reasons
        }:
            new.loss_reasons.append(row.loss_reason)
    bad = {p.line for p in plan.problems}
    for row in fresh:
        if row.line in bad:
            continue
        planned = _plan_deal(row, existing, plan, by_login, by_name, default_owner)
        if isinstance(planned, RowProblem):
            plan.problems.append(planned)
        else:
            plan.deals.append(planned)
    plan.problems.sort(key=lambda p: p.line)
    return plan


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
) -> PlannedDeal | RowProblem:
    key = row.pipeline.casefold()
    pipeline = existing.get(key)
    open_name: str | None
    reasons: list[str]
    if pipeline is not None:
        name = pipeline.name
        opens = {s.name.casefold(): s.name for s in pipeline.open_stages}
        first_open = pipeline.open_stages[0].name
        won, lost = pipeline.won_stage.name, pipeline.lost_stage.name
        reasons = [r.name for r in pipeline.loss_reasons]
        if row.stage is None or _names_kind(row):
            open_name = None
        elif row.stage.casefold() in opens:
            open_name = opens[row.stage.casefold()]
        elif row.stage.casefold() in (won.casefold(), lost.casefold()):
            open_name = None
        else:
            return RowProblem(row.line, "stage", f"no stage {row.stage!r} in {name!r}")
    else:
        new = plan.new_pipelines[key]
        name = new.name
        stages = new.stages()
        first_open = stages[0][0]
        won, lost = stages[-2][0], stages[-1][0]
        reasons = new.loss_reasons
        open_name = None if row.stage is None or _names_kind(row) else row.stage
        if open_name is not None:
            open_name = next(s for s, _ in stages if s.casefold() == open_name.casefold())
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
    loss_reason = loss_note = None
    if kind is StageKind.LOST and row.loss_reason:
        match = next((r for r in reasons if r.casefold() == row.loss_reason.casefold()), None)
        if match is None:
            loss_note = row.loss_reason
            plan.reasons_as_notes.add((name, row.loss_reason))
        loss_reason = match
    login = default_owner
    if row.owner is not None and row.owner_login is not None:
        login = by_name.get(row.owner.casefold(), row.owner_login)
        if login not in by_login and login not in plan.new_owners:
            plan.new_owners[login] = row.owner
    return PlannedDeal(row, name, tuple(history), login, loss_reason, loss_note)
