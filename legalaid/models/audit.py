"""Append-only audit log: who changed which record, when, which fields from what to what."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON
from sqlmodel import Field, SQLModel

from legalaid.models.base import UTCDateTime, new_id, utcnow


class AuditEntry(SQLModel, table=True):
    __tablename__ = "audit_entry"
    id: str = Field(default_factory=new_id, primary_key=True, max_length=36)
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, index=True)
    actor: str
    action: str = Field(max_length=32)
    entity: str = Field(max_length=32)
    entity_id: str = Field(max_length=36)
    case_id: str | None = Field(default=None, index=True, max_length=36)
    changes: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)
