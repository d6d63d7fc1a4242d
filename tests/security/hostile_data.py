"""Databases full of hostile text: one written through the services, one through `funnel import`.

Every corpus string goes into every text field the user can type. A value the validators
refuse is recorded (field -> corpus name -> message) instead of stored, so the tests can check
that each refusal is a clean one-line ValidationError and that the rest went through.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any

from funnel_tui.bootstrap import open_services
from funnel_tui.domain.drafts import clean_draft
from funnel_tui.domain.errors import ValidationError
from funnel_tui.domain.models import (
    ActivityKind,
    DealDraft,
    PipelineSpec,
    StageKind,
    StageSpec,
)
from funnel_tui.domain.money import Money
from funnel_tui.domain.pipeline_rules import check_pipeline_spec

from .corpus import HOSTILE

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
MAIN = "mixed"
CHECKLIST = ("click-quit", "osc52", "c1-csi", "rlo", "cr")
"""The corpus entries asked as the first stage's exit checklist."""
"""The corpus entry that names the first pipeline (the board, funnel and dashboard show it)."""

DRAFT_FIELDS = ("title", "company", "contact", "phone", "email", "source", "tags")


def frozen_clock() -> datetime:
    return NOW


@dataclass
class Outcome:
    """Which corpus strings each field kept, and the message of each refusal."""

    refused: dict[str, dict[str, str]] = field(default_factory=dict)
    kept: dict[str, set[str]] = field(default_factory=dict)
    main: str = "Hostile"
    """The name of the first pipeline (a hostile one when names may be)."""

    def attempt(self, where: str, name: str, action: Callable[[], Any]) -> bool:
        try:
            action()
        except ValidationError as err:
            self.refused.setdefault(where, {})[name] = str(err)
            self.kept.get(where, set()).discard(name)
            return False
        self.kept.setdefault(where, set()).add(name)
        return True

    def accepts(self, where: str, name: str) -> bool:
        return name in self.kept.get(where, set())


def _spec(
    name: str, stages: list[str], reasons: list[str], checklist: tuple[str, ...] = ()
) -> PipelineSpec:
    """Open `stages` (the first asks `checklist` before a deal leaves it), won, lost."""
    return PipelineSpec(
        name,
        (
            *(
                StageSpec(stage, probability=10, checklist=checklist if i == 0 else ())
                for i, stage in enumerate(stages)
            ),
            StageSpec("Won", StageKind.WON, 100),
            StageSpec("Lost", StageKind.LOST, 0),
        ),
        tuple(reasons),
    )


