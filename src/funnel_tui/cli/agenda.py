"""What is due: `funnel agenda` (overdue and today's contacts) and `funnel ics` (the next
contacts as an iCalendar file)."""

from __future__ import annotations

import json
import sys
from datetime import date, datetime, tzinfo
from pathlib import Path
from typing import Any

import click
from rich.text import Text

from funnel_tui.cli.base import (
    FORMAT,
    MOMENT,
    OWNER,
    open_services_for,
    out_console,
    owner_id,
    say,
)
from funnel_tui.domain.date_format import format_day_month, format_day_time
from funnel_tui.domain.dates import format_utc, local_zone
from funnel_tui.domain.errors import FunnelError
from funnel_tui.i18n import N_, _, ngettext
from funnel_tui.render.agenda_text import todo
from funnel_tui.render.safe import safe_json, safe_text
from funnel_tui.services.agenda_model import AgendaItem, AgendaSection, Section

# --- agenda --------------------------------------------------------------------------------


@click.command(name="agenda")
@OWNER
@FORMAT
@click.option("--quiet", "-q", is_flag=True, help="Print only the summary line.")
@click.option(
    "--as-of", "as_of", type=MOMENT, help="The agenda as it was or will be then (default: now)."
)
@click.pass_context
def agenda_(
    ctx: click.Context, owner: str | None, fmt: str, quiet: bool, as_of: datetime | None
) -> None:
    """Overdue contacts and today's (open deals), for a login script or cron.

    Times are local; "today" ends at local midnight. Exits 0 whether or not anything is due.
    """
    if quiet and fmt == "json":
        raise click.UsageError(_("--quiet prints one line of text; leave out --format json"))
    zone = local_zone()
    with open_services_for(ctx, as_of=as_of) as services:
        agenda = services.agenda.agenda(owner_id=owner_id(services, owner), zone=zone)
    overdue, today = agenda.section(Section.OVERDUE), agenda.section(Section.TODAY)
    if fmt == "json":
        document = {
            "now": format_utc(agenda.now),
            "overdue": [_item_json(item) for item in overdue.items],
            "today": [_item_json(item) for item in today.items],
            "overdue_total": overdue.total,
            "today_total": today.total,
        }
        sys.stdout.write(safe_json(json.dumps(document, ensure_ascii=False, indent=2)) + "\n")
        sys.stdout.flush()
        return
    summary = _("{overdue}, {today}").format(
        overdue=ngettext("{n} overdue", "{n} overdue", overdue.total).format(n=overdue.total),
        today=ngettext("{n} today", "{n} today", today.total).format(n=today.total),
    )
    if not quiet:
        local_today = agenda.now.astimezone(zone).date()
        for section in (overdue, today):
            _print_section(section, local_today, zone)
    say(
        summary
        if overdue.total or today.total
        else _("Nothing due: {summary}").format(summary=summary)
    )


def _item_json(item: AgendaItem) -> dict[str, Any]:
    """An agenda item for `--format json`: times ISO 8601 UTC, the value a decimal string."""
    return {
        "deal_id": item.deal_id,
        "version": item.version,
        "title": item.title,
        "company": item.company,
        "value": item.value.to_decimal_string(),
        "currency": item.value.currency,
        "owner_login": item.owner_login,
        "owner_name": item.owner_name,
        "pipeline_name": item.pipeline_name,
        "stage_name": item.stage_name,
        "next_contact_at": format_utc(item.next_contact_at) if item.next_contact_at else None,
        "next_contact_note": item.next_contact_note,
        "idle_since": format_utc(item.idle_since),
        "rot_days": item.rot_days,
        "on_hold": item.on_hold,
    }


AGENDA_COLUMNS = (N_("when"), N_("#"), N_("deal"), N_("company"), N_("what to do"), N_("owner"))
"""The agenda tables' columns (the first two never wrap)."""


def _print_section(section: AgendaSection, today: date, zone: tzinfo) -> None:
    from rich import box
    from rich.table import Table

    if not section.items:
        return
    title = _("Overdue ({n})") if section.section is Section.OVERDUE else _("Today ({n})")
    table = Table(
        title=title.format(n=section.total),
        title_justify="left",
        box=box.SIMPLE_HEAD,
        show_edge=False,
        pad_edge=False,
    )
    for index, header in enumerate(AGENDA_COLUMNS):
        table.add_column(_(header), overflow="fold", no_wrap=index < 2)
    for item in section.items:
        when = item.next_contact_at.astimezone(zone) if item.next_contact_at else None
        if when is None:
            shown = ""
        elif when.date() == today:
            shown = when.strftime("%H:%M")
        elif when.year == today.year:
            shown = f"{format_day_month(when.date())} {when:%H:%M}"
        else:
            shown = format_day_time(when)
        table.add_row(
            shown,
            str(item.deal_id),
            safe_text(item.title),
            safe_text(item.company or ""),
            Text(todo(item)),
            safe_text(item.owner_name),
        )
    out_console.print(table)
    if section.total > len(section.items):
        more = section.total - len(section.items)
        say(ngettext("… and {n} more", "… and {n} more", more).format(n=more))
    out_console.print()


# --- calendar ------------------------------------------------------------------------------


@click.command()
@OWNER
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write to a file instead of standard output.",
)
@click.pass_context
def ics(ctx: click.Context, owner: str | None, output: Path | None) -> None:
    """Next contacts of open deals as an iCalendar file (RFC 5545) to import or subscribe
    to; importing it again updates the events instead of adding copies."""
    with open_services_for(ctx) as services:
        entries = services.agenda.calendar(owner_id=owner_id(services, owner))
        now = services.context.clock()
    # Imported on use: icalendar is for this command only.
    from funnel_tui.render.ics import calendar_bytes

    calendar = calendar_bytes(entries, stamp=now)
    if output is None:
        stream = getattr(sys.stdout, "buffer", None)
        if stream is None:  # a text-only stdout (some embedders): the calendar is UTF-8
            sys.stdout.write(calendar.decode("utf-8"))
        else:
            sys.stdout.flush()
            stream.write(calendar)
            stream.flush()
        return
    try:
        output.write_bytes(calendar)
    except OSError as err:
        raise FunnelError(
            _("cannot write {path}: {reason}").format(path=output, reason=err.strerror or err)
        ) from None
