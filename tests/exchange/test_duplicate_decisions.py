"""Deciding on possible duplicate households: a merge moves every row of the other household to
the one kept (nothing deleted, the other hidden and pointing to it, recorded in the change
record), can be undone, and "different" is remembered so the pair is not proposed again."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest

from legalaid.errors import NotFoundError, ValidationError
from legalaid.services.audit import case_history
from legalaid.services.cases import CaseInput, PersonInput, get_case, open_case
from legalaid.services.duplicates import (
    household_pairs,
    mark_different,
    merge_households,
    pair_key,
    possible_duplicates,
    separate_households,
)
from legalaid.services.households import CaseDraft, PersonDraft, save_household
from legalaid.services.risk import RiskInput, add_assessment
from legalaid.services.search import count_cases, search_cases
from tests.core.helpers import hearing_in

ANUMBER = "A 012-345-678"


def twice_registered(ctx: Any) -> tuple[Any, Any]:
    """The same family at two shelters: the mother with her A-number at both, a child in one
    and another child in the other; a hearing in each, a risk assessment in the second."""
    kept = open_case(
        ctx,
        CaseInput(crossing="SYS", city="Tijuana, B.C."),
        [
            PersonInput(
                "María Guadalupe",
                "Hernández Núñez",
                "principal",
                date(1990, 5, 1),
                "female",
                "HN",
                a_number=ANUMBER,
            ),
            PersonInput("José", "Hernández", "child", date(2016, 2, 3), "male", "HN"),
        ],
    ).case
    other = open_case(
        ctx,
        CaseInput(crossing="SYS", city="Tijuana, B.C.", shelter="Casa del Migrante"),
        [
            PersonInput(
                "Ma. Guadalupe",
                "Nunez Hernandes",
                "principal",
                date(1990, 5, 1),
                "female",
                "HN",
                a_number=ANUMBER,
            ),
            PersonInput("Rosa", "Hernández", "child", date(2019, 7, 8), "female", "HN"),
        ],
    ).case
    hearing_in(ctx, kept.id, 20)
    hearing_in(ctx, other.id, 40)
    add_assessment(ctx, other.id, RiskInput(narrative_es="Amenazas en Tapachula"))
    return kept, other


def test_merge_moves_every_row_and_hides_the_other(ctx: Any) -> None:
    kept, other = twice_registered(ctx)
    pairs = household_pairs(ctx)
    assert len(pairs) == 1
    numbers = {pairs[0].first.case_number, pairs[0].second.case_number}
    assert numbers == {kept.case_number, other.case_number}
    side = pairs[0].first if pairs[0].first.case_id == kept.id else pairs[0].second
    assert [m.name for m in side.members] == ["María Guadalupe Hernández Núñez", "José Hernández"]
    assert side.next_hearing is not None and side.crossing == "SYS"
    assert {m.reason for m in pairs[0].matches} == {"same_a_number"}

    done = merge_households(ctx, kept.case_number, other.case_number)
    assert (done.kept, done.other, done.people, done.hearings, done.inactive) == (
        kept.case_number,
        other.case_number,
        2,
        1,
        1,
    )
    now = get_case(ctx, kept.case_number)
    assert [(p.given_names, p.active) for p in now.people] == [
        ("María Guadalupe", True),
        ("José", True),
        ("Ma. Guadalupe", False),  # the same mother: kept, inactive
        ("Rosa", True),
    ]
    assert len(now.hearings) == 2 and len(now.risks) == 1
    # The copy's A-number is kept in the merge's record, not twice in the household: the
    # household saves as the editor saves it.
    assert [p.a_number for p in now.people if not p.active] == [None]
    draft = CaseDraft(
        CaseInput(crossing="SYS", city="Tijuana Centro"),
        [
            PersonDraft(
                PersonInput(
                    p.given_names,
                    p.family_names,
                    p.relationship,
                    p.birth_date,
                    p.sex,
                    p.nationality,
                    a_number=p.a_number,
                ),
                p.id,
                p.version,
                active=p.active,
                changed=False,
            )
            for p in now.people
        ],
        case_id=kept.id,
        version=now.case.version,
    )
    assert save_household(ctx, draft).error is None
    hidden = get_case(ctx, other.case_number)
    assert hidden.case.merged_into == kept.id
    assert hidden.people == [] and hidden.hearings == [] and hidden.risks == []
    assert possible_duplicates(ctx) == [] and household_pairs(ctx) == []
    # The case list, its counts and the search by number leave the merged household out.
    assert [r.case_number for r in search_cases(ctx)] == [kept.case_number]
    assert count_cases(ctx) == 1 and count_cases(ctx, crossing="SYS", status="open") == 1
    assert search_cases(ctx, other.case_number) == [] and count_cases(ctx, other.case_number) == 0
    assert [r.case_number for r in search_cases(ctx, "rosa hernandez")] == [kept.case_number]

    history = case_history(ctx, kept.id)
    merged_line = [e for e in history if "merged_from" in e.changes]
    assert merged_line and merged_line[0].changes["merged_from"][1] == other.case_number
    came = [e for e in history if e.case_id == other.id]
    assert came and all(other.case_number in e.actor for e in came)
    assert all(e.actor == ctx.actor for e in history if e.case_id == kept.id)

    with ctx.db.query() as conn:
        tables = {
            r[0]
            for r in conn.execute(
                "SELECT table_name FROM change_log WHERE op = 'update' OR table_name = ?",
                ("household_merge",),
            )
        }
        stored = conn.execute("SELECT moved FROM household_merge").fetchone()
    assert {"person", "hearing", "risk_assessment", "case", "household_merge"} <= tables
    moved = json.loads(stored[0])
    assert len(moved["person"]) == 2 and len(moved["inactive"]) == 1

    # Separate again: the moved rows go back, the mother is active again, the pair returns.
    back = separate_households(ctx, other.case_number)
    assert (back.people, back.hearings) == (2, 1)
    again = get_case(ctx, other.case_number)
    assert again.case.merged_into is None
    assert [(p.given_names, p.active, p.a_number) for p in again.people] == [
        ("Ma. Guadalupe", True, "012345678"),
        ("Rosa", True, None),
    ]
    assert len(again.hearings) == 1 and len(again.risks) == 1
    assert len(get_case(ctx, kept.case_number).people) == 2
    assert len(household_pairs(ctx)) == 1
    assert count_cases(ctx) == 2 and len(search_cases(ctx, other.case_number)) == 1


def test_merge_refusals_say_what_is_wrong(ctx: Any) -> None:
    kept, other = twice_registered(ctx)
    with pytest.raises(NotFoundError) as unknown:
        merge_households(ctx, kept.case_number, "TIJ-1999-0042")
    assert "TIJ-1999-0042" in unknown.value.message()
    with pytest.raises(ValidationError) as twice:
        merge_households(ctx, kept.case_number, kept.case_number.lower())
    assert kept.case_number in twice.value.message()
    merge_households(ctx, kept.case_number, other.case_number)
    with pytest.raises(ValidationError) as already:
        merge_households(ctx, kept.case_number, other.case_number)
    assert other.case_number in already.value.message()
    assert kept.case_number in already.value.message()
    with pytest.raises(ValidationError):
        separate_households(ctx, kept.case_number)  # the kept one was never merged


def test_different_is_remembered_whichever_order(ctx: Any) -> None:
    kept, other = twice_registered(ctx)
    assert pair_key(kept.id, other.id) == pair_key(other.id, kept.id)
    assert mark_different(ctx, other.case_number, kept.case_number)[2] is True
    assert possible_duplicates(ctx) == [] and household_pairs(ctx) == []
    assert mark_different(ctx, kept.case_number, other.case_number)[2] is False
    with ctx.db.query() as conn:
        entries = conn.execute(
            "SELECT count(*) FROM change_log WHERE table_name = 'duplicate_decision'"
        ).fetchone()[0]
    assert entries == 1
