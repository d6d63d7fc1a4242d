"""KpiDigits: one key figure in large type (Textual's `Digits`), for the wall dashboard.

A caption above, the figure in 3×3 digits, a note under it (the change, the count). Updated
in place: `show()` changes the text of the three parts and nothing is mounted or removed, so
a refresh every few seconds never makes the screen flicker.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Digits, Static

from funnel_tui.domain.money import Money
from funnel_tui.render.funnel_chart import format_conversion

UNDEFINED = "-"
"""An undefined figure, in large type (Digits draws "—" small, at the baseline)."""


class KpiDigits(Vertical):
    DEFAULT_CSS = """
    KpiDigits { width: 1fr; height: auto; padding: 0 1; }
    KpiDigits > .kpi-caption { color: $text-muted; width: 1fr; }
    KpiDigits > Digits { width: 1fr; color: $text; }
    KpiDigits > .kpi-note { width: 1fr; }
    """

    def __init__(self, caption: str, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._caption = caption

    def compose(self) -> ComposeResult:
        # Plain Text everywhere (never markup): a caption may hold a currency code.
        yield Static(Text(self._caption, no_wrap=True, overflow="ellipsis"), classes="kpi-caption")
        yield Digits("—")
        yield Static(Text(""), classes="kpi-note")

    def show(self, figure: str, note: Text, caption: str | None = None) -> None:
        """The figure as `Digits` draws it (digits, `.`, `%`, a letter); `note` under it."""
        digits = self.query_one(Digits)
        if digits.value != figure:
            digits.update(figure)
        self.query_one(".kpi-note", Static).update(_one_line(note))
        if caption is not None and caption != self._caption:
            self._caption = caption
            self.query_one(".kpi-caption", Static).update(_one_line(Text(caption)))

    @property
    def figure(self) -> str:
        return self.query_one(Digits).value


def _one_line(text: Text) -> Text:
    text.no_wrap = True
    text.overflow = "ellipsis"
    return text


def compact_amount(money: Money) -> str:
    """An amount in at most four digits and a letter, for large type: `950`, `9500`,
    `12.3K`, `812K`, `4.35M`, `1.2B` (the currency goes in the caption)."""
    major = money.major
    sign = "-" if major < 0 else ""
    major = abs(major)
    whole = major.to_integral_value()
    if whole < 10_000:
        return f"{sign}{whole:f}"
    for size, letter in ((10**3, "K"), (10**6, "M"), (10**9, "B")):
        scaled = major / Decimal(size)
        places = 0 if scaled >= 100 else 1 if scaled >= 10 else 2
        text = f"{scaled:.{places}f}"
        if Decimal(text) < 1000 or letter == "B":  # 999.99K is 1M, not 1000K
            if "." in text:
                text = text.rstrip("0").rstrip(".")
            return f"{sign}{text}{letter}"
    raise AssertionError("unreachable")


def compact_ratio(value: Fraction | None) -> str:
    """A ratio for large type: `45%`, `4.5%`, `-` when undefined."""
    if value is None:
        return UNDEFINED
    return format_conversion(value).replace(" ", "")
