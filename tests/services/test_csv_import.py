"""CSV import of other CRMs' deal exports: sniffing, presets, dry run, idempotent import."""

from __future__ import annotations

import codecs
import csv
import io
from collections import Counter
from datetime import UTC, datetime

import pytest

from funnel_tui.domain.models import StageKind
from funnel_tui.services.context import ServiceContext
from funnel_tui.services.csv_import import CsvImportResult, ImportProblem, Table, read_table
from funnel_tui.services.csv_import import import_table as _import_table
from funnel_tui.services.csv_import.presets import PRESETS, detect_preset
from funnel_tui.services.csv_import.rows import login_of
from funnel_tui.services.csv_import.sniff import decode, sniff_delimiter

AMO_HEADER = [
    "ID",
    "Название сделки",
    "Бюджет",
    "Ответственный",
    "Статус сделки",
    "Воронка",
    "Компания",
    "Основной контакт",
    "Телефон",
    "E-mail",
    "Теги сделки",
    "Дата создания",
    "Дата закрытия",
    "Причина отказа",
]


def import_table(context: ServiceContext, table: Table, **options: object) -> CsvImportResult:
    """The import with the file's stages created (as `--create-stages` or a yes in the app)."""
    return _import_table(context, table, **{"create_stages": True, **options})  # type: ignore[arg-type]


def external_ids(context: ServiceContext) -> set[str | None]:
    with context.store.read() as uow:
        return {bundle.deal.external_id for bundle in uow.bulk.iter_bundles()}


AMO_STAGES = ["Первичный контакт", "Переговоры", "Принимают решение"]
OWNERS = ["Иван Петров", "Мария Сидорова", "Алёна Ёлкина"]


def amo_rows(count: int) -> list[list[str]]:
    rows = []
    for n in range(count):
        kind = n % 5
        stage = (
            "Успешно реализовано"
            if kind == 3
            else "Закрыто и не реализовано"
            if kind == 4
            else AMO_STAGES[n % 3]
        )
        rows.append(
            [
                str(1000 + n),
                f"Сделка №{n} «Стулья»",
                f"{n * 10 + 1} 500,50",
                OWNERS[n % 3],
                stage,
                "Продажи",
                f"ООО Ромашка {n % 7}",
                f"Пётр {n}",
                f"+7 900 000-{n:04d}",
                f"p{n}@example.ru",
                "опт, весна",
                f"{1 + n % 28:02d}.03.2024 14:22:05",
                "не закрыта" if kind < 3 else f"{1 + n % 28:02d}.04.2024 10:00",
                "Дорого" if kind == 4 else "",
            ]
        )
    return rows


def to_bytes(header: list[str], rows: list[list[str]], encoding: str, delimiter: str) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    text = buffer.getvalue()
    if encoding == "utf-16-le":
        return codecs.BOM_UTF16_LE + text.encode("utf-16-le")
    if encoding == "utf-16-be":
        return codecs.BOM_UTF16_BE + text.encode("utf-16-be")
    return text.encode(encoding)


def expected_amo(rows: list[list[str]]) -> tuple[Counter[str], Counter[str]]:
    stages = Counter(row[4] for row in rows)
    owners = Counter(login_of(row[3]) for row in rows)
    return stages, owners


def current(context: ServiceContext) -> tuple[Counter[str], Counter[str], int]:
    with context.store.read() as uow:
        pipelines = {p.id: p for p in uow.pipelines.list()}
        users = {u.id: u.login for u in uow.users.list()}
        stages: Counter[str] = Counter()
        owners: Counter[str] = Counter()
        total = 0
        for bundle in uow.bulk.iter_bundles():
            deal = bundle.deal
            stages[pipelines[deal.pipeline_id].stage(deal.stage_id).name] += 1
            owners[users[deal.owner_id]] += 1
            total += 1
    return stages, owners, total


