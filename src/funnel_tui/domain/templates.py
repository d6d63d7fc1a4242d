"""Built-in pipeline templates (DESIGN.md, Domain), in English and Russian."""

from __future__ import annotations

from dataclasses import dataclass

from funnel_tui.domain.errors import ValidationError
from funnel_tui.domain.models import PipelineSpec, StageKind, StageSpec
from funnel_tui.i18n import _

LANGUAGES = ("en", "ru")


@dataclass(frozen=True, slots=True)
class _Stage:
    en: str
    ru: str
    probability: int
    rot_days: int | None
    is_key: bool = False
    checklist_en: tuple[str, ...] = ()
    checklist_ru: tuple[str, ...] = ()
    on_hold: bool = False


@dataclass(frozen=True, slots=True)
class Template:
    key: str
    en: str
    ru: str
    stages: tuple[_Stage, ...]


_BANT_EN = ("Is there a budget?", "Who decides?", "What need does it solve?", "By when?")
_BANT_RU = (
    "Есть ли бюджет?",
    "Кто принимает решение?",
    "Какую потребность решаем?",
    "К какому сроку?",
)

TEMPLATES: dict[str, Template] = {
    t.key: t
    for t in (
        Template(
            "aida",
            "AIDA",
            "AIDA",
            (
                _Stage("Attention", "Внимание", 10, 7),
                _Stage("Interest", "Интерес", 25, 10),
                _Stage("Desire", "Желание", 50, 14, is_key=True),
                _Stage("Action", "Действие", 75, 14),
            ),
        ),
        Template(
            "b2b",
            "B2B sales",
            "B2B-продажи",
            (
                _Stage("Prospecting", "Поиск клиентов", 5, 14),
                _Stage(
                    "Qualification",
                    "Квалификация",
                    10,
                    10,
                    checklist_en=_BANT_EN,
                    checklist_ru=_BANT_RU,
                ),
                _Stage("Meeting", "Встреча", 25, 14, is_key=True),
                _Stage("Proposal", "Коммерческое предложение", 40, 14),
                _Stage("Negotiation", "Переговоры", 60, 21),
                _Stage("Closing", "Заключение договора", 80, 14),
                _Stage("Fulfilment", "Исполнение", 90, 30),
            ),
        ),
        Template(
            "three",
            "Calls, meetings, contracts",
            "Звонки, встречи, договоры",
            (
                _Stage("Calls", "Звонки", 10, 7),
                _Stage("Meetings", "Встречи", 30, 14, is_key=True),
                _Stage("Contracts", "Договоры", 70, 21),
            ),
        ),
        Template(
            "qualification",
            "Qualification",
            "Квалификация",
            (
                _Stage("New lead", "Новый лид", 5, 3),
                _Stage("Contacted", "Первый контакт", 10, 5),
                _Stage(
                    "Qualified",
                    "Квалифицирован",
                    30,
                    7,
                    is_key=True,
                    checklist_en=_BANT_EN,
                    checklist_ru=_BANT_RU,
                ),
                _Stage("Handed over", "Передан в продажи", 50, 7),
            ),
        ),
        Template(
            "repeat",
            "Repeat clients",
            "Повторные клиенты",
            (
                _Stage("Check-in call", "Звонок клиенту", 20, 14),
                _Stage("Need identified", "Выявлена потребность", 40, 14, is_key=True),
                _Stage("Offer sent", "Отправлено предложение", 60, 14),
                _Stage("Order", "Заказ", 85, 14),
            ),
        ),
        Template(
            "cold",
            "Cold calls",
            "Холодные звонки",
            (
                _Stage("Call list", "База для обзвона", 2, 30),
                _Stage("Reached decision maker", "Выход на ЛПР", 8, 14),
                _Stage("Interest confirmed", "Подтверждён интерес", 20, 10, is_key=True),
                _Stage("Meeting scheduled", "Назначена встреча", 40, 10),
            ),
        ),
        # Deals that said "not now": they wait, set aside, until the revival date (their next
        # contact), then come back to the agenda to be worked again.
        Template(
            "refusals",
            "Refusals",
            "Отказы",
            (
                _Stage("Conditional refusal", "Условный отказ", 5, None, on_hold=True),
                _Stage("Talks resumed", "Возобновлены переговоры", 20, 14),
            ),
        ),
    )
}

_CLOSED = {"en": ("Won", "Lost"), "ru": ("Выиграна", "Проиграна")}
_LOSS_REASONS = {
    "en": ("Price", "Competitor", "No budget", "No need", "No response", "Bad timing"),
    "ru": (
        "Цена",
        "Конкурент",
        "Нет бюджета",
        "Нет потребности",
        "Не выходит на связь",
        "Не время",
    ),
}


def template_spec(key: str, lang: str = "en", name: str | None = None) -> PipelineSpec:
    """The PipelineSpec for template `key` in language `lang` ("en" or "ru")."""
    template = TEMPLATES.get(key)
    if template is None:
        known = ", ".join(TEMPLATES)
        raise ValidationError(
            "template",
            _("unknown template {key} (one of: {known})").format(key=repr(key), known=known),
        )
    if lang not in LANGUAGES:
        raise ValidationError(
            "language", _("unknown language {language} (en or ru)").format(language=repr(lang))
        )
    russian = lang == "ru"
    stages = [
        StageSpec(
            name=stage.ru if russian else stage.en,
            probability=stage.probability,
            is_key=stage.is_key,
            rot_days=stage.rot_days,
            checklist=stage.checklist_ru if russian else stage.checklist_en,
            on_hold=stage.on_hold,
        )
        for stage in template.stages
    ]
    won, lost = _CLOSED[lang]
    stages.append(StageSpec(won, StageKind.WON, probability=100))
    stages.append(StageSpec(lost, StageKind.LOST, probability=0))
    return PipelineSpec(
        name=name or (template.ru if russian else template.en),
        stages=tuple(stages),
        loss_reasons=_LOSS_REASONS[lang],
    )


_FIRST_STAGE = {"en": "New", "ru": "Новые"}


def empty_spec(name: str, lang: str = "en") -> PipelineSpec:
    """A pipeline to shape by hand: one open stage, won, lost and the usual loss reasons
    (every pipeline needs an open stage, a won and a lost one)."""
    if lang not in LANGUAGES:
        raise ValidationError(
            "language", _("unknown language {language} (en or ru)").format(language=repr(lang))
        )
    won, lost = _CLOSED[lang]
    return PipelineSpec(
        name=name,
        stages=(
            StageSpec(_FIRST_STAGE[lang], probability=10),
            StageSpec(won, StageKind.WON, probability=100),
            StageSpec(lost, StageKind.LOST, probability=0),
        ),
        loss_reasons=_LOSS_REASONS[lang],
    )
