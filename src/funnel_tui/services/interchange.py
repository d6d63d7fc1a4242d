"""Export and import of the interchange document: a lossless round trip.

Import is one transaction: either every deal of the document lands, or none does.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

from pydantic import ValidationError as PydanticValidationError

from funnel_tui.domain.dates import check_year, format_utc, format_utc_or_none, parse_utc
from funnel_tui.domain.drafts import clean_draft, draft_fields
from funnel_tui.domain.errors import FunnelError, ValidationError
from funnel_tui.domain.events import DealEvent, EventKind
from funnel_tui.domain.models import (
    Activity,
    ActivityKind,
    ChecklistAnswer,
    Deal,
    DealDraft,
    Direction,
    LossReason,
    Outcome,
    Pipeline,
    PipelineSpec,
    Role,
    Stage,
    StageChange,
    StageKind,
    StageSpec,
    User,
)
from funnel_tui.domain.money import Money
from funnel_tui.domain.pipeline_rules import (
    check_pipeline_spec,
    check_unique_names,
    clean_label,
    name_key,
)
from funnel_tui.domain.validation import (
    MAX_TEXT,
    clean_display_name,
    clean_duration,
    clean_external_id,
    clean_login,
    clean_long_text,
    clean_text,
)
from funnel_tui.i18n import _, ngettext
from funnel_tui.services.context import ServiceContext
from funnel_tui.services.interchange_plans import (
    import_plans,
    import_stage_targets,
    plan_docs,
    stage_target_docs,
)
from funnel_tui.services.interchange_schema import (
    FORMAT,
    ChecklistDoc,
    DealDoc,
    Document,
    HistoryDoc,
    PipelineDoc,
    StageDoc,
)
from funnel_tui.services.ports import DealBundle, UnitOfWork

Progress = Callable[[int, int], None]
_CHUNK = 2000


@dataclass(frozen=True, slots=True)
class ImportSummary:
    pipelines_created: int
    users_created: int
    deals: int
    stage_changes: int
    activities: int


class InterchangeService:
    def __init__(self, context: ServiceContext) -> None:
        self._context = context

    # --- export ----------------------------------------------------------------------------

    def export_document(self) -> dict[str, Any]:
        with self._context.store.read() as uow:
            users = uow.users.list()
            pipelines = uow.pipelines.list(include_archived=True)
            removed = _removed_stages(uow.pipelines.removed_stages([p.id for p in pipelines]))
            logins = {user.id: user.login for user in users}
            by_id = {pipeline.id: pipeline for pipeline in pipelines}
            stages: _StageIndex = {
                stage.id: (p, stage, False) for p in pipelines for stage in p.stages
            }
            for pipeline_id, (_kept, every) in removed.items():
                for stage_id, stage in every.items():
                    stages[stage_id] = (by_id[pipeline_id], stage, True)
            deals = [_deal_doc(bundle, by_id, stages, logins) for bundle in uow.bulk.iter_bundles()]
            plans = plan_docs(uow.plans.list(), logins)
            targets = stage_target_docs(
                uow.plans.stage_target_list(),
                {stage_id: stage.id for stage_id, (_p, stage, _r) in stages.items()},
            )
        return {
            "format": FORMAT,
            "users": [
                {"login": u.login, "name": u.display_name, "role": u.role.value} for u in users
            ],
            "pipelines": [
                _pipeline_doc(p, removed.get(p.id, ([], {}))[0], plans.get(p.id, []), targets)
                for p in pipelines
            ],
            "deals": deals,
        }

    def export_json(self) -> str:
        return json.dumps(self.export_document(), ensure_ascii=False, indent=2) + "\n"

    # --- import ----------------------------------------------------------------------------

    def import_json(self, text: str, progress: Progress | None = None) -> ImportSummary:
        try:
            raw = json.loads(text)
        except json.JSONDecodeError as err:
            raise ValidationError(
                "json",
                _("line {line} column {column}: {error}").format(
                    line=err.lineno, column=err.colno, error=err.msg
                ),
            ) from None
        return self.import_document(raw, progress)

    def import_document(
        self, raw: object, progress: Progress | None = None, *, extend_pipelines: bool = False
    ) -> ImportSummary:
        """All of `raw` in one transaction, or nothing. A pipeline that exists here must have
        every stage the document names; with `extend_pipelines` its missing open stages and
        loss reasons are added instead (a CSV import that brings new ones)."""
        document = _parse_document(raw)
        now = self._context.clock()
        with self._context.store.write() as uow:
            users_created = _import_users(uow, document, now)
            pipelines, removed, created, landed = _import_pipelines(
                uow, document.pipelines, now, extend=extend_pipelines
            )
            _check_external_ids(uow, document.deals)
            users = {user.login: user for user in uow.users.list()}
            for index, (pipeline_doc, pipeline) in enumerate(
                zip(document.pipelines, landed, strict=True)
            ):
                import_plans(
                    uow,
                    pipeline,
                    pipeline_doc.plans,
                    lambda login: _user(uow, users, login, now).id,
                    f"pipelines[{index}]",
                )
                _import_targets(uow, pipeline_doc, pipeline, removed, f"pipelines[{index}]")
            bundles: list[DealBundle] = []
            totals = [0, 0]
            for index, deal_doc in enumerate(document.deals):
                try:
                    bundle = _bundle(deal_doc, pipelines, removed, users, uow, now)
                except FunnelError as err:
                    raise ValidationError(f"deals[{index}]", str(err)) from None
                bundles.append(bundle)
                totals[0] += len(bundle.history)
                totals[1] += len(bundle.activities)
                if len(bundles) == _CHUNK:
                    uow.bulk.insert_bundles(bundles)
                    bundles = []
                    if progress:
                        progress(index + 1, len(document.deals))
            uow.bulk.insert_bundles(bundles)
            uow.commit()
        if progress:
            progress(len(document.deals), len(document.deals))
        return ImportSummary(created, users_created, len(document.deals), *totals)


# --- export helpers ------------------------------------------------------------------------


def _pipeline_doc(
    pipeline: Pipeline,
    removed: list[Stage],
    plans: list[dict[str, Any]],
    targets: dict[int, list[dict[str, Any]]],
) -> dict[str, Any]:
    return {
        "name": pipeline.name,
        "archived": pipeline.archived_at is not None,
        "stages": [_stage_doc(stage, targets.get(stage.id, [])) for stage in pipeline.stages],
        "removed_stages": [_stage_doc(stage, targets.get(stage.id, [])) for stage in removed],
        "loss_reasons": [reason.name for reason in pipeline.loss_reasons],
        "retired_loss_reasons": [
            reason.name for reason in pipeline.loss_reasons if reason.retired_at is not None
        ],
        "plans": plans,
    }


def _stage_doc(stage: Stage, targets: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "name": stage.name,
        "kind": stage.kind.value,
        "probability": stage.probability,
        "key": stage.is_key,
        "rot_days": stage.rot_days,
        "checklist": list(stage.checklist),
        "on_hold": stage.on_hold,
        "targets": targets,
    }


_Removed = tuple[list[Stage], dict[int, Stage]]
"""A pipeline's removed stages as exported (one per name), and the one exported for each
removed stage's id."""


