"""Deal use cases. Each public method is one transaction: it validates, writes, records."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import datetime

from funnel_tui.domain.dates import check_moment
from funnel_tui.domain.drafts import clean_draft, draft_fields
from funnel_tui.domain.errors import (
    ConflictError,
    InvalidTransitionError,
    NotFoundError,
    ValidationError,
)
from funnel_tui.domain.events import EDITED_FIELDS, DealEvent, EventKind, field_changes
from funnel_tui.domain.models import (
    Activity,
    ActivityKind,
    ChecklistAnswer,
    Deal,
    DealDraft,
    Direction,
    Outcome,
    Pipeline,
    Stage,
    StageChange,
    StageKind,
    User,
)
from funnel_tui.domain.pipeline_rules import (
    clean_answers,
    neighbour_stage,
    unanswered_questions,
)
from funnel_tui.domain.validation import clean_duration, clean_long_text, clean_note
from funnel_tui.i18n import _
from funnel_tui.services.context import ServiceContext, ensure_user
from funnel_tui.services.deal_view import DealView, build_timeline
from funnel_tui.services.ports import UnitOfWork


def find_stage(pipeline: Pipeline, name_or_id: str) -> Stage:
    """A stage of `pipeline` by name (any case) or by id."""
    wanted = name_or_id.strip().casefold()
    for stage in pipeline.stages:
        if stage.name.casefold() == wanted:
            return stage
    if wanted.isdigit():
        for stage in pipeline.stages:
            if stage.id == int(wanted):
                return stage
    names = ", ".join(stage.name for stage in pipeline.stages)
    raise NotFoundError(
        _("no stage {stage} in {pipeline} (stages: {names})").format(
            stage=repr(name_or_id), pipeline=repr(pipeline.name), names=names
        )
    )


class DealService:
    def __init__(self, context: ServiceContext) -> None:
        self._context = context

    # --- reading ---------------------------------------------------------------------------

    def get(self, deal_id: int, *, include_deleted: bool = False) -> Deal:
        with self._context.store.read() as uow:
            return _load(uow, deal_id, include_deleted=include_deleted)

    def history(self, deal_id: int) -> list[StageChange]:
        with self._context.store.read() as uow:
            return uow.deals.history(deal_id)

    def activities(self, deal_id: int) -> list[Activity]:
        with self._context.store.read() as uow:
            return uow.activities.for_deal(deal_id)

    def search(self, text: str, limit: int = 20) -> list[Deal]:
        """Deals matching what the user typed (title, company, contact, phone, tags)."""
        with self._context.store.read() as uow:
            return uow.deals.search(text, limit)

    def view(self, deal_id: int) -> DealView:
        """Everything the deal pane shows, read in one transaction."""
        with self._context.store.read() as uow:
            deal = _load(uow, deal_id)
            pipelines = uow.pipelines.list(include_archived=True)
            users = uow.users.list()
            pipeline = next(p for p in pipelines if p.id == deal.pipeline_id)
            stage_names = {stage.id: stage.name for p in pipelines for stage in p.stages}
            user_names = {user.id: user.display_name for user in users}
            answers = _current_answers(uow, deal)
            timeline = build_timeline(
                uow.deals.history(deal_id),
                uow.activities.for_deal(deal_id),
                stage_names,
                user_names,
                uow.events.for_deal(deal_id),
            )
        reason = next((r.name for r in pipeline.loss_reasons if r.id == deal.loss_reason_id), None)
        return DealView(
            deal=deal,
            pipeline=pipeline,
            owner=next(user for user in users if user.id == deal.owner_id),
            timeline=timeline,
            answers=answers,
            pipelines=tuple(p for p in pipelines if p.archived_at is None),
            users=tuple(users),
            loss_reason=reason,
        )

    def unanswered(self, deal_id: int) -> tuple[str, ...]:
        """The current stage's exit-checklist questions the deal has not answered."""
        with self._context.store.read() as uow:
            deal = _load(uow, deal_id)
            stage = _pipeline(uow, deal).stage(deal.stage_id)
            if not stage.checklist:
                return ()
            answers = _current_answers(uow, deal)
        return unanswered_questions(stage, answers)

    # --- creating and editing --------------------------------------------------------------

    def create(
        self,
        draft: DealDraft,
        *,
        pipeline_id: int,
        stage_id: int | None = None,
        owner: str | None = None,
        at: datetime | None = None,
        by: str | None = None,
    ) -> Deal:
        """A new deal in an open stage (the first by default), with its creation recorded."""
        draft = clean_draft(draft)
        moment = self._context.moment(at)
        with self._context.store.write() as uow:
            actor = ensure_user(uow, by or self._context.login, moment)
            owner_user = _owner(uow, owner, actor)
            pipeline = uow.pipelines.get(pipeline_id)
            if pipeline is None:
                raise NotFoundError(
                    _("pipeline {pipeline} does not exist").format(pipeline=pipeline_id)
                )
            stage = pipeline.stage(stage_id) if stage_id else pipeline.open_stages[0]
            if not stage.is_open:
                raise InvalidTransitionError(
                    _(
                        "a new deal starts in an open stage, not {stage}; create it, then "
                        "mark it won or lost"
                    ).format(stage=repr(stage.name))
                )
            deal = uow.deals.add(
                Deal(
                    id=0,
                    pipeline_id=pipeline.id,
                    stage_id=stage.id,
                    owner_id=owner_user.id,
                    created_at=moment,
                    updated_at=moment,
                    stage_entered_at=moment,
                    **draft_fields(draft),
                )
            )
            uow.deals.record_stage_change(deal.id, None, stage.id, moment, actor.id)
            uow.commit()
        return deal

    def edit(
        self,
        deal_id: int,
        draft: DealDraft,
        *,
        expected_version: int,
        owner: str | None = None,
        stage_id: int | None = None,
        answers: Mapping[str, str] | None = None,
        at: datetime | None = None,
        by: str | None = None,
    ) -> Deal:
        """Replace the editable fields, all in one transaction; refuses if the deal changed
        since `expected_version`.

        `answers` are the current stage's checklist answers; `stage_id` moves the deal (to
        any stage of any pipeline but a lost one, which needs a reason: `lose`), recorded in
        its history like every move.
        """
        draft = clean_draft(draft)
        moment = self._context.moment(at)
        with self._context.store.write() as uow:
            actor, deal = self._open_deal(uow, deal_id, expected_version, by, moment)
            owner_id = _owner(uow, owner, actor).id if owner else deal.owner_id
            if answers:
                current = _pipeline(uow, deal).stage(deal.stage_id)
                before = _current_answers(uow, deal)
                for question, answer in clean_answers(current, answers).items():
                    if before.get(question) == answer:
                        continue
                    uow.checklist.put(
                        ChecklistAnswer(deal.id, current.id, question, answer, moment, actor.id)
                    )
                    uow.events.add(
                        DealEvent(
                            0,
                            deal.id,
                            moment,
                            actor.id,
                            EventKind.CHECKLIST,
                            question,
                            before.get(question),
                            answer,
                        )
                    )
            edited = replace(deal, **draft_fields(draft), owner_id=owner_id, updated_at=moment)
            saved = uow.deals.update(edited, expected_version)
            _record_changes(uow, deal, edited, EventKind.EDIT, EDITED_FIELDS, actor, moment)
            if stage_id is not None and stage_id != deal.stage_id:
                pipeline = _pipeline_with_stage(uow, stage_id)
                target = pipeline.stage(stage_id)
                if target.kind is StageKind.LOST:
                    raise ValidationError(
                        "stage", _("losing a deal needs a reason: use Lose instead")
                    )
                saved = _transition(uow, saved, pipeline, target, actor, moment, None, None)
            uow.commit()
        return saved

    # --- moving through the pipeline -------------------------------------------------------

    def move(
        self,
        deal_id: int,
        stage_id: int,
        *,
        expected_version: int | None = None,
        loss_reason: str | None = None,
        loss_note: str | None = None,
        at: datetime | None = None,
        by: str | None = None,
    ) -> Deal:
        """Move a deal to any stage of its pipeline, recording the change.

        A move to the won stage is a win, to the lost stage a loss (which needs a reason when
        the pipeline has any), and from a closed stage to an open one a reopening.
        """
        return self._move(
            deal_id,
            lambda deal, pipeline, uow: pipeline.stage(stage_id),
            expected_version=expected_version,
            at=at,
            by=by,
            loss_reason=loss_reason,
            loss_note=loss_note,
        )

    def move_to(
        self,
        deal_id: int,
        stage_name: str,
        *,
        expected_version: int | None = None,
        at: datetime | None = None,
        by: str | None = None,
    ) -> Deal:
        """`move` with the stage named as a user types it (a loss goes through `lose`)."""
        return self._move(
            deal_id,
            lambda deal, pipeline, uow: find_stage(pipeline, stage_name),
            expected_version=expected_version,
            at=at,
            by=by,
        )

    def step(
        self,
        deal_id: int,
        direction: int,
        *,
        expected_version: int | None = None,
        at: datetime | None = None,
        by: str | None = None,
    ) -> Deal:
        """Move one open stage forward (+1) or back (-1) from where the deal is now."""

        def neighbour(deal: Deal, pipeline: Pipeline, uow: UnitOfWork) -> Stage:
            current = pipeline.stage(deal.stage_id)
            if not current.is_open:
                raise InvalidTransitionError(
                    _("deal {deal} is closed; reopen it first").format(deal=deal_id)
                )
            target = neighbour_stage(pipeline.stages, current, direction)
            if target is None:
                if direction > 0:
                    message = _("deal {deal} is already at the last stage")
                else:
                    message = _("deal {deal} is already at the first stage")
                raise InvalidTransitionError(message.format(deal=deal_id))
            return target

        return self._move(deal_id, neighbour, expected_version=expected_version, at=at, by=by)

    def win(
        self,
        deal_id: int,
        *,
        expected_version: int | None = None,
        at: datetime | None = None,
        by: str | None = None,
    ) -> Deal:
        return self._move(
            deal_id,
            lambda deal, pipeline, uow: pipeline.won_stage,
            expected_version=expected_version,
            at=at,
            by=by,
        )

    def lose(
        self,
        deal_id: int,
        reason: str | None,
        note: str | None = None,
        *,
        expected_version: int | None = None,
        at: datetime | None = None,
        by: str | None = None,
    ) -> Deal:
        return self._move(
            deal_id,
            lambda deal, pipeline, uow: pipeline.lost_stage,
            expected_version=expected_version,
            at=at,
            by=by,
            loss_reason=reason,
            loss_note=note,
        )

    def reopen(
        self,
        deal_id: int,
        stage_id: int | None = None,
        *,
        expected_version: int | None = None,
        at: datetime | None = None,
        by: str | None = None,
    ) -> Deal:
        """Back to an open stage: `stage_id`, or the last open stage it was in before closing."""

        def reopened(deal: Deal, pipeline: Pipeline, uow: UnitOfWork) -> Stage:
            if pipeline.stage(deal.stage_id).is_open:
                raise InvalidTransitionError(_("deal {deal} is not closed").format(deal=deal_id))
            if stage_id is not None:
                return pipeline.stage(stage_id)
            open_ids = {stage.id for stage in pipeline.open_stages}
            visited = [
                c.to_stage_id for c in uow.deals.history(deal_id) if c.to_stage_id in open_ids
            ]
            return pipeline.stage(visited[-1]) if visited else pipeline.open_stages[0]

        return self._move(deal_id, reopened, expected_version=expected_version, at=at, by=by)

    def _move(
        self,
        deal_id: int,
        choose: _Choice,
        *,
        expected_version: int | None,
        at: datetime | None,
        by: str | None,
        loss_reason: str | None = None,
        loss_note: str | None = None,
    ) -> Deal:
        """One transaction: read the deal under the write lock, choose the target from what
        it is now (not from an earlier read a teammate may have overtaken), move, record."""
        moment = self._context.moment(at)
        with self._context.store.write() as uow:
            actor, deal = self._open_deal(uow, deal_id, expected_version, by, moment)
            pipeline = _pipeline(uow, deal)
            target = choose(deal, pipeline, uow)
            moved = _transition(uow, deal, pipeline, target, actor, moment, loss_reason, loss_note)
            uow.commit()
        return moved

    # --- activities and next contact --------------------------------------------------------

    def log_activity(
        self,
        deal_id: int,
        kind: ActivityKind,
        *,
        direction: Direction | None = None,
        outcome: Outcome | None = None,
        duration_s: int | None = None,
        body: str | None = None,
        at: datetime | None = None,
        by: str | None = None,
    ) -> Activity:
        moment = self._context.moment(at)
        body = clean_note(body, required=kind is ActivityKind.NOTE)
        duration_s = clean_duration(duration_s)
        with self._context.store.write() as uow:
            actor, deal = self._open_deal(uow, deal_id, None, by, moment)
            if moment < deal.created_at:
                raise ValidationError("at", _("is before the deal was created"))
            activity = uow.activities.add(
                Activity(
                    id=0,
                    deal_id=deal.id,
                    kind=kind,
                    at=moment,
                    by_user_id=actor.id,
                    direction=direction,
                    outcome=outcome,
                    duration_s=duration_s,
                    body=body,
                )
            )
            uow.deals.touch_activity(deal.id, moment)
            uow.commit()
        return activity

    def set_next_contact(
        self,
        deal_id: int,
        when: datetime | None,
        note: str | None = None,
        *,
        expected_version: int | None = None,
        at: datetime | None = None,
        by: str | None = None,
    ) -> Deal:
        """Set (or with `when=None`, clear) the next contact and what to do then."""
        moment = self._context.moment(at)
        if when is not None:
            when = check_moment(when, "next contact")
        note = clean_long_text("next contact note", note) if when is not None else None
        return self._update(
            deal_id,
            expected_version,
            moment,
            by,
            lambda deal: replace(deal, next_contact_at=when, next_contact_note=note),
            EventKind.NEXT_CONTACT,
        )

    # --- soft delete -----------------------------------------------------------------------

    def delete(
        self,
        deal_id: int,
        *,
        expected_version: int | None = None,
        at: datetime | None = None,
        by: str | None = None,
    ) -> Deal:
        moment = self._context.moment(at)
        return self._update(
            deal_id,
            expected_version,
            moment,
            by,
            lambda deal: replace(deal, deleted_at=moment),
            EventKind.DELETE,
        )

    def restore(self, deal_id: int, *, at: datetime | None = None, by: str | None = None) -> Deal:
        moment = self._context.moment(at)
        with self._context.store.write() as uow:
            actor = ensure_user(uow, by or self._context.login, moment)
            deal = _load(uow, deal_id, include_deleted=True)
            if deal.deleted_at is None:
                raise InvalidTransitionError(_("deal {deal} is not deleted").format(deal=deal_id))
            saved = uow.deals.update(
                replace(deal, deleted_at=None, updated_at=moment), deal.version
            )
            uow.events.add(DealEvent(0, deal.id, moment, actor.id, EventKind.RESTORE))
            uow.commit()
        return saved

    def _update(
        self,
        deal_id: int,
        expected_version: int | None,
        moment: datetime,
        by: str | None,
        change: _Change,
        kind: EventKind,
    ) -> Deal:
        """Write `change(deal)` and, in the same transaction, its audit events."""
        with self._context.store.write() as uow:
            actor, deal = self._open_deal(uow, deal_id, expected_version, by, moment)
            changed = change(deal)
            saved = uow.deals.update(replace(changed, updated_at=moment), deal.version)
            if kind is EventKind.NEXT_CONTACT:
                names = ("next_contact", "next_contact_note")
                _record_changes(uow, deal, changed, kind, names, actor, moment)
            else:
                uow.events.add(DealEvent(0, deal.id, moment, actor.id, kind))
            uow.commit()
        return saved

    def _open_deal(
        self,
        uow: UnitOfWork,
        deal_id: int,
        expected_version: int | None,
        by: str | None,
        moment: datetime,
    ) -> tuple[User, Deal]:
        """Inside a write: who acts, and the live deal, checked against the version they saw."""
        actor = ensure_user(uow, by or self._context.login, moment)
        deal = _load(uow, deal_id)
        if expected_version is not None:
            _check_version(deal, expected_version)
        return actor, deal


