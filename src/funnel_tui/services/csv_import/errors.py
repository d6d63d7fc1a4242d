"""What can be wrong with an imported file or one of its rows."""

from __future__ import annotations

from dataclasses import dataclass

from funnel_tui.domain.errors import FunnelError
from funnel_tui.i18n import _


@dataclass(frozen=True, slots=True)
class RowProblem:
    """One bad cell or row: `line` is the physical line of the file (the header is line 1;
    for XLSX, the sheet's row number), `column` the header as written in the file."""

    line: int
    column: str
    reason: str

    def __str__(self) -> str:
        if self.column:
            return _("line {line}, column {column}: {reason}").format(
                line=self.line, column=repr(self.column), reason=self.reason
            )
        return _("line {line}: {reason}").format(line=self.line, reason=self.reason)


class ImportProblem(FunnelError):
    """The file cannot be imported (as a whole, or without `skip_bad`, because of bad rows)."""

    def __init__(self, message: str, problems: tuple[RowProblem, ...] = ()) -> None:
        super().__init__(message)
        self.problems = problems