def _removed_stages(by_pipeline: dict[int, list[Stage]]) -> dict[int, _Removed]:
    """Removed stages that share a name (case aside) are exported as one, the first of them:
    a history entry names a stage by name, so the document cannot tell them apart, and an
    import maps them all to one removed stage."""
    removed: dict[int, _Removed] = {}
    for pipeline_id, stages in by_pipeline.items():
        kept: dict[str, Stage] = {}
        for stage in stages:
            kept.setdefault(name_key(stage.name), stage)
        removed[pipeline_id] = (
            list(kept.values()),
            {stage.id: kept[name_key(stage.name)] for stage in stages},
        )
    return removed


_StageIndex = dict[int, tuple[Pipeline, Stage, bool]]
"""Stage id -> its pipeline, the stage as exported, and whether it is a removed one."""


def _stage_ref(stage_id: int, own: Pipeline, stages: _StageIndex) -> dict[str, Any]:
    """A stage by name, with its pipeline's name when it is not the deal's own, and
    `"removed": true` when it is a removed stage."""
    pipeline, stage, removed = stages[stage_id]
    return (
        {"stage": stage.name}
        | ({"pipeline": pipeline.name} if pipeline.id != own.id else {})
        | ({"removed": True} if removed else {})
    )


def _deal_doc(
    bundle: DealBundle,
    pipelines: dict[int, Pipeline],
    stages: _StageIndex,
    logins: dict[int, str],
) -> dict[str, Any]:
    deal = bundle.deal
    pipeline = pipelines[deal.pipeline_id]
    reasons = {reason.id: reason.name for reason in pipeline.loss_reasons}
    return {
        "title": deal.title,
        "pipeline": pipeline.name,
        "value": deal.value.to_decimal_string(),
        "currency": deal.value.currency,
        "owner": logins[deal.owner_id],
        "company": deal.company,
        "contact": deal.contact,
        "phone": deal.phone,
        "email": deal.email,
        "source": deal.source,
        "tags": list(deal.tags),
        "expected_close": deal.expected_close.isoformat() if deal.expected_close else None,
        "next_contact_at": format_utc_or_none(deal.next_contact_at),
        "next_contact_note": deal.next_contact_note,
        "loss_reason": reasons.get(deal.loss_reason_id) if deal.loss_reason_id else None,
        "loss_note": deal.loss_note,
        "created_at": format_utc(deal.created_at),
        "updated_at": format_utc(deal.updated_at),
        "deleted_at": format_utc_or_none(deal.deleted_at),
        "external_id": deal.external_id,
        "history": [
            _stage_ref(change.to_stage_id, pipeline, stages)
            | {"at": format_utc(change.at), "by": logins[change.by_user_id]}
            for change in bundle.history
        ],
        "activities": [
            {
                "kind": activity.kind.value,
                "direction": activity.direction.value if activity.direction else None,
                "outcome": activity.outcome.value if activity.outcome else None,
                "duration_s": activity.duration_s,
                "at": format_utc(activity.at),
                "by": logins[activity.by_user_id],
                "body": activity.body,
            }
            for activity in bundle.activities
        ],
        "checklist": [
            _stage_ref(answer.stage_id, pipeline, stages)
            | {
                "question": answer.question,
                "answer": answer.answer,
                "at": format_utc(answer.at),
                "by": logins[answer.by_user_id],
            }
            for answer in bundle.answers
        ],
        "events": [
            {
                "kind": event.kind.value,
                "field": event.field,
                "old": event.old_value,
                "new": event.new_value,
                "at": format_utc(event.at),
                "by": logins[event.by_user_id],
            }
            for event in bundle.events
        ],
    }


