"""The main journey, by keys, in a real terminal (issue 12).

Open the app on a demo database, find a deal with `/`, open it, log a call, set the next
contact "tomorrow 10:00", move it forward twice, lose another deal with a reason, open the
funnel, quit. The screen is checked at every step (what a person sees, at 80×24 too) and the
database afterwards through the real CLI (`funnel export`).

Every step waits for what the previous key did to show before the next key goes: keys sent
in one burst can overtake a focus change (Textual bubbles a key to the screen that moves the
focus while the next keys already go to the old field), which no person typing does.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from tests.e2e.conftest import ZONE, AppLauncher, Funnel, os_login
from tests.e2e.terminal import Terminal, on_row_of, row_of, under

SIZES = [pytest.param(80, 24, id="80x24"), pytest.param(160, 45, id="160x45")]
TERMINALS = [
    pytest.param("xterm-256color", False, id="xterm-256color"),
    pytest.param("screen", True, id="screen-NO_COLOR"),
]

CALL_OUTCOMES = ("reached", "no answer", "busy", "voicemail", "wrong number")
"""As the call modal lists them."""
CALL_OUTCOME = "busy"
CALL_NOTE = "E2E call, terms agreed"
LOSS_NOTE = "E2E lost to a rival"
OPEN_DEAL_TRIES = 4
"""`enter` on a card before the store has opened (the first second or so) opens nothing;
the journey presses it again, as a person would, if the pane has not come."""


@dataclass(frozen=True, slots=True)
class Deal:
    id: int
    title: str
    created_at: str
    history: int
    """How many stage changes it had before the journey."""


@dataclass(frozen=True, slots=True)
class Plan:
    """What the journey works on, read from the database before it starts."""

    pipeline: str
    stages: tuple[str, ...]
    """The pipeline's open stages, in order."""
    lost_stage: str
    reasons: tuple[str, ...]
    open_deals: int
    journey: Deal
    loser: Deal

    @property
    def reason(self) -> str:
        return self.reasons[min(2, len(self.reasons) - 1)]


def plan_journey(funnel: Funnel) -> Plan:
    """Two open deals of the first pipeline, in its first stage, each found alone by `/` with
    its (short, ASCII) title: one for the journey, one to lose."""
    exported = funnel.export()
    pipeline = exported["pipelines"][0]
    name = pipeline["name"]
    stages = tuple(s["name"] for s in pipeline["stages"] if s["kind"] == "open")
    lost_stage = next(s["name"] for s in pipeline["stages"] if s["kind"] == "lost")
    histories = {
        (deal["title"], deal["created_at"]): len(deal["history"]) for deal in exported["deals"]
    }
    rows = [
        row
        for row in funnel.deals_csv().values()
        if row["pipeline"] == name and row["status"] == "open"
    ]

    def searchable(row: dict[str, str]) -> str:
        fields = ("title", "company", "contact", "phone", "tags")
        return " ".join(row[field] for field in fields).lower()

    def found_alone(row: dict[str, str]) -> bool:
        needle = row["title"].lower()
        return [r["id"] for r in rows if needle in searchable(r)] == [row["id"]]

    chosen = [
        Deal(
            int(row["id"]),
            row["title"],
            row["created_at"],
            histories[(row["title"], row["created_at"])],
        )
        for row in rows
        if row["stage"] == stages[0]
        and row["title"].isascii()
        and len(row["title"]) <= 20
        and found_alone(row)
    ]
    assert len(chosen) >= 2, f"the demo data changed: no two deals to work on in {name}"
    reasons = tuple(pipeline["loss_reasons"])
    assert reasons, f"{name} has no loss reasons"
    return Plan(name, stages, lost_stage, reasons, len(rows), chosen[0], chosen[1])


def tomorrow() -> date:
    return datetime.now(ZoneInfo(ZONE)).date() + timedelta(days=1)


def summary_line(screen: str, starts: str) -> str | None:
    """The deal pane's summary line that starts with `starts` (its stage line, its next
    contact line)."""
    return next((line for line in screen.splitlines() if line.startswith(f" {starts}")), None)


