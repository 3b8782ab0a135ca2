"""Possible duplicate households: found on demand (rules: legalaid.matching), and decided by a
person: the same household (merged), or different (never proposed again).

**Merging** (:func:`merge_households`) keeps every row. The household merged (the *other*)
stays in the database with ``case.merged_into`` pointing to the one kept; the case list, the
search and Upcoming do not show it because nothing is left in it to show: its people,
hearings (with their history of reschedules), risk assessments (their incidents follow them)
and the papers printed for it (the document log) are *moved* to the kept household, each an
ordinary recorded change of its ``case_id``. So the kept case's window shows all of them, and
Upcoming lists the moved hearings under the kept case's number. A person of the other household
who is the same person as one of the kept household (same A-number, or names that match and the
same birth date) is moved too but set inactive, so the household does not count them twice;
an A-number already in the kept household is taken off the copy (a household never holds one
A-number twice: the editor would refuse to save it) and kept in the merge's record.
The audit entries stay with the case they were written for; the kept case's history
(:func:`legalaid.services.audit.case_history`) reads the other's too, each marked with the case
number it came from, and the merge itself is a line in both histories.

Which rows moved is written in a ``household_merge`` row, so "separate again"
(:func:`separate_households`) moves exactly those back and makes active again the people the
merge set inactive (rows added to the kept household since stay there).

The merge is one transaction on the one write path (``guarded_write``): every row it changes
goes into the change record and travels in the exchange files, so an office that holds both
households sees the same merge (the ``household_merge`` row, the moved rows and
``merged_into`` are changes like any other). Killed at any step, nothing of it is stored.

**Different** (:func:`mark_different`) stores the pair in ``duplicate_decision`` under a key
made of the two case ids sorted (the same whichever case is named first, at every office); it
travels like any change, and the finder leaves out pairs so marked. Both decisions travel with
the cases shared with an office: they reach an office that receives both households.
"""

from __future__ import annotations

import json
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from sqlmodel import Session, col, select

from legalaid import faults
from legalaid.anumber import format_anumber
from legalaid.context import AppContext
from legalaid.errors import ValidationError
from legalaid.i18n import N_
from legalaid.matching import PossibleDuplicate, Someone, find, names_match
from legalaid.services.ops import CASE, DOCUMENT, HEARING, PERSON, RISK, OpChanges
from legalaid.services.sql import POSTGRESQL, dialect_of

PEOPLE = """SELECT p.id, p.case_id, p.given_names, p.family_names, p.birth_date, p.a_number,
    c.case_number FROM person p JOIN "case" c ON c.id = p.case_id
    WHERE p.active AND c.merged_into IS NULL"""
DIFFERENT = "different"
OPERATION = "merge"
STEPS = ("checked", "people", "records", "before-commit", "committed")
NAMESPACE = uuid.UUID("0d6f3c1e-7a52-4a8e-9f43-2b1c5e6d7a90")

SAME_CASE = N_("Choose two different households: %(case)s was given twice.")
ALREADY_MERGED = N_("%(case)s was already merged into %(kept)s.")
NOT_MERGED = N_("%(case)s is not merged into another household.")
RISK_LAWYER = N_(
    "Merging households moves their risk assessments, which only a lawyer may do: ask a "
    "lawyer to merge them."
)


@dataclass(frozen=True)
class Pair:
    """A possible duplicate, with each side's case number, for a person to look at."""

    first: Someone
    first_case: str
    second: Someone
    second_case: str
    reason: str


def pair_key(case_a: str, case_b: str) -> str:
    """The id of a pair of households, the same whichever is named first."""
    first, second = sorted((case_a, case_b))
    return str(uuid.uuid5(NAMESPACE, f"{first}|{second}"))


def _different(conn: Any) -> set[str]:
    return {row[0] for row in conn.execute("SELECT id FROM duplicate_decision")}


def possible_duplicates(ctx: AppContext) -> list[Pair]:
    """Pairs of people the rules propose, leaving out merged households and pairs of
    households a person said are different."""
    with ctx.db.query() as conn:
        numbers, people = _people(conn.execute(PEOPLE))
        decided = _different(conn)
    return [
        _pair(d, numbers)
        for d in find(people)
        if pair_key(d.first.case_id, d.second.case_id) not in decided
    ]


