"""What `funnel demo` says: its people, companies and words, and how it picks among them.

Russian and English live side by side, as Funnel's users do: a deal's texts follow its
client's language (a `Locale`). Every table is a tuple, never a set or a dict walked in hash
order, so one seed gives the same data under any PYTHONHASHSEED.

Domains end in `.example` (RFC 2606) and phone numbers use the ranges set aside for fiction
where one exists (+1 … 555-01xx, +44 20 7946 0xxx), so demo data never reaches a real person.
"""

from __future__ import annotations

import random
from bisect import bisect
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Generic, TypeVar

from funnel_tui.domain.models import Activity, ActivityKind, Direction, Outcome, Role
from funnel_tui.domain.money import Money

_T = TypeVar("_T")


# --- picking ---------------------------------------------------------------------------------
# random.choice and randint cost several times more than one random() call; demo makes
# millions of picks, so these take one random() each.


def choose(rng: random.Random, items: Sequence[_T]) -> _T:
    return items[int(rng.random() * len(items))]


def between(rng: random.Random, low: int, high: int) -> int:
    """An integer in [low, high], both included."""
    return low + int(rng.random() * (high - low + 1))


class Picker(Generic[_T]):
    """A weighted choice that is cheap to repeat (cumulative weights built once)."""

    def __init__(self, pairs: Sequence[tuple[_T, float]]) -> None:
        self._items = [item for item, _ in pairs]
        self._cumulative: list[float] = []
        total = 0.0
        for _, weight in pairs:
            total += weight
            self._cumulative.append(total)
        self._total = total

    def pick(self, rng: random.Random) -> _T:
        index = bisect(self._cumulative, rng.random() * self._total)
        return self._items[min(index, len(self._items) - 1)]


# --- the team and the pipelines --------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DemoUser:
    login: str
    display_name: str
    role: Role
    share: float
    """Relative number of deals this person owns (the lead sells less)."""
    skill: float
    """Multiplies the chance to move a deal forward, so managers differ in the reports."""


# The first is the lead; `generate_demo` takes the first 3–6, depending on the data size.
USERS: tuple[DemoUser, ...] = (
    DemoUser("anna", "Anna Smirnova", Role.LEAD, 0.5, 1.10),
    DemoUser("ivan", "Иван Петров", Role.REP, 1.0, 1.00),
    DemoUser("john", "John Carter", Role.REP, 1.0, 0.92),
    DemoUser("maria", "Мария Кузнецова", Role.REP, 1.0, 1.06),
    DemoUser("olga", "Ольга Соколова", Role.REP, 0.8, 0.95),
    DemoUser("peter", "Peter Novak", Role.REP, 1.0, 1.02),
)


@dataclass(frozen=True, slots=True)
class PipelinePlan:
    """One demo pipeline: which template it is made from, and how its deals behave."""

    template: str
    lang: str
    share: float
    """Relative number of deals created in this pipeline."""
    first: tuple[float, float]
    """(advance, lose) chances at the first open stage; the rest of 1 stays where it is."""
    later: tuple[float, float]
    """(advance, lose) chances at each later open stage."""
    dwell_days: float
    """Mean days a deal spends at a stage before its next move."""
    ru_share: float
    """Share of Russian-speaking clients."""
    median_rub: int
    """Median deal value in roubles; sizes are log-normal around it."""
    source: str | None = None
    """The source of every deal here (cold calls), or None for the usual mix."""
    name: str | None = None
    """The pipeline's name, if not the template's own."""


PIPELINES: tuple[PipelinePlan, ...] = (
    PipelinePlan(
        "b2b", "en", 0.42, (0.60, 0.34), (0.74, 0.22), 7, 0.55, 180_000, None, "New clients"
    ),
    PipelinePlan("cold", "ru", 0.25, (0.35, 0.59), (0.58, 0.37), 4, 1.0, 60_000, "cold call"),
    PipelinePlan(
        "repeat", "en", 0.18, (0.72, 0.22), (0.78, 0.18), 5, 0.5, 90_000, "existing client"
    ),
    PipelinePlan("qualification", "ru", 0.15, (0.62, 0.33), (0.72, 0.24), 3, 0.8, 120_000),
)

# In the templates' order: Price, Competitor, No budget, No need, No response, Bad timing.
# Price and silence are what sales teams lose on most.
LOSS_REASON_WEIGHTS = (30, 18, 14, 10, 20, 8)

SOURCES = Picker(
    [
        ("website", 30),
        ("referral", 15),
        ("advertising", 12),
        ("social media", 10),
        ("cold call", 9),
        ("exhibition", 8),
        ("partner", 7),
        ("email campaign", 6),
    ]
)
_RUB_PER = {"RUB": 1, "USD": 90, "EUR": 98}
_TAG_COUNTS = Picker([(0, 55), (1, 33), (2, 12)])


