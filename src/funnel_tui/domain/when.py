"""The deal's "next contact" field: short typed text ("tomorrow 10:00", "fri", "+3d",
"через 2 дня") to an aware UTC instant, plus a plain description to show before saving.

Why no library: dateparser, the usual choice, brings python-dateutil, pytz, regex and
tzlocal plus data for some two hundred languages, which is too heavy for the app's start-up;
it also guesses far more than this field should (a typo ought to be an error, not some
date). The forms a salesperson types here are few, so a small table of patterns over the
stdlib (`zoneinfo` arithmetic) is cheaper and predictable, and it is fully tested. Exact
date and time forms reuse `dates.py`.

Rules, in one place:
- days, weekdays and dates are computed on the wall clock of the user's zone `local`, then
  converted to UTC: "+3d" across a DST change is the same local time, 3 days later;
- "+2h" / "in 30 minutes" are real elapsed time (UTC arithmetic), not wall-clock time;
- results have minute precision (seconds are dropped);
- a local time that does not exist (spring-forward gap) is read with fold=0, so it moves
  forward by the gap; one that exists twice (fall back) is its first occurrence, or the
  second when typed between the two;
- the result must be no more than a minute before `now` and at most 5 years after it (a
  full date outside the years 1900–2200 of dates.py is refused the same way).
"""

from __future__ import annotations

import enum
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo

from funnel_tui.domain.date_format import day_month_order, example, example_day_month
from funnel_tui.domain.dates import (
    MAX_YEAR,
    MIN_YEAR,
    _parse_time,
    parse_date,
    parse_datetime,
    to_utc,
)
from funnel_tui.domain.errors import ValidationError
from funnel_tui.i18n import N_, _, ngettext

DEFAULT_HOUR = 10  # a day without a time means 10:00 local

MAX_YEARS_AHEAD = 5
_PAST = N_("{text} is in the past (the next contact is now or later)")
# A minute of slack: "now" is rounded down to the minute, and typing takes a moment.
_PAST_GRACE = timedelta(minutes=1)

_EXAMPLES = N_(
    "try: now, today 15:00, tomorrow, fri 10:00, +3d, in 2 hours, 15:00, {day_month} 14:30, "
    "{day} 15:30, завтра в 15:00, через 3 дня"
)
"""The forms to try, with the dates in the user's format (`_examples`)."""

# English names are spelled out here, not taken from strftime's %a/%b, which follow the
# process locale (a Russian locale would print "Пт" in an otherwise English line).
WEEKDAY_NAMES = (N_("Mon"), N_("Tue"), N_("Wed"), N_("Thu"), N_("Fri"), N_("Sat"), N_("Sun"))
_MONTH_NAMES = (
    N_("Jan"),
    N_("Feb"),
    N_("Mar"),
    N_("Apr"),
    N_("May"),
    N_("Jun"),
    N_("Jul"),
    N_("Aug"),
    N_("Sep"),
    N_("Oct"),
    N_("Nov"),
    N_("Dec"),
)

_WEEKDAYS: dict[str, int] = {
    **dict.fromkeys(("mon", "monday", "пн", "понедельник"), 0),
    **dict.fromkeys(("tue", "tues", "tuesday", "вт", "вторник"), 1),
    **dict.fromkeys(("wed", "weds", "wednesday", "ср", "среда", "среду"), 2),
    **dict.fromkeys(("thu", "thur", "thurs", "thursday", "чт", "четверг"), 3),
    **dict.fromkeys(("fri", "friday", "пт", "пятница", "пятницу"), 4),
    **dict.fromkeys(("sat", "saturday", "сб", "суббота", "субботу"), 5),
    **dict.fromkeys(("sun", "sunday", "вс", "воскресенье"), 6),
}

