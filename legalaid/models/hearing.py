"""Hearings keep their history: a new date creates a new hearing that replaces the old one."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Index
from sqlmodel import Field

from legalaid.models.base import Record, UTCDateTime


class HearingKind(StrEnum):
    MASTER = "master"
    INDIVIDUAL = "individual"
    OTHER = "other"


class HearingMode(StrEnum):
    IN_PERSON = "in_person"
    VIDEO = "video"


class HearingStatus(StrEnum):
    SCHEDULED = "scheduled"
    ATTENDED = "attended"
    MISSED = "missed"
    POSTPONED = "postponed"
    CANCELLED = "cancelled"
    TO_BE_SET = "to_be_set"


class DateSource(StrEnum):
    NTA = "nta"
    TEAR_SHEET = "tear_sheet"
    HOTLINE = "hotline"
    COURT_NOTICE = "court_notice"
    OTHER = "other"


class Hearing(Record, table=True):
    __table_args__ = (
        Index("ix_hearing_case_status_start", "case_id", "status", "starts_at"),
        # The Upcoming window's earliest report time (migration 0011_sortkeys, which also adds
        # the expression index ix_hearing_report_order).
        Index("ix_hearing_window", "starts_at", "report_at"),
    )
    case_id: str = Field(foreign_key="case.id", index=True, ondelete="CASCADE")
    court_id: str | None = Field(default=None, foreign_key="court.id")
    crossing_id: str | None = Field(default=None, foreign_key="crossing.id")
    starts_at: datetime | None = Field(default=None, sa_type=UTCDateTime, index=True)
    zone: str = Field(description="IANA zone of the court; the hearing's legal time is local")
    report_at: datetime | None = Field(default=None, sa_type=UTCDateTime, index=True)
    kind: str = Field(default=HearingKind.MASTER, max_length=16)
    mode: str = Field(default=HearingMode.IN_PERSON, max_length=16)
    status: str = Field(default=HearingStatus.SCHEDULED, index=True, max_length=16)
    outcome: str = ""
    source: str = Field(default=DateSource.NTA, max_length=16)
    verified_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    verified_by: str = ""
    replaces_id: str | None = Field(default=None, foreign_key="hearing.id")
    notes: str = ""


class HearingAttendee(Record, table=True):
    """Which household members are on a hearing (by default, everyone in the case)."""

    __tablename__ = "hearing_attendee"
    hearing_id: str = Field(foreign_key="hearing.id", index=True, ondelete="CASCADE")
    person_id: str = Field(foreign_key="person.id", index=True, ondelete="CASCADE")
