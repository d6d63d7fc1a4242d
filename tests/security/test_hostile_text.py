"""Hostile text in every field, drawn everywhere: shown literally, never acted on.

The corpus (corpus.py) goes through every text field twice: via the services and via
`funnel import` of an interchange document (hostile_data.py). Both databases are then drawn
on the board, the deal pane, the agenda, the funnel, the reports and the dashboard (Pilot), and
printed by `report` (every flag and format), `agenda`, `pipeline list`, `users list` and
`plan list`. What the terminal receives carries no escape, C1 control, BEL, bidi override or
zero-width character from the data, no action fires, and `funnel export` gives every stored
string back exactly.

What the validators refuse is recorded at run time, not assumed (validation is still moving):
each refusal must be a one-line ValidationError (test_refusals_are_one_line_validation_errors),
and every corpus string is kept by some field (an activity's note takes them all). When these
tests were written: phone refuses all but digits and `+ ( ) - .` with whitespace (Python's
`\\s` lets CR, VT, FF, NEL, U+001C–U+001F and U+2028 through: the phone-* entries); e-mail
refuses whitespace, no @ or a dotless domain; title > 200, source > 100, tag > 50 and
company/contact > 500 characters; user display names and pipeline, stage and loss-reason
names refuse C0 controls and DEL (the importer takes them in user display names).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from rich.segment import Segment
from textual.strip import Strip

from funnel_tui.bootstrap import build_app, open_services
from funnel_tui.cli import main
from funnel_tui.config import Settings
from funnel_tui.domain.errors import ValidationError
from funnel_tui.ui.app import FunnelApp
from funnel_tui.ui.screens.agenda import AgendaScreen
from funnel_tui.ui.screens.board import BoardScreen
from funnel_tui.ui.screens.dashboard import DashboardScreen
from funnel_tui.ui.screens.deal import DealScreen
from funnel_tui.ui.screens.funnel import FunnelScreen
from funnel_tui.ui.screens.reports import ReportsScreen
from tests.ui.conftest import settle

from .corpus import HOSTILE, LONG_LINE, PAYLOADS
from .hostile_data import (
    Outcome,
    build_by_services,
    frozen_clock,
    full_document,
    probe_document,
    write_json,
)

pytestmark = pytest.mark.usefixtures("utc_zone")

SIZE = (220, 70)

# Data made visible: the stand-ins render/safe.py draws for what it neutralises.
STAND_INS = ("␛]52;c;ZXZpbA==␇", "[@click=app.quit]x[/]", "<U+202E>", "<U+009B>2J")

# The sequences Textual itself writes: colours and styles (SGR), and cursor moves.
_TEXTUAL = re.compile(r"\x1b\[[0-9;:]*m|\x1b\[\d+;\d+H")


@dataclass(frozen=True)
class Built:
    path: Path
    outcome: Outcome
    """What the services kept and refused (the import document holds what they kept)."""


@pytest.fixture(scope="module")
def by_services(tmp_path_factory: pytest.TempPathFactory) -> Built:
    path = tmp_path_factory.mktemp("services") / "hostile.db"
    return Built(path, build_by_services(path))


@pytest.fixture(scope="module")
def by_import(tmp_path_factory: pytest.TempPathFactory, by_services: Built) -> Built:
    folder = tmp_path_factory.mktemp("import")
    path = folder / "hostile.db"
    outcome = import_outcome(by_services.outcome, folder / "probe.db")
    document = write_json(folder / "hostile.json", full_document(outcome))
    with isolated(folder):
        assert main(["--db", str(path), "import", str(document)]) == 0
    return Built(path, outcome)


def import_outcome(services_outcome: Outcome, probe: Path) -> Outcome:
    """What the document holds: what the services kept, and the display names they refused
    if the importer takes them (it checks names less strictly: a file is where they come
    from)."""
    outcome = Outcome(
        dict(services_outcome.refused),
        {key: set(names) for key, names in services_outcome.kept.items()},
        services_outcome.main,
    )
    refused = services_outcome.refused.get("user name", {})
    extra = [(n, v) for n, v in HOSTILE if n in refused and len(v) <= 100]
    services = open_services(probe, login="anna", clock=frozen_clock)
    try:
        users = [{"login": f"x{i}", "name": value} for i, (_, value) in enumerate(extra)]
        if outcome.attempt(
            "user name (import)",
            "all",
            lambda: services.interchange.import_document({"format": "funnel/1", "users": users}),
        ):
            outcome.kept["user name"] |= {name for name, _ in extra}
    finally:
        services.close()
    return outcome


@pytest.fixture(params=["services", "import"])
def built(request: pytest.FixtureRequest) -> Built:
    found: Built = request.getfixturevalue(f"by_{request.param}")
    return found


def isolated(folder: Path) -> Any:
    """The module fixtures run before the per-test isolation: the same isolation, here."""
    patch = pytest.MonkeyPatch.context()
    return _isolated(patch, folder)


class _isolated:
    def __init__(self, patch: Any, folder: Path) -> None:
        self._patch, self._folder = patch, folder

    def __enter__(self) -> None:
        mp = self._patch.__enter__()
        for variable in ("HOME", "XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME"):
            (self._folder / variable).mkdir(exist_ok=True)
            mp.setenv(variable, str(self._folder / variable))
        mp.setenv("FUNNEL_TUI_CONFIG", str(self._folder / "config.toml"))
        mp.setenv("FUNNEL_TUI_DATA_DIR", str(self._folder / "data"))
        mp.delenv("FUNNEL_DB", raising=False)

    def __exit__(self, *exc: object) -> None:
        self._patch.__exit__(*exc)


# --- what reaches the terminal --------------------------------------------------------------


def segments(line: Any) -> Iterator[Segment]:
    for item in line:
        if isinstance(item, Strip):
            yield from item
        elif isinstance(item, Segment):
            yield item


def drawn(app: FunnelApp) -> tuple[str, str]:
    """The text of the screen's segments, and the data the terminal would receive for it."""
    update: Any = app.screen._compositor.render_update(full=True)
    text = "\n".join(
        "".join(segment.text for segment in segments(line) if not segment.control)
        for line in update.strips
    )
    return text, update.render_segments(app.console)