# Russian plural forms are all accepted whatever the number ("через 5 дня" is a typo, not
# a different request), so each unit lists every form.
_MINUTE = timedelta(minutes=1)
_HOUR = timedelta(hours=1)
_UNITS: dict[str, timedelta] = {
    **dict.fromkeys(
        ("m", "min", "mins", "minute", "minutes", "мин", "минута", "минуту", "минуты", "минут"),
        _MINUTE,
    ),
    **dict.fromkeys(
        ("h", "hr", "hrs", "hour", "hours", "ч", "час", "часа", "часов"),
        _HOUR,
    ),
    "полчаса": timedelta(minutes=30),
    **dict.fromkeys(
        ("d", "day", "days", "д", "день", "дня", "дней", "сутки", "суток"),
        timedelta(days=1),
    ),
    **dict.fromkeys(
        ("w", "wk", "wks", "week", "weeks", "нед", "неделя", "неделю", "недели", "недель"),
        timedelta(weeks=1),
    ),
}
# Forms that mean "one" on their own: "через час", "через неделю", "через полчаса".
_SINGULAR_UNITS = frozenset(("минуту", "час", "полчаса", "день", "сутки", "неделю"))
# Far beyond any accepted amount, small enough that timedelta arithmetic cannot overflow.
_MAX_RELATIVE = timedelta(days=366 * MAX_YEARS_AHEAD + 1)

# Patterns run on normalized text: lower case, single spaces, no surrounding spaces.
# [0-9] rather than \d: \d also matches Arabic-Indic and other digits.
_CLOCK = r"[0-9]{1,2}:[0-9]{2}(?::[0-9]{2})?|[0-9]{1,2}(?::[0-9]{2})?\s?[ap]m"
# The day part is optional and lazy (`??`), so "в 15:00" is a bare time, not a day "в".
_DAY_AND_CLOCK = re.compile(rf"^(?:(?P<day>.*?\S)\s+)??(?:(?:at|в|во)\s+)?(?P<clock>{_CLOCK})$")
_AMPM = re.compile(r"^([0-9]{1,2})(?::([0-9]{2}))?\s?([ap]m)$")
_ISO_T = re.compile(r"^([0-9]{4}-[0-9]{2}-[0-9]{2})t(?=[0-9])")
_ISO_WITH_OFFSET = re.compile(
    r"^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]{1,6})?)?"
    r"(?:z|[+-][0-9]{2}(?::?[0-9]{2})?)$"
)


@dataclass(frozen=True, slots=True)
class Understood:
    at: datetime  # aware, UTC
    local: datetime  # the same instant in the user's zone (aware)
    has_time: bool  # False when the user typed only a day (then the default time was used)


@dataclass(frozen=True, slots=True)
class _Context:
    """What every form needs: the moment of typing, the user's zone, and how to complain."""

    now: datetime  # aware UTC, rounded down to the minute
    local: tzinfo
    field: str
    text: str  # as typed, for messages

    @property
    def today(self) -> date:
        return self.now.astimezone(self.local).date()

    def at(self, day: date, clock: time) -> datetime:
        """`clock` on `day` in the user's zone, as UTC.

        A time in a spring-forward gap is read with fold=0, so it moves forward by the gap.
        A time that happens twice is its first occurrence, unless that one has passed and the
        second has not: typed during the repeated hour, "02:30" means the coming 02:30.
        """
        first = to_utc(datetime.combine(day, clock.replace(fold=0)), self.local)
        if first >= self.now:
            return first
        # In a gap fold=1 reads the time earlier, never later, so only a repeat can win here.
        second = to_utc(datetime.combine(day, clock.replace(fold=1)), self.local)
        return second if second >= self.now else first

    def error(self, message: str, **fields: object) -> ValidationError:
        """`message` (translated, with `{text}` for what was typed) filled with `fields`."""
        return ValidationError(self.field, message.format(text=_quote(self.text), **fields))

    def more_ahead(self) -> ValidationError:
        message = ngettext(
            "{text} is more than {years} year ahead",
            "{text} is more than {years} years ahead",
            MAX_YEARS_AHEAD,
        )
        return self.error(message, years=MAX_YEARS_AHEAD)


