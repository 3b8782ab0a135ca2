"""Risk assessments and the incidents they record: add, edit, list. Never a hard delete.

Sensitive factors (health, disability, pregnancy, LGBTQI+) are stored only with the person's
recorded consent; the service refuses them otherwise, with a message that says what to do.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlmodel import Session, col, select

from legalaid.context import AppContext
from legalaid.errors import NotFoundError
from legalaid.i18n import LANGUAGES, N_, _
from legalaid.models import (
    RISK_FACTORS,
    FearScreening,
    Incident,
    IncidentKind,
    RiskAssessment,
    RiskLevel,
    utcnow,
)
from legalaid.services import audit
from legalaid.services import validation as v
from legalaid.services.cases import _load_case
from legalaid.services.ops import NOTHING, RISK, OpChanges
from legalaid.services.writes import Saved, data_fields, edit_record, guarded_write

RISK_FIELDS = data_fields(RiskAssessment, exclude=("case_id",))
INCIDENT_FIELDS = data_fields(Incident, exclude=("risk_id",))
NEEDS_CONSENT = N_(
    "Health, disability, pregnancy and LGBTQI+ factors are recorded only with the person's "
    "consent: tick the consent box or leave those factors out."
)


@dataclass
class RiskInput:
    assessed_on: date | None = None  # today when not given
    level: str = RiskLevel.MEDIUM
    factors: list[str] = field(default_factory=list)
    consent_sensitive: bool = False
    fear_screening: str = FearScreening.NOT_ASKED
    narrative_es: str = ""
    narrative_en: str = ""
    narrative_original: str = "es"


@dataclass
class IncidentInput:
    occurred_on: date | None = None
    city: str = ""
    kind: str = IncidentKind.OTHER
    perpetrator: str = ""
    reported: bool = False
    description: str = ""


@dataclass
class RiskDetail:
    assessment: RiskAssessment
    incidents: list[Incident]
    changes: OpChanges = NOTHING  # what the write that returned it changed


def factor_choices() -> list[tuple[str, str, bool]]:
    """(code, translated label, sensitive?) for every risk factor, in their defined order."""
    return [(code, _(msgid), sensitive) for code, (msgid, sensitive) in RISK_FACTORS.items()]


def sensitive_factors() -> set[str]:
    return {code for code, (_msgid, sensitive) in RISK_FACTORS.items() if sensitive}


def _risk_values(data: RiskInput, errors: v.Collector) -> dict[str, Any]:
    today = utcnow().date()
    factors: list[str] = []
    for code in data.factors:
        if code not in RISK_FACTORS:
            errors.add(N_("Unknown risk factor “%(code)s”."), "factors", code=str(code)[:40])
        elif code not in factors:
            factors.append(code)
    consent = bool(data.consent_sensitive)
    if not consent and sensitive_factors() & set(factors):
        errors.add(NEEDS_CONSENT, "consent_sensitive")
    if data.narrative_original not in LANGUAGES:
        errors.add(
            N_("The narrative was written in Spanish or English: choose one."),
            "narrative_original",
        )
    return {
        "assessed_on": v.not_future(data.assessed_on, "assessed_on", errors, today) or today,
        "level": v.choice(data.level, RiskLevel, "level", errors),
        "factors": factors,
        "consent_sensitive": consent,
        "fear_screening": v.choice(data.fear_screening, FearScreening, "fear_screening", errors),
        "narrative_es": v.clean_text(data.narrative_es, "narrative_es", errors, v.MAX_NOTES),
        "narrative_en": v.clean_text(data.narrative_en, "narrative_en", errors, v.MAX_NOTES),
        "narrative_original": data.narrative_original,
    }


def _incident_values(data: IncidentInput, errors: v.Collector) -> dict[str, Any]:
    today = utcnow().date()
    return {
        "occurred_on": v.not_future(data.occurred_on, "occurred_on", errors, today),
        "city": v.clean_text(data.city, "city", errors, 200),
        "kind": v.choice(data.kind, IncidentKind, "kind", errors),
        "perpetrator": v.clean_text(data.perpetrator, "perpetrator", errors, 200),
        "reported": bool(data.reported),
        "description": v.clean_text(data.description, "description", errors, v.MAX_NOTES),
    }


def _load_risk(session: Session, risk_id: str) -> RiskAssessment:
    risk = session.get(RiskAssessment, risk_id)
    if risk is None:
        raise NotFoundError(N_("This risk assessment no longer exists."), "risk")
    return risk


def _add_incident_row(
    session: Session, actor: str, risk: RiskAssessment, values: dict[str, Any]
) -> Incident:
    incident = Incident(risk_id=risk.id, **values)
    session.add(incident)
    session.flush()
    audit.record(
        session,
        actor,
        "add",
        "incident",
        incident.id,
        risk.case_id,
        audit.diff({}, audit.snapshot(incident, INCIDENT_FIELDS)),
    )
    return incident


def add_assessment(
    ctx: AppContext,
    case_id: str,
    data: RiskInput,
    incidents: list[IncidentInput] | None = None,
) -> RiskDetail:
    """Record a new risk assessment (with its incidents) for a household."""
    errors = v.Collector()
    values = _risk_values(data, errors)
    incident_values = [_incident_values(i, errors) for i in incidents or []]
    errors.check()
    with ctx.db.write() as session:
        case = _load_case(session, case_id)
        risk = RiskAssessment(case_id=case.id, author=ctx.actor, **values)
        session.add(risk)
        session.flush()
        audit.record(
            session,
            ctx.actor,
            "assess",
            "risk_assessment",
            risk.id,
            case.id,
            audit.diff({}, audit.snapshot(risk, RISK_FIELDS)),
        )
        for item in incident_values:
            _add_incident_row(session, ctx.actor, risk, item)
        risk_id = risk.id
    return _changed(get_assessment(ctx, risk_id))


def _changed(detail: RiskDetail) -> RiskDetail:
    detail.changes = OpChanges.of(RISK, case=detail.assessment.case_id)
    return detail


def update_assessment(
    ctx: AppContext, risk_id: str, expected_version: int | None, data: RiskInput
) -> RiskDetail:
    """Edit an assessment; refused with a ConflictError when someone saved it in between."""
    errors = v.Collector()
    values = _risk_values(data, errors)
    errors.check()
    with guarded_write(ctx) as session:
        risk = _load_risk(session, risk_id)
        edit_record(
            session,
            ctx.actor,
            risk,
            expected_version,
            values,
            entity="risk_assessment",
            case_id=risk.case_id,
            audited=RISK_FIELDS,
        )
    return _changed(get_assessment(ctx, risk_id))


def add_incident(ctx: AppContext, risk_id: str, data: IncidentInput) -> Saved[Incident]:
    errors = v.Collector()
    values = _incident_values(data, errors)
    errors.check()
    with ctx.db.write() as session:
        risk = _load_risk(session, risk_id)
        incident = _add_incident_row(session, ctx.actor, risk, values)
        return Saved(incident, OpChanges.of(RISK, case=risk.case_id))


def update_incident(
    ctx: AppContext, incident_id: str, expected_version: int | None, data: IncidentInput
) -> Saved[Incident]:
    errors = v.Collector()
    values = _incident_values(data, errors)
    errors.check()
    with guarded_write(ctx) as session:
        incident = session.get(Incident, incident_id)
        if incident is None:
            raise NotFoundError(N_("This incident no longer exists."), "incident")
        risk = _load_risk(session, incident.risk_id)
        edit_record(
            session,
            ctx.actor,
            incident,
            expected_version,
            values,
            entity="incident",
            case_id=risk.case_id,
            audited=INCIDENT_FIELDS,
        )
        return Saved(incident, OpChanges.of(RISK, case=risk.case_id))


def get_assessment(ctx: AppContext, risk_id: str) -> RiskDetail:
    with ctx.db.read() as session:
        risk = _load_risk(session, risk_id)
        return RiskDetail(risk, _incidents(session, [risk.id]).get(risk.id, []))


def list_assessments(ctx: AppContext, case_id: str) -> list[RiskDetail]:
    """Every assessment of a household with its incidents, newest first."""
    with ctx.db.read() as session:
        case = _load_case(session, case_id)
        risks = session.exec(
            select(RiskAssessment)
            .where(RiskAssessment.case_id == case.id)
            .order_by(col(RiskAssessment.assessed_on).desc(), col(RiskAssessment.created_at).desc())
        ).all()
        incidents = _incidents(session, [r.id for r in risks])
        return [RiskDetail(r, incidents.get(r.id, [])) for r in risks]


def _incidents(session: Session, risk_ids: list[str]) -> dict[str, list[Incident]]:
    found: dict[str, list[Incident]] = {}
    if not risk_ids:
        return found
    rows = session.exec(
        select(Incident)
        .where(col(Incident.risk_id).in_(risk_ids))
        .order_by(col(Incident.occurred_on).is_(None), col(Incident.occurred_on))
    ).all()
    for incident in rows:
        found.setdefault(incident.risk_id, []).append(incident)
    return found
