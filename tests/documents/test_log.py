"""The document log, and the "reminder out of date" flag it drives."""

from __future__ import annotations

import hashlib
from datetime import time

import pytest

from legalaid.context import AppContext
from legalaid.documents import (
    documents_for_case,
    log_document,
    outdated_reminders,
    reminder_letter,
    risk_note,
)
from legalaid.errors import ValidationError
from legalaid.services.hearings import HearingInput, reschedule_hearing
from legalaid.services.reference import update_crossing
from legalaid.services.risk import RiskInput, add_assessment
from tests.documents.helpers import EIGHT, HEARING_DAY, hearing, household


def test_log_keeps_kind_case_hearing_who_when_hash_and_printed_facts(ctx: AppContext) -> None:
    case = household(ctx, EIGHT[:2])
    hearing_id = hearing(ctx, case.case.id)
    letter = reminder_letter(ctx, hearing_id)
    assert documents_for_case(ctx, case.case.id) == []  # building alone logs nothing
    changes = log_document(ctx, letter)
    assert changes.kinds == {"document"} and changes.cases == {case.case.id}
    add_assessment(ctx, case.case.id, RiskInput(level="low"))
    log_document(ctx, risk_note(ctx, case.case.id))
    newest, first = documents_for_case(ctx, case.case.case_number)
    assert (newest.kind, first.kind) == ("risk_note", "reminder")
    assert first.case_id == case.case.id and first.hearing_id == hearing_id
    assert first.actor == "Ana Tester" and first.at <= newest.at
    assert first.sha256 == hashlib.sha256(letter.pdf).hexdigest() and first.size == len(letter.pdf)
    facts = first.details["facts"]
    assert facts["starts_at"].startswith("2030-06-18T15:00") and facts["crossing"] == "SYS"
    assert facts["report_at"].startswith("2030-06-18T11:00")


def test_reschedule_makes_the_reminder_outdated_until_reprinted(ctx: AppContext) -> None:
    case = household(ctx, EIGHT[:1])
    old = hearing(ctx, case.case.id)
    assert outdated_reminders(ctx, [old]) == set()  # never printed: nothing to be out of date
    log_document(ctx, reminder_letter(ctx, old))
    assert outdated_reminders(ctx, [old]) == set()
    new = reschedule_hearing(
        ctx, old, None, HearingInput(court="SDG", crossing="SYS", day=HEARING_DAY, at=time(13, 0))
    ).record.id
    assert outdated_reminders(ctx, [new]) == {new}  # the family holds a letter saying 8:00
    log_document(ctx, reminder_letter(ctx, new))
    assert outdated_reminders(ctx, [new]) == set()


def test_a_reschedule_to_the_same_date_is_refused_and_the_letter_stays_current(
    ctx: AppContext,
) -> None:
    case = household(ctx, EIGHT[:1])
    old = hearing(ctx, case.case.id)
    log_document(ctx, reminder_letter(ctx, old))
    same = HearingInput(court="SDG", crossing="SYS", day=HEARING_DAY, at=time(8, 0))
    with pytest.raises(ValidationError, match="iguales a las anteriores"):
        reschedule_hearing(ctx, old, None, same)
    assert outdated_reminders(ctx, [old]) == set()


def test_a_new_reporting_point_makes_printed_reminders_outdated(ctx: AppContext) -> None:
    case = household(ctx, EIGHT[:1])
    hearing_id = hearing(ctx, case.case.id)
    log_document(ctx, reminder_letter(ctx, hearing_id))
    update_crossing(ctx, "SYS", reporting_point_es="Garita Puerta México Este")
    assert outdated_reminders(ctx, [hearing_id]) == {hearing_id}


def test_the_newest_of_many_prints_of_a_hearing_counts(ctx: AppContext) -> None:
    case = household(ctx, EIGHT[:1])
    hearing_id = hearing(ctx, case.case.id)
    for _ in range(3):
        log_document(ctx, reminder_letter(ctx, hearing_id))
    update_crossing(ctx, "SYS", reporting_point_es="Garita Puerta México Este")
    assert outdated_reminders(ctx, [hearing_id]) == {hearing_id}
    log_document(ctx, reminder_letter(ctx, hearing_id))  # printed again, with the new point
    assert outdated_reminders(ctx, [hearing_id]) == set()  # the three old letters: replaced