_Handler = Callable[[re.Match[str], time | None, _Context], tuple[datetime, bool]]


def parse_when(
    text: str, now: datetime, local: tzinfo, *, field: str = "next contact"
) -> Understood:
    """Read the "next contact" field; see the module docstring for the rules.

    `now` is aware (any zone); relative forms are computed in `local`. Raises
    ValidationError(field, message) with a one-line message listing examples.
    """
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("parse_when needs an aware `now`")
    normalized = _normalize(text)
    if not normalized:
        raise ValidationError(field, _("is empty ({examples})").format(examples=_examples()))
    context = _Context(_floor_minute(now.astimezone(UTC)), local, field, text)
    try:
        at, has_time = _parse(normalized, context)
        at = _floor_minute(at.astimezone(UTC))
    except OverflowError:
        # Only reachable with years near 1 or 9999, where datetime arithmetic gives up.
        raise context.error(_("{text} is out of range")) from None
    _check_range(at, now.astimezone(UTC), context)
    return Understood(at=at, local=at.astimezone(local), has_time=has_time)


def describe(understood: Understood, now: datetime) -> str:
    """'Fri 27 Nov 2026, 10:00 (in 4 days)', 'today 15:00 (in 6 h)', 'tomorrow 10:00'."""
    moment = understood.local
    local_now = now.astimezone(moment.tzinfo)
    days = (moment.date() - local_now.date()).days
    clock = f"{moment.hour:02d}:{moment.minute:02d}"
    if days == 1:
        # the word already says how far; "(in 19 h)" is noise
        return _("tomorrow {clock}").format(clock=clock)
    if days == 0:
        minutes = round((understood.at - _floor_minute(now.astimezone(UTC))).total_seconds() / 60)
        return _("today {clock} ({away})").format(clock=clock, away=_minutes_away(minutes))
    return _("{weekday} {day} {month} {year}, {clock} ({away})").format(
        weekday=_(WEEKDAY_NAMES[moment.weekday()]),
        day=moment.day,
        month=_(_MONTH_NAMES[moment.month - 1]),
        year=moment.year,
        clock=clock,
        away=_days_away(days),
    )


# --- parsing -------------------------------------------------------------------------------


def _parse(normalized: str, context: _Context) -> tuple[datetime, bool]:
    if _ISO_WITH_OFFSET.match(normalized):
        # The offset typed wins over the user's zone; parse_datetime already does exactly this.
        return parse_datetime(normalized.upper(), context.field), True
    day_text, clock = normalized, None
    with_clock = _DAY_AND_CLOCK.match(normalized)
    if with_clock:
        clock = _clock(with_clock["clock"], context)
        if with_clock["day"] is None:
            return _bare_clock(clock, context), True
        day_text = with_clock["day"]
    for pattern, handler in _DAY_FORMS:
        match = pattern.match(day_text)
        if match:
            return handler(match, clock, context)
    raise context.error(_("{text} is not a date or time ({examples})"), examples=_examples())


def _clock(text: str, context: _Context) -> time:
    ampm = _AMPM.match(text)
    if not ampm:
        return _parse_time(text, context.field).replace(second=0)
    hour, minute = int(ampm[1]), int(ampm[2] or 0)
    if not 1 <= hour <= 12 or minute > 59:
        raise ValidationError(
            context.field,
            _("{text} is not a time (use 3pm, 3:30pm or 15:30)").format(text=repr(text)),
        )
    # 12am is midnight and 12pm is noon: the 12 wraps to 0 before the pm shift.
    return time(hour % 12 + (12 if ampm[3] == "pm" else 0), minute)


