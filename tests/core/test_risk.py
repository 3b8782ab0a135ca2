from __future__ import annotations

from datetime import date, timedelta

import pytest

from legalaid.context import AppContext
from legalaid.errors import ConflictError, NotFoundError, ValidationError
from legalaid.i18n import set_language
from legalaid.services.audit import case_history
from legalaid.services.risk import (
    IncidentInput,
    RiskInput,
    add_assessment,
    add_incident,
    factor_choices,
    list_assessments,
    update_assessment,
    update_incident,
)
from tests.core.helpers import family


def test_an_assessment_with_incidents_is_stored_and_audited(ctx: AppContext) -> None:
    case = family(ctx)
    detail = add_assessment(
        ctx,
        case.case.id,
        RiskInput(
            level="high",
            factors=["young_children", "prior_incident", "young_children"],
            fear_screening="requested",
            narrative_es="Amenazas cerca del albergue.",
        ),
        [IncidentInput(occurred_on=date(2026, 1, 5), city="Tijuana", kind="extortion")],
    )
    risk = detail.assessment
    assert risk.author == "Ana Tester"
    assert risk.factors == ["young_children", "prior_incident"]
    assert risk.assessed_on == date.today()
    assert [i.kind for i in detail.incidents] == ["extortion"]
    actions = [(e.action, e.entity) for e in case_history(ctx, case.case.id)]
    assert ("assess", "risk_assessment") in actions
    assert ("add", "incident") in actions


def test_sensitive_factors_need_consent(ctx: AppContext) -> None:
    case = family(ctx)
    with pytest.raises(ValidationError) as caught:
        add_assessment(ctx, case.case.id, RiskInput(factors=["pregnancy"]))
    assert "consentimiento" in caught.value.by_field()["consent_sensitive"]
    ok = add_assessment(ctx, case.case.id, RiskInput(factors=["pregnancy"], consent_sensitive=True))
    assert ok.assessment.factors == ["pregnancy"]


def test_every_problem_is_reported_at_once(ctx: AppContext) -> None:
    case = family(ctx)
    with pytest.raises(ValidationError) as caught:
        add_assessment(
            ctx,
            case.case.id,
            RiskInput(
                assessed_on=date.today() + timedelta(days=2),
                level="extreme",
                factors=["nonsense"],
                narrative_original="fr",
            ),
            [IncidentInput(kind="war", occurred_on=date.today() + timedelta(days=1))],
        )
    fields = {p.field for p in caught.value.problems}
    assert fields == {
        "assessed_on",
        "level",
        "factors",
        "narrative_original",
        "kind",
        "occurred_on",
    }
    assert list_assessments(ctx, case.case.id) == []


def test_edits_use_the_version_counter(ctx: AppContext) -> None:
    case = family(ctx)
    detail = add_assessment(ctx, case.case.id, RiskInput(level="low"))
    version = detail.assessment.version
    changed = update_assessment(ctx, detail.assessment.id, version, RiskInput(level="critical"))
    assert changed.assessment.level == "critical"
    with pytest.raises(ConflictError):
        update_assessment(ctx, detail.assessment.id, version, RiskInput(level="medium"))


def test_incidents_are_added_and_edited(ctx: AppContext) -> None:
    case = family(ctx)
    risk = add_assessment(ctx, case.case.id, RiskInput()).assessment
    incident = add_incident(ctx, risk.id, IncidentInput(kind="threat", city="Mexicali")).record
    edited = update_incident(
        ctx, incident.id, incident.version, IncidentInput(kind="assault", reported=True)
    ).record
    assert (edited.kind, edited.reported, edited.city) == ("assault", True, "")
    [listed] = list_assessments(ctx, case.case.id)
    assert [i.kind for i in listed.incidents] == ["assault"]
    with pytest.raises(NotFoundError):
        add_incident(ctx, "missing", IncidentInput())


def test_assessments_are_listed_newest_first(ctx: AppContext) -> None:
    case = family(ctx)
    add_assessment(ctx, case.case.id, RiskInput(assessed_on=date(2026, 1, 1), level="low"))
    add_assessment(ctx, case.case.id, RiskInput(assessed_on=date(2026, 2, 1), level="high"))
    assert [d.assessment.level for d in list_assessments(ctx, case.case.id)] == ["high", "low"]


def test_factor_labels_follow_the_language() -> None:
    set_language("en")
    labels = {code: (label, sensitive) for code, label, sensitive in factor_choices()}
    assert labels["pregnancy"] == ("Pregnancy", True)
    set_language("es")
    assert dict((c, lab) for c, lab, _s in factor_choices())["pregnancy"] == "Embarazo"
