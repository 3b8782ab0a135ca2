"""Edit a household's fields by name (``legalaid edit CASE FIELD=VALUE...``): each value read
the way the editor reads it, then saved through ``update_case`` (validated, audited, recorded
like any change), or ``set_case_status`` for ``status``."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from legalaid.context import AppContext
from legalaid.datetext import parse_date
from legalaid.errors import LegalAidError, Problem, ValidationError
from legalaid.i18n import N_
from legalaid.models import Crossing
from legalaid.services.cases import (
    CASE_TEXT,
    CaseDetail,
    CaseInput,
    get_case,
    set_case_status,
    update_case,
)

TEXT = (*CASE_TEXT, "notes")
DATES = ("eoir33_filed_on", "returned_on")
CODES = ("crossing", "court", "return_port")
FIELDS = (*TEXT, *DATES, *CODES, "eoir33_filed", "letter_languages", "status")
YES = {"1", "yes", "true", "si", "sí", "y", "s"}
NO = {"0", "no", "false", "n", ""}
LANGUAGES = {"es", "en", "es,en", "en,es"}

NOT_ASSIGNMENT = N_("Write each change as FIELD=VALUE (for example city=Tijuana); got %(text)s.")
UNKNOWN_FIELD = N_("There is no household field called %(field)s. The fields are: %(fields)s.")
NOT_YES_NO = N_("%(name)s takes yes or no.")
BAD_LANGUAGES = N_("letter_languages takes es, en or es,en.")
TWICE = N_("%(field)s is given twice.")
BAD_STATUS = N_("status takes open, closed, transferred or archived.")
STATUSES = ("open", "closed", "transferred", "archived")


def parse_assignments(items: list[str]) -> dict[str, str]:
    """``["city=Tijuana", "notes="]`` as {field: value}; a clear error for anything else."""
    out: dict[str, str] = {}
    problems: list[Problem] = []
    for item in items:
        name, sep, value = item.partition("=")
        name = name.strip()
        if not sep or not name:
            problems.append(Problem(NOT_ASSIGNMENT, None, {"text": item}))
        elif name not in FIELDS:
            problems.append(
                Problem(UNKNOWN_FIELD, name, {"field": name, "fields": ", ".join(FIELDS)})
            )
        elif name in out:
            problems.append(Problem(TWICE, name, {"field": name}))
        else:
            out[name] = value
    if problems:
        raise ValidationError.of(problems)
    return out


def current_input(ctx: AppContext, detail: CaseDetail) -> CaseInput:
    """The household as the editor would show it, as a CaseInput."""
    case = detail.case
    return_port = None
    if case.return_port_id:
        with ctx.db.read() as session:
            crossing = session.get(Crossing, case.return_port_id)
            return_port = crossing.code if crossing else None
    return CaseInput(
        city=case.city,
        address_mx=case.address_mx,
        shelter=case.shelter,
        nta_address=case.nta_address,
        eoir33_filed=case.eoir33_filed,
        eoir33_filed_on=case.eoir33_filed_on,
        phone=case.phone,
        whatsapp=case.whatsapp,
        returned_on=case.returned_on,
        return_port=return_port,
        crossing=detail.crossing.code if detail.crossing else None,
        court=detail.court.code if detail.court else None,
        representative=case.representative,
        letter_languages=case.letter_languages,
        notes=case.notes,
    )


def _read(name: str, value: str) -> Any:
    if name in DATES:
        return parse_date(value, past=True)
    if name in CODES:
        return value.strip().upper() or None
    if name == "eoir33_filed":
        folded = value.strip().lower()
        if folded in YES:
            return True
        if folded in NO:
            return False
        raise ValidationError(NOT_YES_NO, name, name=name)
    if name == "letter_languages":
        code = value.replace(" ", "").lower()
        if code not in LANGUAGES:
            raise ValidationError(BAD_LANGUAGES, name)
        return code
    return value


def edit_case(ctx: AppContext, case_ref: str, items: list[str]) -> CaseDetail:
    """Apply ``FIELD=VALUE`` changes to the household ``case_ref`` (number or id)."""
    wanted = parse_assignments(items)
    detail = get_case(ctx, case_ref)
    problems: list[Problem] = []
    changes: dict[str, Any] = {}
    for name, text in wanted.items():
        if name == "status":
            if text.strip().lower() not in STATUSES:
                problems.append(Problem(BAD_STATUS, "status"))
            continue
        try:
            changes[name] = _read(name, text)
        except LegalAidError as error:
            problems += error.problems
    if problems:
        raise ValidationError.of(problems)
    with ctx.db.write():  # the fields and the status together, or nothing
        if changes:
            data = replace(current_input(ctx, detail), **changes)
            detail = update_case(ctx, detail.case.id, detail.case.version, data)
        if "status" in wanted:
            detail = set_case_status(
                ctx, detail.case.id, detail.case.version, wanted["status"].strip().lower()
            )
    return detail
