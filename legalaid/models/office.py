"""Offices this home exchanges records with, and this home's own office with its private keys.

Local to each home: which offices it trusts is each office's own decision, so these rows never
travel in an exchange file. The private keys live only here, inside the (encrypted) database.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint
from sqlmodel import Field, SQLModel

from legalaid.models.base import UTCDateTime, utcnow


class OfficeState(StrEnum):
    SELF = "self"  # this home's own office
    ADDED = "added"  # identity received, fingerprint not compared yet
    TRUSTED = "trusted"  # fingerprint compared by a person
    REVOKED = "revoked"  # no longer trusted: its files are refused


class Office(SQLModel, table=True):
    __tablename__ = "office"
    __table_args__ = (
        CheckConstraint("state IN ('self', 'added', 'trusted', 'revoked')", name="ck_office_state"),
    )
    id: str = Field(primary_key=True, max_length=36)
    name: str = Field(index=True, unique=True, max_length=120)
    prefix: str = Field(max_length=6)
    sign_public: str  # base64 of the raw Ed25519 public key
    kem_public: str  # base64 of the raw X25519 public key
    fingerprint: str = Field(max_length=35)
    state: str = Field(max_length=8)
    receives_risk: bool = False  # risk narratives and incidents travel only to such offices
    added_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    added_by: str = ""
    trusted_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    trusted_by: str | None = None
    revoked_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class OfficeSecret(SQLModel, table=True):
    """The private halves of this home's own office keys."""

    __tablename__ = "office_secret"
    office_id: str = Field(primary_key=True, foreign_key="office.id", max_length=36)
    sign_private: str  # base64 of the raw Ed25519 private key
    kem_private: str  # base64 of the raw X25519 private key
