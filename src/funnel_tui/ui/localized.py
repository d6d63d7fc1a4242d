"""Key descriptions in the interface language.

`BINDINGS` are class attributes, made when a module is imported, before anyone chose a
language: their descriptions (and their groups' names) are English, marked with `N_()`. Each node copies its class's
bindings when it is made (Textual's `_bindings`); `Localized` translates that copy, so the
footer, the key panel and the palette show them in the language of that moment.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from textual.binding import Binding
from textual.dom import DOMNode

from funnel_tui.i18n import _


def _translated(binding: Binding) -> Binding:
    # _("") would return the catalog's header: empty stays empty.
    group = binding.group
    if group is not None and group.description:  # the footer's name of several keys
        group = replace(group, description=_(group.description))
    return replace(
        binding,
        description=_(binding.description) if binding.description else "",
        tooltip=_(binding.tooltip) if binding.tooltip else "",
        group=group,
    )


def translate_bindings(node: DOMNode) -> None:
    """Replace `node`'s own copy of its bindings with translated ones (the class's stay
    English; other nodes' copies are not touched)."""
    bindings = node._bindings  # Textual's per-node copy, made in DOMNode.__init__
    bindings.key_to_bindings = {
        key: [_translated(binding) for binding in group]
        for key, group in bindings.key_to_bindings.items()
    }


class Localized:
    """Mix into an App, Screen or Widget with BINDINGS, before the Textual class."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        assert isinstance(self, DOMNode)
        translate_bindings(self)