# --- the steps -------------------------------------------------------------------------------


def open_on_the_board(terminal: Terminal, plan: Plan) -> None:
    def board(screen: str) -> bool:
        first = screen.splitlines()[0] if screen else ""
        return (
            plan.pipeline in first
            and plan.stages[0] in screen
            and f"{plan.open_deals} open deals" in screen
        )

    # The first start of a Python app on a loaded machine: the longest wait of all.
    terminal.wait_for(board, f"the board of {plan.pipeline} with its open deals", timeout=60)


def filter_to(terminal: Terminal, deal: Deal) -> None:
    """`/`, the title, enter: the board shows that deal alone, the focus on its column."""
    terminal.type("/")
    # The focus in the box (the footer then shows the box's keys, not the cards'): letters
    # typed before it would be the board's keys (a: agenda, n: new deal…).
    terminal.wait_for(
        lambda s: "Filter: title" in s and "⏎ Open" not in s.splitlines()[-1],
        "the filter box, focused",
    )
    terminal.type(deal.title)
    terminal.wait_for(f"1 open deal matching “{deal.title}”", f"the board filtered to {deal}")
    terminal.press("Enter")
    terminal.wait_for(
        lambda screen: "⏎ Open" in screen.splitlines()[-1], "the board's keys (focus on a card)"
    )


def open_deal(terminal: Terminal, deal: Deal, plan: Plan) -> None:
    def pane(screen: str) -> bool:
        header = screen.splitlines()[0] if screen else ""
        return (
            deal.title in header
            and f"deal {deal.id}" in header
            and summary_line(screen, f"{plan.stages[0]} · ") is not None
            and "Timeline ·" in screen
        )

    for _ in range(OPEN_DEAL_TRIES - 1):
        terminal.press("Enter")
        try:
            terminal.wait_for(pane, timeout=10)
            break
        except AssertionError:
            if "⏎ Open" not in terminal.lines()[-1]:
                raise  # not on the board any more: something else went wrong
    else:
        terminal.press("Enter")
        terminal.wait_for(pane, f"the deal pane of deal {deal.id}, in {plan.stages[0]}")


def log_a_call(terminal: Terminal, deal: Deal) -> None:
    """`c`, ↓↓ busy, enter, 3m, enter, the note, ctrl+s: the next-contact question follows."""
    terminal.press("c")
    terminal.wait_for(
        lambda s: f"Log for “{deal.title}”" in s and "wrong number" in s, "the call modal"
    )
    terminal.choose(CALL_OUTCOMES, CALL_OUTCOMES.index(CALL_OUTCOME), "the call's outcome")
    terminal.press("Enter")
    terminal.wait_for_cursor(on_row_of("Duration"), "the focus on the duration")
    terminal.type("3m")
    terminal.wait_for(
        lambda s: any("Duration" in line and "3m" in line for line in s.splitlines()),
        "3m in the duration",
    )
    terminal.press("Enter")

    def in_the_note(row: int, lines: list[str]) -> bool:
        duration = row_of("Duration", lines)
        return duration is not None and row > duration

    terminal.wait_for_cursor(in_the_note, "the focus on the note")
    terminal.type(CALL_NOTE)
    terminal.wait_for(CALL_NOTE, "the note typed")
    terminal.press("C-s")
    terminal.wait_for(f"Next contact for “{deal.title}”", "the next-contact question")


