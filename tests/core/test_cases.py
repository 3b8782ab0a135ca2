from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest

from legalaid.context import AppContext
from legalaid.errors import ConflictError, NotFoundError, ValidationError
from legalaid.home import open_home
from legalaid.services.audit import case_history
from legalaid.services.cases import (
    CaseInput,
    PersonInput,
    add_person,
    get_case,
    open_case,
    set_case_status,
    update_case,
    update_person,
)
from legalaid.services.search import count_cases
from tests.core.helpers import family


def test_open_case_numbers_households_by_prefix_and_year(ctx: AppContext) -> None:
    year = date.today().year
    first = family(ctx, a_number="A 012-345-678")
    second = family(ctx, a_number="A 98765432")
    assert first.case.case_number == f"TIJ-{year}-0001"
    assert second.case.case_number == f"TIJ-{year}-0002"
    assert second.people[0].a_number == "098765432"
    assert [p.relationship for p in first.people] == ["principal", "child"]
    assert first.crossing is not None and first.crossing.code == "SYS"


def test_prefix_is_a_setting(ctx: AppContext) -> None:
    ctx.settings.office_prefix = "CJS"
    assert family(ctx).case.case_number.startswith("CJS-")


def test_bad_input_lists_every_problem_and_saves_nothing(ctx: AppContext) -> None:
    people = [
        PersonInput(
            "",
            "Pérez",
            birth_date=date.today() + timedelta(days=3),
            a_number="A 12",
            nationality="ZZ",
        )
    ]
    with pytest.raises(ValidationError) as caught:
        open_case(ctx, CaseInput(crossing="XXX"), people)
    fields = {p.field for p in caught.value.problems}
    assert fields == {"given_names", "birth_date", "a_number", "nationality", "crossing"}
    messages = caught.value.by_field()
    assert messages["given_names"] == "Escriba el nombre o los nombres."
    assert messages["birth_date"] == "La fecha de nacimiento no puede estar en el futuro."
    assert count_cases(ctx) == 0


def test_a_household_needs_someone(ctx: AppContext) -> None:
    with pytest.raises(ValidationError, match="al menos una persona"):
        open_case(ctx, CaseInput(), [])


def test_an_anumber_in_another_household_is_a_possible_duplicate(ctx: AppContext) -> None:
    first = family(ctx, a_number="012345678", given="Rosa", family_names="Mejía")
    second = family(ctx, a_number="A 012 345 678")  # saved: the service reports, not refuses
    assert second.people[0].a_number == "012345678"
    [dup] = second.duplicates
    assert dup.person_id == second.people[0].id
    assert (dup.a_number, dup.other_case, dup.other_case_id) == (
        "A 012-345-678",
        first.case.case_number,
        first.case.id,
    )
    assert dup.other_name == "Rosa Mejía"
    # Each side sees the other.
    assert [d.other_case for d in get_case(ctx, first.case.id).duplicates] == [
        second.case.case_number
    ]
    assert family(ctx, a_number="A 999-999-999").duplicates == []


def test_an_anumber_twice_inside_one_household_is_refused(ctx: AppContext) -> None:
    with pytest.raises(ValidationError, match="dos veces"):
        open_case(
            ctx,
            CaseInput(),
            [
                PersonInput("A", "B", a_number="12345678"),
                PersonInput("C", "D", a_number="012345678"),
            ],
        )
    detail = family(ctx, a_number="A 012-345-678")
    with pytest.raises(ValidationError, match="dos veces"):  # a new member with the same one
        add_person(ctx, detail.case.id, PersonInput("Ana", "B", "child", a_number="012345678"))
    child = detail.people[1]
    with pytest.raises(ValidationError, match="dos veces"):  # a member edited to the same one
        update_person(
            ctx, child.id, child.version, PersonInput("Niña 0", "B", "child", a_number="012345678")
        )
    assert [p.a_number for p in get_case(ctx, detail.case.id).people] == ["012345678", None]


def test_edit_case_is_audited_field_by_field(ctx: AppContext) -> None:
    detail = family(ctx)
    data = CaseInput(crossing="ELP", city="Ciudad Juárez, Chih.", shelter="Casa X")
    updated = update_case(ctx, detail.case.id, detail.case.version, data)
    assert updated.crossing is not None and updated.crossing.code == "ELP"
    assert updated.case.version == detail.case.version + 1
    history = case_history(ctx, detail.case.id)
    last = history[-1]
    assert last.actor == "Ana Tester" and last.action == "update"
    assert last.changes["city"] == ["Tijuana, B.C.", "Ciudad Juárez, Chih."]
    assert last.changes["shelter"] == ["", "Casa X"]


def test_second_save_of_a_stale_version_is_refused(ctx: AppContext) -> None:
    detail = family(ctx)
    other = open_home(ctx.home.root, unencrypted=True)  # a second window / process on the same file
    try:
        update_case(other, detail.case.id, detail.case.version, CaseInput(shelter="A"))
        with pytest.raises(ConflictError) as caught:
            update_case(ctx, detail.case.id, detail.case.version, CaseInput(shelter="B"))
        assert "Otra persona guardó" in caught.value.message()
        assert get_case(ctx, detail.case.id).case.shelter == "A"
    finally:
        other.close()


def test_closing_keeps_everything(ctx: AppContext) -> None:
    detail = family(ctx, children=2)
    closed = set_case_status(ctx, detail.case.id, detail.case.version, "closed")
    assert closed.case.status == "closed" and closed.case.closed_at is not None
    assert len(closed.people) == 3
    reopened = set_case_status(ctx, detail.case.case_number, None, "open")
    assert reopened.case.closed_at is None
    with pytest.raises(ValidationError):
        set_case_status(ctx, detail.case.id, None, "deleted")


def test_people_added_edited_and_taken_off_without_deleting(ctx: AppContext) -> None:
    detail = family(ctx, children=0)
    person = add_person(
        ctx, detail.case.id, PersonInput("Lucía", "Hernández", "child", nationality="gt")
    )
    assert person.nationality == "GT" and person.position == 1
    edited = update_person(
        ctx,
        person.id,
        person.version,
        replace(PersonInput("Lucía", "Hernández Peña", "child"), a_number="A 111-222-333"),
    )
    assert edited.a_number == "111222333"
    gone = update_person(
        ctx,
        person.id,
        edited.version,
        PersonInput("Lucía", "Hernández Peña", "child", a_number="111222333"),
        active=False,
    )
    assert gone.active is False
    assert len(get_case(ctx, detail.case.id).people) == 2


def test_unknown_case_is_a_clear_error(ctx: AppContext) -> None:
    with pytest.raises(NotFoundError, match="No existe el expediente «TIJ-1999-0001»"):
        get_case(ctx, "TIJ-1999-0001")