_Change = Callable[[Deal], Deal]
_Choice = Callable[[Deal, Pipeline, UnitOfWork], Stage]


def _record_changes(
    uow: UnitOfWork,
    before: Deal,
    after: Deal,
    kind: EventKind,
    names: tuple[str, ...],
    actor: User,
    moment: datetime,
) -> None:
    """One audit event per field of `names` whose text changed (inside the caller's write)."""
    logins: dict[int, str] = {}
    if "owner" in names:
        for user_id in {before.owner_id, after.owner_id}:
            user = uow.users.get(user_id)
            logins[user_id] = user.login if user else f"#{user_id}"
    uow.events.add_many(
        [
            DealEvent(0, before.id, moment, actor.id, kind, name, old, new)
            for name, old, new in field_changes(before, after, names, logins)
        ]
    )


def _load(uow: UnitOfWork, deal_id: int, *, include_deleted: bool = False) -> Deal:
    deal = uow.deals.get(deal_id, include_deleted=True)
    if deal is None:
        raise NotFoundError(_("deal {deal} does not exist").format(deal=deal_id))
    if deal.deleted_at is not None and not include_deleted:
        raise NotFoundError(
            _("deal {deal} is deleted (`funnel restore {deal}` brings it back)").format(
                deal=deal_id
            )
        )
    return deal


