"""Session hooks: derived data every ORM write keeps current, whichever service made it."""

from __future__ import annotations

from itertools import chain
from typing import Any

from sqlalchemy import event, inspect
from sqlmodel import Session

from legalaid.models.case import Case, Person
from legalaid.services.sql import raw_connection
from legalaid.sort_keys import sync_sort_names


@event.listens_for(Session, "after_flush")
def _sort_names_after_flush(session: Session, _context: Any) -> None:
    """New cases and changed people get their case's name sort key, in the same transaction."""
    case_ids: set[str] = set()
    for obj in chain(session.new, session.dirty, session.deleted):
        if isinstance(obj, Person):
            case_ids.add(obj.case_id)
            # A person moved to another case changes the old case's principal too.
            case_ids.update(inspect(obj).attrs.case_id.history.deleted or ())
        elif isinstance(obj, Case) and obj in session.new:
            case_ids.add(obj.id)
    if case_ids:
        sync_sort_names(raw_connection(session.connection()), case_ids)