# --- import helpers ------------------------------------------------------------------------


def _parse_document(raw: object) -> Document:
    if not isinstance(raw, dict):
        raise ValidationError("document", _("must be a JSON object"))
    if raw.get("format") != FORMAT:
        raise ValidationError(
            "format",
            _("expected {wanted}, found {found}").format(
                wanted=repr(FORMAT), found=repr(raw.get("format"))
            ),
        )
    try:
        return Document.model_validate(raw)
    except PydanticValidationError as err:
        # An unknown key usually explains the "missing" errors around it: report it first.
        first = min(err.errors(), key=lambda error: error["type"] != "extra_forbidden")
        where = "".join(
            f"[{part}]" if isinstance(part, int) else f".{part}" for part in first["loc"]
        )
        message = _("unknown key") if first["type"] == "extra_forbidden" else first["msg"].lower()
        others = err.error_count() - 1
        if others > 0:
            message = ngettext(
                "{message} (and {n} more problem)", "{message} (and {n} more problems)", others
            ).format(message=message, n=others)
        raise ValidationError(where.lstrip("."), message) from None


def _import_users(uow: UnitOfWork, document: Document, now: datetime) -> int:
    created = 0
    for user_doc in document.users:
        login = clean_login(user_doc.login)
        if uow.users.by_login(login) is None:
            name = clean_display_name(user_doc.name) if user_doc.name.strip() else login
            uow.users.add(login, name, Role(user_doc.role), now)
            created += 1
    return created


