"""Each row of a table → a validated draft of a deal, or the problems that stop it."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, tzinfo

from funnel_tui.domain.dates import local_zone, parse_date, parse_datetime
from funnel_tui.domain.drafts import clean_draft
from funnel_tui.domain.errors import ValidationError
from funnel_tui.domain.models import DealDraft, StageKind
from funnel_tui.domain.money import Money, normalize_currency, parse_money
from funnel_tui.domain.validation import (
    clean_display_name,
    clean_external_id,
    clean_long_text,
    clean_text,
)
from funnel_tui.i18n import _
from funnel_tui.services.csv_export import unguard_formula
from funnel_tui.services.csv_import.errors import RowProblem
from funnel_tui.services.csv_import.presets import (
    Preset,
    decode_stage,
    map_header,
    normalize,
    pipeline_of_category,
)
from funnel_tui.services.csv_import.sniff import Table

_NOT_CLOSED = {"не закрыта", "не закрыто", "not closed", "open", "-", "—"}
PROGRESS_EVERY = 1000  # rows between two reports of progress
_NO_TASK = _NOT_CLOSED | {"нет задач", "нет задачи", "no tasks", "no task", "none"}
_OPEN_STATUS = {"open", "p", "в работе", "открыта", "активна", "active"}

_TRANSLIT = dict(
    zip(
        "абвгдеёжзийклмнопрстуфхцчшщъыьэюяіїєґ",
        [
            "a", "b", "v", "g", "d", "e", "e", "zh", "z", "i", "y", "k", "l", "m", "n", "o",
            "p", "r", "s", "t", "u", "f", "kh", "ts", "ch", "sh", "shch", "", "y", "", "e",
            "yu", "ya", "i", "yi", "ye", "g",
        ],
        strict=True,
    )
)  # fmt: skip


def login_of(name: str) -> str:
    """A login for a person's name: lowercase ASCII, Cyrillic transliterated, words joined
    by dots (`Иван Петров` → `ivan.petrov`); empty if nothing is left."""
    text = "".join(_TRANSLIT.get(char, char) for char in name.strip().casefold())
    words = re.findall(r"[a-z0-9]+", text)
    return ".".join(words)[:64].strip(".")


@dataclass(frozen=True, slots=True)
class RowDraft:
    """A row that passed every check, in Funnel's terms (stage names not yet resolved)."""

    line: int
    external_id: str
    draft: DealDraft
    pipeline: str
    stage: str | None
    kind: StageKind | None
    """won/lost when the status or the stage name says so; None: the stage decides."""
    owner: str | None
    owner_login: str | None
    created_at: datetime
    closed_at: datetime | None
    loss_reason: str | None
    stage_is_closing: bool = False
    """The stage cell itself names the won/lost stage (amoCRM), rather than the last open
    stage of a deal whose status column says won/lost (Pipedrive)."""
    loss_note: str | None = None
    stage_position: int | None = None
    """Where the stage stands in its pipeline (our own export says): orders new stages."""
    next_contact_at: datetime | None = None
    next_contact_note: str | None = None


@dataclass(frozen=True, slots=True)
class ParsedRows:
    drafts: tuple[RowDraft, ...]
    problems: tuple[RowProblem, ...]
    columns: Mapping[int, str]
    """Column index → Funnel field, as recognised."""


_NAMESPACED = re.compile(r"^[a-z][a-z0-9_.-]*:\S+$")


def external_id(
    preset: Preset, value: str | None, record: str | None, cells: tuple[str, ...]
) -> str:
    """The row's source record: an `external_id` cell that already names its source
    (`amocrm:123`, as `funnel export` writes it) as it is; else `<preset>:<ID>` from it or
    the row id; else a hash of the row (so that a re-import of the same file still finds its
    deals)."""
    if value and _NAMESPACED.match(value) and _fits(value):
        return value
    for candidate in (value, record):
        if candidate and _fits(f"{preset.name}:{candidate}"):
            return f"{preset.name}:{candidate}"
    digest = hashlib.sha1("\x1f".join(cells).encode(), usedforsecurity=False).hexdigest()
    return f"{preset.name}:h{digest[:16]}"


def _fits(external: str) -> bool:
    try:
        return clean_external_id(external) == external
    except ValidationError:
        return False


