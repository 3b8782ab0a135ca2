"""Risk assessments: data only (the risk note PDF is built in documents/)."""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from sqlalchemy import JSON
from sqlmodel import Field

from legalaid.i18n import N_
from legalaid.models.base import Record


class RiskLevel(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"


class FearScreening(StrEnum):
    NOT_ASKED = "not_asked"
    REQUESTED = "requested"
    DONE_POSITIVE = "done_positive"
    DONE_NEGATIVE = "done_negative"


# Factor code -> (label msgid, sensitive?). Categories from mpp-facts.md "Risk and vulnerability".
RISK_FACTORS: dict[str, tuple[str, bool]] = {
    "unaccompanied_child": (N_("Unaccompanied child"), False),
    "mexican_national": (N_("Mexican national"), False),
    "physical_health": (N_("Physical health condition"), True),
    "mental_health": (N_("Mental health condition"), True),
    "disability": (N_("Disability"), True),
    "pregnancy": (N_("Pregnancy"), True),
    "young_children": (N_("Young children in the household"), False),
    "advanced_age": (N_("Advanced age"), False),
    "lgbtqi": (N_("LGBTQI+"), True),
    "indigenous_language": (N_("Needs an indigenous-language interpreter"), False),
    "persecution_in_mexico": (N_("Fear of persecution or torture in Mexico"), False),
    "prior_incident": (N_("Prior kidnapping, extortion or assault in Mexico"), False),
    "unsafe_housing": (N_("Unsafe housing (street or camp)"), False),
    "unsafe_route": (N_("Unsafe route to the port at report time"), False),
}


class RiskAssessment(Record, table=True):
    __tablename__ = "risk_assessment"
    case_id: str = Field(foreign_key="case.id", index=True, ondelete="CASCADE")
    assessed_on: date
    author: str
    level: str = Field(default=RiskLevel.MEDIUM, max_length=16)
    factors: list[str] = Field(default_factory=list, sa_type=JSON)
    consent_sensitive: bool = False
    fear_screening: str = Field(default=FearScreening.NOT_ASKED, max_length=16)
    narrative_es: str = ""
    narrative_en: str = ""
    narrative_original: str = Field(default="es", max_length=2)


class IncidentKind(StrEnum):
    KIDNAPPING = "kidnapping"
    EXTORTION = "extortion"
    ROBBERY = "robbery"
    ASSAULT = "assault"
    SEXUAL_VIOLENCE = "sexual_violence"
    THREAT = "threat"
    OTHER = "other"


class Incident(Record, table=True):
    risk_id: str = Field(foreign_key="risk_assessment.id", index=True, ondelete="CASCADE")
    occurred_on: date | None = None
    city: str = ""
    kind: str = Field(default=IncidentKind.OTHER, max_length=16)
    perpetrator: str = ""
    reported: bool = False
    description: str = ""