def _check_external_ids(uow: UnitOfWork, deals: list[DealDoc]) -> None:
    """Refuse a deal whose source record is here already or twice in the document."""
    seen: dict[str, int] = {}
    for index, deal in enumerate(deals):
        if deal.external_id is None:
            continue
        try:
            external = clean_external_id(deal.external_id)
        except ValidationError as err:
            raise ValidationError(f"deals[{index}].external_id", err.message) from None
        if external in seen:
            raise ValidationError(
                f"deals[{index}].external_id",
                _("{external} is also deals[{other}]'s").format(
                    external=repr(external), other=seen[external]
                ),
            )
        if external is not None:
            seen[external] = index
    here = uow.bulk.existing_external_ids(seen)
    if here:
        first = min(here, key=seen.__getitem__)
        raise ValidationError(
            f"deals[{seen[first]}].external_id",
            _("a deal from {source} is here already").format(source=repr(first)),
        )


_RemovedIndex = dict[int, dict[str, Stage]]
"""Pipeline id -> its removed stages by name key (the first of each name)."""


def _import_pipelines(
    uow: UnitOfWork, docs: list[PipelineDoc], now: datetime, *, extend: bool = False
) -> tuple[dict[str, Pipeline], _RemovedIndex, int, list[Pipeline]]:
    """Pipelines by name (case-folded), their removed stages, how many were created, and the
    pipeline each of `docs` landed in (an archived one may share its name with a live one).
    Existing ones are reused if their stages match: a live one for a live pipeline of the
    document, an archived one with every stage for an archived one (else it is created)."""
    created = 0
    resolved: list[tuple[PipelineDoc, int]] = []
    for index, doc in enumerate(docs):
        spec = PipelineSpec(
            name=doc.name,
            stages=tuple(_stage_spec(stage) for stage in doc.stages),
            loss_reasons=tuple(doc.loss_reasons),
        )
        try:
            check_pipeline_spec(spec)
        except ValidationError as err:
            raise ValidationError(f"pipelines[{index}]", str(err)) from None
        removed = _removed_specs(doc, f"pipelines[{index}].removed_stages")
        retired = _retired(doc, f"pipelines[{index}].retired_loss_reasons")
        existing = _existing(uow, spec, archived=doc.archived)
        if existing is None:
            resolved.append((doc, _create(uow, spec, removed, retired, doc.archived, now)))
            created += 1
            continue
        resolved.append((doc, existing.id))
        names = {stage.name.casefold() for stage in existing.stages}
        missing = [stage for stage in spec.stages if stage.name.casefold() not in names]
        for stage in missing:
            if not extend or stage.kind is not StageKind.OPEN:
                raise ValidationError(
                    f"pipelines[{index}]",
                    _("pipeline {pipeline} exists here without stage {stage}").format(
                        pipeline=repr(spec.name), stage=repr(stage.name)
                    ),
                )
            uow.pipelines.add_open_stage(existing.id, stage)
        reasons = {reason.name.casefold() for reason in existing.loss_reasons}
        for reason in spec.loss_reasons if extend else ():
            if reason.strip().casefold() not in reasons:
                grown = uow.pipelines.add_loss_reason(existing.id, reason)
                reasons.add(reason.strip().casefold())
                if name_key(reason) in retired:
                    _retire(uow, grown.loss_reasons[-1], now)
        _add_removed(uow, existing.id, removed, now)
    # An archived pipeline may share a name with a live one (names are unique among the
    # unarchived): the live one wins, so it goes last; the document's own pipelines win
    # over others of their name here (its live ones last again).
    every = sorted(uow.pipelines.list(include_archived=True), key=lambda p: p.archived_at is None)
    pipelines = {p.name.casefold(): p for p in every}
    by_id = {p.id: p for p in every}
    for _doc, pipeline_id in sorted(resolved, key=lambda pair: not pair[0].archived):
        pipelines[by_id[pipeline_id].name.casefold()] = by_id[pipeline_id]
    removed_index: _RemovedIndex = {}
    wanted = sorted({p.id for p in pipelines.values()} | {p_id for _doc, p_id in resolved})
    for pipeline_id, stages in uow.pipelines.removed_stages(wanted).items():
        by_name = removed_index.setdefault(pipeline_id, {})
        for removed_stage in stages:
            by_name.setdefault(name_key(removed_stage.name), removed_stage)
    return pipelines, removed_index, created, [by_id[p_id] for _doc, p_id in resolved]