def parse_rows(
    table: Table,
    preset: Preset,
    overrides: Mapping[str, str] | None = None,
    *,
    currency: str = "RUB",
    pipeline: str | None = None,
    now: datetime,
    local: tzinfo | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> ParsedRows:
    columns = map_header(preset, table.header, overrides)
    local = local or local_zone()  # once: finding it reads /etc/localtime (0.1 ms a row)
    drafts: list[RowDraft] = []
    problems: list[RowProblem] = []
    if "title" not in columns.values():
        problems.append(
            RowProblem(1, "", _('no column for the deal title (use --map "Column=title")'))
        )
        return ParsedRows((), tuple(problems), columns)
    for count, (line, cells) in enumerate(table.rows, start=1):
        if progress and count % PROGRESS_EVERY == 0:
            progress(count, len(table.rows))
        parsed = _parse_row(
            line, cells, table.header, columns, preset, currency, pipeline, now, local
        )
        if isinstance(parsed, RowDraft):
            drafts.append(parsed)
        else:
            problems.extend(parsed)
    if progress:
        progress(len(table.rows), len(table.rows))
    return ParsedRows(tuple(drafts), tuple(problems), columns)


def _parse_row(
    line: int,
    cells: tuple[str, ...],
    header: tuple[str, ...],
    columns: Mapping[int, str],
    preset: Preset,
    default_currency: str,
    pipeline: str | None,
    now: datetime,
    local: tzinfo | None,
) -> RowDraft | list[RowProblem]:
    values: dict[str, str] = {}
    where: dict[str, str] = {}
    for index, target in columns.items():
        text = cells[index].strip() if index < len(cells) else ""
        values[target] = unguard_formula(text)  # `'=…` written by `funnel export` is `=…`
        where[target] = header[index]
    problems: list[RowProblem] = []

    def problem(target: str, reason: str) -> None:
        problems.append(RowProblem(line, where.get(target, target), reason))

    def get(target: str) -> str | None:
        return values.get(target) or None

    currency = default_currency
    if get("currency"):
        try:
            currency = normalize_currency(values["currency"])
        except ValidationError as err:
            problem("currency", err.message)
    value = Money(0, currency) if not problems else Money(0, default_currency)
    if get("value"):
        try:
            value = parse_money(values["value"], value.currency)
        except ValidationError as err:  # `12abc`: an amount with a bad currency label
            message = (
                err.message
                if err.field == "value"
                else _("not an amount ({reason})").format(reason=err.message)
            )
            problem("value", message)
    created_at: datetime | None = None
    if get("created_at"):
        try:
            created_at = parse_datetime(values["created_at"], "created_at", local)
        except ValidationError as err:
            problem("created_at", err.message)
    closed_at: datetime | None = None
    closed_text = get("closed_at")
    if closed_text and normalize(closed_text) not in _NOT_CLOSED:
        try:
            closed_at = parse_datetime(closed_text, "closed_at", local)
        except ValidationError as err:
            problem("closed_at", err.message)
    expected: date | None = None
    if get("expected_close"):
        try:
            expected = _day(values["expected_close"], local)
        except ValidationError as err:
            problem("expected_close", err.message)
    kind = _kind(get("status"), preset)
    if get("status") and kind is None and normalize(values["status"]) not in _OPEN_STATUS:
        problem(
            "status", _("{status} is not open, won or lost").format(status=repr(values["status"]))
        )
    stage, category = decode_stage(preset, values["stage"]) if get("stage") else (None, None)
    stage_kind = _kind(stage, preset)
    kind = kind or stage_kind
    position: int | None = None
    if get("stage_position"):
        position = _position(values["stage_position"])
        if position is None:
            problem(
                "stage_position",
                _("{position} is not a whole number ≥ 1").format(
                    position=repr(values["stage_position"])
                ),
            )
    named = get("pipeline")
    if named and named.isdecimal() and preset.stage_codes:  # Bitrix24's CATEGORY_ID
        named = pipeline_of_category(preset, named)
    try:
        stage = clean_text("stage", stage, limit=80)
        pipeline_name = clean_text("pipeline", pipeline or named or category, limit=80)
        loss_reason = clean_text("loss_reason", get("loss_reason"), limit=200)
        loss_note = clean_long_text("loss_note", get("loss_note"))
        next_note = clean_long_text("next_contact_note", get("next_contact_note"))
    except ValidationError as err:
        problem(err.field, err.message)
        pipeline_name = loss_reason = loss_note = next_note = None
    next_contact: datetime | None = None
    if get("next_contact") and normalize(values["next_contact"]) not in _NO_TASK:
        try:
            next_contact = parse_datetime(values["next_contact"], "next_contact", local)
        except ValidationError as err:
            problem("next_contact", err.message)
    owner = get("owner")
    login: str | None = None
    if owner is not None:
        try:
            owner = clean_display_name(owner)
        except ValidationError as err:
            problem("owner", err.message)
        login = login_of(owner) or None
        if login is None:
            problem("owner", _("{owner} gives no login name").format(owner=repr(owner)))
    ext = external_id(preset, get("external_id"), get("record_id"), cells)
    tags = [t for t in re.split(r"[,;]", values.get("tags", "")) if t.strip()]
    draft: DealDraft | None = None
    try:
        draft = clean_draft(
            DealDraft(
                title=values.get("title", ""),
                value=value,
                contact=get("contact"),
                company=get("company"),
                phone=get("phone"),
                email=get("email"),
                source=get("source"),
                tags=tuple(tags),
                expected_close=expected,
            )
        )
    except ValidationError as err:
        problem(err.field, err.message)
    if closed_at is not None and created_at is not None and closed_at < created_at:
        problem("closed_at", _("is earlier than the creation date"))
    if created_at is None:  # no creation date in the row: closed then, else created now
        created_at = min(now, closed_at) if closed_at is not None else now
    if problems or draft is None:
        return problems
    return RowDraft(
        line=line,
        external_id=ext,
        draft=draft,
        pipeline=pipeline_name or preset.default_pipeline,
        stage=stage,
        kind=kind,
        owner=owner,
        owner_login=login,
        created_at=created_at,
        closed_at=closed_at if kind in (StageKind.WON, StageKind.LOST) else None,
        loss_reason=loss_reason if kind is StageKind.LOST else None,
        stage_is_closing=stage_kind is not None,
        loss_note=loss_note if kind is StageKind.LOST else None,
        stage_position=position,
        next_contact_at=next_contact if kind is None else None,
        next_contact_note=next_note if kind is None and next_contact else None,
    )


def _position(text: str) -> int | None:
    raw = text.strip()
    return int(raw) if raw.isascii() and raw.isdigit() and 0 < int(raw) < 10_000 else None


def _kind(text: str | None, preset: Preset) -> StageKind | None:
    if not text:
        return None
    key = normalize(text)
    if key in preset.won:
        return StageKind.WON
    if key in preset.lost:
        return StageKind.LOST
    return None


def _day(text: str, local: tzinfo | None) -> date:
    raw = text.strip()
    if " " in raw or "T" in raw:
        return parse_datetime(raw, "expected_close", local).date()
    return parse_date(raw, "expected_close")
