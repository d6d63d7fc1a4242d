"""Column names of each CRM's deal export → Funnel fields (see IMPORT-FORMATS.md).

Headers are matched after normalising: case, `ё`→`е`, en/em dashes, spacing, and the
`Deal -`/`Сделка -` entity prefix of Pipedrive exports.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from funnel_tui.i18n import _
from funnel_tui.services.csv_import.errors import ImportProblem

FIELDS = (
    "title",
    "stage",
    "stage_position",
    "pipeline",
    "value",
    "currency",
    "owner",
    "company",
    "contact",
    "phone",
    "email",
    "source",
    "tags",
    "expected_close",
    "created_at",
    "closed_at",
    "status",
    "loss_reason",
    "loss_note",
    "next_contact",
    "next_contact_note",
    "external_id",
    "record_id",
)
"""What a column can be read as. `external_id` is the source record (`amocrm:123` kept
as it is, `123` gets the preset's prefix); `record_id` is a plain row id, used for the
external id only when a row has none."""

_PREFIX = re.compile(r"^(deal|сделка|lead|сделки)\s*-\s*")


@functools.lru_cache(maxsize=4096)  # a column of a 100,000-row file has few distinct cells
def normalize(header: str) -> str:
    text = header.strip().casefold().replace("ё", "е").replace("\ufeff", "")
    text = re.sub(r"[\u2010-\u2015\u2212]", "-", text)
    text = re.sub(r"\s*-\s*", " - ", text)
    text = re.sub(r"[\s_]+", " ", text).strip()
    return _PREFIX.sub("", text)


@dataclass(frozen=True, slots=True)
class Preset:
    name: str
    """The prefix of external ids (`amocrm:123`)."""
    label: str
    columns: Mapping[str, str]
    """Normalised header → Funnel field."""
    markers: frozenset[str] = field(default_factory=frozenset)
    """Normalised headers only this vendor writes (they decide a tie)."""
    won: frozenset[str] = field(default_factory=frozenset)
    lost: frozenset[str] = field(default_factory=frozenset)
    """Stage or status names (normalised) meaning won / lost."""
    default_pipeline: str = "Imported"
    stage_codes: Mapping[str, str] = field(default_factory=dict)
    """System stage codes (Bitrix24's `C3:WON`) → stage names; the `C<n>:` part names the
    pipeline, as a numeric pipeline cell does (`CATEGORY_ID`)."""

    def field_of(self, header: str) -> str | None:
        key = normalize(header)
        return self.columns.get(key) or _GENERIC.get(key)


_CATEGORY_CODE = re.compile(r"^C(\d+):(.+)$")


def decode_stage(preset: Preset, stage: str) -> tuple[str, str | None]:
    """A stage cell → (stage name, pipeline or None): `C3:WON` → (`Won`, `Bitrix24 3`)."""
    if not preset.stage_codes:
        return stage, None
    match = _CATEGORY_CODE.match(stage.strip())
    if match is not None:  # a custom stage (`C3:UC_X1Y2`) keeps its code as its name
        name = preset.stage_codes.get(match[2].strip().upper(), match[2].strip())
        return name, pipeline_of_category(preset, match[1])
    return preset.stage_codes.get(stage.strip().upper(), stage), None


def pipeline_of_category(preset: Preset, category: str) -> str:
    """A numeric pipeline cell (Bitrix24's `CATEGORY_ID`) → a name: 0 is the main pipeline."""
    number = int(category)
    return preset.default_pipeline if number == 0 else f"{preset.default_pipeline} {number}"


def _columns(pairs: Mapping[str, Iterable[str]]) -> dict[str, str]:
    return {normalize(name): target for target, names in pairs.items() for name in names}


_GENERIC_NAMES: dict[str, tuple[str, ...]] = {
    "title": ("title", "name", "deal", "deal name", "название", "сделка"),
    "stage": ("stage", "deal stage", "этап", "стадия"),
    "stage_position": ("stage position", "stage_position", "stage order"),
    "pipeline": ("pipeline", "funnel", "воронка"),
    "value": ("value", "amount", "sum", "сумма", "бюджет"),
    "currency": ("currency", "валюта"),
    "owner": ("owner", "deal owner", "manager", "ответственный", "менеджер"),
    "company": ("company", "organization", "компания"),
    "contact": ("contact", "contact person", "контакт"),
    "phone": ("phone", "телефон"),
    "email": ("email", "e-mail", "почта"),
    "source": ("source", "channel", "источник"),
    "tags": ("tags", "labels", "теги"),
    "expected_close": ("expected close", "expected_close", "close date"),
    "created_at": ("created", "created at", "created_at", "create date", "дата создания"),
    "closed_at": ("closed", "closed at", "closed_at", "дата закрытия"),
    "status": ("status", "статус"),
    "loss_reason": ("loss reason", "loss_reason", "lost reason", "причина отказа"),
    "loss_note": ("loss note", "loss_note", "комментарий к отказу"),
    "next_contact": (
        "next contact",
        "next_contact",
        "next contact at",
        "next_contact_at",
        "next activity date",
        "следующий контакт",
        "ближайшая задача",
    ),
    "next_contact_note": ("next contact note", "next_contact_note", "next step", "следующий шаг"),
    "external_id": ("external id", "external_id"),
    "record_id": ("id", "record id", "deal id"),
}
_GENERIC = _columns(_GENERIC_NAMES)

AMOCRM = Preset(
    "amocrm",
    "amoCRM / Kommo",
    _columns(
        {
            "title": ("Название сделки", "Сделка", "Lead name", "Deal name", "Lead title"),
            "stage": ("Статус сделки", "Этап сделки", "Статус", "Lead status", "Stage"),
            "pipeline": ("Воронка", "Pipeline"),
            "value": ("Бюджет", "Budget", "Sale"),
            "currency": ("Валюта", "Currency"),
            "owner": ("Ответственный", "Responsible user", "Responsible", "Lead owner"),
            "company": ("Компания", "Компания контакта", "Company", "Contact company"),
            "contact": ("Основной контакт", "Main contact", "Primary contact"),
            "phone": ("Телефон", "Рабочий телефон", "Мобильный телефон", "Phone", "Work phone"),
            "email": ("E-mail", "Email", "Рабочий email", "Work email"),
            "source": ("Источник", "Source"),
            "tags": ("Теги сделки", "Теги", "Lead tags", "Tags"),
            "expected_close": ("Ожидаемая дата закрытия",),
            "created_at": ("Дата создания", "Дата создания сделки", "Created", "Date created"),
            "closed_at": ("Дата закрытия", "Closing date", "Closed at", "Date closed"),
            "loss_reason": ("Причина отказа", "Loss reason"),
            "next_contact": ("Ближайшая задача", "Nearest task", "Next task"),
            "external_id": ("ID", "ID сделки", "Lead ID"),
        }
    ),
    markers=frozenset(
        normalize(name)
        for name in (
            "Бюджет",
            "Статус сделки",
            "Теги сделки",
            "Основной контакт",
            "Кем создано",
            # Kommo (amoCRM's English edition)
            "Lead name",
            "Lead status",
            "Lead tags",
            "Responsible user",
            "Budget",
        )
    ),
    won=frozenset({"успешно реализовано", "closed - won", "successfully realized", "won"}),
    lost=frozenset({"закрыто и не реализовано", "closed - lost", "lost"}),
    default_pipeline="amoCRM",
)

BITRIX24 = Preset(
    "bitrix24",
    "Bitrix24",
    _columns(
        {
            "title": ("Название сделки", "Название", "TITLE", "Deal name"),
            "stage": ("Стадия сделки", "Стадия", "STAGE_ID", "Stage"),
            "pipeline": ("Воронка", "Направление", "CATEGORY_ID", "Pipeline"),
            "value": ("Сумма", "OPPORTUNITY", "Amount", "Sum"),
            "currency": ("Валюта", "CURRENCY_ID", "Currency"),
            "owner": ("Ответственный", "ASSIGNED_BY_ID", "ASSIGNED_BY", "Responsible"),
            "company": ("Компания", "COMPANY_ID", "COMPANY_TITLE", "Company"),
            "contact": ("Контакт", "CONTACT_ID", "CONTACT_FULL_NAME", "Contact"),
            "phone": ("Телефон", "Рабочий телефон", "PHONE", "Phone"),
            "email": ("E-mail", "Рабочий e-mail", "EMAIL", "Email"),
            "source": ("Источник", "SOURCE_ID", "Source"),
            "tags": ("Теги", "Tags"),
            "expected_close": (
                "Предполагаемая дата закрытия",
                "Дата завершения",
                "Дата закрытия",
                "CLOSEDATE",
            ),
            "created_at": ("Дата создания", "Дата начала", "DATE_CREATE", "BEGINDATE", "Created"),
            "status": ("STAGE_SEMANTIC_ID", "Семантика стадии", "Статус"),
            "loss_reason": ("Причина отказа", "Причина проигрыша"),
            "external_id": ("ID",),
        }
    ),
    markers=frozenset(
        normalize(name)
        for name in ("Стадия сделки", "Сумма", "STAGE_ID", "OPPORTUNITY", "Направление")
    ),
    won=frozenset(
        {"сделка успешна", "успешно", "won", "s", "успешная", "сделка заключена", "успех"}
    ),
    lost=frozenset({"сделка провалена", "провалена", "lose", "lost", "f", "проиграна"}),
    default_pipeline="Bitrix24",
    # The system stages of every Bitrix24 pipeline (REST `STAGE_ID`); custom ones keep codes.
    stage_codes={
        "NEW": "New",
        "PREPARATION": "Preparation",
        "PREPAYMENT_INVOICE": "Prepayment invoice",
        "EXECUTING": "In progress",
        "FINAL_INVOICE": "Final invoice",
        "WON": "Won",
        "LOSE": "Lost",
        "APOLOGY": "Lost",
    },
)

PIPEDRIVE = Preset(
    "pipedrive",
    "Pipedrive",
    _columns(
        {
            "title": ("Deal - Title", "Title"),
            "stage": ("Deal - Stage",),
            "pipeline": ("Deal - Pipeline",),
            "value": ("Deal - Value",),
            "currency": ("Deal - Currency", "Deal - Currency of value"),
            "owner": ("Deal - Owner", "Owner name"),
            "company": ("Deal - Organization", "Organization - Name", "Organization"),
            "contact": ("Deal - Contact person", "Person - Name", "Contact person"),
            "phone": ("Person - Phone", "Person - Phone - Work", "Person - Phone - Mobile"),
            "email": ("Person - Email", "Person - Email - Work"),
            "source": ("Deal - Source", "Deal - Source channel", "Deal - Source origin"),
            "tags": ("Deal - Label", "Deal - Labels"),
            "expected_close": ("Deal - Expected close date",),
            "created_at": (
                "Deal - Deal created",
                "Deal - Deal created on",
                "Deal - Creation date",
                "Deal - Add time",
            ),
            "closed_at": ("Deal - Closed on", "Deal - Close time", "Deal - Deal closed on"),
            "status": ("Deal - Status",),
            "loss_reason": ("Deal - Lost reason",),
            "next_contact": ("Deal - Next activity date",),
            "external_id": ("Deal - ID",),
        }
    ),
    markers=frozenset(
        normalize(name)
        for name in (
            "Deal - Weighted value",
            "Deal - Creator",
            "Deal - Organization",
            "Deal - Label",
        )
    ),
    won=frozenset({"won"}),
    lost=frozenset({"lost"}),
    default_pipeline="Pipedrive",
)

GENERIC = Preset(
    "generic",
    "Generic spreadsheet",
    {},
    won=frozenset({"won", "выиграна", "успешно", "успешно реализовано"}),
    lost=frozenset({"lost", "проиграна", "провалена", "закрыто и не реализовано"}),
)

PRESETS: dict[str, Preset] = {p.name: p for p in (AMOCRM, BITRIX24, PIPEDRIVE, GENERIC)}


def _score(preset: Preset, header: Iterable[str]) -> tuple[int, int]:
    keys = [normalize(h) for h in header]
    known = sum(1 for key in keys if key in preset.columns)
    markers = sum(1 for key in keys if key in preset.markers)
    return markers, known


def detect_preset(header: Iterable[str]) -> Preset:
    """The vendor whose export this header most looks like; `generic` if none fits."""
    raw = list(header)
    if any(re.match(r"^\s*deal\s*[-\u2013\u2014]", h, re.IGNORECASE) for h in raw):
        return PIPEDRIVE
    best = max((AMOCRM, BITRIX24), key=lambda preset: _score(preset, raw))
    return best if _score(best, raw) != (0, 0) and _score(best, raw)[0] > 0 else GENERIC


def parse_maps(maps: Iterable[str]) -> dict[str, str]:
    """`--map "Column=field"` options → normalised header → field (`field` may be `-`: skip)."""
    result: dict[str, str] = {}
    for item in maps:
        column, sep, target = item.rpartition("=")
        target = target.strip()
        if not sep or not column.strip():
            raise ImportProblem(_('--map {item}: expected "Column=field"').format(item=repr(item)))
        if target not in FIELDS and target not in ("-", ""):
            raise ImportProblem(
                _("--map {item}: unknown field {field} (one of {fields} or -)").format(
                    item=repr(item), field=repr(target), fields=", ".join(FIELDS)
                )
            )
        result[normalize(column)] = target if target not in ("", "-") else "-"
    return result


def map_header(
    preset: Preset, header: Iterable[str], overrides: Mapping[str, str] | None = None
) -> dict[int, str]:
    """Column index → Funnel field; the first column of a field wins, the rest are ignored."""
    overrides = overrides or {}
    mapping: dict[int, str] = {}
    taken: set[str] = set()
    for index, name in enumerate(header):
        key = normalize(name)
        target = overrides[key] if key in overrides else preset.field_of(name)
        if target is None or target == "-" or target in taken:
            continue
        mapping[index] = target
        taken.add(target)
    return mapping