def _people(rows: Any) -> tuple[dict[str, str], list[Someone]]:
    """(case id -> case number, the people) from rows of ``PEOPLE``."""
    numbers: dict[str, str] = {}
    people: list[Someone] = []
    for row in rows:
        numbers[row[1]] = row[6]
        born = row[4]
        people.append(
            Someone(
                row[0],
                row[1],
                row[2] or "",
                row[3] or "",
                date.fromisoformat(born[:10]) if isinstance(born, str) and born else born,
                row[5],
            )
        )
    return numbers, people


def households_touching(conn: Any, case_ids: set[str]) -> list[tuple[str, str]]:
    """The pairs of households (case ids, sorted) with a possible duplicate and at least one
    side in ``case_ids``, by the same rules as :func:`possible_duplicates` (merged households
    and pairs decided different left out). ``conn``: a SQLAlchemy connection, so an import
    asks inside its own transaction; only pairs touching ``case_ids`` are compared."""
    if not case_ids:
        return []
    _numbers, people = _people(conn.exec_driver_sql(PEOPLE))
    decided = {row[0] for row in conn.exec_driver_sql("SELECT id FROM duplicate_decision")}
    found: set[tuple[str, str]] = set()
    for d in find(people, frozenset(case_ids)):
        a, b = d.first.case_id, d.second.case_id
        if pair_key(a, b) not in decided:
            found.add((min(a, b), max(a, b)))
    return sorted(found)


def _pair(d: PossibleDuplicate, numbers: dict[str, str]) -> Pair:
    return Pair(d.first, numbers[d.first.case_id], d.second, numbers[d.second.case_id], d.reason)


# --- households side by side ------------------------------------------------------------------
@dataclass(frozen=True)
class Member:
    name: str
    birth_date: date | None
    a_number: str  # formatted, or ""


@dataclass(frozen=True)
class Side:
    """One household of a pair as the Duplicates window shows it."""

    case_id: str
    case_number: str
    members: list[Member]
    crossing: str  # code, or ""
    next_hearing: datetime | None
    zone: str
    office: str  # the office whose prefix the case number carries, or the prefix


@dataclass(frozen=True)
class HouseholdPair:
    """Two households with at least one possible duplicate person, and why each matched."""

    first: Side
    second: Side
    matches: list[Pair] = field(default_factory=list)

    @property
    def key(self) -> str:
        return pair_key(self.first.case_id, self.second.case_id)


SIDE_SQL = """SELECT c.id, c.case_number, x.code FROM "case" c
    LEFT JOIN crossing x ON x.id = c.crossing_id WHERE c.id = ?"""
MEMBERS_SQL = """SELECT given_names, family_names, birth_date, a_number FROM person
    WHERE case_id = ? AND active ORDER BY position"""
NEXT_SQL = """SELECT starts_at, zone FROM hearing WHERE case_id = ? AND status = 'scheduled'
    AND starts_at >= ? ORDER BY starts_at LIMIT 1"""


def household_pairs(ctx: AppContext) -> list[HouseholdPair]:
    """The possible duplicates grouped by pair of households, each side described."""
    grouped: dict[tuple[str, str], list[Pair]] = defaultdict(list)
    for pair in possible_duplicates(ctx):
        a, b = pair.first.case_id, pair.second.case_id
        grouped[(a, b) if pair.first_case <= pair.second_case else (b, a)].append(pair)
    if not grouped:
        return []
    sides: dict[str, Side] = {}
    with ctx.db.query() as conn:
        moment = datetime.now(UTC).replace(tzinfo=None)
        now: Any = moment if dialect_of(conn) == POSTGRESQL else moment.isoformat(sep=" ")
        offices = {
            str(prefix).upper(): str(name)
            for prefix, name in conn.execute("SELECT prefix, name FROM office")
        }
        for case_id in {c for pair in grouped for c in pair}:
            sides[case_id] = _side(conn, case_id, now, offices)
    return [HouseholdPair(sides[a], sides[b], matches) for (a, b), matches in grouped.items()]


def _side(conn: Any, case_id: str, now: Any, offices: dict[str, str]) -> Side:
    row = conn.execute(SIDE_SQL, (case_id,)).fetchone()
    members = [
        Member(
            f"{r[0] or ''} {r[1] or ''}".strip(),
            _day(r[2]),
            format_anumber(r[3]) if r[3] else "",
        )
        for r in conn.execute(MEMBERS_SQL, (case_id,))
    ]
    hearing = conn.execute(NEXT_SQL, (case_id, now)).fetchone()
    starts = _instant(hearing[0]) if hearing else None
    prefix = str(row[1]).split("-")[0].upper()
    return Side(
        case_id,
        row[1],
        members,
        row[2] or "",
        starts,
        hearing[1] if hearing else "",
        offices.get(prefix, prefix),
    )