def _import_targets(
    uow: UnitOfWork, doc: PipelineDoc, pipeline: Pipeline, removed: _RemovedIndex, where: str
) -> None:
    """The stage targets of a pipeline of the document, on its stages here: the live stage
    of each name, the removed one of each removed stage's."""
    live = {name_key(stage.name): stage for stage in pipeline.stages}
    gone = removed.get(pipeline.id, {})
    for key, stages, here in (
        ("stages", doc.stages, live),
        ("removed_stages", doc.removed_stages, gone),
    ):
        for index, stage_doc in enumerate(stages):
            stage = here.get(name_key(stage_doc.name))
            if stage_doc.targets and stage is None:  # not expected: the stages were matched
                raise ValidationError(
                    f"{where}.{key}[{index}]",
                    _("no stage {stage} in {pipeline}").format(
                        stage=repr(stage_doc.name), pipeline=repr(pipeline.name)
                    ),
                )
            if stage is not None:
                field = f"{where}.{key}[{index}]"
                import_stage_targets(uow, pipeline, stage, stage_doc.targets, field)


def _stage_spec(stage: StageDoc) -> StageSpec:
    return StageSpec(
        name=stage.name,
        kind=StageKind(stage.kind),
        probability=_default_probability(stage.kind, stage.probability),
        is_key=stage.key,
        rot_days=stage.rot_days,
        checklist=tuple(stage.checklist),
        on_hold=stage.on_hold,
    )


def _removed_specs(doc: PipelineDoc, field: str) -> tuple[StageSpec, ...]:
    """The document's removed stages, checked: open ones, named, one of each name."""
    specs = []
    for position, stage in enumerate(doc.removed_stages):
        where = f"{field}[{position}]"
        if stage.kind != StageKind.OPEN.value:
            raise ValidationError(f"{where}.kind", _("only an open stage can be removed"))
        name = clean_label(f"{where}.name", stage.name)
        for question in stage.checklist:
            if clean_text(f"{where}.checklist", question, limit=MAX_TEXT) is None:
                raise ValidationError(
                    f"{where}.checklist",
                    _("{stage}: a question is empty").format(stage=repr(name)),
                )
        specs.append(_stage_spec(stage))
    check_unique_names(field, (spec.name for spec in specs), "stage in this pipeline")
    return tuple(specs)


def _retired(doc: PipelineDoc, field: str) -> set[str]:
    """Name keys of the retired loss reasons, each one of the pipeline's loss reasons."""
    reasons = {name_key(reason) for reason in doc.loss_reasons}
    for position, reason in enumerate(doc.retired_loss_reasons):
        if name_key(reason) not in reasons:
            raise ValidationError(
                f"{field}[{position}]",
                _("{reason} is not one of the pipeline's loss_reasons").format(reason=repr(reason)),
            )
    return {name_key(reason) for reason in doc.retired_loss_reasons}


def _existing(uow: UnitOfWork, spec: PipelineSpec, *, archived: bool) -> Pipeline | None:
    """The pipeline here that a pipeline of the document lands in, if any."""
    if not archived:
        return uow.pipelines.by_name(spec.name)
    wanted = {stage.name.casefold() for stage in spec.stages}
    for pipeline in uow.pipelines.list(include_archived=True):
        if (
            pipeline.archived_at is not None
            and name_key(pipeline.name) == name_key(spec.name)
            and wanted <= {stage.name.casefold() for stage in pipeline.stages}
        ):
            return pipeline
    return None


def _create(
    uow: UnitOfWork,
    spec: PipelineSpec,
    removed: tuple[StageSpec, ...],
    retired: set[str],
    archived: bool,
    now: datetime,
) -> int:
    """A new pipeline: its removed stages after the live ones, marked deleted; its retired
    reasons retired; archived if it is. Its id."""
    made = uow.pipelines.add(replace(spec, stages=spec.stages + removed), now)
    for stage in made.stages[len(spec.stages) :]:
        uow.pipelines.delete_stage(made.id, stage.id, now)
    for reason in made.loss_reasons:
        if name_key(reason.name) in retired:
            _retire(uow, reason, now)
    if archived:
        uow.pipelines.update(made.id, name=made.name, archived_at=now)
    return made.id


def _retire(uow: UnitOfWork, reason: LossReason, now: datetime) -> None:
    uow.pipelines.update_loss_reason(replace(reason, retired_at=now))


