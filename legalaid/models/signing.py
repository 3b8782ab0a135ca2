"""Signed changes: each device's Ed25519 key, vouched for by its office, and the signature of
each change entry by the device that made it.

A change is signed the first time it leaves its home (an exchange file, a sync with the office
server); the signature is kept beside the entry and passed on unchanged by every office that
relays it, so a third office checks it against the device that made it. ``device_key`` holds
the public key of every device known here, with its office and the office's certificate (the
office's signature over the device id, office id and public key); ``private`` only for the
devices that number their changes in this database.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from legalaid.models.base import UTCDateTime, utcnow


class DeviceKey(SQLModel, table=True):
    __tablename__ = "device_key"
    device: str = Field(primary_key=True, max_length=36)
    office_id: str = Field(max_length=36)
    public: str = Field(max_length=64)  # base64 of the raw Ed25519 key
    private: str | None = Field(default=None, sa_type=Text)  # base64; this database's only
    certificate: str | None = Field(default=None, max_length=128)  # the office's, base64
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class ChangeSignature(SQLModel, table=True):
    __tablename__ = "change_signature"
    device: str = Field(primary_key=True, max_length=36)
    seq: int = Field(primary_key=True)
    signature: str = Field(max_length=128)  # base64 of the 64-byte Ed25519 signature


class NumberSeries(SQLModel, table=True):
    """A laptop's own case-number series (prefix and desk letter: TIJ-2026-B0042), given by
    the office server at the laptop's first sync so that no two laptops, and no laptop and the
    server's desks, ever give the same case number.

    On the server one row per laptop; in a laptop's home the row of its own series (``prefix``
    empty until the server has answered). ``id`` is the laptop's claim, made in its home."""

    __tablename__ = "number_series"
    __table_args__ = (UniqueConstraint("prefix", "letter"),)
    id: str = Field(primary_key=True, max_length=36)
    prefix: str | None = Field(default=None, max_length=12)
    letter: str | None = Field(default=None, max_length=1)
    device: str = Field(default="", max_length=36)  # the laptop's device when it claimed
    claimed_by: str = Field(default="", max_length=120)
    claimed_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