def _day(value: Any) -> date | None:
    if isinstance(value, str) and value:
        return date.fromisoformat(value[:10])
    return value if isinstance(value, date) else None


def _instant(value: Any) -> datetime | None:
    if value is None:
        return None
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


# --- deciding -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Merged:
    """What a merge (or its undoing) did, for the person and for the views to refresh."""

    kept: str  # case number
    other: str  # case number
    people: int
    hearings: int
    inactive: int
    changes: OpChanges


def _two(session: Session, one: str, two: str) -> tuple[Any, Any]:
    from legalaid.services.cases import _load_case

    first, second = _load_case(session, one), _load_case(session, two)
    if first.id == second.id:
        raise ValidationError(SAME_CASE, "case", case=first.case_number)
    return first, second


def _merged_check(session: Session, case: Any) -> None:
    from legalaid.models import Case

    if case.merged_into:
        kept = session.get(Case, case.merged_into)
        raise ValidationError(
            ALREADY_MERGED,
            "case",
            case=case.case_number,
            kept=kept.case_number if kept else case.merged_into,
        )


def _same_person(a: Any, b: Any) -> bool:
    if a.a_number and b.a_number:
        return bool(a.a_number == b.a_number)
    if a.birth_date is None or a.birth_date != b.birth_date:
        return False
    return names_match(
        Someone(a.id, a.case_id, a.given_names, a.family_names),
        Someone(b.id, b.case_id, b.given_names, b.family_names),
    )


def merge_households(ctx: AppContext, keep_ref: str, other_ref: str) -> Merged:
    """Merge the household ``other_ref`` into ``keep_ref`` (case numbers or ids): one
    transaction, every row kept (see the module's description)."""
    from legalaid.models import DocumentLogEntry, Hearing, HouseholdMerge, Person, RiskAssessment
    from legalaid.services import audit
    from legalaid.services.sql import may
    from legalaid.services.writes import guarded_write

    with guarded_write(ctx) as session:
        keep, other = _two(session, keep_ref, other_ref)
        _merged_check(session, keep)
        _merged_check(session, other)
        if not may(session, "risk_assessment", "UPDATE"):
            raise ValidationError(RISK_LAWYER, "case")
        faults.reached(OPERATION, "checked")
        kept_people = list(
            session.exec(
                select(Person).where(Person.case_id == keep.id).order_by(col(Person.position))
            ).all()
        )
        position = max((p.position for p in kept_people), default=-1) + 1
        moved: dict[str, Any] = {
            "person": [],
            "hearing": [],
            "risk_assessment": [],
            "document_log": [],
            "inactive": [],
            "anumbers": {},
        }
        theirs = session.exec(
            select(Person).where(Person.case_id == other.id).order_by(col(Person.position))
        ).all()
        numbers = {k.a_number for k in kept_people if k.a_number}
        for person in theirs:
            taken = bool(person.a_number) and person.a_number in numbers
            twin = person.active and (
                taken or any(k.active and _same_person(person, k) for k in kept_people)
            )
            person.case_id = keep.id
            person.position = position
            position += 1
            if twin:
                person.active = False
                moved["inactive"].append(person.id)
            if taken:
                # A household never holds one A-number twice (the editor refuses to save it):
                # the copy keeps none while merged; "separate again" gives it back.
                moved["anumbers"][person.id] = person.a_number
                person.a_number = None
            moved["person"].append(person.id)
            session.add(person)
        session.flush()
        faults.reached(OPERATION, "people")
        models: tuple[tuple[Any, str], ...] = (
            (Hearing, "hearing"),
            (RiskAssessment, "risk_assessment"),
            (DocumentLogEntry, "document_log"),
        )
        for model, name in models:
            for row in session.exec(select(model).where(model.case_id == other.id)).all():
                row.case_id = keep.id
                moved[name].append(row.id)
                session.add(row)
        session.flush()
        faults.reached(OPERATION, "records")
        other.merged_into = keep.id
        session.add(other)
        session.add(
            HouseholdMerge(
                case_id=keep.id,
                merged_case_id=other.id,
                moved=json.dumps(moved, sort_keys=True),
                merged_by=ctx.actor,
            )
        )
        audit.record(
            session,
            ctx.actor,
            "update",
            "case",
            keep.id,
            keep.id,
            {"merged_from": [None, other.case_number]},
        )
        audit.record(
            session,
            ctx.actor,
            "update",
            "case",
            other.id,
            other.id,
            {"merged_into": [None, keep.case_number]},
        )
        session.flush()
        faults.reached(OPERATION, "before-commit")
        result = Merged(
            keep.case_number,
            other.case_number,
            len(moved["person"]),
            len(moved["hearing"]),
            len(moved["inactive"]),
            OpChanges(
                frozenset({keep.id, other.id}),
                frozenset({CASE, PERSON, HEARING, RISK, DOCUMENT}),
            ),
        )
    faults.reached(OPERATION, "committed")
    return result


