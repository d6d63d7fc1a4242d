"""Key descriptions follow the language of the moment a screen is made; the class keeps its
English ones (marked, not translated, at import)."""

from __future__ import annotations

from textual.binding import Binding

from funnel_tui.config import Settings
from funnel_tui.i18n import set_language
from funnel_tui.ui.app import FunnelApp


def descriptions(app: FunnelApp) -> dict[str, str]:
    return {
        binding.action: binding.description
        for group in app._bindings.key_to_bindings.values()
        for binding in group
        if binding.action in ("quit", "toggle_help")
    }


def make() -> FunnelApp:
    def never() -> None:
        raise AssertionError("not opened in this test")

    return FunnelApp(settings=Settings(), open_services=never, open_board=never)  # type: ignore[arg-type]


def test_a_node_made_in_russian_describes_its_keys_in_russian() -> None:
    set_language("ru")
    assert descriptions(make()) == {"quit": "Выход", "toggle_help": "Клавиши"}
    english_class = [b for b in FunnelApp.BINDINGS if isinstance(b, Binding)]
    assert [b.description for b in english_class] == ["Quit", "Keys"]
    set_language("en")
    assert descriptions(make()) == {"quit": "Quit", "toggle_help": "Keys"}
