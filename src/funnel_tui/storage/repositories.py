"""SQL implementations of the repository ports (`services/ports.py`)."""

from __future__ import annotations

import builtins
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import replace
from datetime import datetime
from itertools import islice
from typing import Any, cast

from sqlalchemy import func, insert, literal, or_, select, update
from sqlalchemy.engine import CursorResult
from sqlmodel import Session, col

from funnel_tui.domain.errors import ConflictError, NotFoundError
from funnel_tui.domain.models import (
    Activity,
    ChecklistAnswer,
    Deal,
    LossReason,
    Pipeline,
    PipelineSpec,
    Role,
    Stage,
    StageChange,
    StageKind,
    StageSpec,
    User,
)
from funnel_tui.i18n import _
from funnel_tui.services.ports import DealBundle
from funnel_tui.storage import mappers
from funnel_tui.storage.events_repository import SqlEventRepository
from funnel_tui.storage.search import contains_pattern
from funnel_tui.storage.sql_dialect import code_point_order, reserve_ids
from funnel_tui.storage.tables import (
    ActivityRow,
    ChecklistAnswerRow,
    DealEventRow,
    DealRow,
    LossReasonRow,
    MetaRow,
    PipelineRow,
    StageChangeRow,
    StageRow,
    UserRow,
)
from funnel_tui.storage.types import UTCDateTime

_DEALS = DealRow.__table__  # type: ignore[attr-defined]
_CHANGES = StageChangeRow.__table__  # type: ignore[attr-defined]
_ACTIVITIES = ActivityRow.__table__  # type: ignore[attr-defined]
_ANSWERS = ChecklistAnswerRow.__table__  # type: ignore[attr-defined]
_EVENTS = DealEventRow.__table__  # type: ignore[attr-defined]
_USERS = UserRow.__table__  # type: ignore[attr-defined]
_BULK_CHUNK = 1000
_DEFAULT_OWNER = "default_owner"
"""The funnel_meta key naming (by login) the team's default owner of new deals."""


class SqlUserRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def get(self, user_id: int) -> User | None:
        row = self._session.get(UserRow, user_id)
        return mappers.row_to_user(row) if row else None

    def by_login(self, login: str) -> User | None:
        query = select(UserRow).where(col(UserRow.login) == login)
        row = self._session.execute(query).scalars().first()
        return mappers.row_to_user(row) if row else None

    def add(self, login: str, display_name: str, role: Role, at: datetime) -> User:
        row = UserRow(login=login, display_name=display_name, role=role.value, created_at=at)
        self._session.add(row)
        self._session.flush()
        return mappers.row_to_user(row)

    def list(self) -> builtins.list[User]:
        ordered = select(UserRow).order_by(code_point_order(_USERS.c.login))
        rows = self._session.execute(ordered).scalars()
        return [mappers.row_to_user(row) for row in rows]

    def update(self, user_id: int, *, display_name: str, role: Role) -> User:
        row = self._session.get(UserRow, user_id)
        if row is None:
            raise NotFoundError(_("no user #{user}").format(user=user_id))
        row.display_name = display_name
        row.role = role.value
        self._session.add(row)
        self._session.flush()
        return mappers.row_to_user(row)

    def default_owner(self) -> User | None:
        """Who new deals go to when nobody is named (None: whoever creates them)."""
        row = self._session.get(MetaRow, _DEFAULT_OWNER)
        if row is None:
            return None
        return self.by_login(row.value)

    def set_default_owner(self, user_id: int | None) -> None:
        row = self._session.get(MetaRow, _DEFAULT_OWNER)
        if user_id is None:
            if row is not None:
                self._session.delete(row)
            self._session.flush()
            return
        user = self.get(user_id)
        if user is None:
            raise NotFoundError(_("no user #{user}").format(user=user_id))
        if row is None:
            row = MetaRow(key=_DEFAULT_OWNER, value=user.login)
        row.value = user.login
        self._session.add(row)
        self._session.flush()


class SqlPipelineRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def list(self, *, include_archived: bool = False) -> builtins.list[Pipeline]:
        query = select(PipelineRow).order_by(PipelineRow.position, PipelineRow.id)  # type: ignore[arg-type]
        if not include_archived:
            query = query.where(PipelineRow.archived_at.is_(None))  # type: ignore[union-attr]
        return self._assemble(list(self._session.execute(query).scalars()))

    def get(self, pipeline_id: int) -> Pipeline | None:
        row = self._session.get(PipelineRow, pipeline_id)
        return self._assemble([row])[0] if row else None

    def by_name(self, name: str) -> Pipeline | None:
        wanted = name.strip().casefold()
        # Python's casefold, not SQL lower(): SQLite's lower() leaves Cyrillic alone.
        for pipeline in self.list():
            if pipeline.name.casefold() == wanted:
                return pipeline
        return None

    def add(self, spec: PipelineSpec, at: datetime) -> Pipeline:
        position = self._session.execute(select(func.max(PipelineRow.position))).scalar() or 0
        row = PipelineRow(name=spec.name.strip(), position=position + 1, created_at=at)
        self._session.add(row)
        self._session.flush()
        assert row.id is not None
        pipeline_id: int = row.id
        for index, stage in enumerate(spec.stages, start=1):
            self._session.add(_stage_row(pipeline_id, stage, index))
        for index, reason in enumerate(spec.loss_reasons, start=1):
            self._session.add(
                LossReasonRow(pipeline_id=pipeline_id, name=reason.strip(), position=index)
            )
        self._session.flush()
        pipeline = self.get(pipeline_id)
        assert pipeline is not None
        return pipeline

    def add_open_stage(self, pipeline_id: int, stage: StageSpec) -> Pipeline:
        """`stage` (open) after the pipeline's last open stage; the won/lost ones move down."""
        last_open = self._session.execute(
            select(func.max(StageRow.position)).where(
                col(StageRow.pipeline_id) == pipeline_id,
                col(StageRow.kind) == StageKind.OPEN.value,
                col(StageRow.deleted_at).is_(None),
            )
        ).scalar()
        position = (last_open or 0) + 1
        self._session.execute(
            update(StageRow)
            .where(col(StageRow.pipeline_id) == pipeline_id, col(StageRow.position) >= position)
            .values(position=col(StageRow.position) + 1)
        )
        self._session.add(_stage_row(pipeline_id, replace(stage, kind=StageKind.OPEN), position))
        return self._reread(pipeline_id)

    def add_loss_reason(self, pipeline_id: int, name: str) -> Pipeline:
        """`name` at the end of the pipeline's loss reasons."""
        position = self._session.execute(
            select(func.max(LossReasonRow.position)).where(
                col(LossReasonRow.pipeline_id) == pipeline_id
            )
        ).scalar()
        self._session.add(
            LossReasonRow(pipeline_id=pipeline_id, name=name.strip(), position=(position or 0) + 1)
        )
        return self._reread(pipeline_id)

    def update(self, pipeline_id: int, *, name: str, archived_at: datetime | None) -> Pipeline:
        row = self._session.get(PipelineRow, pipeline_id)
        if row is None:
            raise NotFoundError(_("no pipeline #{pipeline}").format(pipeline=pipeline_id))
        row.name = name.strip()
        row.archived_at = archived_at
        self._session.add(row)
        return self._reread(pipeline_id)

    def reorder(self, ordered_ids: Sequence[int]) -> None:
        """Pipelines numbered 1, 2, … in the order of `ordered_ids` (the board's `p` order)."""
        for position, pipeline_id in enumerate(ordered_ids, start=1):
            self._session.execute(
                update(PipelineRow)
                .where(col(PipelineRow.id) == pipeline_id)
                .values(position=position)
            )
        self._session.flush()

    def update_stage(self, stage: Stage) -> Pipeline:
        """Write the stage's settings (name, probability, flags, checklist), not its place."""
        self._session.execute(
            update(StageRow)
            .where(col(StageRow.id) == stage.id, col(StageRow.pipeline_id) == stage.pipeline_id)
            .values(
                name=stage.name.strip(),
                probability=stage.probability,
                is_key=stage.is_key,
                rot_days=stage.rot_days,
                on_hold=stage.on_hold,
                checklist=list(stage.checklist),
            )
        )
        return self._reread(stage.pipeline_id)

    def reorder_stages(self, pipeline_id: int, ordered_ids: Sequence[int]) -> Pipeline:
        """The pipeline's live stages numbered 1, 2, … in the order of `ordered_ids`."""
        for position, stage_id in enumerate(ordered_ids, start=1):
            self._session.execute(
                update(StageRow)
                .where(col(StageRow.id) == stage_id, col(StageRow.pipeline_id) == pipeline_id)
                .values(position=position)
            )
        return self._reread(pipeline_id)

    def delete_stage(self, pipeline_id: int, stage_id: int, at: datetime) -> Pipeline:
        """Mark the stage deleted. Its row stays: stage changes of the past still name it."""
        self._session.execute(
            update(StageRow)
            .where(col(StageRow.id) == stage_id, col(StageRow.pipeline_id) == pipeline_id)
            .values(deleted_at=at)
        )
        return self._reread(pipeline_id)

    def update_loss_reason(self, reason: LossReason) -> Pipeline:
        """Write a loss reason's name and retirement (deals keep pointing at it either way)."""
        self._session.execute(
            update(LossReasonRow)
            .where(
                col(LossReasonRow.id) == reason.id,
                col(LossReasonRow.pipeline_id) == reason.pipeline_id,
            )
            .values(name=reason.name.strip(), retired_at=reason.retired_at)
        )
        return self._reread(reason.pipeline_id)

    def removed_stages(self, pipeline_ids: Sequence[int]) -> dict[int, builtins.list[Stage]]:
        """The deleted stages of these pipelines, by pipeline id, each list in position
        order (then creation order); a pipeline without any is left out."""
        removed: dict[int, builtins.list[Stage]] = {}
        if not pipeline_ids:
            return removed
        query = (
            select(StageRow)
            .where(
                col(StageRow.pipeline_id).in_(pipeline_ids),
                col(StageRow.deleted_at).is_not(None),
            )
            .order_by(col(StageRow.pipeline_id), col(StageRow.position), col(StageRow.id))
        )
        for row in self._session.execute(query).scalars():
            removed.setdefault(row.pipeline_id, []).append(mappers.row_to_stage(row))
        return removed

    def _reread(self, pipeline_id: int) -> Pipeline:
        self._session.flush()
        pipeline = self.get(pipeline_id)
        if pipeline is None:
            raise NotFoundError(_("no pipeline #{pipeline}").format(pipeline=pipeline_id))
        return pipeline

    def _assemble(self, rows: Sequence[PipelineRow]) -> builtins.list[Pipeline]:
        if not rows:
            return []
        ids = [row.id for row in rows]
        stages = defaultdict(list)
        query = select(StageRow).where(
            StageRow.pipeline_id.in_(ids),  # type: ignore[attr-defined]
            StageRow.deleted_at.is_(None),  # type: ignore[union-attr]
        )
        for stage_row in self._session.execute(query).scalars():
            stages[stage_row.pipeline_id].append(mappers.row_to_stage(stage_row))
        reasons = defaultdict(list)
        reason_query = select(LossReasonRow).where(LossReasonRow.pipeline_id.in_(ids))  # type: ignore[attr-defined]
        for reason_row in self._session.execute(reason_query).scalars():
            reasons[reason_row.pipeline_id].append(mappers.row_to_loss_reason(reason_row))
        return [mappers.rows_to_pipeline(row, stages[row.id], reasons[row.id]) for row in rows]


