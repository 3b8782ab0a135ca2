"""What people decided about possible duplicate households: merges, and pairs that differ.

Both tables are captured and travel between offices like any change (legalaid.services.duplicates
explains the merge)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Text
from sqlmodel import Field, SQLModel

from legalaid.models.base import Record, UTCDateTime, utcnow


class HouseholdMerge(Record, table=True):
    """One household merged into another: ``case_id`` is the household kept, ``merged_case_id``
    the one that now points to it (``case.merged_into``); ``moved`` is a JSON object of the rows
    the merge moved ({"person": [ids], "hearing": [...], "risk_assessment": [...],
    "document_log": [...], "inactive": [ids of people set inactive as the same person],
    "anumbers": {person id: the A-number taken off that copy}), so
    the merge can be undone and the history says where each row came from."""

    __tablename__ = "household_merge"
    case_id: str = Field(max_length=36, index=True)
    merged_case_id: str = Field(max_length=36, index=True)
    moved: str = Field(default="{}", sa_type=Text)
    merged_by: str = ""
    undone_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    undone_by: str = ""


class DuplicateDecision(SQLModel, table=True):
    """Two households a person said are different: the finder never proposes them again.
    ``id`` is the pair key (the same whichever case is named first, at every office)."""

    __tablename__ = "duplicate_decision"
    id: str = Field(primary_key=True, max_length=36)
    case_id: str = Field(max_length=36, index=True)  # the first of the two ids, sorted
    other_case_id: str = Field(max_length=36, index=True)
    decision: str = Field(default="different", max_length=16)
    decided_by: str = ""
    decided_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
