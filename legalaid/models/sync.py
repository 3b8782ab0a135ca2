"""Exchange between offices: which cases are shared with which office, the exchange files sent
and received, and the conflicts found (with the decisions that close them).

Shares, files and conflicts are this home's own bookkeeping (never exchanged: each office finds
the same conflict itself, under the same id). A decision is data: it travels like any change,
so it closes the conflict at every office.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, Text
from sqlmodel import Field, SQLModel

from legalaid.models.base import UTCDateTime, utcnow


class CaseShare(SQLModel, table=True):
    __tablename__ = "case_share"
    case_id: str = Field(primary_key=True, foreign_key="case.id", ondelete="CASCADE", max_length=36)
    office_id: str = Field(primary_key=True, foreign_key="office.id", max_length=36)
    shared_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    shared_by: str = ""


class ExchangeFile(SQLModel, table=True):
    """An exchange file written for an office, or read from one."""

    __tablename__ = "exchange_file"
    id: str = Field(primary_key=True, max_length=32)  # the file's random id, hex
    direction: str = Field(primary_key=True, max_length=8)  # sent, received
    office_id: str = Field(foreign_key="office.id", index=True, max_length=36)
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    actor: str = ""
    changes: int = 0
    summary: str = Field(default="{}", sa_type=Text)  # counts, as JSON
    acknowledged: bool = False  # sent files: the office said it has read it


class ExchangeSent(SQLModel, table=True):
    """Which change went in which sent file (resent until that file is acknowledged)."""

    __tablename__ = "exchange_sent"
    __table_args__ = (Index("ix_exchange_sent_office_change", "office_id", "device", "seq"),)
    file_id: str = Field(primary_key=True, max_length=32)
    device: str = Field(primary_key=True, max_length=36)
    seq: int = Field(primary_key=True)
    office_id: str = Field(max_length=36)


class Conflict(SQLModel, table=True):
    """Changes to one field made without seeing each other, with different values. Its id is
    derived from the row, the field and the change they all forked from (``fork``), so every
    office names it the same whatever order the changes arrive in; ``tips`` holds each line's
    latest change (id, value, who, when) and ``provisional`` the one shown meanwhile (the
    latest by the clock, the same at every office)."""

    __tablename__ = "conflict"
    id: str = Field(primary_key=True, max_length=36)
    table_name: str = Field(max_length=32)
    row_id: str = Field(max_length=36, index=True)
    case_id: str | None = Field(default=None, max_length=36, index=True)
    field: str = Field(max_length=64)
    fork: str | None = Field(default=None, sa_type=Text)  # a change id, or a merge of ids
    tips: str = Field(default="[]", sa_type=Text)  # JSON list of {change, value, by, at}
    provisional: str = Field(sa_type=Text)
    state: str = Field(default="open", max_length=8)  # open, resolved, merged
    detected_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class ConflictDecision(SQLModel, table=True):
    """A person's decision on a conflict: it travels, and closes the conflict everywhere.
    ``over`` names the changes decided over; one that arrives later is a new conflict."""

    __tablename__ = "conflict_decision"
    id: str = Field(primary_key=True, max_length=36)  # the conflict's id
    case_id: str | None = Field(default=None, max_length=36, index=True)
    table_name: str = Field(max_length=32)
    row_id: str = Field(max_length=36)
    field: str = Field(max_length=64)
    value: str = Field(sa_type=Text)  # JSON of the value kept or typed
    over: str = Field(default="[]", sa_type=Text)  # JSON list of change ids
    change: str = Field(default="", max_length=80)  # the change that wrote the value
    decided_by: str = ""
    decided_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class OfficeDevice(SQLModel, table=True):
    """Which office a device (a copy of a database that numbers changes) belongs to, as that
    office's exchange files say: a conflict shows which office each change came from."""

    __tablename__ = "office_device"
    device: str = Field(primary_key=True, max_length=36)
    office_id: str = Field(foreign_key="office.id", max_length=36)