def _bare_clock(clock: time, context: _Context) -> datetime:
    """Today at that time if the current minute has not passed it, else tomorrow."""
    today = context.at(context.today, clock)
    if today >= context.now:
        return today
    return context.at(context.today + timedelta(days=1), clock)


def _now(_match: re.Match[str], clock: time | None, context: _Context) -> tuple[datetime, bool]:
    if clock is not None:
        raise context.error(_("{text} has a time of day after now (a time can follow a day only)"))
    return context.now, True


def _today(_match: re.Match[str], clock: time | None, context: _Context) -> tuple[datetime, bool]:
    if clock is not None:
        return context.at(context.today, clock), True
    # "today" typed after 10:00 means "some time today", not an error: use the current minute.
    return max(context.at(context.today, time(DEFAULT_HOUR)), context.now), False


def _days_ahead(days: int) -> _Handler:
    def handler(
        _match: re.Match[str], clock: time | None, context: _Context
    ) -> tuple[datetime, bool]:
        return _on_day(context.today + timedelta(days=days), clock, context)

    return handler


def _weekday(match: re.Match[str], clock: time | None, context: _Context) -> tuple[datetime, bool]:
    # Strictly after today: "fri" typed on a Friday is next week's Friday, since a contact
    # "today" is typed as "today".
    ahead = (_WEEKDAYS[match["name"]] - context.today.weekday() - 1) % 7 + 1
    return _on_day(context.today + timedelta(days=ahead), clock, context)


def _relative(match: re.Match[str], clock: time | None, context: _Context) -> tuple[datetime, bool]:
    unit = _UNITS.get(match["unit"])
    if unit is None:
        raise context.error(_("{text} is not a date or time ({examples})"), examples=_examples())
    text = match["number"] or match["amount"]
    if text is None and match["unit"] not in _SINGULAR_UNITS:
        # "in days", "через дней"
        raise context.error(_("{text} needs a number ({examples})"), examples=_examples())
    amount = _amount(text)
    if amount == 0:
        raise context.error(_("{text} needs an amount of at least 1 (e.g. +1d, in 2 hours)"))
    if amount > _MAX_RELATIVE / unit:
        raise context.more_ahead()
    delta = unit * amount
    if unit < timedelta(days=1):
        # Hours and minutes are elapsed time: "+2h" at 01:30 on a spring-forward night is
        # 04:30, two real hours later, not 03:30.
        if clock is not None:
            raise context.error(
                _("{text} has a time of day after hours or minutes (a time can follow a day only)")
            )
        return context.now + delta, True
    # Days and weeks move the calendar: same local time-of-day (or the time typed).
    local_now = context.now.astimezone(context.local)
    day = local_now.date() + delta
    wall_time = clock if clock is not None else local_now.time().replace(fold=0)
    return context.at(day, wall_time), True


def _amount(text: str | None) -> int:
    if text is None or text in ("a", "an", "one"):
        return 1  # "через час", "in an hour"
    return int(text)


def _day_month(
    match: re.Match[str], clock: time | None, context: _Context
) -> tuple[datetime, bool]:
    """`25.12` (`12/25` or `25/12` as the date format reads slashes, `12-25`): this year's
    date, or the next year's once it has passed (29.02: next leap year)."""
    if match["day"] is not None:
        day, month = int(match["day"]), int(match["month"])
    elif match["iso_month"] is not None:
        day, month = int(match["iso_day"]), int(match["iso_month"])
    else:
        day, month = day_month_order(int(match["first"]), int(match["second"]))
    try:
        date(2000, month, day)  # a leap year: if it fails here, it fails every year
    except ValueError:
        raise context.error(
            _("{text} is not a date (use {day_month} or {day})"),
            day_month=example_day_month(),
            day=example(),
        ) from None
    for year in range(context.today.year, context.today.year + MAX_YEARS_AHEAD + 1):
        try:
            candidate = date(year, month, day)
        except ValueError:
            continue  # 29 February outside a leap year
        at, has_time = _on_day(candidate, clock, context)
        if at >= context.now:
            return at, has_time
    raise context.more_ahead()


