"""Built-in pipeline templates: valid in both languages, one won and one lost stage each."""

from __future__ import annotations

import pytest

from funnel_tui.domain.errors import ValidationError
from funnel_tui.domain.models import PipelineSpec, StageKind, StageSpec
from funnel_tui.domain.pipeline_rules import check_pipeline_spec
from funnel_tui.domain.templates import LANGUAGES, TEMPLATES, template_spec

DESIGN_TEMPLATES = {"aida", "b2b", "three", "qualification", "repeat", "cold"}


def test_the_templates_of_design_md_exist() -> None:
    # Plus "refusals": DESIGN.md's "Refusals" pipeline, where conditional refusals wait.
    assert set(TEMPLATES) == DESIGN_TEMPLATES | {"refusals"}
    assert set(LANGUAGES) == {"en", "ru"}


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("key", sorted(DESIGN_TEMPLATES))
def test_every_template_is_a_valid_pipeline(key: str, lang: str) -> None:
    spec = template_spec(key, lang)
    check_pipeline_spec(spec)
    kinds = [stage.kind for stage in spec.stages]
    assert kinds.count(StageKind.WON) == 1
    assert kinds.count(StageKind.LOST) == 1
    assert kinds[-2:] == [StageKind.WON, StageKind.LOST]
    open_stages = [stage for stage in spec.stages if stage.kind is StageKind.OPEN]
    assert len(open_stages) >= 3
    assert sum(stage.is_key for stage in open_stages) <= 1
    probabilities = [stage.probability for stage in open_stages]
    assert probabilities == sorted(probabilities), "probability rises along the funnel"
    assert all(0 < p < 100 for p in probabilities)
    assert all(stage.rot_days and stage.rot_days >= 1 for stage in open_stages)
    assert spec.loss_reasons and len(set(spec.loss_reasons)) == len(spec.loss_reasons)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_refusals_template_holds_conditional_refusals(lang: str) -> None:
    spec = template_spec("refusals", lang)
    check_pipeline_spec(spec)
    held, resumed = (stage for stage in spec.stages if stage.kind is StageKind.OPEN)
    assert (held.on_hold, held.rot_days) == (True, None)  # set aside: it does not rot
    assert (resumed.on_hold, resumed.rot_days) == (False, 14)
    assert not any(stage.on_hold for key in DESIGN_TEMPLATES for stage in template_spec(key).stages)


@pytest.mark.parametrize("key", sorted(TEMPLATES))
def test_russian_and_english_differ_only_in_words(key: str) -> None:
    en, ru = template_spec(key, "en"), template_spec(key, "ru")
    assert len(en.stages) == len(ru.stages)
    for en_stage, ru_stage in zip(en.stages, ru.stages, strict=True):
        assert (
            en_stage.kind,
            en_stage.probability,
            en_stage.is_key,
            en_stage.rot_days,
            en_stage.on_hold,
        ) == (
            ru_stage.kind,
            ru_stage.probability,
            ru_stage.is_key,
            ru_stage.rot_days,
            ru_stage.on_hold,
        )
        assert len(en_stage.checklist) == len(ru_stage.checklist)
    assert any(any("а" <= ch <= "я" for ch in s.name.lower()) for s in ru.stages)


def test_b2b_is_the_seven_stage_funnel_of_design_md() -> None:
    spec = template_spec("b2b", "en")
    names = [stage.name for stage in spec.stages if stage.kind is StageKind.OPEN]
    assert names == [
        "Prospecting",
        "Qualification",
        "Meeting",
        "Proposal",
        "Negotiation",
        "Closing",
        "Fulfilment",
    ]


def test_template_name_override_and_unknowns() -> None:
    assert template_spec("aida", "ru", "Моя воронка").name == "Моя воронка"
    with pytest.raises(ValidationError):
        template_spec("nope")
    with pytest.raises(ValidationError):
        template_spec("aida", "de")


def _spec(
    *stages: StageSpec, reasons: tuple[str, ...] = ("Price",), name: str = "P"
) -> PipelineSpec:
    return PipelineSpec(name, stages, reasons)


WON = StageSpec("Won", StageKind.WON, 100)
LOST = StageSpec("Lost", StageKind.LOST, 0)


@pytest.mark.parametrize(
    "spec",
    [
        _spec(StageSpec("A"), WON, LOST, name="  "),
        _spec(StageSpec("A"), LOST),
        _spec(StageSpec("A"), WON),
        _spec(StageSpec("A"), WON, WON, LOST),
        _spec(WON, LOST),
        _spec(StageSpec("A"), StageSpec("a "), WON, LOST),
        _spec(StageSpec(" "), WON, LOST),
        _spec(StageSpec("A", probability=101), WON, LOST),
        _spec(StageSpec("A", probability=-1), WON, LOST),
        _spec(StageSpec("A", rot_days=0), WON, LOST),
        _spec(StageSpec("A"), StageSpec("Won", StageKind.WON, 100, on_hold=True), LOST),
        _spec(StageSpec("A"), WON, LOST, reasons=("Price", "price")),
        _spec(StageSpec("A"), WON, LOST, reasons=("",)),
    ],
)
def test_check_pipeline_spec_refuses_broken_pipelines(spec: PipelineSpec) -> None:
    with pytest.raises(ValidationError):
        check_pipeline_spec(spec)