def assert_clean_text(text: str, where: str) -> None:
    """No character from the data that a terminal would act on, or that hides or reorders."""
    found = sorted({repr(payload) for payload in PAYLOADS if payload in text})
    assert not found, f"{where}: {found} reached the output"
    c1 = sorted({f"U+{ord(c):04X}" for c in text if 0x80 <= ord(c) < 0xA0})
    assert not c1, f"{where}: C1 controls {c1} reached the output"
    c0 = sorted({f"U+{ord(c):04X}" for c in text if ord(c) < 0x20 and c not in "\n"})
    assert not c0, f"{where}: C0 controls {c0} reached the output"


def assert_clean_screen(app: FunnelApp, where: str) -> str:
    text, raw = drawn(app)
    assert_clean_text(text, where)
    assert not re.search(r"\x1b\]8;[^\x1b]*evil", raw), f"{where}: a data link was drawn"
    rest = _TEXTUAL.sub("", raw)  # what is left once Textual's own sequences are gone
    assert "\x1b" not in rest, f"{where}: a stray escape: {rest[rest.index(chr(27)) :][:20]!r}"
    assert app.is_running and app.return_code is None, f"{where}: the app stopped"
    assert app.clipboard == "", f"{where}: the clipboard was written"
    return text


def assert_shows(
    text: str, where: str, outcome: Outcome, field_name: str, stand_ins: tuple[str, ...] = STAND_INS
) -> None:
    """The neutralised stand-ins of the kept values are there: the data was drawn."""
    expected = [s for s in stand_ins if s in _kept_stand_ins(outcome, field_name)]
    missing = [s for s in expected if s not in text]
    assert not missing, f"{where}: {missing} not shown"


def _kept_stand_ins(outcome: Outcome, field_name: str) -> str:
    from funnel_tui.render.safe import clean

    return "\n".join(clean(value) for name, value in HOSTILE if outcome.accepts(field_name, name))


# --- Pilot ----------------------------------------------------------------------------------


def make_app(path: Path) -> FunnelApp:
    return build_app(
        Settings(currency="RUB", start_screen="board"), str(path), login="anna", clock=frozen_clock
    )


async def visit(pilot: Any, key: str, screen_type: type) -> None:
    """From the board, by its key."""
    while not isinstance(pilot.app.screen, BoardScreen):
        pilot.app.pop_screen()
        await settle(pilot)
    await pilot.press(key)
    await settle(pilot)
    assert isinstance(pilot.app.screen, screen_type), f"{key}: {pilot.app.screen!r}"


# Opening a pane takes about 0.6 s: each database shows half of these corpus entries' deals.
PANE_SAMPLE = (
    ("click-quit", "osc52", "c1-all", "bidi-all", "long-line", "phone-c1"),
    ("link", "osc8", "c0-all", "mixed", "email-osc", "cr"),
)


def pane_ids(which: int) -> list[int]:
    """The open deal of each entry (deals alternate: the open one, then the lost one)."""
    names = [name for name, _ in HOSTILE]
    return [2 * names.index(name) + 1 for name in PANE_SAMPLE[which]]


