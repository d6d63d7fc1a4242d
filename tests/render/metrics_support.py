"""What the report-chart tests share: the snapshot formats, consoles with and without colour,
and a check that each output line fits its width.

Snapshots: `.txt` plain text (no colour), `.ansi` the coloured output (`cat` it in a terminal
to see it). Update only after looking at them:
`pytest -n 0 tests/render/test_metrics_*.py --snapshot-update`.
"""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
from rich.cells import cell_len
from rich.console import Console, RenderableType
from syrupy.extensions.single_file import SingleFileSnapshotExtension, WriteMode

WIDTHS = (40, 80, 120)
FIT_WIDTHS = (*WIDTHS, *range(20, 161, 7))
HOSTILE = "[@click=app.quit]x[/] \x1b]52;c;aGk=\x07"
HOSTILE_SHOWN = "[@click=app.quit]x[/] ␛]52;c;aGk=␇"
_SGR = re.compile(r"\x1b\[[0-9;]*m")


class PlainText(SingleFileSnapshotExtension):
    _write_mode = WriteMode.TEXT
    _file_extension = "txt"


class AnsiText(SingleFileSnapshotExtension):
    _write_mode = WriteMode.TEXT
    _file_extension = "ansi"


def clear_rich_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Rich reads these: the tests choose colour through the Console alone."""
    for variable in ("NO_COLOR", "FORCE_COLOR", "TTY_COMPATIBLE", "TTY_INTERACTIVE", "COLUMNS"):
        monkeypatch.delenv(variable, raising=False)


@pytest.fixture(autouse=True)
def plain_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Autouse in every module that imports it: see `clear_rich_environment`."""
    clear_rich_environment(monkeypatch)


def plain(renderable: RenderableType, width: int) -> str:
    console = Console(width=width, color_system=None, file=io.StringIO())
    console.print(renderable)
    output = console.file.getvalue()  # type: ignore[attr-defined]
    assert isinstance(output, str)
    return output


def coloured(renderable: RenderableType, width: int, **options: Any) -> str:
    console = Console(
        width=width, force_terminal=True, color_system="truecolor", file=io.StringIO(), **options
    )
    console.print(renderable)
    output = console.file.getvalue()  # type: ignore[attr-defined]
    assert isinstance(output, str)
    return output


def without_styles(output: str) -> str:
    return _SGR.sub("", output)


def style_codes(output: str) -> set[str]:
    return set(re.findall(r"\x1b\[([0-9;]*)m", output))


NO_COLOUR_CODES = {"0", "1", "2", "1;2"}
"""Reset, bold and dim: what NO_COLOR leaves of the styles."""


def under_no_color(monkeypatch: pytest.MonkeyPatch, renderable: RenderableType, width: int) -> str:
    """What a terminal shows of `renderable` with NO_COLOR set, its styles removed, after
    checking that they are bold and dim at the most."""
    monkeypatch.setenv("NO_COLOR", "1")
    output = coloured(renderable, width)
    assert style_codes(output) <= NO_COLOUR_CODES
    return without_styles(output)


def assert_shown_literally(output: str) -> None:
    """`HOSTILE` is in the coloured `output` as text, its markup and escapes inert."""
    assert HOSTILE_SHOWN in without_styles(output)
    assert "\x1b]52" not in output and "\x07" not in output


def assert_fits(output: str, width: int) -> None:
    lines = output.splitlines()
    assert lines
    widest = max(cell_len(line) for line in lines)
    assert widest <= width, f"{widest} cells > {width}:\n{output}"


def line_with(output: str, needle: str) -> str:
    """The one line of `output` that contains `needle`."""
    found = [line for line in output.splitlines() if needle in line]
    assert len(found) == 1, (needle, found)
    return found[0]