def _stage_row(pipeline_id: int, stage: StageSpec, position: int) -> StageRow:
    return StageRow(
        pipeline_id=pipeline_id,
        name=stage.name.strip(),
        position=position,
        kind=stage.kind.value,
        probability=stage.probability,
        is_key=stage.is_key,
        rot_days=stage.rot_days,
        on_hold=stage.on_hold,
        checklist=list(stage.checklist),
    )


class SqlDealRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def get(self, deal_id: int, *, include_deleted: bool = False) -> Deal | None:
        row = self._session.get(DealRow, deal_id)
        if row is None or (row.deleted_at is not None and not include_deleted):
            return None
        return mappers.row_to_deal(row)

    def add(self, deal: Deal) -> Deal:
        values = mappers.deal_to_values(deal)
        result = cast(
            CursorResult[Any],
            self._session.execute(insert(_DEALS).values(version=deal.version, **values)),
        )
        new_id = result.inserted_primary_key[0]  # type: ignore[index]
        return replace(deal, id=new_id)

    def update(self, deal: Deal, expected_version: int) -> Deal:
        result = self._session.execute(
            update(_DEALS)
            .where(_DEALS.c.id == deal.id, _DEALS.c.version == expected_version)
            .values(version=expected_version + 1, **mappers.deal_to_values(deal))
        )
        if result.rowcount == 0:  # type: ignore[attr-defined]
            if self._session.get(DealRow, deal.id) is None:
                raise NotFoundError(_("deal {deal} does not exist").format(deal=deal.id))
            raise ConflictError(
                _(
                    "deal {deal} was changed by someone else since you opened it; "
                    "reload it and try again"
                ).format(deal=deal.id)
            )
        # The ORM identity map may hold a stale copy of this row; drop it.
        self._session.expire_all()
        return replace(deal, version=expected_version + 1)

    def touch_activity(self, deal_id: int, at: datetime) -> None:
        self._session.execute(
            update(_DEALS)
            .where(_DEALS.c.id == deal_id)
            .where(or_(_DEALS.c.last_activity_at.is_(None), _DEALS.c.last_activity_at < at))
            .values(last_activity_at=at)
        )
        self._session.expire_all()

    def record_stage_change(
        self, deal_id: int, from_stage_id: int | None, to_stage_id: int, at: datetime, by: int
    ) -> StageChange:
        row = StageChangeRow(
            deal_id=deal_id,
            from_stage_id=from_stage_id,
            to_stage_id=to_stage_id,
            at=at,
            by_user_id=by,
        )
        self._session.add(row)
        self._session.flush()
        return mappers.row_to_stage_change(row)

    def history(self, deal_id: int) -> list[StageChange]:
        query = (
            select(StageChangeRow)
            .where(col(StageChangeRow.deal_id) == deal_id)
            .order_by(StageChangeRow.at, StageChangeRow.id)  # type: ignore[arg-type]
        )
        return [mappers.row_to_stage_change(row) for row in self._session.execute(query).scalars()]

    def search(self, text: str, limit: int) -> list[Deal]:
        pattern = contains_pattern(text)
        if pattern is None:
            return []
        query = (
            select(_DEALS)
            .where(_DEALS.c.deleted_at.is_(None))
            .where(_DEALS.c.search_text.like(pattern, escape="\\"))
            .order_by(_DEALS.c.updated_at.desc(), _DEALS.c.id.desc())
            .limit(limit)
        )
        return [mappers.row_to_deal(row) for row in self._session.execute(query)]

    def count(self, *, include_deleted: bool = False) -> int:
        query = select(func.count()).select_from(_DEALS)
        if not include_deleted:
            query = query.where(_DEALS.c.deleted_at.is_(None))
        return int(self._session.execute(query).scalar_one())

    def count_in_stage(self, stage_id: int) -> int:
        """Live deals now at the stage."""
        query = (
            select(func.count())
            .select_from(_DEALS)
            .where(_DEALS.c.stage_id == stage_id, _DEALS.c.deleted_at.is_(None))
        )
        return int(self._session.execute(query).scalar_one())

    def move_all(self, from_stage_id: int, to_stage_id: int, at: datetime, by: int) -> int:
        """Every deal at `from_stage_id` (deleted ones too: no deal may point at a removed
        stage) to `to_stage_id`, each move recorded as a stage change and each deal's version
        bumped (an edit opened before this must reload). How many moved."""
        self._session.execute(
            insert(_CHANGES).from_select(
                ["deal_id", "from_stage_id", "to_stage_id", "at", "by_user_id"],
                select(
                    _DEALS.c.id,
                    literal(from_stage_id),
                    literal(to_stage_id),
                    literal(at, UTCDateTime()),
                    literal(by),
                ).where(_DEALS.c.stage_id == from_stage_id),
            )
        )
        result = self._session.execute(
            update(_DEALS)
            .where(_DEALS.c.stage_id == from_stage_id)
            .values(
                stage_id=to_stage_id,
                stage_entered_at=at,
                updated_at=at,
                version=_DEALS.c.version + 1,
            )
        )
        self._session.expire_all()
        return int(result.rowcount)  # type: ignore[attr-defined]


class SqlActivityRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, activity: Activity) -> Activity:
        values = mappers.activity_to_values(activity)
        result = cast(
            CursorResult[Any],
            self._session.execute(insert(_ACTIVITIES).values(deal_id=activity.deal_id, **values)),
        )
        return replace(activity, id=result.inserted_primary_key[0])  # type: ignore[index]

    def for_deal(self, deal_id: int) -> list[Activity]:
        query = (
            select(_ACTIVITIES)
            .where(_ACTIVITIES.c.deal_id == deal_id, _ACTIVITIES.c.deleted_at.is_(None))
            .order_by(_ACTIVITIES.c.at, _ACTIVITIES.c.id)
        )
        return [mappers.row_to_activity(row) for row in self._session.execute(query)]


class SqlChecklistRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def for_deal(self, deal_id: int) -> list[ChecklistAnswer]:
        query = (
            select(_ANSWERS)
            .where(_ANSWERS.c.deal_id == deal_id)
            .order_by(_ANSWERS.c.stage_id, _ANSWERS.c.id)
        )
        return [mappers.row_to_checklist_answer(row) for row in self._session.execute(query)]

    def put(self, answer: ChecklistAnswer) -> None:
        """Insert or replace the answer to one question (select-then-write: portable, and the
        write transaction holds the lock, so no one slips in between)."""
        key = (
            (_ANSWERS.c.deal_id == answer.deal_id)
            & (_ANSWERS.c.stage_id == answer.stage_id)
            & (_ANSWERS.c.question == answer.question)
        )
        values = {"answer": answer.answer, "at": answer.at, "by_user_id": answer.by_user_id}
        exists = self._session.execute(select(_ANSWERS.c.id).where(key)).first()
        if exists:
            self._session.execute(update(_ANSWERS).where(key).values(**values))
        else:
            self._session.execute(
                insert(_ANSWERS).values(
                    deal_id=answer.deal_id,
                    stage_id=answer.stage_id,
                    question=answer.question,
                    **values,
                )
            )


