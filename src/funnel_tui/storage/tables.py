"""SQLModel tables. Row classes never leave `storage/`: mappers turn them into domain objects.

Money is integer minor units plus an ISO code; timestamps are UTC; nothing is hard-deleted
(`deleted_at` / `archived_at` / `retired_at` marks); no foreign key cascades anywhere.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, BigInteger, Column, Index, UniqueConstraint, text
from sqlmodel import Field, SQLModel

from funnel_tui.domain.validation import MAX_EXTERNAL_ID
from funnel_tui.storage.board_sql import BOARD_ORDER  # the index and the query share it
from funnel_tui.storage.types import UTCDateTime


class MetaRow(SQLModel, table=True):
    """Key/value facts about the database itself, e.g. its schema version."""

    __tablename__ = "funnel_meta"
    key: str = Field(primary_key=True, max_length=64)
    value: str


class UserRow(SQLModel, table=True):
    __tablename__ = "users"
    id: int | None = Field(default=None, primary_key=True)
    login: str = Field(max_length=64, unique=True)
    display_name: str
    role: str = Field(max_length=8)
    created_at: datetime = Field(sa_type=UTCDateTime)
    deleted_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class PipelineRow(SQLModel, table=True):
    __tablename__ = "pipelines"
    id: int | None = Field(default=None, primary_key=True)
    name: str
    position: int
    created_at: datetime = Field(sa_type=UTCDateTime)
    archived_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class StageRow(SQLModel, table=True):
    __tablename__ = "stages"
    __table_args__ = (Index("ix_stages_pipeline_position", "pipeline_id", "position"),)
    id: int | None = Field(default=None, primary_key=True)
    pipeline_id: int = Field(foreign_key="pipelines.id")
    name: str
    position: int
    kind: str = Field(max_length=8)
    probability: int
    is_key: bool = False
    rot_days: int | None = None
    checklist: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    on_hold: bool = False
    deleted_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class LossReasonRow(SQLModel, table=True):
    __tablename__ = "loss_reasons"
    __table_args__ = (Index("ix_loss_reasons_pipeline", "pipeline_id", "position"),)
    id: int | None = Field(default=None, primary_key=True)
    pipeline_id: int = Field(foreign_key="pipelines.id")
    name: str
    position: int
    retired_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class DealRow(SQLModel, table=True):
    __tablename__ = "deals"
    __table_args__ = (
        Index("ix_deals_pipeline_stage", "pipeline_id", "stage_id"),
        # The board's two queries, both limited to live deals (partial indexes):
        # counts and sums per stage read the index alone (covering) ...
        # (the trailing columns serve the reports: open deals by expected close and next
        # contact, won ones by close; deleted_at lets SQLite answer from the index alone)
        Index(
            "ix_deals_board_totals",
            "pipeline_id",
            "stage_id",
            "currency",
            "owner_id",
            "value_minor",
            "next_contact_at",
            "expected_close",
            "closed_at",
            "deleted_at",
            sqlite_where=text("deleted_at IS NULL"),
            postgresql_where=text("deleted_at IS NULL"),
        ),
        # ... and a column's window of cards walks the index in display order, no sort.
        Index(
            "ix_deals_board_order",
            "pipeline_id",
            "stage_id",
            text(BOARD_ORDER),
            "id",
            sqlite_where=text("deleted_at IS NULL"),
            postgresql_where=text("deleted_at IS NULL"),
        ),
        Index("ix_deals_owner", "owner_id"),
        # One deal per source record: a re-import of a CRM export finds what it brought.
        Index(
            "ix_deals_external_id",
            "external_id",
            unique=True,
            sqlite_where=text("external_id IS NOT NULL"),
            postgresql_where=text("external_id IS NOT NULL"),
        ),
        Index("ix_deals_next_contact", "next_contact_at"),
        Index("ix_deals_created", "created_at"),
        # The analytics' cohorts (deals created in a period) read this index alone.
        Index(
            "ix_deals_cohort",
            "created_at",
            "owner_id",
            "stage_id",
            "currency",
            "value_minor",
            "loss_reason_id",
            "deleted_at",
            sqlite_where=text("deleted_at IS NULL"),
            postgresql_where=text("deleted_at IS NULL"),
        ),
        # Deals closed in a period (win rate, cycle, won amounts, loss reasons). It must
        # lead with closed_at: led by stage, SQLite chose it for date ranges and ran 4x slower.
        Index(
            "ix_deals_closed",
            "closed_at",
            "stage_id",
            "owner_id",
            "currency",
            "value_minor",
            "created_at",
            "loss_reason_id",
            "deleted_at",
            sqlite_where=text("deleted_at IS NULL"),
            postgresql_where=text("deleted_at IS NULL"),
        ),
    )
    id: int | None = Field(default=None, primary_key=True)
    pipeline_id: int = Field(foreign_key="pipelines.id")
    stage_id: int = Field(foreign_key="stages.id")
    title: str
    value_minor: int = Field(sa_type=BigInteger)
    currency: str = Field(max_length=3)
    owner_id: int = Field(foreign_key="users.id")
    contact: str | None = None
    company: str | None = None
    phone: str | None = None
    email: str | None = None
    source: str | None = None
    tags: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    expected_close: date | None = None
    next_contact_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    next_contact_note: str | None = None
    loss_reason_id: int | None = Field(default=None, foreign_key="loss_reasons.id")
    loss_note: str | None = None
    created_at: datetime = Field(sa_type=UTCDateTime)
    updated_at: datetime = Field(sa_type=UTCDateTime)
    closed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    stage_entered_at: datetime = Field(sa_type=UTCDateTime)
    last_activity_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    version: int = 1
    deleted_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    external_id: str | None = Field(default=None, max_length=MAX_EXTERNAL_ID)
    """The source record of an imported deal (`amocrm:123`); deleted deals keep theirs."""
    search_text: str = ""
    """Title, company, contact, phone and tags case-folded, for the board filter (search.py)."""


class StageChangeRow(SQLModel, table=True):
    """One row per move of a deal, creation included (from_stage_id is NULL then)."""

    __tablename__ = "stage_changes"
    __table_args__ = (
        # A deal's history in order; with the stage in it, the analytics' per-deal reads
        # (furthest stage, last open stage) never touch the table.
        Index("ix_stage_changes_deal_path", "deal_id", "at", "id", "to_stage_id"),
        # Moves into a stage in a period, with who moved it from where (forward moves, open
        # deals at a past moment) from the index alone.
        Index(
            "ix_stage_changes_to_stage",
            "to_stage_id",
            "at",
            "from_stage_id",
            "by_user_id",
            "deal_id",
        ),
    )
    id: int | None = Field(default=None, primary_key=True)
    deal_id: int = Field(foreign_key="deals.id")
    from_stage_id: int | None = Field(default=None, foreign_key="stages.id")
    to_stage_id: int = Field(foreign_key="stages.id")
    at: datetime = Field(sa_type=UTCDateTime)
    by_user_id: int = Field(foreign_key="users.id")


class ActivityRow(SQLModel, table=True):
    __tablename__ = "activities"
    __table_args__ = (
        Index("ix_activities_deal", "deal_id", "at", "deleted_at"),
        # Calls and meetings per person in a period, from the index alone.
        Index("ix_activities_by_user", "by_user_id", "at", "kind", "deal_id", "deleted_at"),
    )
    id: int | None = Field(default=None, primary_key=True)
    deal_id: int = Field(foreign_key="deals.id")
    kind: str = Field(max_length=16)
    direction: str | None = Field(default=None, max_length=8)
    outcome: str | None = Field(default=None, max_length=16)
    duration_s: int | None = None
    body: str | None = None
    at: datetime = Field(sa_type=UTCDateTime)
    by_user_id: int = Field(foreign_key="users.id")
    deleted_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class ChecklistAnswerRow(SQLModel, table=True):
    """A deal's latest answer to one exit-checklist question of one stage (keyed by its text)."""

    __tablename__ = "checklist_answers"
    __table_args__ = (
        UniqueConstraint("deal_id", "stage_id", "question", name="uq_checklist_answer"),
    )
    id: int | None = Field(default=None, primary_key=True)
    deal_id: int = Field(foreign_key="deals.id")
    stage_id: int = Field(foreign_key="stages.id")
    question: str
    answer: str
    at: datetime = Field(sa_type=UTCDateTime)
    by_user_id: int = Field(foreign_key="users.id")