@pytest.mark.parametrize(
    ("encoding", "delimiter"),
    [("cp1251", ";"), ("utf-8-sig", ","), ("utf-16-le", "\t"), ("utf-16-be", ";"), ("utf-8", ",")],
)
def test_amocrm_export_imports_once_in_every_encoding(
    context: ServiceContext, encoding: str, delimiter: str
) -> None:
    rows = amo_rows(300)
    table = read_table(to_bytes(AMO_HEADER, rows, encoding, delimiter), "deals.csv")
    assert table.delimiter == delimiter
    assert table.header == tuple(AMO_HEADER)
    assert detect_preset(table.header).name == "amocrm"
    result = import_table(context, table)
    assert result.created == 300
    assert not result.rejected
    stages, owners, total = current(context)
    want_stages, want_owners = expected_amo(rows)
    assert total == 300
    assert stages == want_stages
    assert owners == want_owners
    assert {"ivan.petrov", "mariya.sidorova", "alena.elkina"} <= set(owners)
    again = import_table(context, read_table(to_bytes(AMO_HEADER, rows, encoding, delimiter)))
    assert again.created == 0
    assert again.plan.already_present == 300
    assert current(context)[2] == 300


def test_amocrm_deal_fields(context: ServiceContext) -> None:
    rows = amo_rows(5)
    import_table(context, read_table(to_bytes(AMO_HEADER, rows, "cp1251", ";")))
    with context.store.read() as uow:
        bundles = {b.deal.title: b for b in uow.bulk.iter_bundles()}
        pipeline = uow.pipelines.by_name("Продажи")
    assert pipeline is not None
    assert [s.name for s in pipeline.stages] == [
        *AMO_STAGES,
        "Успешно реализовано",
        "Закрыто и не реализовано",
    ]
    assert pipeline.won_stage.kind is StageKind.WON
    assert [r.name for r in pipeline.loss_reasons] == ["Дорого"]
    deal = bundles["Сделка №0 «Стулья»"].deal
    assert deal.value.minor == 150050 and deal.value.currency == "RUB"
    assert deal.external_id == "amocrm:1000" and "опт" in deal.tags
    assert not any(tag.startswith("ext:") for tag in deal.tags)
    assert deal.phone and deal.email == "p0@example.ru"
    lost = bundles["Сделка №4 «Стулья»"].deal
    assert lost.loss_reason_id == pipeline.loss_reasons[0].id
    assert lost.closed_at is not None and lost.closed_at > lost.created_at


def bad_amo_rows() -> tuple[list[list[str]], set[int]]:
    rows = amo_rows(200)
    rows[10][1] = ""  # no title
    rows[20][2] = "много"  # not an amount
    rows[30][11] = "31.02.2024"  # no such day
    rows[40][9] = "not-an-email"
    return rows, {12, 22, 32, 42}  # header is line 1, rows[0] is line 2


def test_dry_run_reports_exactly_the_bad_rows(context: ServiceContext) -> None:
    rows, bad = bad_amo_rows()
    result = import_table(
        context, read_table(to_bytes(AMO_HEADER, rows, "cp1251", ";")), dry_run=True
    )
    assert {p.line for p in result.rejected} == bad
    columns = {p.line: p.column for p in result.rejected}
    assert columns[12] == "Название сделки"
    assert columns[22] == "Бюджет"
    assert columns[32] == "Дата создания"
    assert columns[42] == "E-mail"
    assert result.created == 0
    assert len(result.plan.deals) == 196
    assert current(context)[2] == 0


def test_a_bad_row_stops_everything(context: ServiceContext) -> None:
    rows, bad = bad_amo_rows()
    with pytest.raises(ImportProblem) as caught:
        import_table(context, read_table(to_bytes(AMO_HEADER, rows, "utf-8-sig", ",")))
    assert {p.line for p in caught.value.problems} == bad
    assert current(context)[2] == 0
    with context.store.read() as uow:
        assert uow.pipelines.by_name("Продажи") is None


def test_skip_bad_imports_the_rest(context: ServiceContext) -> None:
    rows, bad = bad_amo_rows()
    table = read_table(to_bytes(AMO_HEADER, rows, "utf-8-sig", ","))
    result = import_table(context, table, skip_bad=True)
    assert result.created == 196
    assert {p.line for p in result.rejected} == bad
    assert current(context)[2] == 196
    assert len(external_ids(context) - {None}) == 196