def _add_removed(
    uow: UnitOfWork, pipeline_id: int, removed: tuple[StageSpec, ...], now: datetime
) -> None:
    """Create, marked deleted, the removed stages an existing pipeline lacks; then number
    its stages: the live ones, its removed ones, the new removed ones."""
    if not removed:
        return
    old = uow.pipelines.removed_stages([pipeline_id]).get(pipeline_id, [])
    have = {name_key(stage.name) for stage in old}
    missing = [spec for spec in removed if name_key(spec.name) not in have]
    if not missing:
        return
    pipeline = uow.pipelines.get(pipeline_id)
    assert pipeline is not None
    added: list[int] = []
    for spec in missing:
        before = {stage.id for stage in pipeline.stages}
        grown = uow.pipelines.add_open_stage(pipeline_id, spec)
        stage = next(stage for stage in grown.stages if stage.id not in before)
        pipeline = uow.pipelines.delete_stage(pipeline_id, stage.id, now)
        added.append(stage.id)
    # add_open_stage put each before won and lost: removed stages go after every live one.
    order = [stage.id for stage in pipeline.stages] + [stage.id for stage in old] + added
    uow.pipelines.reorder_stages(pipeline_id, order)


def _default_probability(kind: str, probability: int | None) -> int:
    if probability is not None:
        return probability
    return 100 if kind == "won" else 0


def _user(uow: UnitOfWork, users: dict[str, User], login: str, now: datetime) -> User:
    login = clean_login(login)
    user = users.get(login)
    if user is None:
        user = uow.users.add(login, login, Role.REP, now)
        users[login] = user
    return user


def _bundle(
    doc: DealDoc,
    pipelines: dict[str, Pipeline],
    removed: _RemovedIndex,
    users: dict[str, User],
    uow: UnitOfWork,
    now: datetime,
) -> DealBundle:
    pipeline = pipelines.get(doc.pipeline.casefold())
    if pipeline is None:
        raise ValidationError(
            "pipeline",
            _("no pipeline {pipeline} in the file or here").format(pipeline=repr(doc.pipeline)),
        )
    draft = clean_draft(
        DealDraft(
            title=doc.title,
            value=Money.from_major(doc.value, doc.currency),
            contact=doc.contact,
            company=doc.company,
            phone=doc.phone,
            email=doc.email,
            source=doc.source,
            tags=tuple(doc.tags),
            expected_close=_date(doc.expected_close, "expected_close"),
        )
    )
    created_at = parse_utc(doc.created_at, "created_at")
    history: list[StageChange] = []
    previous: int | None = None
    last_at = created_at
    for position, entry in enumerate(doc.history):
        stage = _find_stage(pipelines, removed, pipeline, entry, f"history[{position}]")
        at = parse_utc(entry.at, f"history[{position}].at")
        if at < last_at:
            raise ValidationError(
                f"history[{position}].at", _("is earlier than the entry before it")
            )
        by = _user(uow, users, entry.by, now)
        history.append(StageChange(0, 0, previous, stage.id, at, by.id))
        previous, last_at = stage.id, at
    if doc.history[-1].removed:
        raise ValidationError(
            f"history[{len(doc.history) - 1}].removed",
            _("the deal's current stage cannot be a removed one"),
        )
    current = pipeline.stage(history[-1].to_stage_id)
    if history[0].at != created_at:
        raise ValidationError("history[0].at", _("must equal created_at (the creation entry)"))
    activities = tuple(
        _activity(a, position, uow, users, now) for position, a in enumerate(doc.activities)
    )
    loss_reason_id = _loss_reason(pipeline, doc.loss_reason, current.kind)
    next_at = parse_utc(doc.next_contact_at, "next_contact_at") if doc.next_contact_at else None
    updated_at = parse_utc(doc.updated_at, "updated_at") if doc.updated_at else last_at
    closed = current.kind is not StageKind.OPEN
    deal = Deal(
        id=0,
        pipeline_id=pipeline.id,
        stage_id=current.id,
        owner_id=_user(uow, users, doc.owner, now).id,
        created_at=created_at,
        updated_at=updated_at,
        stage_entered_at=last_at,
        **draft_fields(draft),
        next_contact_at=next_at,
        next_contact_note=clean_long_text("next_contact_note", doc.next_contact_note)
        if next_at
        else None,
        loss_reason_id=loss_reason_id,
        loss_note=clean_long_text("loss_note", doc.loss_note)
        if current.kind is StageKind.LOST
        else None,
        closed_at=last_at if closed else None,
        last_activity_at=max((a.at for a in activities), default=None),
        deleted_at=parse_utc(doc.deleted_at, "deleted_at") if doc.deleted_at else None,
        external_id=doc.external_id.strip() if doc.external_id else None,
    )
    answers = tuple(
        ChecklistAnswer(
            0,
            _find_stage(pipelines, removed, pipeline, a, f"checklist[{position}]").id,
            clean_text(f"checklist[{position}].question", a.question) or "?",
            clean_text(f"checklist[{position}].answer", a.answer) or "",
            parse_utc(a.at, f"checklist[{position}].at"),
            _user(uow, users, a.by, now).id,
        )
        for position, a in enumerate(doc.checklist)
    )
    events = tuple(
        DealEvent(
            0,
            0,
            parse_utc(e.at, f"events[{position}].at"),
            _user(uow, users, e.by, now).id,
            EventKind(e.kind),
            e.field,
            e.old,
            e.new,
        )
        for position, e in enumerate(doc.events)
    )
    return DealBundle(deal, tuple(history), activities, answers, events)


