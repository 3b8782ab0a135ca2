"""Possible duplicates: Spanish naming, misspellings, birth dates and households."""

from __future__ import annotations

from datetime import date

import pytest

from legalaid.matching import (
    NAME_AND_BIRTH,
    NAME_AND_FAMILY,
    SAME_ANUMBER,
    Someone,
    find,
    names_match,
    phonetic,
)

BORN = date(1990, 3, 15)


def person(pid: str, case: str, given: str, family: str, **kw: object) -> Someone:
    return Someone(pid, case, given, family, **kw)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("González", "Gonsales"),
        ("Chávez", "Chaves"),
        ("Yesica", "Llesica"),
        ("Ximena", "Jimena"),
        ("Mohammed", "Mohamed"),
        ("Velázquez", "Belasquez"),
        ("Hernández", "Ernandez"),
    ],
)
def test_phonetic_key_absorbs_spelling(a: str, b: str) -> None:
    assert phonetic(a) == phonetic(b)


def test_guillermo_keeps_its_hard_g() -> None:
    assert phonetic("Guillermo") != phonetic("Jillermo")
    assert phonetic("Gerónimo") == phonetic("Jerónimo")


@pytest.mark.parametrize(
    ("given", "family"),
    [
        ("María Guadalupe", "Hernández Núñez"),
        ("Guadalupe", "Núñez Hernández"),  # surnames swapped, one given name
        ("MARIA GUADALUPE", "HERNANDEZ"),  # only one surname, capitals, no accents
        ("Ma. Guadalupe", "Hernandes Nunez"),  # misspelt surname
        ("Guadalupe María", "Hernández de Núñez"),  # given names reordered, a particle
        ("Hernández Núñez", "María Guadalupe"),  # written family-first
    ],
)
def test_names_that_match(given: str, family: str) -> None:
    a = person("1", "c1", "María Guadalupe", "Hernández Núñez")
    b = person("2", "c2", given, family)
    assert names_match(a, b)
    assert names_match(b, a)


@pytest.mark.parametrize(
    ("given", "family"),
    [
        ("José", "Hernández Núñez"),  # a brother
        ("María Guadalupe", "Pérez López"),  # another family
        ("María Guadalupe", ""),  # no family name at all
        ("María Guadalupe", "Hernández Hernández"),  # both surnames written, one differs
        ("María Guadalupe", "Hernández Núñez Pérez"),  # a third surname
    ],
)
def test_names_that_do_not_match(given: str, family: str) -> None:
    a = person("1", "c1", "María Guadalupe", "Hernández Núñez")
    b = person("2", "c2", given, family)
    assert not names_match(a, b)
    assert not names_match(b, a)


def test_find_same_anumber_name_and_birth_and_household() -> None:
    people = [
        # the same woman registered in Tijuana and in Mexicali, surnames swapped
        person("t1", "TIJ", "Rosa María", "Gómez Ruiz", birth_date=BORN),
        person("m1", "MXL", "Rosa", "Ruiz Gomez", birth_date=BORN),
        # same A-number, names typed differently
        person("t2", "TIJ2", "Juan", "Pérez", a_number="012345678"),
        person("m2", "MXL2", "Jhon", "Peres", a_number="12345678"),
        # a family: father's birth date missing at one shelter; the daughter matches
        person("t3", "TIJ3", "Carlos", "Velázquez Ortiz", birth_date=date(1980, 1, 2)),
        person("t4", "TIJ3", "Ximena", "Velázquez Ramos", birth_date=date(2015, 6, 1)),
        person("m3", "MXL3", "Carlos", "Belasquez"),
        person("m4", "MXL3", "Jimena", "Velasquez", birth_date=date(2015, 6, 1)),
        # same name, other birth date, no shared family: NOT proposed
        person("t5", "TIJ5", "José", "López", birth_date=date(1970, 1, 1)),
        person("m5", "MXL5", "José", "López", birth_date=date(1999, 9, 9)),
        # same household twice is never a duplicate of itself
        person("t6", "TIJ6", "Ana", "Ruiz", birth_date=BORN),
        person("t7", "TIJ6", "Ana", "Ruiz", birth_date=BORN),
    ]
    pairs = {(d.first.person_id, d.second.person_id): d.reason for d in find(people)}
    assert pairs == {
        ("m1", "t1"): NAME_AND_BIRTH,
        ("m2", "t2"): SAME_ANUMBER,
        ("m4", "t4"): NAME_AND_BIRTH,
        ("m3", "t3"): NAME_AND_FAMILY,
    }


def test_find_on_many_people_with_common_names() -> None:
    """3,000 people drawn from 10 given names and 8 surnames: every pair found is across
    households, for a rule, and pairs with the same name and birth date are all found."""
    import random

    rng = random.Random(4)
    given = ["José", "María", "Juan", "Ana", "Luis", "Rosa", "Carlos", "Lucía", "Pedro", "Elena"]
    family = ["Hernández", "García", "López", "Martínez", "Pérez", "Gómez", "Ruiz", "Díaz"]
    people = [
        person(
            f"p{i}",
            f"c{i // 3}",
            rng.choice(given),
            f"{rng.choice(family)} {rng.choice(family)}",
            birth_date=date(1960 + rng.randrange(60), 1 + rng.randrange(12), 1 + rng.randrange(28)),
        )
        for i in range(3_000)
    ]
    # every 50th person registered again at another office, surnames swapped
    for i in range(0, 3_000, 50):
        p = people[i]
        first, second = p.family_names.split(" ")
        people.append(
            person(f"x{i}", f"x{i}", p.given_names, f"{second} {first}", birth_date=p.birth_date)
        )
    found = find(people)
    for d in found:
        assert d.first.case_id != d.second.case_id
        assert d.reason in (NAME_AND_BIRTH, NAME_AND_FAMILY)
        assert names_match(d.first, d.second)
    pairs = {(d.first.person_id, d.second.person_id) for d in found}
    expected = {
        (min(a.person_id, b.person_id), max(a.person_id, b.person_id))
        for i, a in enumerate(people)
        for b in people[i + 1 :]
        if a.case_id != b.case_id and a.birth_date == b.birth_date and names_match(a, b)
    }
    assert len(expected) >= 60 and expected <= pairs