async def test_every_screen_draws_hostile_text_literally_and_does_nothing(built: Built) -> None:
    app = make_app(built.path)
    seen: list[str] = []
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, BoardScreen)
        seen.append(assert_clean_screen(app, "board"))
        if built.outcome.accepts("title", "click-quit"):
            assert "[@click=app.quit]x[/]" in seen[-1]
        for offset in ((5, 5), (60, 8)):  # click on a card and a header
            await pilot.click(offset=offset)
            await settle(pilot)
            assert_clean_screen(app, f"board after a click at {offset}")
        await pilot.press("escape")
        await settle(pilot)
        # The pickers: user display names, stage names with the card's title, loss reasons;
        # and the palette's deal search.
        services_db = built.path.parent.name.startswith("services")
        pickers = ("o", "m", "x", "ctrl+p") if services_db else ("o",)
        for key in pickers:
            await pilot.press(key)
            await settle(pilot)
            if key == "ctrl+p":
                await pilot.press(*"click")
                await pilot.pause(0.3)
                await settle(pilot)
            assert not isinstance(app.screen, BoardScreen), f"{key} opened nothing"
            seen.append(assert_clean_screen(app, f"the {key} picker"))
            await pilot.press("escape")
            await settle(pilot)
            assert isinstance(app.screen, BoardScreen), key

        for deal_id in pane_ids(0 if services_db else 1):
            app.open_deal(deal_id)
            await settle(pilot)
            assert isinstance(app.screen, DealScreen)
            seen.append(assert_clean_screen(app, f"deal pane {deal_id}"))
            await pilot.press("escape")
            await settle(pilot)
        app.open_deal(2)  # a lost one: loss reason and note
        await settle(pilot)
        seen.append(assert_clean_screen(app, "lost deal pane"))
        await pilot.press("escape")
        await settle(pilot)

        await visit(pilot, "a", AgendaScreen)
        seen.append(assert_clean_screen(app, "agenda"))
        await pilot.press("escape")
        await settle(pilot)
        await visit(pilot, "f", FunnelScreen)
        seen.append(assert_clean_screen(app, "funnel"))
        await pilot.press("escape")
        await settle(pilot)
        await visit(pilot, "R", ReportsScreen)
        for key in "12345":
            await pilot.press(key)
            await settle(pilot)
            seen.append(assert_clean_screen(app, f"reports tab {key}"))
        await pilot.press("escape")
        await settle(pilot)
        await visit(pilot, "D", DashboardScreen)
        for _ in range(50):
            await pilot.pause(0.02)
            if isinstance(app.screen, DashboardScreen) and app.screen.reads:
                break
        await settle(pilot)
        seen.append(assert_clean_screen(app, "dashboard"))
        await pilot.click(offset=(10, 5))
        await settle(pilot)
        assert_clean_screen(app, "dashboard after a click")
    everything = "\n".join(seen)
    assert_shows(everything, "the screens", built.outcome, "title")


# --- the command line -----------------------------------------------------------------------

REPORT_RUNS = [
    [],
    ["--view", "snapshot"],
    ["--period", "last-12-months"],
    ["--kpi"],
    ["--forecast"],
    ["--plan"],
    ["--team"],
    ["--losses"],
    ["--kpi", "--forecast", "--plan", "--team", "--losses"],
]
TEXT_COMMANDS = [
    *(["report", *flags] for flags in REPORT_RUNS),
    ["agenda"],
    ["agenda", "--quiet"],
    ["pipeline", "list"],
    ["users", "list"],
    ["plan", "list"],
]
MACHINE_COMMANDS = [
    *(["report", *flags, "--format", fmt] for flags in REPORT_RUNS[:8] for fmt in ("json", "csv")),
    ["agenda", "--format", "json"],
    ["pipeline", "list", "--format", "json"],
    ["users", "list", "--format", "json"],
    ["plan", "list", "--format", "json"],
    ["export"],
    ["ics"],
]


def run_cli(
    args: list[str], path: Path, capsys: pytest.CaptureFixture[str]
) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(
        ["--db", str(path), *args, *(["--as-of", "2026-11-23 09:00"] if _dated(args) else [])]
    )
    out, err = capsys.readouterr()
    return code, out, err


def _dated(args: list[str]) -> bool:
    return args[0] in ("report", "agenda")


def test_text_output_of_every_command_is_clean(
    built: Built, capsys: pytest.CaptureFixture[str]
) -> None:
    printed = []
    for args in TEXT_COMMANDS:
        code, out, err = run_cli(args, built.path, capsys)
        where = " ".join(args)
        assert code == 0, f"{where}: {err}"
        assert_clean_text(out, where)
        assert_clean_text(err, f"{where} (stderr)")
        printed.append(out)
    # Tables wrap long cells at 80 columns: look for the short stand-ins.
    assert_shows("\n".join(printed), "the commands", built.outcome, "title", ("␛", "␇", "<U+"))