def _find_stage(
    pipelines: dict[str, Pipeline],
    removed: _RemovedIndex,
    own: Pipeline,
    ref: HistoryDoc | ChecklistDoc,
    field: str,
) -> Stage:
    """A stage named in a deal's document: of its own pipeline, or of the one named; a
    removed one if the reference says so."""
    other, name = ref.pipeline, ref.stage
    pipeline = own if other is None else pipelines.get(other.casefold())
    if pipeline is None:
        raise ValidationError(
            f"{field}.pipeline",
            _("no pipeline {pipeline} in the file or here").format(pipeline=repr(other)),
        )
    if ref.removed:
        found = removed.get(pipeline.id, {}).get(name_key(name))
        if found is not None:
            return found
        raise ValidationError(
            field,
            _("no removed stage {stage} in {pipeline}").format(
                stage=repr(name), pipeline=repr(pipeline.name)
            ),
        )
    for stage in pipeline.stages:
        if stage.name.casefold() == name.casefold():
            return stage
    raise ValidationError(
        field,
        _("no stage {stage} in {pipeline}").format(stage=repr(name), pipeline=repr(pipeline.name)),
    )


def _activity(
    doc: Any, position: int, uow: UnitOfWork, users: dict[str, User], now: datetime
) -> Activity:
    return Activity(
        id=0,
        deal_id=0,
        kind=ActivityKind(doc.kind),
        at=parse_utc(doc.at, f"activities[{position}].at"),
        by_user_id=_user(uow, users, doc.by, now).id,
        direction=Direction(doc.direction) if doc.direction else None,
        outcome=Outcome(doc.outcome) if doc.outcome else None,
        duration_s=_duration(doc.duration_s, f"activities[{position}].duration_s"),
        body=clean_long_text(f"activities[{position}].body", doc.body),
    )


def _duration(seconds: int | None, field: str) -> int | None:
    try:
        return clean_duration(seconds)
    except ValidationError as err:
        raise ValidationError(field, err.message) from None


def _loss_reason(pipeline: Pipeline, name: str | None, kind: StageKind) -> int | None:
    if name is None:
        return None
    if kind is not StageKind.LOST:
        raise ValidationError("loss_reason", _("is set on a deal that is not lost"))
    for reason in pipeline.loss_reasons:
        if reason.name.casefold() == name.strip().casefold():
            return reason.id
    raise ValidationError(
        "loss_reason",
        _("{reason} is not a loss reason of {pipeline}").format(
            reason=repr(name), pipeline=repr(pipeline.name)
        ),
    )


def _date(text: str | None, field: str) -> date | None:
    if text is None:
        return None
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise ValidationError(
            field, _("{text} is not a date (YYYY-MM-DD)").format(text=repr(text))
        ) from None
    check_year(day, field)
    return day