# --- languages -------------------------------------------------------------------------------


def _split(text: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in text.split(";"))


def _pairs(text: str) -> tuple[tuple[str, str], ...]:
    """'Иван/ivan; Алексей/aleksey' → (("Иван", "ivan"), ("Алексей", "aleksey"))."""
    return tuple((name, latin) for name, latin in (part.split("/") for part in _split(text)))


@dataclass(frozen=True, slots=True)
class Locale:
    """Everything a deal says in one language. Names come with a Latin spelling for e-mail."""

    men: tuple[tuple[str, str], ...]
    women: tuple[tuple[str, str], ...]
    surnames: tuple[tuple[str, str], ...]
    """(surname, Latin spelling); Russian women's forms add 'а' (Петров → Петрова)."""
    feminine_surnames: bool
    companies: tuple[tuple[str, str], ...]
    company_suffixes: tuple[str, ...]
    legal_forms: tuple[str, ...]
    company_format: str
    products: tuple[str, ...]
    repeat_prefix: str
    tags: tuple[str, ...]
    call_notes: tuple[str, ...]
    meeting_notes: tuple[str, ...]
    emails: tuple[str, ...]
    notes: tuple[str, ...]
    next_steps: tuple[str, ...]
    loss_notes: tuple[str, ...]
    currencies: Picker[str]


RU = Locale(
    men=_pairs(
        "Иван/ivan; Алексей/aleksey; Дмитрий/dmitry; Сергей/sergey; Андрей/andrey; "
        "Михаил/mikhail; Николай/nikolay; Павел/pavel; Артём/artem"
    ),
    women=_pairs(
        "Елена/elena; Наталья/natalya; Татьяна/tatyana; Ирина/irina; Светлана/svetlana; "
        "Екатерина/ekaterina; Юлия/yulia; Ксения/ksenia"
    ),
    surnames=_pairs(
        "Иванов/ivanov; Смирнов/smirnov; Кузнецов/kuznetsov; Попов/popov; Васильев/vasilyev; "
        "Новиков/novikov; Фёдоров/fedorov; Морозов/morozov; Волков/volkov; Лебедев/lebedev; "
        "Егоров/egorov; Козлов/kozlov; Орлов/orlov; Зайцев/zaytsev"
    ),
    feminine_surnames=True,
    companies=_pairs(
        "Ромашка/romashka; Вектор/vektor; СтройИнвест/stroyinvest; Альфа-Трейд/alfa-trade; "
        "Северный ветер/sevveter; Техносфера/tehnosfera; Меридиан/meridian; Гранит/granit; "
        "Уральские окна/uralokna; Сибирский лес/sibles; Волга-Логистик/volga-logistic; "
        "ПромСнаб/promsnab; МедТехника/medtehnika; Заря/zarya; Невские двери/nevdveri; "
        "Сластёна/slastena; ЭнергоСервис/energoservis; Квадрат/kvadrat; Инфотек/infotek; "
        "Дом мебели/dommebeli; Фарм Плюс/farmplus; АвтоПарк/avtopark; Кедр/kedr; "
        "Светлый город/svetgorod; Колосок/kolosok; Байкал/baikal; Тепломаш/teplomash; "
        "ГеоСтрой/geostroy; Рассвет/rassvet; Спектр/spektr"
    ),
    company_suffixes=("", "", "", " Групп", "-Сервис", "-Трейд", " Плюс"),
    legal_forms=("ООО", "ООО", "ООО", "АО", "ПАО"),
    company_format="{form} «{name}»",
    products=_split(
        "Поставка офисной мебели; Внедрение CRM; Годовое обслуживание; Поставка оборудования; "
        "Аренда спецтехники; Ремонт офиса; Разработка сайта; Корпоративное обучение; "
        "Поставка спецодежды; Бухгалтерское сопровождение; Логистика по России; "
        "Монтаж вентиляции; Поставка серверов; Лицензии 1С; Корпоративные подарки; "
        "Клининг офиса; Видеонаблюдение; Охрана объекта; Печать каталогов; Канцтовары"
    ),
    repeat_prefix="Повторный заказ: ",
    tags=("vip", "срочно", "тендер", "партнёр", "опт", "розница", "госзаказ", "регион"),
    call_notes=_split(
        "Обсудили КП; Просит скидку; Договорились о встрече; Нужно согласование директора; "
        "Интересно, перезвонить через неделю; Уточнили сроки поставки; ЛПР в отпуске; "
        "Выслал детали на почту; Сравнивают с конкурентом; Ждут бюджет на квартал"
    ),
    meeting_notes=_split(
        "Презентация в офисе клиента; Встреча с закупками; Показали демо; "
        "Обсудили условия договора; Встреча с директором; Осмотр объекта"
    ),
    emails=_split(
        "Отправил коммерческое предложение; Отправил проект договора; Прислали вопросы по КП; "
        "Отправил прайс-лист; Выставил счёт; Прислали реквизиты"
    ),
    notes=_split(
        "Удобнее писать в Telegram; Бюджет утверждают в конце месяца; "
        "Решение принимает собственник; Работали с нами два года назад; Нужна доставка в регионы"
    ),
    next_steps=_split(
        "Перезвонить; Отправить КП; Подтвердить встречу; Уточнить по счёту; Обсудить договор; "
        "Напомнить о предложении"
    ),
    loss_notes=_split(
        "Выбрали поставщика дешевле; Проект заморожен до следующего года; Перестали отвечать; "
        "Остались с текущим подрядчиком; Не прошли тендер"
    ),
    currencies=Picker([("RUB", 96), ("USD", 3), ("EUR", 1)]),
)

