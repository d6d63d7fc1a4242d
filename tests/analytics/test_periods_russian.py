"""The named periods and a period's errors in Russian."""

from __future__ import annotations

from datetime import date

import pytest

from funnel_tui.analytics.periods import PERIOD_LABELS, PeriodName, custom_period
from funnel_tui.domain.errors import ValidationError
from funnel_tui.i18n import _, set_language


@pytest.mark.usefixtures("russian")
def test_named_periods_read_in_russian() -> None:
    assert [_(PERIOD_LABELS[name]) for name in PeriodName] == [
        "Этот месяц",
        "Прошлый месяц",
        "Этот квартал",
        "Последние 12 месяцев",
    ]


@pytest.mark.usefixtures("russian")
def test_a_backwards_period_is_refused_in_russian() -> None:
    with pytest.raises(ValidationError) as refused:
        custom_period(date(2026, 11, 30), date(2026, 11, 1))
    assert refused.value.message == "заканчивается (01.11.2026) раньше, чем начинается (30.11.2026)"


def test_in_english_as_before() -> None:
    set_language("en")
    assert _(PERIOD_LABELS[PeriodName.THIS_MONTH]) == "This month"
    with pytest.raises(ValidationError) as refused:
        custom_period(date(2026, 11, 30), date(2026, 11, 1))
    assert refused.value.message == "ends (11/01/2026) before it starts (11/30/2026)"
