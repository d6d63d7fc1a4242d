"""Command palette providers: find a deal by any text and open its pane (ctrl+p)."""

from __future__ import annotations

import asyncio
from functools import partial
from typing import TYPE_CHECKING, cast

from textual.command import Hit, Hits, Provider
from textual.content import Content

from funnel_tui.i18n import _
from funnel_tui.render.format import format_money
from funnel_tui.render.safe import clean

if TYPE_CHECKING:
    from funnel_tui.ui.app import FunnelApp

MIN_QUERY = 2
"""Fewer characters would match half the database; the palette's own commands show then."""
MAX_HITS = 15


def _display(label: str, query: str) -> Content:
    """`label` as plain text (Textual's fuzzy highlighter parses markup: not for data), with
    the first place it contains `query` underlined."""
    content = Content(label)
    start = label.casefold().find(query.casefold())
    if start >= 0:
        content = content.stylize("bold underline", start, start + len(query))
    return content


class DealSearch(Provider):
    """Deals whose title, company, contact, phone or tags contain what was typed."""

    async def search(self, query: str) -> Hits:
        app = cast("FunnelApp", self.app)
        query = query.strip()
        if app.services is None or len(query) < MIN_QUERY:
            return
        deals = await asyncio.to_thread(app.services.deals.search, query, MAX_HITS)
        for rank, deal in enumerate(deals):
            label = clean(deal.title)
            if deal.company:
                label += f" · {clean(deal.company)}"
            label += f" · {format_money(deal.value, compact=True)}"
            yield Hit(
                1.0 - rank / 100,
                _display(label, clean(query)),
                partial(app.open_deal, deal.id),
                text=label,
                help=_("Open deal {number}").format(number=deal.id),
            )