EN = Locale(
    men=_pairs(
        "James/james; Robert/robert; Michael/michael; David/david; Thomas/thomas; "
        "Daniel/daniel; Mark/mark; Paul/paul"
    ),
    women=_pairs(
        "Emma/emma; Olivia/olivia; Sarah/sarah; Laura/laura; Hannah/hannah; Sophie/sophie; "
        "Grace/grace"
    ),
    surnames=_pairs(
        "Smith/smith; Johnson/johnson; Brown/brown; Taylor/taylor; Wilson/wilson; "
        "Evans/evans; Walker/walker; Wright/wright; Hughes/hughes; Green/green; Baker/baker; "
        "Fischer/fischer"
    ),
    feminine_surnames=False,
    companies=_pairs(
        "Northwind/northwind; Bluebird/bluebird; Greenfield/greenfield; Silverline/silverline; "
        "Harbor/harbor; Redwood/redwood; Brightside/brightside; Ironbridge/ironbridge; "
        "Summit/summit; Oakridge/oakridge; Blue Lake/bluelake; Pioneer/pioneer; "
        "Westgate/westgate; Crescent/crescent; Falcon/falcon; Lighthouse/lighthouse; "
        "Maple/maple; Keystone/keystone; Evergreen/evergreen; Starling/starling"
    ),
    company_suffixes=(" Traders", " Logistics", " Foods", " Systems", " Partners", " Labs", ""),
    legal_forms=("Ltd", "LLC", "Inc.", "GmbH"),
    company_format="{name} {form}",
    products=_split(
        "Office chairs; CRM rollout; Annual support; Server upgrade; Website redesign; "
        "Staff training; Fleet leasing; Warehouse shelving; Cloud migration; Security audit; "
        "Catering contract; Trade show booth; Printing services; Software licences; "
        "Office cleaning; Video surveillance"
    ),
    repeat_prefix="Repeat order: ",
    tags=("vip", "urgent", "tender", "partner", "wholesale", "retail", "upsell", "export"),
    call_notes=_split(
        "Discussed the quote; Asked for a discount; Agreed on a demo; "
        "Needs the director's approval; Interested, call back next week; "
        "Clarified delivery terms; Decision maker on holiday; Sent details by e-mail; "
        "Comparing with a competitor; Waiting for next quarter's budget"
    ),
    meeting_notes=_split(
        "Presentation at the client's office; Met the procurement team; Product demo; "
        "Went through the contract terms; Meeting with the CEO; Site visit"
    ),
    emails=_split(
        "Sent the proposal; Sent the draft contract; Questions about the proposal; "
        "Sent the price list; Invoice sent; Received company details"
    ),
    notes=_split(
        "Prefers e-mail to calls; Budget is approved at month end; The owner decides; "
        "Bought from us two years ago; Needs delivery abroad"
    ),
    next_steps=_split(
        "Call back; Send the proposal; Confirm the meeting; Follow up on the invoice; "
        "Discuss the contract; Remind about the offer"
    ),
    loss_notes=_split(
        "Went with a cheaper supplier; Project frozen until next year; Stopped answering; "
        "Stayed with their current vendor; Lost the tender"
    ),
    currencies=Picker([("RUB", 55), ("USD", 30), ("EUR", 15)]),
)


# --- a client --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Client:
    """The descriptive fields of one demo deal."""

    title: str
    value: Money
    contact: str
    company: str
    phone: str | None
    email: str | None
    source: str
    tags: tuple[str, ...]


