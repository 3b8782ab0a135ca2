"""SQLModel tables. Importing this package registers every table on ``SQLModel.metadata``."""

from legalaid.models import hooks  # noqa: F401  (registers the session hooks)
from legalaid.models.audit import AuditEntry
from legalaid.models.base import Record, UTCDateTime, new_id, utcnow
from legalaid.models.case import Case, CaseSequence, CaseStatus, Person, Relationship, Sex
from legalaid.models.change import ChangeEntry, ChangeHead, Device, change_id
from legalaid.models.document import HEARING_PAPERS, DocumentKind, DocumentLogEntry
from legalaid.models.duplicates import DuplicateDecision, HouseholdMerge
from legalaid.models.hearing import (
    DateSource,
    Hearing,
    HearingAttendee,
    HearingKind,
    HearingMode,
    HearingStatus,
)
from legalaid.models.office import Office, OfficeSecret, OfficeState
from legalaid.models.reference import Court, Crossing
from legalaid.models.risk import (
    RISK_FACTORS,
    FearScreening,
    Incident,
    IncidentKind,
    RiskAssessment,
    RiskLevel,
)
from legalaid.models.signing import ChangeSignature, DeviceKey, NumberSeries
from legalaid.models.sync import (
    CaseShare,
    Conflict,
    ConflictDecision,
    ExchangeFile,
    ExchangeSent,
    OfficeDevice,
)

__all__ = [
    "HEARING_PAPERS",
    "RISK_FACTORS",
    "AuditEntry",
    "Case",
    "CaseSequence",
    "CaseShare",
    "CaseStatus",
    "ChangeEntry",
    "ChangeHead",
    "ChangeSignature",
    "Conflict",
    "ConflictDecision",
    "Court",
    "Crossing",
    "DateSource",
    "Device",
    "DeviceKey",
    "DocumentKind",
    "DocumentLogEntry",
    "DuplicateDecision",
    "ExchangeFile",
    "ExchangeSent",
    "FearScreening",
    "Hearing",
    "HearingAttendee",
    "HearingKind",
    "HearingMode",
    "HearingStatus",
    "HouseholdMerge",
    "Incident",
    "IncidentKind",
    "NumberSeries",
    "Office",
    "OfficeDevice",
    "OfficeSecret",
    "OfficeState",
    "Person",
    "Record",
    "Relationship",
    "RiskAssessment",
    "RiskLevel",
    "Sex",
    "UTCDateTime",
    "change_id",
    "new_id",
    "utcnow",
]
