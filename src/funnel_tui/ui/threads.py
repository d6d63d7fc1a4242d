"""Handing a thread worker's result back to the UI thread."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.message_pump import MessagePump
from textual.types import NoActiveAppError


def call_back(node: MessagePump, callback: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
    """Run `callback(*args, **kwargs)` on the UI thread, or drop it when `node` has left the app.

    A thread worker runs outside the app's context, so `node.app` is found through the
    node's parents. Once its screen is closed, or the app is shutting down, the node has
    none: the late result has nowhere to go and must not fail the worker (which would
    surface as a crash on exit).
    """
    try:
        app = node.app
    except NoActiveAppError:
        return
    app.call_from_thread(callback, *args, **kwargs)