def build_by_services(path: Path) -> Outcome:
    """Every corpus string through the services into every field."""
    outcome = Outcome()
    services = open_services(path, login="anna", clock=frozen_clock)
    try:
        services.users.found_team()
        for index, (name, value) in enumerate(HOSTILE):
            outcome.attempt(
                "user name",
                name,
                partial(services.users.add, f"u{index}", name=value),
            )
        # Stage names and loss reasons: the domain's check of a pipeline, one value at a time
        # (a pipeline is created whole or not at all).
        for name, value in HOSTILE:
            outcome.attempt(
                "stage name", name, partial(check_pipeline_spec, _spec("p", [value], []))
            )
            outcome.attempt(
                "loss reason",
                name,
                partial(check_pipeline_spec, _spec("p", ["Open"], [value])),
            )
            outcome.attempt(
                "pipeline name",
                name,
                partial(check_pipeline_spec, _spec(value, ["Open"], [])),
            )
            if name in CHECKLIST:
                outcome.attempt(
                    "checklist question",
                    name,
                    partial(check_pipeline_spec, _spec("p", ["Open"], [], (value,))),
                )
        stages = [v for n, v in HOSTILE if outcome.accepts("stage name", n)] or ["Open"]
        questions = tuple(
            v for n, v in HOSTILE if n in CHECKLIST and outcome.accepts("checklist question", n)
        )
        reasons = [v for n, v in HOSTILE if outcome.accepts("loss reason", n)] or ["Price"]
        outcome.main = next(
            (v for n, v in HOSTILE if n == MAIN and outcome.accepts("pipeline name", n)),
            next((v for n, v in HOSTILE if outcome.accepts("pipeline name", n)), "Hostile"),
        )
        main = services.pipelines.create(_spec(outcome.main, stages, reasons, questions))
        for name, value in HOSTILE:
            if value != outcome.main and outcome.accepts("pipeline name", name):
                outcome.attempt(
                    "pipeline name",
                    name,
                    partial(services.pipelines.create, _spec(value, ["Open"], [])),
                )
        users = {user.login for user in services.users.list()}
        services.plans.set_plan(main.id, "1000000", month=date(2026, 11, 1), currency="RUB")
        for index, (name, value) in enumerate(HOSTILE):
            draft_values: dict[str, Any] = {}
            for field_name in DRAFT_FIELDS:
                hostile: Any = (value,) if field_name == "tags" else value
                probe = DealDraft(**{"title": "t", field_name: hostile}, value=Money(100, "RUB"))
                if outcome.attempt(field_name, name, partial(clean_draft, probe)):
                    draft_values[field_name] = hostile
            draft = DealDraft(
                **{"title": f"deal {index}", **draft_values},
                value=Money(100_00 * (index + 1), "RUB"),
            )
            owner = f"u{index}" if f"u{index}" in users else "anna"
            stage = main.open_stages[index % len(main.open_stages)]
            deal = services.deals.create(
                replace(draft, contact=None),
                pipeline_id=main.id,
                stage_id=stage.id,
                owner=owner,
                at=NOW - timedelta(days=3, minutes=index),
            )
            # The contact comes by an edit: the timeline shows it as a change, too; the first
            # deal also answers its stage's checklist with the questions themselves.
            answers = {q: q for q in questions} if stage.checklist else None
            deal = services.deals.edit(
                deal.id,
                draft,
                expected_version=deal.version,
                answers=answers,
                at=NOW - timedelta(days=3, minutes=index - 1),
            )
            when = NOW + timedelta(minutes=10 * index - 60)
            if not outcome.attempt(
                "next contact note",
                name,
                partial(services.deals.set_next_contact, deal.id, when, value),
            ):
                services.deals.set_next_contact(deal.id, when)
            outcome.attempt(
                "activity note",
                name,
                partial(
                    services.deals.log_activity,
                    deal.id,
                    ActivityKind.NOTE,
                    body=value,
                    at=NOW - timedelta(days=1),
                ),
            )
            lost = services.deals.create(
                replace(draft, title=f"lost {index}"),
                pipeline_id=main.id,
                owner=owner,
                at=NOW - timedelta(days=2, minutes=index),
            )
            reason = value if outcome.accepts("loss reason", name) else reasons[0]
            if not outcome.attempt(
                "loss note",
                name,
                partial(services.deals.lose, lost.id, reason, value, at=NOW - timedelta(hours=1)),
            ):
                services.deals.lose(lost.id, reason, at=NOW - timedelta(hours=1))
    finally:
        services.close()
    return outcome


# --- the interchange document ---------------------------------------------------------------

IMPORT_FIELDS = (
    "title",
    "company",
    "contact",
    "phone",
    "email",
    "source",
    "tags",
    "next_contact_note",
    "loss_note",
    "activity",
    "user name",
    "pipeline name",
    "stage name",
    "loss reason",
)

_STAMP = "2026-11-20T09:00:00Z"


def _document(
    users: list[dict[str, Any]], pipelines: list[dict[str, Any]], deals: list[dict[str, Any]]
) -> dict[str, Any]:
    return {"format": "funnel/1", "users": users, "pipelines": pipelines, "deals": deals}


def _pipeline_doc(
    name: str, stages: list[str], reasons: list[str], checklist: list[str] | None = None
) -> dict[str, Any]:
    return {
        "name": name,
        "stages": [
            *(
                {"name": stage, "checklist": checklist or [] if i == 0 else []}
                for i, stage in enumerate(stages)
            ),
            {"name": "Won", "kind": "won"},
            {"name": "Lost", "kind": "lost"},
        ],
        "loss_reasons": reasons,
    }


