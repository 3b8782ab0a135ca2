"""The risk note: confidential on every page, sensitive factors only with consent."""

from __future__ import annotations

from datetime import date

import pytest

from legalaid.context import AppContext
from legalaid.documents import risk_note
from legalaid.errors import NotFoundError
from legalaid.models import RiskAssessment
from legalaid.services.risk import IncidentInput, RiskInput, add_assessment
from tests.documents.helpers import EIGHT, body_text, household, page_count, squashed, text_of

NARRATIVE = (
    "Salimos de San Pedro Sula porque la pandilla amenazó a mi esposo. En Tijuana nos "
    "extorsionaron dos veces cerca del albergue y se llevaron a mi hijo por unas horas. "
) * 25


def _assessment(ctx: AppContext, case_id: str, **changes: object) -> None:
    data = RiskInput(
        level="high",
        factors=["young_children", "prior_incident", "pregnancy"],
        consent_sensitive=True,
        fear_screening="requested",
        narrative_es=NARRATIVE,
        narrative_en="We left San Pedro Sula because the gang threatened my husband.",
        narrative_original="es",
    )
    for name, value in changes.items():
        setattr(data, name, value)
    incidents = [
        IncidentInput(date(2026, 9, 3), "Tijuana, B.C.", "extortion", "Grupo delictivo", False),
        IncidentInput(date(2026, 10, 1), "Tijuana, B.C.", "kidnapping", "Desconocidos", True),
    ]
    add_assessment(ctx, case_id, data, incidents)


def test_confidential_identity_household_and_everything_recorded(ctx: AppContext) -> None:
    case = household(ctx)
    _assessment(ctx, case.case.id)
    doc = risk_note(ctx, case.case.case_number)
    text = text_of(doc.pdf)
    pages = page_count(doc.pdf)
    assert pages >= 2
    assert text.count("CONFIDENCIAL · CONFIDENTIAL") >= pages  # the banner on every page
    for given, family, number in EIGHT:
        assert f"{given} {family}" in text and number in text
    assert "Nivel de riesgo" in text and "Alto / High" in text
    assert "Solicitada, pendiente" in text and "Requested, pending" in text
    assert "Embarazo" in text and "Pregnancy" in text  # consent recorded: shown
    assert "Niños pequeños en la familia" in text and "Young children in the household" in text
    assert "Extorsión" in text and "Extortion" in text and "3 sep 2026" in text
    assert "Sep 3, 2026" in text and "Grupo delictivo" in text
    assert "Original, en español / Original, in Spanish" in text
    assert "Traducción al inglés / Translation into English" in text
    assert squashed(NARRATIVE) in squashed(body_text(doc.pdf))  # flows on, nothing cut
    assert "Ana Tester" in text and doc.kind == "risk_note"


def test_sensitive_factor_hidden_without_consent(ctx: AppContext) -> None:
    case = household(ctx, EIGHT[:1])
    with ctx.db.write() as session:  # an older record: the service now refuses this input
        session.add(
            RiskAssessment(
                case_id=case.case.id,
                assessed_on=date(2026, 1, 5),
                author="Ana Tester",
                level="medium",
                factors=["lgbtqi", "mental_health", "unsafe_route"],
                consent_sensitive=False,
            )
        )
    text = text_of(risk_note(ctx, case.case.id).pdf)
    assert "LGBTQI" not in text and "salud mental" not in text and "Mental health" not in text
    assert "Ruta insegura a la garita" in text
    assert "no consta el consentimiento de la persona" in text


def test_translation_marked_only_when_entered(ctx: AppContext) -> None:
    case = household(ctx, EIGHT[:1])
    _assessment(ctx, case.case.id, narrative_en="", narrative_es="Solo en español.")
    text = text_of(risk_note(ctx, case.case.id).pdf)
    assert "Solo en español." in text and "Original, en español" in text
    assert "Traducción" not in text


def test_no_assessment_or_unknown_case_is_a_clear_error(ctx: AppContext) -> None:
    case = household(ctx, EIGHT[:1])
    with pytest.raises(NotFoundError) as none_yet:
        risk_note(ctx, case.case.case_number)
    assert "aún no tiene evaluación de riesgo" in none_yet.value.message()
    with pytest.raises(NotFoundError) as unknown:
        risk_note(ctx, "TIJ-1999-0001")
    assert unknown.value.message() == "No existe el expediente «TIJ-1999-0001»."