def test_multiline_cells_keep_physical_line_numbers(context: ServiceContext) -> None:
    text = 'Название сделки;Бюджет;Статус сделки\r\n"Две\nстроки";100;Новая\r\nПлохая;abc;Новая\r\n'
    result = import_table(context, read_table(text.encode("utf-8")), dry_run=True)
    assert [(p.line, p.column) for p in result.rejected] == [(4, "Бюджет")]


PIPEDRIVE_HEADER = [
    "Deal - ID",
    "Deal - Title",
    "Deal - Creator",
    "Deal - Owner",
    "Deal - Value",
    "Deal - Currency",
    "Deal - Organization",
    "Deal - Contact person",
    "Deal - Pipeline",
    "Deal - Stage",
    "Deal \u2013 Status",
    "Deal - Deal created",
    "Deal - Expected close date",
    "Deal - Closed on",
    "Deal - Lost reason",
    "Deal - Label",
    "Person - Email",
]


def test_pipedrive_export_with_status_column(context: ServiceContext) -> None:
    stages = ["Qualified", "Contact Made", "Proposal"]
    rows = []
    for n in range(240):
        status = ["Open", "Won", "Lost"][n % 3]
        rows.append(
            [
                str(n + 1),
                f"Deal {n}",
                "Bot",
                ["John Smith", "Jane Doe"][n % 2],
                f"{n},500.50" if n else "1,500.50",
                "USD",
                "Acme",
                "Bob",
                "Sales",
                stages[n % 3],
                status,
                "2024-03-15 14:22:00",
                "2024-06-30",
                "" if status == "Open" else "2024-04-01 09:00:00",
                "Price" if status == "Lost" else "",
                "hot",
                f"bob{n}@acme.io",
            ]
        )
    table = read_table(to_bytes(PIPEDRIVE_HEADER, rows, "utf-8", ","))
    assert detect_preset(table.header).name == "pipedrive"
    result = import_table(context, table)
    assert result.created == 240 and not result.rejected
    got, owners, _ = current(context)
    assert got == Counter({"Qualified": 80, "Won": 80, "Lost": 80})
    assert owners == Counter({"john.smith": 120, "jane.doe": 120})
    with context.store.read() as uow:
        bundles = list(uow.bulk.iter_bundles())
        pipeline = uow.pipelines.by_name("Sales")
    assert pipeline is not None
    won = next(b for b in bundles if b.deal.title == "Deal 1")
    assert won.deal.value.minor == 150050 and won.deal.value.currency == "USD"
    assert won.history[0].to_stage_id == pipeline.open_stages[1].id
    assert won.deal.stage_id == pipeline.won_stage.id
    assert import_table(context, table).created == 0


BITRIX_HEADER = [
    "ID",
    "Название сделки",
    "Стадия сделки",
    "Воронка",
    "Сумма",
    "Валюта",
    "Ответственный",
    "Компания",
    "Контакт",
    "Дата начала",
    "Дата закрытия",
]


def test_bitrix24_export_into_an_existing_pipeline(context: ServiceContext) -> None:
    from funnel_tui.services.pipelines import PipelineService

    PipelineService(context).create_from_template("three", "en", "Sales")
    rows = [
        [
            str(n),
            f"Сделка {n}",
            ["Calls", "Meetings", "Сделка успешна", "Сделка провалена"][n % 4],
            "Sales",
            "1.500,00" if n % 2 else "2 000",
            "RUB",
            "Ольга Щукина",
            "ИП Щукин",
            "Ольга",
            "15.03.2024",
            "30.06.2024",
        ]
        for n in range(100)
    ]
    table = read_table(to_bytes(BITRIX_HEADER, rows, "cp1251", ";"))
    assert detect_preset(table.header).name == "bitrix24"
    result = import_table(context, table)
    assert result.created == 100
    assert not result.plan.new_pipelines
    stages, owners, _ = current(context)
    assert stages["Calls"] == 25 and stages["Meetings"] == 25
    assert sum(stages.values()) == 100
    assert owners == Counter({"olga.shchukina": 100})


