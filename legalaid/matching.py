"""Possible duplicate people across households: the rules, in one place.

Two people in different households are possibly the same person when

1. they carry the same A-number (the strongest sign; typos aside, no two people share one); or
2. their names match with Spanish naming in mind AND they share the birth date; or
3. their names match AND each household has another member whose name matches one in the other
   (the same family registered twice, at two shelters, with a birth date missing or mistyped).

Names match when
- the family names agree as sets: two surnames in either order, or only one of them written
  ("Hernández Núñez" = "Núñez Hernández" = "Hernández"); particles (de, del, la, y...) ignored;
- and a given name agrees: the first given name of one appears among the other's
  ("María Guadalupe" = "Guadalupe"), in any order;
- each word compared after folding accents and case and after a Spanish phonetic key that
  absorbs common misspellings and transliterations (z/s/c, v/b, ll/y, silent h, qu/k, x/j,
  doubled letters: "Gonzalez" = "Gonsales", "Yesica" = "Llesica", "Chávez" = "Chaves",
  "Ximena" = "Jimena", "Mohammed" = "Mohamed"), then scored with rapidfuzz (a word matches
  at a ratio of 85 or more, so "Hernandes" = "Hernández" and "Mohamed" = "Mohammad");
- common abbreviations read in full ("Ma." = María, "Fco." = Francisco, "Hdez." = Hernández);
- a name written family-first in the given-names field is tried the other way round too.

Nothing here merges anything: it only proposes pairs, with the reason, for a person to decide.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cached_property, lru_cache
from itertools import chain, combinations, product

from rapidfuzz.fuzz import ratio

from legalaid.db import fold

PARTICLES = frozenset({"de", "del", "la", "las", "los", "y", "e", "da", "das", "do", "dos", "van"})
# Abbreviations written on Mexican and Central American papers ("Ma. Guadalupe", "Fco. Javier").
ABBREVIATIONS = {
    "ma": "maria",
    "mª": "maria",
    "fco": "francisco",
    "gpe": "guadalupe",
    "jsus": "jesus",
    "ant": "antonio",
    "fdo": "fernando",
    "glez": "gonzalez",
    "hdez": "hernandez",
    "mtz": "martinez",
    "rdz": "rodriguez",
}
WORD_SCORE = 85.0
SAME_ANUMBER = "same_a_number"
NAME_AND_BIRTH = "name_and_birth_date"
NAME_AND_FAMILY = "name_and_household"
MAX_BLOCK = 300  # people sharing one surname and first given name beyond this: birth date and
# A-number rules only (a real office's name blocks are far smaller)

_RULES = (
    ("ph", "f"),
    ("ch", "\x01"),  # keep "ch" apart from the silent h
    ("ll", "y"),
    ("qu", "k"),
    ("ge", "je"),  # soft g first, so "gue"/"gui" below keep their hard g
    ("gi", "ji"),
    ("gue", "ge"),
    ("gui", "gi"),
    ("ce", "se"),
    ("ci", "si"),
    ("z", "s"),
    ("c", "k"),
    ("v", "b"),
    ("w", "u"),
    ("x", "j"),
    ("h", ""),
    ("\x01", "ch"),
    ("y", "i"),
)


def phonetic(word: str) -> str:
    """The Spanish sound key of one folded word ("González" -> "gonsales")."""
    key = fold(word)
    for old, new in _RULES:
        key = key.replace(old, new)
    return re.sub(r"(.)\1+", r"\1", key)


def words(text: str) -> list[str]:
    """The significant words of a name, as phonetic keys (particles dropped)."""
    return list(_words(text or ""))


@lru_cache(maxsize=100_000)  # names repeat: each spelling is keyed once
def _words(text: str) -> tuple[str, ...]:
    parts = re.split(r"[\s\-.,']+", fold(text))
    return tuple(phonetic(ABBREVIATIONS.get(p, p)) for p in parts if p and p not in PARTICLES)


def _word_in(word: str, others: Sequence[str]) -> bool:
    return any(word == o or ratio(word, o) >= WORD_SCORE for o in others)


def _family_agrees(a: Sequence[str], b: Sequence[str]) -> bool:
    """Every word of the shorter family name pairs with its own word of the longer one; when
    both carry two or more, they must pair completely ("Díaz Gómez" is not "Gómez Gómez")."""
    if not a or not b:
        return False
    shorter, longer = (list(a), list(b)) if len(a) <= len(b) else (list(b), list(a))
    if len(shorter) >= 2 and len(shorter) != len(longer):
        return False
    for word in shorter:
        partner = next((o for o in longer if word == o or ratio(word, o) >= WORD_SCORE), None)
        if partner is None:
            return False
        longer.remove(partner)
    return True


def _given_agrees(a: Sequence[str], b: Sequence[str]) -> bool:
    if not a or not b:
        return False
    return _word_in(a[0], b) or _word_in(b[0], a)


@dataclass(frozen=True)
class Someone:
    """What the rules read of a person."""

    person_id: str
    case_id: str
    given_names: str
    family_names: str
    birth_date: date | None = None
    a_number: str | None = None

    @cached_property
    def given(self) -> tuple[str, ...]:
        return _words(self.given_names or "")

    @cached_property
    def family(self) -> tuple[str, ...]:
        return _words(self.family_names or "")

    @cached_property
    def block_keys(self) -> frozenset[tuple[str, str]]:
        """(a family word, the first given name): people whose names match share one."""
        if not self.given:
            return frozenset()
        return frozenset((word, self.given[0]) for word in self.family)


def names_match(a: Someone, b: Someone) -> bool:
    """Whether two people's names match by the rules above (family-first tried too)."""
    return _keys_match(a.given, a.family, b.given, b.family)


