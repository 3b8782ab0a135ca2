"""The change record: one entry per changed row per transaction, numbered per device.

An entry's id is ``DEVICE:SEQ`` (:func:`change_id`): the device is a random id made for each
copy of a database (legalaid.changes.device), the sequence counts that device's entries, so two
machines never number their changes the same way. ``fields`` holds the changed columns with
their new values and ``bases``, for each of them, the id of the change that had set it last
(null for a new row), both as JSON text; an insert names every column that is not NULL (the
id is ``row_id``; the version counter is this database's own and is never recorded). ``hlc``
is a hybrid logical clock reading (legalaid.changes.clock): it orders changes, it never
decides which one wins.

``change_head`` keeps, for each row updated at least once, the id of the last change of each
field (``"*"``: every field not named, from the row's insert), so finding a change's bases is a
lookup by key, not a walk through the row's history.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, Text
from sqlmodel import Field, SQLModel

from legalaid.models.base import UTCDateTime, utcnow


def change_id(device: str, seq: int) -> str:
    """The id of a change, unique across every machine: its device and its sequence number."""
    return f"{device}:{seq}"


class ChangeEntry(SQLModel, table=True):
    __tablename__ = "change_log"
    __table_args__ = (
        Index("ix_change_log_row_id", "row_id"),
        Index("ix_change_log_case_id", "case_id"),
    )
    device: str = Field(primary_key=True, max_length=36)
    seq: int = Field(primary_key=True)
    table_name: str = Field(max_length=32)
    row_id: str = Field(max_length=36)
    case_id: str | None = Field(default=None, max_length=36)
    op: str = Field(max_length=8)  # insert, update, delete
    fields: str = Field(default="{}", sa_type=Text)
    bases: str = Field(default="{}", sa_type=Text)
    hlc: str = Field(max_length=32)
    actor: str = ""
    schema_version: str = Field(default="", max_length=32)


class ChangeHead(SQLModel, table=True):
    __tablename__ = "change_head"
    table_name: str = Field(primary_key=True, max_length=32)
    row_id: str = Field(primary_key=True, max_length=36)
    heads: str = Field(default="{}", sa_type=Text)


class Device(SQLModel, table=True):
    """A copy of the database that numbers changes: the current one, and the ones before it
    (a restored backup or a copied home gets a new one)."""

    __tablename__ = "device"
    id: str = Field(primary_key=True, max_length=36)
    fingerprint: str = Field(max_length=64)
    current: bool = False
    last_seq: int = 0
    last_hlc: str = Field(default="", max_length=32)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