def _pipeline(uow: UnitOfWork, deal: Deal) -> Pipeline:
    pipeline = uow.pipelines.get(deal.pipeline_id)
    assert pipeline is not None, "a deal always belongs to a pipeline"
    return pipeline


def _current_answers(uow: UnitOfWork, deal: Deal) -> dict[str, str]:
    """The deal's checklist answers for the stage it is at now, by question."""
    return {
        answer.question: answer.answer
        for answer in uow.checklist.for_deal(deal.id)
        if answer.stage_id == deal.stage_id
    }


def _pipeline_with_stage(uow: UnitOfWork, stage_id: int) -> Pipeline:
    for pipeline in uow.pipelines.list():
        if any(stage.id == stage_id for stage in pipeline.stages):
            return pipeline
    raise NotFoundError(_("stage {stage} is not in any open pipeline").format(stage=stage_id))


def _check_version(deal: Deal, expected_version: int) -> None:
    if deal.version != expected_version:
        raise ConflictError(
            _(
                "deal {deal} was changed by someone else since you opened it; "
                "reload it and try again"
            ).format(deal=deal.id)
        )


def _owner(uow: UnitOfWork, login: str | None, actor: User) -> User:
    """The named owner; with none named, the team's default owner if one is chosen, else
    the actor."""
    if login is None:
        return uow.users.default_owner() or actor
    if login == actor.login:
        return actor
    user = uow.users.by_login(login.strip())
    if user is None:
        known = ", ".join(user.login for user in uow.users.list())
        raise NotFoundError(
            _("no user {login} (users: {known})").format(login=repr(login), known=known)
        )
    return user