@lru_cache(maxsize=200_000)  # names repeat: the same pair of spellings is decided once
def _keys_match(
    ag: tuple[str, ...], af: tuple[str, ...], bg: tuple[str, ...], bf: tuple[str, ...]
) -> bool:
    if _family_agrees(af, bf) and _given_agrees(ag, bg):
        return True
    return _family_agrees(ag, bf) and _given_agrees(af, bg)  # written family-first


@dataclass(frozen=True)
class PossibleDuplicate:
    """Two people in different households who may be the same person, and why."""

    first: Someone
    second: Someone
    reason: str


def _household_overlap(a: Someone, b: Someone, members: dict[str, list[Someone]]) -> bool:
    others_a = [m for m in members.get(a.case_id, []) if m.person_id != a.person_id]
    others_b = [m for m in members.get(b.case_id, []) if m.person_id != b.person_id]
    keys_b = frozenset().union(*(m.block_keys for m in others_b))
    return any(
        names_match(x, y)
        for x in others_a
        if x.block_keys & keys_b
        for y in others_b
        if x.block_keys & y.block_keys
    )


def find(people: Iterable[Someone], focus: frozenset[str] | None = None) -> list[PossibleDuplicate]:
    """Every pair of people in different households that the rules call possible duplicates;
    with ``focus`` (case ids), only the pairs with at least one side in those households (an
    import asks about the households it brought, not the whole home again).

    Pairs are found in blocks (same A-number; same birth date; same phonetic first family name
    and first given name) so a home of 100,000 people is not compared pair by pair.
    """
    everyone = list(people)
    members: dict[str, list[Someone]] = defaultdict(list)
    by_anumber: dict[str, list[Someone]] = defaultdict(list)
    by_birth: dict[date, list[Someone]] = defaultdict(list)
    by_name: dict[tuple[str, str], list[Someone]] = defaultdict(list)
    for p in everyone:
        members[p.case_id].append(p)
        digits = re.sub(r"\D", "", p.a_number or "")
        if digits:
            by_anumber[digits.zfill(9)].append(p)
        if p.birth_date is not None:
            by_birth[p.birth_date].append(p)
        for key in p.block_keys:  # either surname: they may be written in either order
            by_name[key].append(p)

    found: dict[tuple[str, str], PossibleDuplicate] = {}

    def pairs(group: list[Someone]) -> Iterable[tuple[Someone, Someone]]:
        if focus is None:
            return combinations(group, 2)
        inside = [p for p in group if p.case_id in focus]
        if not inside:
            return ()
        outside = [p for p in group if p.case_id not in focus]
        return chain(combinations(inside, 2), product(inside, outside))

    def propose(a: Someone, b: Someone, reason: str) -> None:
        if a.case_id == b.case_id:
            return
        key = (min(a.person_id, b.person_id), max(a.person_id, b.person_id))
        if key not in found:
            first, second = (a, b) if a.person_id == key[0] else (b, a)
            found[key] = PossibleDuplicate(first, second, reason)

    for group in by_anumber.values():
        for a, b in pairs(group):
            propose(a, b, SAME_ANUMBER)
    for group in by_birth.values():
        for a, b in pairs(group):
            if names_match(a, b):
                propose(a, b, NAME_AND_BIRTH)
    # The block keys of each person's household companions: two households can only share a
    # matching member if these meet (a set test before any name is compared).
    companions = {
        p.person_id: frozenset().union(
            *(m.block_keys for m in members[p.case_id] if m.person_id != p.person_id)
        )
        for p in everyone
    }
    for group in by_name.values():
        if len(group) > MAX_BLOCK:
            continue
        for a, b in pairs(group):
            if (
                a.case_id != b.case_id
                and companions[a.person_id] & companions[b.person_id]
                and names_match(a, b)
                and _household_overlap(a, b, members)
            ):
                propose(a, b, NAME_AND_FAMILY)
    return sorted(
        found.values(), key=lambda d: (d.reason, d.first.family_names, d.first.given_names)
    )