def _full_date(
    match: re.Match[str], clock: time | None, context: _Context
) -> tuple[datetime, bool]:
    # "In the past" / "more than 5 years ahead" say more here than "year 9999 is not between
    # 1900 and 2200", and those years are out of this field's range whatever `now` is.
    day = parse_date(match[0], context.field, check_years=False)
    if day.year < MIN_YEAR:
        raise context.error(_(_PAST))
    if day.year > MAX_YEAR:
        raise context.more_ahead()
    return _on_day(day, clock, context)


def _on_day(day: date, clock: time | None, context: _Context) -> tuple[datetime, bool]:
    if clock is None:
        return context.at(day, time(DEFAULT_HOUR)), False
    return context.at(day, clock), True


_WEEKDAY_WORDS = "|".join(sorted(_WEEKDAYS, key=len, reverse=True))
_DAY_FORMS: tuple[tuple[re.Pattern[str], _Handler], ...] = (
    (re.compile(r"^(?:now|right now|сейчас)$"), _now),
    (re.compile(r"^(?:today|сегодня)$"), _today),
    (re.compile(r"^(?:tomorrow|tmrw|завтра)$"), _days_ahead(1)),
    (re.compile(r"^(?:(?:the )?day after tomorrow|послезавтра)$"), _days_ahead(2)),
    (re.compile(rf"^(?:(?:on|в|во) )?(?P<name>{_WEEKDAY_WORDS})$"), _weekday),
    (
        # "+" needs a number ("+d" is a typo); words may drop it ("через час", "in an hour").
        re.compile(
            r"^(?:\+ ?(?P<number>[0-9]+) ?|(?:in|через) (?:(?P<amount>[0-9]+|an?|one) ?)?)"
            r"(?P<unit>[a-zа-я]+)$"
        ),
        _relative,
    ),
    (
        # Dots are day first; slashes as the date format reads them; dashes month first (ISO).
        re.compile(
            r"^(?:(?P<day>[0-9]{1,2})\.(?P<month>[0-9]{1,2})\.?"
            r"|(?P<first>[0-9]{1,2})/(?P<second>[0-9]{1,2})"
            r"|(?P<iso_month>[0-9]{1,2})-(?P<iso_day>[0-9]{1,2}))$"
        ),
        _day_month,
    ),
    (re.compile(r"^[0-9]{1,2}(?:\.[0-9]{1,2}\.|/[0-9]{1,2}/)[0-9]{4}$"), _full_date),
    (re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"), _full_date),
)


# --- small helpers -------------------------------------------------------------------------


def _examples() -> str:
    """The forms to try, translated, the dates written in the user's date format."""
    return _(_EXAMPLES).format(day_month=example_day_month(), day=example())


def _normalize(text: str) -> str:
    collapsed = " ".join(text.split()).lower()
    return _ISO_T.sub(r"\1 ", collapsed)  # 2026-12-25T15:30 reads like 2026-12-25 15:30


def _check_range(at: datetime, now: datetime, context: _Context) -> None:
    if at < now - _PAST_GRACE:
        raise context.error(_(_PAST))
    if at > _years_later(now, MAX_YEARS_AHEAD):
        raise context.more_ahead()


def _years_later(moment: datetime, years: int) -> datetime:
    try:
        return moment.replace(year=moment.year + years)
    except ValueError:  # 29 February -> 28 February
        return moment.replace(year=moment.year + years, day=28)


def _floor_minute(moment: datetime) -> datetime:
    return moment.replace(second=0, microsecond=0)


def _quote(text: str, limit: int = 40) -> str:
    """The typed text for a one-line message: stripped, shortened, control characters escaped."""
    shown = " ".join(text.split())
    if len(shown) > limit:
        shown = shown[: limit - 1] + "…"
    return repr(shown)


def _minutes_away(minutes: int) -> str:
    if minutes == 0:
        return _("now")
    if minutes < 0:
        return _("{duration} ago").format(duration=_hours_and_minutes(-minutes))
    return _("in {duration}").format(duration=_hours_and_minutes(minutes))


def _hours_and_minutes(minutes: int) -> str:
    hours, rest = divmod(minutes, 60)
    if hours == 0:
        return _("{minutes} min").format(minutes=rest)
    if rest == 0:
        return _("{hours} h").format(hours=hours)
    return _("{hours} h {minutes} min").format(hours=hours, minutes=rest)


def _days_away(days: int) -> str:
    """Calendar days, coarsened as they grow: nobody needs "in 412 days"."""
    count = abs(days)
    ahead = days > 0
    if count < 14:
        if ahead:
            return ngettext("in {n} day", "in {n} days", count).format(n=count)
        return ngettext("{n} day ago", "{n} days ago", count).format(n=count)
    if count < 60:
        weeks = round(count / 7)
        if ahead:
            return ngettext("in {n} week", "in {n} weeks", weeks).format(n=weeks)
        return ngettext("{n} week ago", "{n} weeks ago", weeks).format(n=weeks)
    if count < 730:
        months = round(count / 30.44)
        if ahead:
            return ngettext("in {n} month", "in {n} months", months).format(n=months)
        return ngettext("{n} month ago", "{n} months ago", months).format(n=months)
    years = round(count / 365.25)
    if ahead:
        return ngettext("in {n} year", "in {n} years", years).format(n=years)
    return ngettext("{n} year ago", "{n} years ago", years).format(n=years)


def pushed(current: datetime | None, days: int, now: datetime, local: tzinfo) -> datetime:
    """A next contact pushed by `days` ("+1 day", "+1 week" in the agenda), as UTC.

    A contact still ahead moves by `days` at the same local time. One already due moves to
    `days` after today at its own time of day, so that pushing yesterday's call by a day gives
    tomorrow, not today (still overdue). No contact at all becomes `days` from today at
    DEFAULT_HOUR. Wall-clock arithmetic in `local`, so a DST change keeps the hour.
    """
    if days < 1:
        raise ValueError("push by at least one day")
    today = now.astimezone(local).date()
    if current is None:
        clock = time(DEFAULT_HOUR)
        start = today
    else:
        moment = current.astimezone(local)
        clock = moment.time().replace(tzinfo=None, fold=0)
        start = moment.date() if current > now else today
    return to_utc(datetime.combine(start + timedelta(days=days), clock), local)


RETRY_AFTER = timedelta(hours=2)
"""An unanswered call is tried again this much later the same day..."""
LAST_CALL_HOUR = 19
"""...unless that is past this hour, local: then the next morning at DEFAULT_HOUR."""


def retry_later(now: datetime, local: tzinfo) -> datetime:
    """When to call again after no answer: later today if the working day allows, else the
    next morning. As UTC, to the minute."""
    again = _floor_minute((now + RETRY_AFTER).astimezone(UTC))
    if (
        again.astimezone(local).hour < LAST_CALL_HOUR
        and again.astimezone(local).date() == now.astimezone(local).date()
    ):
        return again
    tomorrow = now.astimezone(local).date() + timedelta(days=1)
    return to_utc(datetime.combine(tomorrow, time(DEFAULT_HOUR)), local)


class Due(enum.StrEnum):
    """How near a next contact is, as its badge colours it."""

    OVERDUE = "overdue"
    TODAY = "today"
    LATER = "later"


def due_state(at: datetime, now: datetime, local: tzinfo | None = None) -> Due:
    """Overdue before `now`; today until midnight in `local` (None: the system's zone)."""
    if at < now:
        return Due.OVERDUE
    if at.astimezone(local).date() == now.astimezone(local).date():
        return Due.TODAY
    return Due.LATER
