"""The document log: every printed or saved paper, with what it said about the hearing.

Append-only like the audit log. ``details`` keeps the hearing facts the paper printed (date,
times, zone, court, crossing, reporting point...), so a later change to the hearing shows that
the paper the household carries is out of date.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Index
from sqlmodel import Field, SQLModel

from legalaid.models.base import UTCDateTime, new_id, utcnow


class DocumentKind(StrEnum):
    REMINDER = "reminder"
    RISK_NOTE = "risk_note"
    WALLET_CARDS = "wallet_cards"
    CROSSING_LIST = "crossing_list"
    MESSAGE = "message"


# The papers that state a hearing's date, time and place: a household holding one of them
# holds something that can go out of date.
HEARING_PAPERS = (
    DocumentKind.REMINDER,
    DocumentKind.WALLET_CARDS,
    DocumentKind.CROSSING_LIST,
    DocumentKind.MESSAGE,
)


class DocumentLogEntry(SQLModel, table=True):
    __tablename__ = "document_log"
    __table_args__ = (Index("ix_document_log_hearing_kind", "hearing_id", "kind"),)
    id: str = Field(default_factory=new_id, primary_key=True, max_length=36)
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, index=True)
    actor: str
    kind: str = Field(max_length=16)
    case_id: str | None = Field(
        default=None, foreign_key="case.id", index=True, ondelete="CASCADE", max_length=36
    )
    hearing_id: str | None = Field(
        default=None, foreign_key="hearing.id", ondelete="CASCADE", max_length=36
    )
    title: str = ""
    sha256: str = Field(max_length=64)
    size: int = 0
    file: str = ""
    details: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)