def set_next_contact(terminal: Terminal, days: set[date]) -> None:
    """Type "tomorrow 10:00": the modal says what it understood; enter saves it."""

    def when(screen: str) -> str:
        return next((line for line in screen.splitlines() if "When " in line), "")

    # The modal shows before its input has the focus: the first letter goes alone, again if
    # it was lost (the box still shows its placeholder), then the rest.
    for _ in range(3):
        terminal.type("t")
        try:
            terminal.wait_for(lambda s: "fri, +3d" not in when(s), "the first letter", 5)
            break
        except AssertionError:
            continue
    terminal.type("omorrow 10:00")
    terminal.wait_for(
        lambda s: any("→" in line and "tomorrow 10:00" in line for line in s.splitlines()),
        "the preview of tomorrow 10:00",
    )
    terminal.press("Enter")
    # English writes dates month first (the config names no date format).
    shown = {day.strftime("%m/%d/%Y 10:00") for day in days}
    # "Next contact tomorrow 10:00 (11/24/2026 10:00)"; only the date if the day turned.
    said = "Next contact tomorrow 10:00" if len(days) == 1 else "Next contact "

    def next_contact_shown(screen: str) -> bool:
        line = summary_line(screen, said)
        return line is not None and any(f"({text})" in line for text in shown)

    terminal.wait_for(next_contact_shown, f"{said!r} and one of {shown} in the summary")
    terminal.expect(f"Call out · {CALL_OUTCOME} · 3m", "the call in the timeline")
    terminal.expect(CALL_NOTE, "the call's note in the timeline")


def move_forward(terminal: Terminal, deal: Deal, source: str, target: str) -> bool:
    """`>`; yes to the question if the stage asks (its exit checklist). True if it asked."""
    terminal.type(">")

    def moved_or_asked(screen: str) -> bool:
        return summary_line(screen, f"{target} · ") is not None or f"to {target}?" in screen

    screen = terminal.wait_for(moved_or_asked, f"the move to {target} (or its question)")
    asked = f"to {target}?" in screen
    if asked:
        terminal.expect(f"Move {deal.title} to {target}?", "the move's question")
        terminal.press("y")
    terminal.wait_for(
        lambda s: summary_line(s, f"{target} · ") is not None, f"the deal in {target}"
    )
    # "→ Prospecting → Qualificatio…" at 80 columns: the timeline is narrow.
    moved = f"→ {source} → {target[:5]}"
    terminal.wait_for(moved, f"the move {source} → {target} in the timeline")
    return asked


def in_column(screen: str, text: str, stage: str, first_stage: str) -> bool:
    """`text` shows under the heading of `stage` (below the column headings)."""
    lines = screen.splitlines()
    heading = next(
        (i for i, line in enumerate(lines) if stage in line and first_stage in line), None
    )
    if heading is None:
        return False
    column = lines[heading].index(stage)
    return any(abs(line.index(text) - column) <= 3 for line in lines[heading + 1 :] if text in line)


def back_to_the_board(terminal: Terminal, deal: Deal, plan: Plan, days: set[date]) -> None:
    """esc: the board, the deal's card in its new column with the next contact's day."""
    terminal.press("Escape")
    terminal.wait_for(
        lambda s: f"1 open deal matching “{deal.title}”" in s and "⏎ Open" in s.splitlines()[-1],
        "the board again",
    )
    badges = {f"◷{day.strftime('%m/%d')}" for day in days}
    # At 80×24 the notifications of the last steps cover the column for a few seconds.
    terminal.wait_for(
        lambda s: (
            in_column(s, deal.title, plan.stages[2], plan.stages[0])
            and any(badge in s for badge in badges)
        ),
        f"the card of {deal.title} in the {plan.stages[2]} column, with one of {badges}",
    )


def clear_the_filter(terminal: Terminal, plan: Plan) -> None:
    terminal.press("Escape")
    terminal.wait_for(
        lambda s: f"{plan.open_deals} open deals  ·" in s and "matching" not in s,
        "the whole board again",
    )


def lose(terminal: Terminal, deal: Deal, plan: Plan) -> None:
    """`x`, ↓ to the reason, enter, a note, enter: the card leaves the open columns."""
    terminal.press("x")
    terminal.wait_for(
        lambda s: f"Lose “{deal.title}”" in s and plan.reasons[-1] in s, "the lose modal"
    )
    terminal.choose(plan.reasons, plan.reasons.index(plan.reason), "the loss reason")
    terminal.press("Enter")
    terminal.wait_for_cursor(under("Note (optional)"), "the focus on the loss note")
    terminal.type(LOSS_NOTE)
    terminal.wait_for(LOSS_NOTE, "the loss note typed")
    terminal.press("Enter")
    terminal.wait_for(
        f"0 open deals matching “{deal.title}”", f"{deal.title} gone from the open columns"
    )


