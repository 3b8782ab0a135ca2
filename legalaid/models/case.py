"""A case is a household; people belong to it."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Index, UniqueConstraint, text
from sqlmodel import Field

from legalaid.models.base import Record, UTCDateTime


class CaseStatus(StrEnum):
    OPEN = "open"
    CLOSED = "closed"
    TRANSFERRED = "transferred"
    ARCHIVED = "archived"


class Case(Record, table=True):
    # Only the few merged households are in it: the lists leave them out through it.
    __table_args__ = (
        Index(
            "ix_case_merged_into",
            "merged_into",
            sqlite_where=text("merged_into IS NOT NULL"),
            postgresql_where=text("merged_into IS NOT NULL"),
        ),
    )
    case_number: str = Field(unique=True, max_length=32)
    status: str = Field(default=CaseStatus.OPEN, index=True, max_length=16)
    city: str = ""
    address_mx: str = ""
    shelter: str = ""
    nta_address: str = ""
    eoir33_filed: bool = False
    eoir33_filed_on: date | None = None
    phone: str = ""
    whatsapp: str = ""
    returned_on: date | None = None
    return_port_id: str | None = Field(default=None, foreign_key="crossing.id")
    crossing_id: str | None = Field(default=None, foreign_key="crossing.id", index=True)
    court_id: str | None = Field(default=None, foreign_key="court.id")
    representative: str = ""
    letter_languages: str = "es,en"
    notes: str = ""
    closed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    is_demo: bool = False
    # The household this one was merged into (legalaid.services.duplicates): hidden, kept.
    merged_into: str | None = Field(default=None, max_length=36)
    # The office now responsible for the household after a transfer (another office takes the
    # case): its id and its name as the transferring office knew it, so every office that
    # receives the case can name it. The transferring office keeps its copy as before.
    responsible_office_id: str | None = Field(default=None, max_length=36)
    responsible_office: str | None = Field(default=None, max_length=120)
    transferred_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class CaseSequence(Record, table=True):
    """Last number handed out per office prefix and year (TIJ-2026-0042)."""

    __tablename__ = "case_sequence"
    __table_args__ = (UniqueConstraint("prefix", "year"),)
    prefix: str = Field(max_length=12)
    year: int
    last: int = 0


class Relationship(StrEnum):
    PRINCIPAL = "principal"
    SPOUSE = "spouse"
    CHILD = "child"
    PARENT = "parent"
    SIBLING = "sibling"
    GRANDCHILD = "grandchild"
    OTHER = "other"


class Sex(StrEnum):
    FEMALE = "female"
    MALE = "male"
    OTHER = "other"
    UNKNOWN = "unknown"


class Person(Record, table=True):
    __table_args__ = (Index("ix_person_case_position", "case_id", "position"),)
    case_id: str = Field(foreign_key="case.id", index=True, ondelete="CASCADE")
    relationship: str = Field(default=Relationship.PRINCIPAL, max_length=16)
    given_names: str
    family_names: str
    birth_date: date | None = None
    sex: str = Field(default=Sex.UNKNOWN, max_length=8)
    nationality: str | None = Field(default=None, max_length=2)
    language: str = Field(default="es", max_length=16)
    needs_interpreter: bool = False
    a_number: str | None = Field(default=None, index=True, max_length=9)
    position: int = 0
    active: bool = True