def make_client(rng: random.Random, locale: Locale, plan: PipelinePlan) -> Client:
    female = rng.random() < 0.45
    first, first_latin = choose(rng, locale.women if female else locale.men)
    surname, surname_latin = choose(rng, locale.surnames)
    if female and locale.feminine_surnames:
        surname += "а"
    name, slug = choose(rng, locale.companies)
    company = locale.company_format.format(
        form=choose(rng, locale.legal_forms), name=name + choose(rng, locale.company_suffixes)
    )
    title = choose(rng, locale.products)
    return Client(
        title=locale.repeat_prefix + title if plan.template == "repeat" else title,
        value=_value(rng, locale, plan),
        contact=f"{first} {surname}",
        company=company,
        phone=_phone(rng, locale) if rng.random() < 0.9 else None,
        email=f"{first_latin}.{surname_latin}@{slug}.example" if rng.random() < 0.8 else None,
        source=plan.source or SOURCES.pick(rng),
        tags=_tags(rng, locale.tags, _TAG_COUNTS.pick(rng)),
    )


def _phone(rng: random.Random, locale: Locale) -> str:
    if locale is RU:
        return (
            f"+7 9{between(rng, 10, 99)} {between(rng, 100, 999)}-"
            f"{between(rng, 10, 99)}-{between(rng, 10, 99)}"
        )
    if rng.random() < 0.5:
        return f"+1 ({between(rng, 201, 989)}) 555-01{between(rng, 0, 99):02d}"
    return f"+44 20 7946 0{between(rng, 0, 999):03d}"


def _value(rng: random.Random, locale: Locale, plan: PipelinePlan) -> Money:
    """Log-normal around the pipeline's median: many small deals, a few big ones."""
    currency = locale.currencies.pick(rng)
    rate = _RUB_PER[currency]
    roubles = max(3000.0, plan.median_rub * rng.lognormvariate(0, 0.9))
    whole = int(roubles / rate)
    # Mostly two significant digits, as people price things; now and then an exact sum.
    unit = 10 ** max(0, len(str(whole)) - (2 if rng.random() < 0.75 else 4))
    return Money(whole // unit * unit * 100, currency)


def _tags(rng: random.Random, tags: tuple[str, ...], count: int) -> tuple[str, ...]:
    """`count` (0–2) different tags."""
    if count == 0:
        return ()
    first = int(rng.random() * len(tags))
    if count == 1:
        return (tags[first],)
    second = int(rng.random() * (len(tags) - 1))
    return tags[first], tags[second + (second >= first)]


# --- an activity -----------------------------------------------------------------------------

_CALL_OUTCOMES = Picker(
    [
        (Outcome.REACHED, 52),
        (Outcome.NO_ANSWER, 24),
        (Outcome.BUSY, 9),
        (Outcome.VOICEMAIL, 11),
        (Outcome.WRONG_NUMBER, 4),
    ]
)
# Seconds a call lasts when nobody talks: ringing out, a busy tone, a voicemail greeting.
_RING = {
    Outcome.NO_ANSWER: (20, 45),
    Outcome.BUSY: (3, 10),
    Outcome.VOICEMAIL: (20, 60),
    Outcome.WRONG_NUMBER: (10, 30),
}


def make_activity(
    rng: random.Random, meeting_odds: float, by: int, locale: Locale, at: datetime
) -> Activity:
    """Mostly calls; a meeting with chance `meeting_odds`; now and then an e-mail or a note."""
    if rng.random() < meeting_odds:
        held = rng.random() < 0.85
        note = choose(rng, locale.meeting_notes) if held and rng.random() < 0.75 else None
        outcome = Outcome.HELD if held else Outcome.NO_SHOW
        duration = between(rng, 2, 8) * 900 if held else None
        return Activity(0, 0, ActivityKind.MEETING, at, by, None, outcome, duration, note)
    roll = rng.random()
    if roll < 0.8:
        return _call(rng, by, locale, at)
    if roll < 0.93:
        direction = Direction.OUT if rng.random() < 0.7 else Direction.IN
        body = choose(rng, locale.emails)
        return Activity(0, 0, ActivityKind.EMAIL, at, by, direction, body=body)
    return Activity(0, 0, ActivityKind.NOTE, at, by, body=choose(rng, locale.notes))


def _call(rng: random.Random, by: int, locale: Locale, at: datetime) -> Activity:
    inbound = rng.random() < 0.15
    outcome = Outcome.REACHED if inbound else _CALL_OUTCOMES.pick(rng)
    note = None
    if outcome is Outcome.REACHED:
        duration = min(3600, 30 + int(rng.expovariate(1 / 240)))
        if rng.random() < 0.65:
            note = choose(rng, locale.call_notes)
    else:
        duration = between(rng, *_RING[outcome])
    direction = Direction.IN if inbound else Direction.OUT
    return Activity(0, 0, ActivityKind.CALL, at, by, direction, outcome, duration, note)