def test_json_csv_and_calendar_output_carry_nothing_a_terminal_acts_on(
    built: Built, capsys: pytest.CaptureFixture[str]
) -> None:
    """Printed to a terminal as they are: JSON writes controls, bidi and zero-width characters
    as \\u escapes (render/safe.py `safe_json`), CSV and iCalendar pass text through `clean`."""
    for args in MACHINE_COMMANDS:
        code, out, err = run_cli(args, built.path, capsys)
        where = " ".join(args)
        assert code == 0, f"{where}: {err}"
        assert_clean_text(out.replace("\r\n", "\n") if args == ["ics"] else out, where)
        if "json" in args or args == ["export"]:
            json.loads(out)


# --- the round trip -------------------------------------------------------------------------


def exported(path: Path, capsys: pytest.CaptureFixture[str]) -> dict[str, Any]:
    code, out, err = run_cli(["export"], path, capsys)
    assert code == 0, err
    document: dict[str, Any] = json.loads(out)
    return document


def stored_strings(document: dict[str, Any]) -> dict[str, set[str]]:
    """Every text the export holds, by the field it is in."""
    found: dict[str, set[str]] = {}

    def add(key: str, value: Any) -> None:
        if isinstance(value, str):
            found.setdefault(key, set()).add(value)

    for user in document["users"]:
        add("user name", user["name"])
    for pipeline in document["pipelines"]:
        add("pipeline name", pipeline["name"])
        for stage in pipeline["stages"]:
            add("stage name", stage["name"])
            for question in stage.get("checklist", []):
                add("checklist question", question)
        for reason in pipeline["loss_reasons"]:
            add("loss reason", reason)
    for deal in document["deals"]:
        for key in ("title", "company", "contact", "phone", "email", "source"):
            add(key, deal.get(key))
        for tag in deal.get("tags", []):
            add("tags", tag)
        add("next contact note", deal.get("next_contact_note"))
        add("loss note", deal.get("loss_note"))
        add("loss reason", deal.get("loss_reason"))
        for activity in deal.get("activities", []):
            add("activity note", activity.get("body"))
        for answer in deal.get("checklist", []):
            add("checklist answer", answer["answer"])
    return found


def test_export_gives_back_every_kept_string_exactly(
    built: Built, capsys: pytest.CaptureFixture[str]
) -> None:
    document = exported(built.path, capsys)
    stored = stored_strings(document)
    values = dict(HOSTILE)
    checked = 0
    for field_name, kept in built.outcome.kept.items():
        for name in kept & set(values):
            assert values[name] in stored.get(field_name, set()), f"{field_name}: {name}"
            checked += 1
    assert checked > 500
    questions = built.outcome.kept.get("checklist question", set())
    assert {values[name] for name in questions} <= stored.get("checklist answer", set())
    # And importing the export elsewhere gives the same export again.
    again = built.path.parent / "again.db"
    file = write_json(built.path.parent / "again.json", document)
    if not again.exists():
        code, _, err = run_cli(["import", str(file)], again, capsys)
        assert code == 0, err
    assert exported(again, capsys) == document


# --- refusals -------------------------------------------------------------------------------


def test_refusals_are_one_line_validation_errors(by_services: Built) -> None:
    refused = by_services.outcome.refused
    for field_name, messages in refused.items():
        for name, message in messages.items():
            assert "\n" not in message and "\r" not in message, f"{field_name}: {name}"
            assert "\x1b" not in message and len(message) < 400, f"{field_name}: {name}"
    # Every string is stored somewhere (an activity's note takes them all), so every one is
    # drawn and exported by the tests above.
    kept = set().union(*by_services.outcome.kept.values())
    assert kept == {name for name, _ in HOSTILE}
    assert len(by_services.outcome.kept["activity note"]) == len(HOSTILE)


@pytest.mark.parametrize(
    ("where", "value"),
    [("title", LONG_LINE), ("phone", "[@click=app.quit]x[/]"), ("email", "a\x1b[2Jb")],
    ids=["long-title", "markup-phone", "escape-email"],
)
def test_an_import_with_a_refused_value_says_so_in_one_line_and_imports_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], where: str, value: str
) -> None:
    path = tmp_path / "refused.db"
    file = write_json(tmp_path / "refused.json", probe_document(where, value, 1))
    code, _, err = run_cli(["import", str(file)], path, capsys)
    assert code == 1
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "nothing was imported" in lines[0], err
    assert_clean_text(err, "import error")
    services = open_services(path, login="anna", clock=frozen_clock)
    try:
        assert services.pipelines.list() == []
    finally:
        services.close()


def test_a_refused_value_from_the_services_raises_validation_error(by_services: Built) -> None:
    services = open_services(by_services.path, login="anna", clock=frozen_clock)
    try:
        with pytest.raises(ValidationError) as raised:
            services.users.change("anna", name="\x1b]52;c;ZXZpbA==\x07")
        assert str(raised.value) == "name: contains control characters"
    finally:
        services.close()