def separate_households(ctx: AppContext, other_ref: str) -> Merged:
    """Undo the merge of ``other_ref``: the rows it moved go back, the people it set inactive
    are active again, ``merged_into`` is cleared; recorded like any change."""
    from legalaid.exchange.signing import q
    from legalaid.models import (
        Case,
        DocumentLogEntry,
        Hearing,
        HouseholdMerge,
        Person,
        RiskAssessment,
    )
    from legalaid.services import audit
    from legalaid.services.cases import _load_case
    from legalaid.services.sql import may
    from legalaid.services.writes import guarded_write

    with guarded_write(ctx) as session:
        other = _load_case(session, other_ref)
        if not other.merged_into:
            raise ValidationError(NOT_MERGED, "case", case=other.case_number)
        if not may(session, "risk_assessment", "UPDATE"):
            raise ValidationError(RISK_LAWYER, "case")
        keep = session.get(Case, other.merged_into)
        merge = session.exec(
            select(HouseholdMerge)
            .where(
                HouseholdMerge.merged_case_id == other.id,
                col(HouseholdMerge.undone_at).is_(None),
            )
            .order_by(col(HouseholdMerge.created_at).desc())
        ).first()
        moved: dict[str, Any] = json.loads(merge.moved) if merge else {}
        inactive = set(moved.get("inactive", []))
        anumbers: dict[str, str] = moved.get("anumbers", {})
        counts = {"person": 0, "hearing": 0}
        models: tuple[tuple[Any, str], ...] = (
            (Person, "person"),
            (Hearing, "hearing"),
            (RiskAssessment, "risk_assessment"),
            (DocumentLogEntry, "document_log"),
        )
        for model, name in models:
            # The rows the merge moved, and those that followed it (follow_merges): inserted
            # under the other household, now in the one kept.
            followed = [
                str(r[0])
                for r in session.connection().exec_driver_sql(
                    q(
                        session.connection(),
                        "SELECT DISTINCT row_id FROM change_log WHERE table_name = ?"
                        " AND case_id = ? AND op = 'insert'",
                    ),
                    (name, other.id),
                )
            ]
            listed = list(moved.get(name, []))
            for row_id in listed + sorted(set(followed) - set(listed)):
                row = session.get(model, row_id)
                if row is None or row.case_id != other.merged_into:
                    continue
                row.case_id = other.id
                if name == "person" and row_id in inactive:
                    row.active = True
                if name == "person" and row_id in anumbers:
                    row.a_number = anumbers[row_id]
                counts[name] = counts.get(name, 0) + 1
                session.add(row)
        session.flush()
        other.merged_into = None
        session.add(other)
        if merge is not None:
            merge.undone_at = datetime.now(UTC)
            merge.undone_by = ctx.actor
            session.add(merge)
        kept_number = keep.case_number if keep else ""
        for case_id, changes in (
            (keep.id if keep else None, {"merged_from": [other.case_number, None]}),
            (other.id, {"merged_into": [kept_number, None]}),
        ):
            if case_id:
                audit.record(session, ctx.actor, "update", "case", case_id, case_id, changes)
        session.flush()
        ids = frozenset({other.id} | ({keep.id} if keep else set()))
        return Merged(
            kept_number,
            other.case_number,
            counts["person"],
            counts["hearing"],
            len(inactive),
            OpChanges(ids, frozenset({CASE, PERSON, HEARING, RISK, DOCUMENT})),
        )


FOLLOW_CHUNK = 500


