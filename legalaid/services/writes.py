"""The one way a service changes a stored record: load, check the version, apply fields, audit.

Every editing service (cases, people, hearings, risk, reference data) goes through
:func:`edit_record` inside :func:`guarded_write`, so a lost optimistic-locking race, a stale
version and the audit entry are handled the same way everywhere. The editable fields of a
table are derived once from its SQLModel model (:func:`data_fields`); the core and the client
both use those lists.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy.orm.exc import StaleDataError
from sqlmodel import Session, SQLModel

from legalaid.context import AppContext
from legalaid.errors import ConflictError
from legalaid.i18n import N_
from legalaid.models import utcnow
from legalaid.models.base import Record
from legalaid.services import audit
from legalaid.services.ops import OpChanges

CONFLICT = N_(
    "Someone else saved this record after you opened it. "
    "Your changes were not saved: reload to see their version."
)
T = TypeVar("T")


@dataclass(frozen=True)
class Saved(Generic[T]):
    """What a writing service returns for one record: the record as stored, and what the
    write changed (for the views to refresh from)."""

    record: T
    changes: OpChanges


# The columns every table has (key, instants, version): never edited through a form.
BOOKKEEPING = frozenset(Record.model_fields)


def data_fields(model: type[SQLModel], *, exclude: tuple[str, ...] = ()) -> list[str]:
    """The model's data columns in the order the model declares them, without the bookkeeping
    columns and ``exclude`` (the links and counters a form never edits)."""
    unknown = set(exclude) - set(model.model_fields)
    if unknown:
        raise ValueError(f"{model.__name__} has no fields {sorted(unknown)}")
    return [n for n in model.model_fields if n not in BOOKKEEPING and n not in exclude]


def check_version(record: Any, expected: int | None) -> None:
    """Refuse (ConflictError) when the record was saved since the form read version ``expected``;
    ``None`` skips the check (the command line, a fresh record)."""
    if expected is not None and record.version != expected:
        raise ConflictError(CONFLICT)


@contextmanager
def guarded_write(ctx: AppContext) -> Iterator[Session]:
    """A write transaction that turns a lost optimistic-locking race into a ConflictError.
    Nested inside another write it joins that transaction (the core's writes nest)."""
    try:
        with ctx.db.write() as session:
            yield session
    except StaleDataError as error:
        raise ConflictError(CONFLICT) from error


def apply_fields(
    record: Any, values: Mapping[str, Any], audited: list[str] | None = None
) -> dict[str, list[Any]]:
    """Set ``values`` on ``record``; returns the audited fields that changed, {name: [old, new]}
    (``audited`` defaults to the names in ``values``)."""
    names = list(values) if audited is None else audited
    before = audit.snapshot(record, names)
    for name, value in values.items():
        setattr(record, name, value)
    return audit.diff(before, audit.snapshot(record, names))


def edit_record(
    session: Session,
    actor: str,
    record: Any,
    expected_version: int | None,
    values: Mapping[str, Any],
    *,
    entity: str,
    case_id: str | None,
    audited: list[str] | None = None,
    action: str = "update",
    stamp: bool = True,
) -> dict[str, list[Any]]:
    """Check the version of a loaded ``record``, apply ``values`` and, when anything changed,
    stamp ``updated_at`` (unless ``stamp`` is False) and write one audit entry. Returns the
    changes (empty when the values were already there)."""
    check_version(record, expected_version)
    changes = apply_fields(record, values, audited)
    if changes:
        if stamp:
            record.updated_at = utcnow()
        audit.record(session, actor, action, entity, record.id, case_id, changes)
    return changes
