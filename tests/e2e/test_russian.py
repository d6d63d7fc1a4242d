"""The installed `funnel --lang ru` in a real terminal (tmux, 80×24): the board, the funnel
and the agenda speak Russian, with Russian plurals and money, and `q` ends the app cleanly."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest

from tests.e2e.conftest import Funnel
from tests.e2e.terminal import Terminal, TerminalError
from tests.e2e.test_journeys import quit_the_app

RUSSIAN_COUNT = re.compile(r"\d[\d\u00a0 ]* открыт(ая сделка|ые сделки|ых сделок)")


def press_until(
    terminal: Terminal, key: str, shown: Callable[[str], bool], what: str, tries: int = 6
) -> None:
    """`key`, again while the app still opens its store (it then says so and waits)."""
    for _ in range(tries - 1):
        terminal.press(key)
        try:
            terminal.wait_for(shown, what, timeout=5)
        except TerminalError:
            continue
        return
    terminal.press(key)
    terminal.wait_for(shown, what)


@pytest.mark.timeout(180)
def test_the_app_in_russian(funnel: Funnel) -> None:
    workdir = funnel.root / "tmux-ru"
    workdir.mkdir()
    terminal = Terminal(workdir, 80, 24, "xterm-256color")
    terminal.log_file = funnel.log_file
    try:
        terminal.start(
            [*funnel.command, "--lang", "ru", "--db", str(funnel.db)],
            funnel.terminal_env("xterm-256color", no_color=False),
        )
        terminal.wait_for(
            lambda s: RUSSIAN_COUNT.search(s) is not None and "Открыть" in s.splitlines()[-1],
            "the board in Russian: its open deals counted, the keys described",
            timeout=60,
        )
        assert "₽" in terminal.screen()  # Russian money on the cards: 150 000 ₽
        press_until(
            terminal,
            "f",
            lambda s: "Воронка продаж" in s.splitlines()[0] and "по когорте" in s,
            "the funnel screen in Russian",
        )
        terminal.press("escape")  # waited out: an escape and a letter at once are alt+letter
        terminal.wait_for(lambda s: RUSSIAN_COUNT.search(s) is not None, "the board again")
        terminal.press("a")
        terminal.wait_for(lambda s: "Дела" in s.splitlines()[0], "the agenda in Russian")
        quit_the_app(terminal)
    finally:
        terminal.kill()