def test_stages_and_reasons_missing_from_an_existing_pipeline(context: ServiceContext) -> None:
    from funnel_tui.services.pipelines import PipelineService

    sales = PipelineService(context).create_from_template("three", "en", "Sales")
    text = (
        "ID;Название сделки;Стадия сделки;Воронка;Сумма;Причина отказа\n"
        "1;A;Calls;Sales;1;\n"
        "2;B;Договор;Sales;1;\n"
        "3;C;Сделка провалена;Sales;1;Ушли к конкурентам\n"
    )
    table = read_table(text.encode("cp1251"))
    plan = _import_table(context, table, dry_run=True).plan
    assert plan.new_stages == [("Sales", "Договор")] and not plan.problems
    assert plan.new_loss_reasons == [("Sales", "Ушли к конкурентам")]
    with pytest.raises(ImportProblem, match="needs 1 more stage this database lacks"):
        _import_table(context, table)
    assert current(context)[2] == 0
    assert import_table(context, table).created == 3
    with context.store.read() as uow:
        after = uow.pipelines.by_name("Sales")
    assert after is not None
    before_names = [stage.name for stage in sales.open_stages]
    assert [stage.name for stage in after.open_stages] == [*before_names, "Договор"]
    assert [stage.kind for stage in after.stages][-2:] == [StageKind.WON, StageKind.LOST]
    assert after.open_stages[-1].probability == sales.open_stages[-1].probability
    assert [r.name for r in after.loss_reasons][-1] == "Ушли к конкурентам"
    stages, _, _ = current(context)
    assert stages["Договор"] == 1 and stages[after.lost_stage.name] == 1


def test_map_overrides_and_generic_preset(context: ServiceContext) -> None:
    text = 'Deal name,Money,Who,Where\nChairs,"1,500.50",Anna Smith,Sales\n'
    table = read_table(text.encode())
    assert detect_preset(table.header).name == "generic"
    result = import_table(
        context, table, maps=["Money=value", "Who=owner", "Where=pipeline"], currency="EUR"
    )
    assert result.created == 1
    assert result.plan.deals[0].owner_login == "anna.smith"
    assert result.plan.deals[0].row.draft.value.minor == 150050


def test_no_title_column_is_one_problem(context: ServiceContext) -> None:
    result = import_table(context, read_table(b"a,b\n1,2\n"), dry_run=True)
    assert [(p.line, p.reason[:9]) for p in result.rejected] == [(1, "no column")]


def test_presets_are_listed() -> None:
    assert set(PRESETS) == {"amocrm", "bitrix24", "pipedrive", "generic"}


def test_decode_and_delimiter() -> None:
    assert decode("Имя;Сумма".encode("cp1251")) == ("Имя;Сумма", "cp1251")
    assert decode(codecs.BOM_UTF8 + "Имя".encode())[1] == "utf-8-sig"
    assert decode(codecs.BOM_UTF16_LE + "Имя".encode("utf-16-le")) == ("Имя", "utf-16-le")
    assert sniff_delimiter("a;b;c\n1;2;3") == ";"
    assert sniff_delimiter("a\tb\n") == "\t"
    assert sniff_delimiter("single") == ","


def test_login_of_transliterates() -> None:
    assert login_of("Иван Петров") == "ivan.petrov"
    assert login_of("Алёна Щукина-Юрьева") == "alena.shchukina.yureva"
    assert login_of("  ") == ""
    assert datetime(2024, 1, 1, tzinfo=UTC)


def test_xlsx_sheet_imports_like_csv(context: ServiceContext) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(AMO_HEADER)
    rows = amo_rows(30)
    for row in rows:
        sheet.append(row)
    sheet.append([])
    sheet.append(["9999", "", "1"])  # bad: no title, on sheet row 33
    buffer = io.BytesIO()
    book.save(buffer)
    table = read_table(buffer.getvalue(), "deals.xlsx")
    assert table.header == tuple(AMO_HEADER)
    result = import_table(context, table, skip_bad=True)
    assert result.created == 30
    assert [p.line for p in result.rejected] == [33]
