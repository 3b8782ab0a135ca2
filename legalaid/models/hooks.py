"""Session hooks: derived data every ORM write keeps current, whichever service made it."""

from __future__ import annotations

from itertools import chain
from typing import Any

from sqlalchemy import event, inspect
from sqlmodel import Session, col, select

from legalaid.models.case import Case, Person
from legalaid.models.hearing import Hearing
from legalaid.models.reference import Crossing
from legalaid.services.sql import raw_connection
from legalaid.sort_keys import sync_sort_keys

# The columns the case list's stored sort keys are made of (legalaid.sort_keys).
CASE_KEYS = ("case_number", "status", "crossing_id")
HEARING_KEYS = ("case_id", "starts_at", "status")


def _changed(obj: Any, names: tuple[str, ...]) -> bool:
    attrs = inspect(obj).attrs
    return any(attrs[name].history.has_changes() for name in names)


@event.listens_for(Session, "after_flush")
def _sort_keys_after_flush(session: Session, _context: Any) -> None:
    """New cases, changed people, hearings, statuses and crossings get their case's sort keys
    written again, in the same transaction."""
    case_ids: set[str] = set()
    crossings: set[str] = set()
    for obj in chain(session.new, session.dirty, session.deleted):
        if isinstance(obj, Person):
            case_ids.add(obj.case_id)
            # A person moved to another case changes the old case's principal too.
            case_ids.update(inspect(obj).attrs.case_id.history.deleted or ())
        elif isinstance(obj, Case):
            if obj in session.new or _changed(obj, CASE_KEYS):
                case_ids.add(obj.id)
        elif isinstance(obj, Hearing):
            if obj in session.new or obj in session.deleted or _changed(obj, HEARING_KEYS):
                case_ids.add(obj.case_id)
                case_ids.update(inspect(obj).attrs.case_id.history.deleted or ())
        elif isinstance(obj, Crossing) and _changed(obj, ("code",)):
            crossings.add(obj.id)
    if crossings:  # a crossing's code changed: every case of that crossing
        with session.no_autoflush:
            found = session.exec(select(Case.id).where(col(Case.crossing_id).in_(crossings)))
            case_ids.update(found)
    if case_ids:
        sync_sort_keys(raw_connection(session.connection()), case_ids)