def _deal_doc(pipeline: str, stage: str, **extra: Any) -> dict[str, Any]:
    lost = extra.pop("lost", False)
    activity = extra.pop("activity", None)
    deal: dict[str, Any] = {
        "title": "imported",
        "pipeline": pipeline,
        "value": "100.00",
        "currency": "RUB",
        "owner": "anna",
        "created_at": _STAMP,
        "history": [{"stage": stage, "at": _STAMP, "by": "anna"}],
        **extra,
    }
    if lost:
        deal["history"].append({"stage": "Lost", "at": "2026-11-21T09:00:00Z", "by": "anna"})
    if activity is not None:
        deal["activities"] = [
            {"kind": "note", "at": "2026-11-20T10:00:00Z", "by": "anna", "body": activity}
        ]
    return deal


def probe_document(where: str, value: str, number: int) -> dict[str, Any]:
    """A one-deal document with `value` in the field `where` alone (`number` keeps the
    pipeline and user of each probe apart)."""
    users = [{"login": "anna", "name": "Anna", "role": "lead"}]
    pipeline, stage, reasons = f"P{number}", "Open", ["Price"]
    deal: dict[str, Any] = {}
    if where == "user name":
        users.append({"login": f"e{number}", "name": value})
    elif where == "pipeline name":
        pipeline = value
    elif where == "stage name":
        stage = value
    elif where == "loss reason":
        reasons = [value]
        deal = {"lost": True, "loss_reason": value}
    elif where == "loss_note":
        deal = {"lost": True, "loss_reason": "Price", "loss_note": value}
    elif where == "next_contact_note":
        deal = {"next_contact_at": "2026-11-23T10:00:00Z", "next_contact_note": value}
    elif where == "tags":
        deal = {"tags": [value]}
    elif where == "activity":
        deal = {"activity": value}
    else:
        deal = {where: value}
    return _document(
        users, [_pipeline_doc(pipeline, [stage], reasons)], [_deal_doc(pipeline, stage, **deal)]
    )


def full_document(outcome: Outcome) -> dict[str, Any]:
    """Every value the probes let through, in every field, in one document."""
    ok = outcome.accepts
    users = [{"login": "anna", "name": "Anna", "role": "lead"}]
    users += [
        {"login": f"u{index}", "name": value}
        for index, (name, value) in enumerate(HOSTILE)
        if ok("user name", name)
    ]
    stages = [value for name, value in HOSTILE if ok("stage name", name)] or ["Open"]
    reasons = [value for name, value in HOSTILE if ok("loss reason", name)] or ["Price"]
    main = outcome.main
    questions = [v for n, v in HOSTILE if n in CHECKLIST and ok("checklist question", n)]
    pipelines = [_pipeline_doc(main, stages, reasons, questions)]
    pipelines += [
        _pipeline_doc(value, ["Open"], [])
        for name, value in HOSTILE
        if value != main and ok("pipeline name", name)
    ]
    deals: list[dict[str, Any]] = []
    for index, (name, value) in enumerate(HOSTILE):
        owner = f"u{index}" if ok("user name", name) else "anna"
        fields: dict[str, Any] = {"title": value if ok("title", name) else f"deal {index}"}
        for key in ("company", "contact", "phone", "email", "source"):
            if ok(key, name):
                fields[key] = value
        if ok("tags", name):
            fields["tags"] = [value]
        if ok("activity note", name):
            fields["activity"] = value
        fields["next_contact_at"] = (NOW + timedelta(minutes=10 * index - 60)).strftime(
            "%Y-%m-%dT%H:%M:%SZ"
        )
        if ok("next contact note", name):
            fields["next_contact_note"] = value
        if index == 0 and questions:
            fields["checklist"] = [
                {"stage": stages[0], "question": q, "answer": q, "at": _STAMP, "by": "anna"}
                for q in questions
            ]
        deals.append(_deal_doc(main, stages[index % len(stages)], owner=owner, **fields))
        lost: dict[str, Any] = {"title": f"lost {index}", "lost": True, "owner": owner}
        lost["loss_reason"] = value if ok("loss reason", name) else reasons[0]
        if ok("loss note", name):
            lost["loss_note"] = value
        deals.append(_deal_doc(main, stages[0], **lost))
    return _document(users, pipelines, deals)


def write_json(path: Path, document: dict[str, Any]) -> Path:
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    return path