def _transition(
    uow: UnitOfWork,
    deal: Deal,
    pipeline: Pipeline,
    target: Stage,
    actor: User,
    moment: datetime,
    loss_reason: str | None,
    loss_note: str | None,
) -> Deal:
    if target.id == deal.stage_id:
        raise InvalidTransitionError(
            _("deal {deal} is already at {stage}").format(deal=deal.id, stage=repr(target.name))
        )
    if moment < deal.stage_entered_at:
        raise ValidationError("at", _("is before the deal's last stage change"))
    reason_id = None
    note = None
    if target.kind is StageKind.LOST:
        reason_id = _loss_reason_id(pipeline, loss_reason)
        note = clean_long_text("loss note", loss_note)
    elif loss_reason is not None:
        raise ValidationError("reason", _("a loss reason only goes with a move to the lost stage"))
    closed = target.kind is not StageKind.OPEN
    moved = replace(
        deal,
        pipeline_id=target.pipeline_id,
        stage_id=target.id,
        stage_entered_at=moment,
        updated_at=moment,
        closed_at=moment if closed else None,
        loss_reason_id=reason_id,
        loss_note=note,
    )
    saved = uow.deals.update(moved, deal.version)
    uow.deals.record_stage_change(deal.id, deal.stage_id, target.id, moment, actor.id)
    return saved


def _loss_reason_id(pipeline: Pipeline, reason: str | None) -> int | None:
    reasons = pipeline.active_loss_reasons
    if reason is None or not reason.strip():
        if reasons:
            names = ", ".join(r.name for r in reasons)
            raise ValidationError(
                "reason", _("losing a deal needs a reason: one of {names}").format(names=names)
            )
        return None
    wanted = reason.strip().casefold()
    for candidate in reasons:
        if candidate.name.casefold() == wanted:
            return candidate.id
    names = ", ".join(r.name for r in reasons) or _("none set for this pipeline")
    raise ValidationError(
        "reason",
        _("unknown loss reason {reason} (reasons: {names})").format(
            reason=repr(reason), names=names
        ),
    )