class PlanTargetRow(SQLModel, table=True):
    """A monthly target: for a stage (reference funnel) or, with no stage, a whole pipeline."""

    __tablename__ = "plan_targets"
    __table_args__ = (
        UniqueConstraint("pipeline_id", "stage_id", "owner_id", "month", name="uq_plan_target"),
    )
    id: int | None = Field(default=None, primary_key=True)
    pipeline_id: int = Field(foreign_key="pipelines.id")
    stage_id: int | None = Field(default=None, foreign_key="stages.id")
    owner_id: int | None = Field(default=None, foreign_key="users.id")
    month: date
    target_count: int | None = None
    target_amount_minor: int | None = Field(default=None, sa_type=BigInteger)
    currency: str | None = Field(default=None, max_length=3)


class DealEventRow(SQLModel, table=True):
    """The audit trail of a deal beyond stage changes and activities (domain/events.py):
    field edits, next-contact changes, checklist answers, deletion and restore."""

    __tablename__ = "deal_events"
    __table_args__ = (Index("ix_deal_events_deal", "deal_id", "at", "id"),)
    id: int | None = Field(default=None, primary_key=True)
    deal_id: int = Field(foreign_key="deals.id")
    at: datetime = Field(sa_type=UTCDateTime)
    by_user_id: int = Field(foreign_key="users.id")
    kind: str = Field(max_length=16)
    field: str | None = None
    old_value: str | None = None
    new_value: str | None = None
