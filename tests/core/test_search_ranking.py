"""Search ranks the best match first and says which member matched (real SQLite file)."""

from __future__ import annotations

import sqlite3

from legalaid.context import AppContext
from legalaid.services.cases import CaseInput, PersonInput, open_case, update_person
from legalaid.services.demo import generate_demo
from legalaid.services.search import count_cases, search_cases


def household(ctx: AppContext, *names: tuple[str, str]) -> str:
    people = [
        PersonInput(given, family, "principal" if index == 0 else "child")
        for index, (given, family) in enumerate(names)
    ]
    return open_case(ctx, CaseInput(crossing="SYS"), people).case.case_number


def test_one_persons_whole_name_beats_words_spread_over_a_household(ctx: AppContext) -> None:
    # Entered oldest first: newest-first order alone would put them the other way round.
    exact = household(ctx, ("José", "Hernández Núñez"))
    started = household(ctx, ("Josefina", "Hernandez"))
    spread = household(ctx, ("José Luis", "Pérez"), ("Ana", "Hernández"))
    member = household(ctx, ("María", "López"), ("José", "Hernández"))
    rows = search_cases(ctx, "jose hernandez")
    assert [r.case_number for r in rows] == [member, exact, started, spread]
    assert count_cases(ctx, "jose hernandez") == 4
    found = {r.case_number: r.matched for r in rows}
    assert found[member] == "José Hernández"  # not the principal, María López
    assert found[exact] == "José Hernández Núñez" and found[started] == "Josefina Hernandez"


def test_a_whole_word_beats_the_start_of_a_word(ctx: AppContext) -> None:
    whole = household(ctx, ("Ana", "Ruiz"))
    longer = household(ctx, ("Anabel", "Ruiz"))
    child = household(ctx, ("Mario", "Soto"), ("Ana", "Soto"))
    rows = search_cases(ctx, "ana")
    assert [r.case_number for r in rows] == [child, whole, longer]
    assert rows[0].matched == "Ana Soto" and rows[0].principal == "Mario Soto"
    # paging through the tiers: the second page starts where the first one stopped
    assert [r.case_number for r in search_cases(ctx, "ana", limit=2)] == [child, whole]
    assert [r.case_number for r in search_cases(ctx, "ana", limit=2, offset=2)] == [longer]
    assert [r.case_number for r in search_cases(ctx, "ana", crossing="SYS")] == [
        child,
        whole,
        longer,
    ]


def test_a_chosen_order_is_kept_and_a_renamed_person_is_found_by_the_new_name(
    ctx: AppContext,
) -> None:
    first = household(ctx, ("Ana", "Ruiz"))
    second = household(ctx, ("Anabel", "Ruiz"))
    assert [r.case_number for r in search_cases(ctx, "ana")] == [first, second]
    by_number = search_cases(ctx, "ana", order="case_number")
    assert [r.case_number for r in by_number] == [first, second]
    detail = search_cases(ctx, "anabel")[0]
    from legalaid.services.cases import get_case

    person = get_case(ctx, detail.case_id).people[0]
    update_person(ctx, person.id, person.version, PersonInput("Ana", "Ruiz", "principal"))
    assert [r.case_number for r in search_cases(ctx, "ana")] == [second, first]


def test_demo_households_written_in_bulk_are_in_the_per_person_index(ctx: AppContext) -> None:
    generate_demo(ctx, 60, seed=3)
    with sqlite3.connect(ctx.home.database) as conn:
        people = conn.execute("SELECT count(*) FROM person").fetchone()[0]
        indexed = conn.execute("SELECT count(*) FROM person_search").fetchone()[0]
        orphans = conn.execute(
            "SELECT count(*) FROM person_search ps LEFT JOIN case_search s"
            " ON s.rowid = ps.case_rowid WHERE s.rowid IS NULL"
        ).fetchone()[0]
    assert people == indexed and orphans == 0
    some = search_cases(ctx, "", limit=5)
    name = some[0].principal
    assert search_cases(ctx, name)[0].matched == name
