from __future__ import annotations

import pytest

from legalaid.context import AppContext
from legalaid.services.search import count_cases, fts_query, search_cases
from tests.core.helpers import family, hearing_in


@pytest.fixture
def people(ctx: AppContext) -> AppContext:
    family(ctx, given="José", family_names="Hernández Núñez", a_number="A 012-345-678")
    family(ctx, given="María José", family_names="Íñiguez Peña", a_number=None, crossing="BRO")
    family(ctx, given="Ángel", family_names="Ordóñez Cruz", a_number="A 98765432")
    return ctx


def names(ctx: AppContext, text: str, **kw: object) -> list[str]:
    return [r.principal for r in search_cases(ctx, text, **kw)]  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "query", ["Jose Hernandez", "JOSÉ HERNÁNDEZ", "josé núñez", "hern", "nunez jose"]
)
def test_accents_and_case_do_not_matter(people: AppContext, query: str) -> None:
    assert "José Hernández Núñez" in names(people, query)


def test_prefixes_and_all_words_required(people: AppContext) -> None:
    assert names(people, "inig pen") == ["María José Íñiguez Peña"]
    assert sorted(names(people, "jose")) == ["José Hernández Núñez", "María José Íñiguez Peña"]
    assert names(people, "jose ordonez") == []


@pytest.mark.parametrize("query", ["A 012-345-678", "012345678", "A12345678", "a# 012 345 678"])
def test_a_number_in_any_writing(people: AppContext, query: str) -> None:
    assert names(people, query) == ["José Hernández Núñez"]


def test_eight_digit_numbers_find_the_padded_one(people: AppContext) -> None:
    assert names(people, "98765432") == ["Ángel Ordóñez Cruz"]


def test_case_number(people: AppContext) -> None:
    number = search_cases(people, "angel")[0].case_number
    assert names(people, number) == ["Ángel Ordóñez Cruz"]


def test_filters_sorting_paging_and_counts(people: AppContext) -> None:
    assert names(people, "", crossing="BRO") == ["María José Íñiguez Peña"]
    assert count_cases(people, "jose") == 2
    by_name = names(people, "", order="name")
    assert by_name == ["José Hernández Núñez", "María José Íñiguez Peña", "Ángel Ordóñez Cruz"]
    assert names(people, "", order="name", descending=True) == by_name[::-1]
    assert len(search_cases(people, "", limit=1, offset=2)) == 1


@pytest.mark.parametrize(
    "query",
    [
        '"',
        "*",
        "AND",
        "NEAR(",
        "'; DROP TABLE person; --",
        "\x00",
        "🙂",
        "שלום",
        "x" * 10000,
        "(",
        "^",
    ],
)
def test_hostile_queries_never_crash(people: AppContext, query: str) -> None:
    search_cases(people, query)
    count_cases(people, query)
    assert count_cases(people) == 3


def test_query_builder_quotes_every_token() -> None:
    assert fts_query('jo"se') == '"jo"* AND "se"*'
    assert fts_query("  ") is None


def test_newest_first_by_default_and_case_number_prefixes(people: AppContext) -> None:
    rows = search_cases(people, "")
    assert [r.principal for r in rows] == [
        "Ángel Ordóñez Cruz",
        "María José Íñiguez Peña",
        "José Hernández Núñez",
    ]
    prefix = rows[0].case_number[:9]  # "TIJ-2026-"
    assert [r.case_number for r in search_cases(people, prefix.lower())] == [
        r.case_number for r in rows
    ]
    assert count_cases(people, prefix) == 3
    assert count_cases(people, rows[0].case_number) == 1


def test_a_number_being_typed(people: AppContext) -> None:
    assert names(people, "A 01") == []  # under three digits: wait for more
    assert names(people, "A 012-3") == ["José Hernández Núñez"]
    assert names(people, "a#0987") == ["Ángel Ordóñez Cruz"]


def test_sorted_by_next_hearing_those_without_one_come_last(ctx: AppContext) -> None:
    cases = [family(ctx, given=name, a_number=None) for name in ("Ana", "Beto", "Carla", "Dora")]
    hearing_in(ctx, cases[0].case.id, 20)
    hearing_in(ctx, cases[2].case.id, 5)
    hearing_in(ctx, cases[3].case.id, 5)  # the same day and hour as Carla's
    soonest = names(ctx, "", order="next_hearing")
    assert soonest[:2] == ["Carla Hernández Núñez", "Dora Hernández Núñez"]  # ties: as entered
    assert soonest[2:] == ["Ana Hernández Núñez", "Beto Hernández Núñez"]  # Beto: none coming
    assert names(ctx, "", order="next_hearing", descending=True) == soonest[::-1]
    by_status = names(ctx, "", order="status")
    assert by_status == names(ctx, "", order="status", descending=True)[::-1]
    assert names(ctx, "", order="crossing", crossing="SYS") == [
        "Ana Hernández Núñez",
        "Beto Hernández Núñez",
        "Carla Hernández Núñez",
        "Dora Hernández Núñez",
    ]


def test_a_capped_count_says_more_than_and_never_changes_the_rows(people: AppContext) -> None:
    # Four more households named Jose: "jo" matches five cases, "jose ordonez" none.
    for i in range(3):
        family(people, given="Jose", family_names=f"Ruiz {i}", a_number=None)
    assert count_cases(people, "jo") == 5
    assert count_cases(people, "jo", cap=2) == 3  # more than two: the cap plus one
    assert count_cases(people, "jo", cap=5) == 5  # within the cap: exact
    assert count_cases(people, "jose ordonez", cap=2) == 0
    number = search_cases(people, "angel")[0].case_number
    assert count_cases(people, number[:5], cap=2) == 3  # a case-number prefix, capped too
    # A list without a search is counted exactly whatever the cap (that count is cheap).
    assert count_cases(people, "", cap=2) == 6
    assert count_cases(people, "", status="open", cap=2) == 6
    # The rows and their order do not depend on the count.
    assert len(search_cases(people, "jo")) == 5