def open_the_funnel(terminal: Terminal, plan: Plan) -> None:
    terminal.press("f")
    terminal.wait_for(
        lambda s: (
            f"Funnel — {plan.pipeline}" in s.splitlines()[0]
            and "cohort view" in s
            and all(stage in s for stage in plan.stages[:3])
        ),
        f"the funnel screen of {plan.pipeline} with its stages",
    )


def quit_the_app(terminal: Terminal) -> None:
    """`q`: the app ends, with status 0, and its process is gone."""
    pid = terminal.pid
    assert pid is not None, "the launcher did not record the app's process"
    terminal.press("q")
    status = terminal.wait_until_exited()
    if status != 0:
        terminal.fail(f"funnel exited with status {status}")
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)


# --- the database afterwards -----------------------------------------------------------------


def check_the_database(funnel: Funnel, plan: Plan, days: set[date]) -> None:
    login = os_login()
    deals = funnel.deals_csv()
    journey, loser = deals[plan.journey.id], deals[plan.loser.id]

    assert journey["status"] == "open" and journey["stage"] == plan.stages[2], journey
    zone = ZoneInfo(ZONE)
    expected = {
        datetime(day.year, day.month, day.day, 10, tzinfo=zone)
        .astimezone(ZoneInfo("UTC"))
        .strftime("%Y-%m-%dT%H:%M:%SZ")
        for day in days
    }
    assert journey["next_contact"] in expected, (journey["next_contact"], expected)

    calls = [
        row
        for row in funnel.activities_csv()
        if row["deal_id"] == str(plan.journey.id) and row["body"] == CALL_NOTE
    ]
    assert len(calls) == 1, calls
    call = calls[0]
    assert (call["kind"], call["direction"], call["outcome"]) == ("call", "out", CALL_OUTCOME)
    assert (call["duration_s"], call["by"]) == ("180", login)

    assert loser["status"] == "lost" and loser["stage"] == plan.lost_stage, loser
    assert (loser["loss_reason"], loser["loss_note"]) == (plan.reason, LOSS_NOTE), loser

    exported = {(d["title"], d["created_at"]): d for d in funnel.export()["deals"]}
    history = exported[(plan.journey.title, plan.journey.created_at)]["history"]
    assert len(history) == plan.journey.history + 2, history
    assert [(h["stage"], h["by"]) for h in history[-2:]] == [
        (plan.stages[1], login),
        (plan.stages[2], login),
    ], history[-2:]
    lost_history = exported[(plan.loser.title, plan.loser.created_at)]["history"]
    assert len(lost_history) == plan.loser.history + 1, lost_history
    assert lost_history[-1]["stage"] == plan.lost_stage, lost_history[-1]


# --- the test --------------------------------------------------------------------------------


@pytest.mark.timeout(300)
@pytest.mark.parametrize(("term", "no_color"), TERMINALS)
@pytest.mark.parametrize(("width", "height"), SIZES)
def test_the_main_journey_by_keys(
    funnel: Funnel,
    launch: AppLauncher,
    width: int,
    height: int,
    term: str,
    no_color: bool,
) -> None:
    started = time.monotonic()
    plan = plan_journey(funnel)
    terminal = launch(width, height, term, no_color)

    open_on_the_board(terminal, plan)
    filter_to(terminal, plan.journey)
    open_deal(terminal, plan.journey, plan)

    days = {tomorrow()}
    log_a_call(terminal, plan.journey)
    set_next_contact(terminal, days | {tomorrow()})
    days.add(tomorrow())  # the day may have turned meanwhile (a run at midnight)

    move_forward(terminal, plan.journey, plan.stages[0], plan.stages[1])
    move_forward(terminal, plan.journey, plan.stages[1], plan.stages[2])
    back_to_the_board(terminal, plan.journey, plan, days)

    clear_the_filter(terminal, plan)
    filter_to(terminal, plan.loser)
    lose(terminal, plan.loser, plan)

    open_the_funnel(terminal, plan)
    quit_the_app(terminal)

    check_the_database(funnel, plan, days)
    print(f"journey {width}x{height} {term}: {time.monotonic() - started:.1f} s")
