"""Domain errors. Every failure a user can cause is one of these, with a one-line message."""

from __future__ import annotations


class FunnelError(Exception):
    """Base of every error Funnel reports to a user (one line, no traceback)."""


class ValidationError(FunnelError):
    """A value a user typed or imported is not acceptable."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


class NotFoundError(FunnelError):
    """A deal, stage, pipeline or user named by the user does not exist."""


class ConflictError(FunnelError):
    """Someone else changed the record since it was read (optimistic locking)."""


class InvalidTransitionError(FunnelError):
    """A stage move the rules do not allow."""


class StoreError(FunnelError):
    """The database cannot be opened, read or written."""
