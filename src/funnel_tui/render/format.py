"""Plain-text formatting of figures for cards, tables and CLI output."""

from __future__ import annotations

from datetime import date, datetime

from funnel_tui.domain.date_format import format_day, format_day_month, format_day_short
from funnel_tui.i18n import _, language, ngettext
from funnel_tui.render.locale_format import format_amounts, format_money

__all__ = ["format_amounts", "format_money", "relative_time", "short_when"]
"""Money as the interface language writes it (`₽1,500.50` / `1 500,50 ₽`) lives in
`locale_format`, with numbers; the names stay importable from here."""


def short_when(moment: datetime, today: date) -> str:
    """A next-contact badge: `10:00` today, `25.11` this year, `25.11.27` otherwise (the
    dates in the user's date format: `11/25`, `11/25/27` in English)."""
    local = moment.astimezone()
    if local.date() == today:
        return local.strftime("%H:%M")
    if local.year == today.year:
        return format_day_month(local.date())
    return format_day_short(local.date())


def relative_time(moment: datetime, now: datetime) -> str:
    """How long ago (or how soon) `moment` is, as people say it: `just now`, `5 min ago`,
    `2 h ago`, `yesterday 14:05`, `3 days ago`, `in 2 h`, `tomorrow 10:00`, else the date.

    Days are counted in the local time zone (yesterday is the previous calendar day).
    """
    local, local_now = moment.astimezone(), now.astimezone()
    seconds = (now - moment).total_seconds()
    days = (local_now.date() - local.date()).days
    clock = local.strftime("%H:%M")
    if abs(seconds) < 60:
        return _("just now")
    if seconds > 0:
        if seconds < 3600:
            minutes = int(seconds // 60)
            return ngettext("{n} min ago", "{n} min ago", minutes).format(n=minutes)
        if days == 0:
            hours = int(seconds // 3600)
            return ngettext("{n} h ago", "{n} h ago", hours).format(n=hours)
        if days == 1:
            return _("yesterday {clock}").format(clock=clock)
        if days < 7:
            return ngettext("{n} day ago", "{n} days ago", days).format(n=days)
    else:
        if -seconds < 3600:
            minutes = int(-seconds // 60) or 1
            return ngettext("in {n} min", "in {n} min", minutes).format(n=minutes)
        if days == 0:
            hours = int(-seconds // 3600)
            return ngettext("in {n} h", "in {n} h", hours).format(n=hours)
        if days == -1:
            return _("tomorrow {clock}").format(clock=clock)
        if days > -7:
            return ngettext("in {n} day", "in {n} days", -days).format(n=-days)
    if local.year != local_now.year:
        return format_day(local.date())
    return date_in_words(local.date(), "%d %b", "d MMM")


def date_in_words(day: date, english: str, pattern: str) -> str:
    """A date that names its month (`25 Nov`, `November 2026`): in English as `strftime`
    writes it with the `english` format, in another language from CLDR's data with the
    `pattern` (LDML: `d MMM` 5 нояб., `LLLL y` ноябрь 2026, `LLL y` нояб. 2026)."""
    if language() == "en":
        return day.strftime(english)
    from babel.dates import format_date

    from funnel_tui.render.locale_format import CLDR_LOCALE

    return format_date(day, pattern, locale=CLDR_LOCALE.get(language(), "en_GB"))
