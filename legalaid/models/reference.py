"""Crossings (US ports of entry) and courts: reference data the organisation can edit.

Their ids are derived from their codes (:func:`reference_id`): the same in every database.
"""

from __future__ import annotations

from sqlmodel import Field

from legalaid.models.base import Record
from legalaid.reference_data import reference_id

__all__ = ["Court", "Crossing", "reference_id"]


class Crossing(Record, table=True):
    code: str = Field(unique=True, max_length=8)
    name_es: str
    name_en: str
    mx_city: str
    us_city: str
    reporting_point_es: str = ""
    reporting_point_en: str = ""
    address: str = ""
    zone: str = Field(description="IANA time zone of the US port")
    mx_zone: str = Field(description="IANA time zone of the Mexican city")
    default_court_code: str | None = None
    report_hours_before: float = 4.0
    # Where this crossing's households stand to report, when that is another crossing (people
    # living in Mexicali, who return through Calexico, reported at San Ysidro).
    report_at_code: str | None = Field(default=None, max_length=8)
    active: bool = True


class Court(Record, table=True):
    code: str = Field(unique=True, max_length=16)
    name_es: str
    name_en: str
    address: str = ""
    city: str = ""
    zone: str
    phone: str = ""
    by_video: bool = False
    confirmed: bool = True
    active: bool = True
