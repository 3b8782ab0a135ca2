"""A desk's household save as the case editor makes it (the concurrency test and benchmark)."""

from __future__ import annotations

from typing import Any


def draft_of(detail: Any, note: str) -> Any:
    """The household as the editor would save it, with a new note and city (people unchanged)."""
    from legalaid.services.cases import CaseInput
    from legalaid.services.households import CaseDraft, PersonDraft

    case = detail.case
    data = CaseInput(
        city=note[:60],
        address_mx=case.address_mx,
        shelter=case.shelter,
        nta_address=case.nta_address,
        eoir33_filed=case.eoir33_filed,
        eoir33_filed_on=case.eoir33_filed_on,
        phone=case.phone,
        whatsapp=case.whatsapp,
        returned_on=case.returned_on,
        return_port=None,
        crossing=detail.crossing.code if detail.crossing else None,
        court=detail.court.code if detail.court else None,
        representative=case.representative,
        letter_languages=case.letter_languages,
        notes=note,
    )
    people = [
        PersonDraft(_person(p), p.id, p.version, p.active, changed=False) for p in detail.people
    ]
    return CaseDraft(data, people, case.id, case.version)


def _person(p: Any) -> Any:
    from legalaid.services.cases import PersonInput

    return PersonInput(
        p.given_names,
        p.family_names,
        p.relationship,
        p.birth_date,
        p.sex,
        p.nationality,
        p.language,
        p.needs_interpreter,
        p.a_number,
    )
