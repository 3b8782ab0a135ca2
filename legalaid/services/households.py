"""Saving a household: what the case editor saves, as one service call and one transaction.

A draft is the form as typed. :func:`save_household` checks every person first (so each
message lands next to the right person), then calls the case and risk services, all inside one
write transaction (the core's writes nest): the case, its status, its people and the risk form
are saved together or, when any step is refused, not at all. It returns the saved case, what
changed (for the views to refresh from) and the possible duplicates: people whose A-number is
also on someone in another household (saved, and reported so the editor can warn).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from legalaid.anumber import format_anumber, parse_optional_anumber
from legalaid.context import AppContext
from legalaid.errors import LegalAidError, Problem, ValidationError
from legalaid.services import cases
from legalaid.services import validation as v
from legalaid.services.cases import CaseDetail, CaseInput, PersonInput, PossibleDuplicate
from legalaid.services.ops import CASE, NOTHING, PERSON, RISK, OpChanges
from legalaid.services.risk import RiskDetail, RiskInput, add_assessment, update_assessment
from legalaid.services.writes import guarded_write

# The fields a person's message can be about (moved to that person in the form).
PERSON_FIELDS = {*cases.PERSON_FIELDS, "person"}


@dataclass
class PersonDraft:
    data: PersonInput
    person_id: str | None = None
    version: int | None = None
    active: bool = True
    changed: bool = True


@dataclass
class RiskDraft:
    data: RiskInput
    risk_id: str | None = None
    version: int | None = None


@dataclass
class CaseDraft:
    data: CaseInput
    people: list[PersonDraft]
    case_id: str | None = None
    version: int | None = None
    status: str | None = None  # a new status to set, when it changed
    risk: RiskDraft | None = None  # the assessment form, when it changed


@dataclass
class SaveResult:
    """What was saved (everything, when ``error`` is None; nothing otherwise), what changed,
    and the possible duplicates (A-numbers also on someone in another household)."""

    detail: CaseDetail | None
    risk: RiskDetail | None = None
    error: LegalAidError | None = None
    changes: OpChanges = NOTHING
    duplicates: list[PossibleDuplicate] = field(default_factory=list)


def person_field(index: int, name: str) -> str:
    return f"people.{index}.{name}"


def people_problems(people: list[PersonDraft]) -> list[Problem]:
    """Every person's problems, each keyed ``people.<i>.<field>``."""
    found: list[Problem] = []
    seen: dict[str, int] = {}
    for index, person in enumerate(people):
        errors = v.Collector()
        cases.person_values(person.data, errors)  # the core's own checks; no database
        found += [
            Problem(p.msgid, person_field(index, p.field or ""), p.params) for p in errors.problems
        ]
        number = _anumber(person.data.a_number)
        if number and number in seen:
            found.append(Problem(cases.ANUMBER_TWICE, person_field(index, "a_number")))
        elif number:
            seen[number] = index
    return found


def _anumber(text: str | None) -> str | None:
    try:
        return parse_optional_anumber(text)
    except LegalAidError:
        return None


def attribute(error: LegalAidError, people: list[PersonDraft]) -> LegalAidError:
    """Move a service's person-field problems to the person they are about, where it can tell."""
    problems = []
    for problem in error.problems:
        target = problem.field
        if target in PERSON_FIELDS:
            target = person_field(_which(problem, people), problem.field or "")
        problems.append(Problem(problem.msgid, target, problem.params))
    moved = type(error).of(problems)
    return moved


def _which(problem: Problem, people: list[PersonDraft]) -> int:
    number = str(problem.params.get("number", ""))
    for index, person in enumerate(people):
        if number and format_anumber(_anumber(person.data.a_number)) == number:
            return index
    changed = [i for i, p in enumerate(people) if p.changed]
    return changed[0] if changed else 0


def save_household(ctx: AppContext, draft: CaseDraft) -> SaveResult:
    """Save the household as typed: one transaction, all of it or (with ``error``) none."""
    problems = people_problems(draft.people)
    if problems:
        return SaveResult(None, error=ValidationError.of(problems))
    if draft.case_id is None:
        return _open(ctx, draft)
    return _update(ctx, draft, draft.case_id)


def _open(ctx: AppContext, draft: CaseDraft) -> SaveResult:
    try:
        with guarded_write(ctx):  # the case, its people and its risk form: all or nothing
            detail = cases.open_case(ctx, draft.data, [p.data for p in draft.people])
            risk = _save_risk(ctx, detail.case.id, draft.risk)
    except LegalAidError as error:
        return SaveResult(None, error=attribute(error, draft.people))
    return _saved(ctx, detail.case.id, risk, OpChanges.of(CASE, PERSON, case=detail.case.id))


def _update(ctx: AppContext, draft: CaseDraft, case_id: str) -> SaveResult:
    try:
        with guarded_write(ctx) as session:  # every step below joins this one transaction
            detail = cases.update_case(ctx, case_id, draft.version, draft.data)
            kinds = {CASE}
            if draft.status and draft.status != detail.case.status:
                cases.set_case_status(ctx, case_id, None, draft.status)
            for index, person in enumerate(draft.people):
                if _save_person(ctx, case_id, index, person):
                    kinds.add(PERSON)
            cases.check_household_anumbers(session, detail.case.id)  # once all are written
            risk = _save_risk(ctx, case_id, draft.risk)
    except LegalAidError as error:
        return SaveResult(None, error=attribute(error, draft.people))
    return _saved(ctx, detail.case.id, risk, OpChanges.of(*kinds, case=detail.case.id))


def _saved(
    ctx: AppContext, case_id: str, risk: RiskDetail | None, changes: OpChanges
) -> SaveResult:
    detail = cases.get_case(ctx, case_id)
    if risk is not None:
        changes |= OpChanges.of(RISK, case=case_id)
    return SaveResult(detail, risk, changes=changes, duplicates=detail.duplicates)


def _save_person(ctx: AppContext, case_id: str, index: int, person: PersonDraft) -> bool:
    """Add or update one person; whether anything was written."""
    try:
        if person.person_id is None:
            cases.add_person(ctx, case_id, person.data, household_checked=True)
            return True
        if person.changed:
            cases.update_person(
                ctx,
                person.person_id,
                person.version,
                person.data,
                active=person.active,
                household_checked=True,
            )
            return True
        return False
    except LegalAidError as error:
        raise type(error).of(
            [
                Problem(p.msgid, person_field(index, p.field or "person"), p.params)
                if (p.field in PERSON_FIELDS or p.field is None)
                else p
                for p in error.problems
            ]
        ) from error


def _save_risk(ctx: AppContext, case_id: str, risk: RiskDraft | None) -> RiskDetail | None:
    if risk is None:
        return None
    if risk.risk_id is None:
        return add_assessment(ctx, case_id, risk.data)
    return update_assessment(ctx, risk.risk_id, risk.version, risk.data)