def follow_merges(session: Session, case_ids: set[str]) -> list[tuple[str, str, str]]:
    """Rows under a household merged into another follow to the one kept: (table, row id,
    kept case id) of each row moved.

    An office may add a hearing, a person or a paper to a household before the merge of that
    household reaches it, or receive such a row after the merge: either way it would stay
    under the hidden household. An import calls this for the households its entries touched;
    each row found is moved as the merge moves rows (an ordinary recorded change of its
    ``case_id``, so it travels), people as they are (none set inactive: a person compares
    them). "Separate again" takes them back: they were inserted under the other household.
    Risk assessments are moved only by a login that may change them (a lawyer's, on the
    office server): otherwise they stay where they are."""
    from legalaid.models import Case, DocumentLogEntry, Hearing, Person, RiskAssessment
    from legalaid.services.sql import may

    ids = sorted(case_ids)
    pointers: dict[str, str] = {}
    for start in range(0, len(ids), FOLLOW_CHUNK):
        chunk = ids[start : start + FOLLOW_CHUNK]
        pointers.update(
            (str(row[0]), str(row[1]))
            for row in session.exec(
                select(Case.id, Case.merged_into).where(
                    col(Case.id).in_(chunk), col(Case.merged_into).is_not(None)
                )
            ).all()
        )
    if not pointers:
        return []
    models: list[tuple[Any, str]] = [
        (Person, "person"),
        (Hearing, "hearing"),
        (DocumentLogEntry, "document_log"),
    ]
    if may(session, "risk_assessment", "UPDATE"):
        models.append((RiskAssessment, "risk_assessment"))
    moved: list[tuple[str, str, str]] = []
    for other in sorted(pointers):
        kept = _kept_case(session, other, pointers)
        for model, name in models:
            statement = (
                select(model)
                .where(model.case_id == other)
                .execution_options(populate_existing=True)
            )
            for row in session.exec(statement).all():
                row.case_id = kept
                if name == "person":
                    row.position = _next_position(session, kept)
                session.add(row)
                session.flush()
                moved.append((name, row.id, kept))
    return moved


def _kept_case(session: Session, case_id: str, pointers: dict[str, str]) -> str:
    """The household ``case_id`` was merged into, at the end of a chain of merges."""
    from legalaid.models import Case

    current, seen = pointers[case_id], {case_id}
    while len(seen) < 50:
        seen.add(current)
        after = session.exec(select(Case.merged_into).where(Case.id == current)).first()
        if after is None or after in seen:
            return current
        current = after
    return current


def _next_position(session: Session, case_id: str) -> int:
    from sqlalchemy import func

    from legalaid.models import Person

    top = session.exec(select(func.max(Person.position)).where(Person.case_id == case_id)).first()
    return 0 if top is None else int(top) + 1


def mark_different(ctx: AppContext, one_ref: str, two_ref: str) -> tuple[str, str, bool]:
    """Remember that two households are different: (their case numbers, whether the decision
    is new). Recorded like any change, so it travels."""
    from legalaid.models import DuplicateDecision
    from legalaid.services.writes import guarded_write

    with guarded_write(ctx) as session:
        one, two = _two(session, one_ref, two_ref)
        key = pair_key(one.id, two.id)
        if session.get(DuplicateDecision, key) is not None:
            return one.case_number, two.case_number, False
        first, second = sorted((one.id, two.id))
        session.add(
            DuplicateDecision(
                id=key,
                case_id=first,
                other_case_id=second,
                decision=DIFFERENT,
                decided_by=ctx.actor,
            )
        )
        session.flush()
        return one.case_number, two.case_number, True


def merged_into(ctx: AppContext, case_id: str) -> list[tuple[str, str]]:
    """(id, case number) of the households merged into ``case_id``."""
    with ctx.db.query() as conn:
        return [
            (r[0], r[1])
            for r in conn.execute(
                'SELECT id, case_number FROM "case" WHERE merged_into = ?', (case_id,)
            )
        ]


@dataclass(frozen=True)
class PastMerge:
    """A household merged into another and not separated since, for "separate again"."""

    case_id: str  # the household merged (hidden)
    case_number: str
    kept_number: str
    merged_at: datetime | None
    merged_by: str


PAST_MERGES = """SELECT c.id, c.case_number, k.case_number,
    (SELECT m.created_at FROM household_merge m WHERE m.merged_case_id = c.id
        AND m.undone_at IS NULL ORDER BY m.created_at DESC LIMIT 1),
    (SELECT m.merged_by FROM household_merge m WHERE m.merged_case_id = c.id
        AND m.undone_at IS NULL ORDER BY m.created_at DESC LIMIT 1)
    FROM "case" c JOIN "case" k ON k.id = c.merged_into ORDER BY c.case_number"""


def past_merges(ctx: AppContext) -> list[PastMerge]:
    """The households merged into another (hidden now), newest case number last."""
    with ctx.db.query() as conn:
        return [
            PastMerge(r[0], r[1], r[2], _instant(r[3]), r[4] or "")
            for r in conn.execute(PAST_MERGES)
        ]