class SqlBulkRepository:
    """Fast paths for demo data, import and export: Core executemany, no ORM objects."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def insert_bundles(self, bundles: Sequence[DealBundle]) -> None:
        connection = self._session.connection()
        ids = reserve_ids(connection, _DEALS.c.id, len(bundles))
        deals: list[dict[str, Any]] = []
        changes: list[dict[str, Any]] = []
        activities: list[dict[str, Any]] = []
        answers: list[dict[str, Any]] = []
        events: list[dict[str, Any]] = []
        for deal_id, bundle in zip(ids, bundles, strict=True):
            values = mappers.deal_to_values(bundle.deal)
            values.update(id=deal_id, version=bundle.deal.version)
            deals.append(values)
            changes.extend(
                {
                    "deal_id": deal_id,
                    "from_stage_id": change.from_stage_id,
                    "to_stage_id": change.to_stage_id,
                    "at": change.at,
                    "by_user_id": change.by_user_id,
                }
                for change in bundle.history
            )
            for activity in bundle.activities:
                row = mappers.activity_to_values(activity)
                row["deal_id"] = deal_id
                activities.append(row)
            answers.extend(
                {
                    "deal_id": deal_id,
                    "stage_id": answer.stage_id,
                    "question": answer.question,
                    "answer": answer.answer,
                    "at": answer.at,
                    "by_user_id": answer.by_user_id,
                }
                for answer in bundle.answers
            )
            events.extend(
                mappers.deal_event_to_values(event) | {"deal_id": deal_id}
                for event in bundle.events
            )
        tables = (
            (_DEALS, deals),
            (_CHANGES, changes),
            (_ACTIVITIES, activities),
            (_ANSWERS, answers),
            (_EVENTS, events),
        )
        for table, rows in tables:
            if rows:
                connection.execute(insert(table), rows)

    def existing_external_ids(self, candidates: Iterable[str]) -> set[str]:
        connection = self._session.connection()
        found: set[str] = set()
        wanted = iter(candidates)
        # Chunks stay under every engine's limit on bound parameters.
        while chunk := list(islice(wanted, _BULK_CHUNK)):
            query = select(_DEALS.c.external_id).where(_DEALS.c.external_id.in_(chunk))
            found.update(connection.execute(query).scalars())
        return found

    def iter_bundles(self) -> Iterator[DealBundle]:
        connection = self._session.connection()
        ordered = select(_DEALS).order_by(_DEALS.c.created_at, _DEALS.c.id)
        deal_rows = iter(connection.execute(ordered).all())
        while chunk := list(islice(deal_rows, _BULK_CHUNK)):
            ids = [row.id for row in chunk]
            history: dict[int, list[StageChange]] = defaultdict(list)
            change_query = (
                select(_CHANGES)
                .where(_CHANGES.c.deal_id.in_(ids))
                .order_by(_CHANGES.c.at, _CHANGES.c.id)
            )
            for row in connection.execute(change_query):
                history[row.deal_id].append(mappers.row_to_stage_change(row))
            logs: dict[int, list[Activity]] = defaultdict(list)
            activity_query = (
                select(_ACTIVITIES)
                .where(_ACTIVITIES.c.deal_id.in_(ids), _ACTIVITIES.c.deleted_at.is_(None))
                .order_by(_ACTIVITIES.c.at, _ACTIVITIES.c.id)
            )
            for row in connection.execute(activity_query):
                logs[row.deal_id].append(mappers.row_to_activity(row))
            answers: dict[int, list[ChecklistAnswer]] = defaultdict(list)
            answer_query = (
                select(_ANSWERS)
                .where(_ANSWERS.c.deal_id.in_(ids))
                .order_by(_ANSWERS.c.stage_id, _ANSWERS.c.id)
            )
            for row in connection.execute(answer_query):
                answers[row.deal_id].append(mappers.row_to_checklist_answer(row))
            events = SqlEventRepository(self._session).for_deals(ids)
            for row in chunk:
                yield DealBundle(
                    mappers.row_to_deal(row),
                    tuple(history[row.id]),
                    tuple(logs[row.id]),
                    tuple(answers[row.id]),
                    tuple(events[row.id]),
                )
