"""The household save: one service call, one transaction, what changed, possible duplicates."""

from __future__ import annotations

from dataclasses import replace

from legalaid.context import AppContext
from legalaid.errors import ConflictError, ValidationError
from legalaid.i18n import using_language
from legalaid.services.cases import CaseInput, PersonInput, get_case, update_person
from legalaid.services.households import CaseDraft, PersonDraft, RiskDraft, save_household
from legalaid.services.ops import CASE, PERSON, RISK
from legalaid.services.risk import RiskInput
from tests.core.helpers import family


def _draft_of(ctx: AppContext, case_id: str) -> CaseDraft:
    detail = get_case(ctx, case_id)
    people = [
        PersonDraft(
            PersonInput(p.given_names, p.family_names, p.relationship, a_number=p.a_number),
            p.id,
            p.version,
            changed=False,
        )
        for p in detail.people
    ]
    data = CaseInput(crossing="SYS", city=detail.case.city, phone=detail.case.phone)
    return CaseDraft(data, people, case_id, detail.case.version)


def test_a_new_household_is_saved_with_what_changed(ctx: AppContext) -> None:
    draft = CaseDraft(
        CaseInput(crossing="SYS"),
        [PersonDraft(PersonInput("Ana", "López", a_number="A 111-222-333"))],
        risk=RiskDraft(RiskInput(narrative_es="Amenazas")),
    )
    result = save_household(ctx, draft)
    assert result.error is None and result.detail is not None and result.risk is not None
    case_id = result.detail.case.id
    assert result.changes.cases == {case_id}
    assert result.changes.kinds == {CASE, PERSON, RISK}
    assert result.duplicates == []


def test_an_anumber_of_another_household_is_saved_and_reported(ctx: AppContext) -> None:
    other = family(ctx, given="Rosa", family_names="Mejía", a_number="A 111-222-333")
    mine = family(ctx, a_number="A 012-345-678")
    draft = _draft_of(ctx, mine.case.id)
    child = draft.people[1]
    draft.people[1] = replace(child, data=replace(child.data, a_number="111222333"), changed=True)
    result = save_household(ctx, draft)
    assert result.error is None and result.detail is not None
    assert result.detail.people[1].a_number == "111222333"
    [dup] = result.duplicates
    assert (dup.person_id, dup.other_case, dup.other_name) == (
        child.person_id,
        other.case.case_number,
        "Rosa Mejía",
    )
    assert result.changes.kinds == {CASE, PERSON} and result.changes.cases == {mine.case.id}


def test_the_same_anumber_twice_in_one_household_is_refused_in_both_languages(
    ctx: AppContext,
) -> None:
    mine = family(ctx, a_number="A 012-345-678")
    draft = _draft_of(ctx, mine.case.id)
    child = draft.people[1]
    draft.people[1] = replace(child, data=replace(child.data, a_number="012345678"), changed=True)
    result = save_household(ctx, draft)
    assert result.detail is None and isinstance(result.error, ValidationError)
    [problem] = result.error.problems
    assert problem.field == "people.1.a_number"
    with using_language("es"):
        assert "dos veces" in result.error.message()
    with using_language("en"):
        assert "twice in this household" in result.error.message()
    assert not result.changes


def test_a_refused_step_saves_nothing(ctx: AppContext) -> None:
    mine = family(ctx, a_number="A 012-345-678")
    draft = _draft_of(ctx, mine.case.id)
    draft.data = replace(draft.data, phone="+52 664 000 1111")  # the first step, the case
    child = mine.people[1]
    update_person(  # someone else saves the child after the form was opened
        ctx, child.id, child.version, PersonInput("Niña", "Otra", "child")
    )
    draft.people[1] = replace(
        draft.people[1], data=replace(draft.people[1].data, given_names="Lucía"), changed=True
    )
    result = save_household(ctx, draft)
    assert isinstance(result.error, ConflictError) and result.detail is None
    after = get_case(ctx, mine.case.id)
    assert after.case.phone == mine.case.phone and after.case.version == mine.case.version
    assert after.people[1].given_names == "Niña"


def test_two_members_can_swap_anumbers_typed_the_other_way_round(ctx: AppContext) -> None:
    mine = family(ctx, a_number="A 012-345-678")
    child = mine.people[1]
    update_person(
        ctx,
        child.id,
        child.version,
        PersonInput("Niña 0", "Hernández Núñez", "child", a_number="A 111-222-333"),
    )
    draft = _draft_of(ctx, mine.case.id)
    first, second = draft.people
    draft.people = [
        replace(first, data=replace(first.data, a_number="111222333"), changed=True),
        replace(second, data=replace(second.data, a_number="012345678"), changed=True),
    ]
    result = save_household(ctx, draft)
    assert result.error is None and result.detail is not None
    assert [p.a_number for p in result.detail.people] == ["111222333", "012345678"]


def test_a_member_missing_from_the_form_still_counts_for_the_household_check(
    ctx: AppContext,
) -> None:
    mine = family(ctx, a_number="A 012-345-678", children=2)
    third = mine.people[2]
    update_person(
        ctx,
        third.id,
        third.version,
        PersonInput("Niña 1", "Hernández Núñez", "child", a_number="A 111-222-333"),
    )
    draft = _draft_of(ctx, mine.case.id)
    draft.data = replace(draft.data, phone="+52 664 000 1111")
    draft.people = draft.people[:2]  # the form did not hold the third member
    child = draft.people[1]
    draft.people[1] = replace(child, data=replace(child.data, a_number="111222333"), changed=True)
    result = save_household(ctx, draft)
    assert isinstance(result.error, ValidationError) and result.detail is None
    assert result.error.problems[0].field == "people.1.a_number"  # next to the one typed
    after = get_case(ctx, mine.case.id)
    assert after.case.phone == mine.case.phone  # nothing of the save was kept
    assert [p.a_number for p in after.people] == ["012345678", None, "111222333"]
