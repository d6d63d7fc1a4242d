"""A thread worker's late result is dropped once its screen has left the app."""

from __future__ import annotations

import threading

from textual.app import App
from textual.screen import Screen

from funnel_tui.ui.threads import call_back


def _in_a_thread(target: object) -> None:
    thread = threading.Thread(target=target)  # type: ignore[arg-type]
    thread.start()
    thread.join()


def test_a_result_for_a_screen_no_longer_in_the_app_is_dropped() -> None:
    calls: list[int] = []
    closed: Screen[None] = Screen()  # never mounted, as a screen popped while its worker still ran
    failures: list[BaseException] = []

    def worker() -> None:
        try:
            call_back(closed, calls.append, 1)
        except BaseException as err:  # noqa: BLE001 - the test reports it below
            failures.append(err)

    _in_a_thread(worker)
    assert failures == [] and calls == []


async def test_a_result_for_a_live_screen_reaches_the_ui_thread() -> None:
    app: App[None] = App()
    async with app.run_test() as pilot:
        seen: list[tuple[str, bool]] = []
        ui_thread = threading.get_ident()

        def record(word: str, *, loud: bool) -> None:
            assert threading.get_ident() == ui_thread
            seen.append((word, loud))

        screen = app.screen
        thread = threading.Thread(target=lambda: call_back(screen, record, "hi", loud=True))
        thread.start()
        while thread.is_alive():
            await pilot.pause(0.01)
        assert seen == [("hi", True)]
