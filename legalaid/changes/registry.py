"""Which tables the change record captures, and which it leaves out, with the reason.

A test fails when a table of the schema is in neither list: a new table must be captured (its
writes go through the ORM or :class:`legalaid.services.bulk.BulkRows`) or left out on purpose.
"""

from __future__ import annotations

CAPTURED = frozenset(
    {
        "case",
        "person",
        "hearing",
        "hearing_attendee",
        "risk_assessment",
        "incident",
        "document_log",
        "crossing",
        "court",
        "case_sequence",
        "conflict_decision",
        "household_merge",
        "duplicate_decision",
    }
)

EXEMPT: dict[str, str] = {
    "change_log": "the change record itself",
    "change_head": "derived from the change record (the last change of each field)",
    "device": "this copy's numbering of changes, never exchanged",
    "alembic_version": "the schema's revision, kept by the migrations",
    "audit_entry": "this office's own trail of who did what; the change entries name the person",
    "case_search": "search index, rebuilt from case and person by triggers",
    "person_search": "search index, rebuilt from person by triggers",
    "case_fts": "full-text index of case_search",
    "person_fts": "full-text index of person_search",
    "office": "which offices this home trusts: each office's own decision, never exchanged",
    "office_secret": "this office's private keys, which never leave the database",
    "case_share": "which cases this office shares with which office: its own decision",
    "exchange_file": "the exchange files this home wrote and read",
    "exchange_sent": "which change went in which exchange file sent",
    "conflict": "found by each office itself, under the same id (the decision travels)",
    "office_device": "which office each device belongs to, as its exchange files say",
    "device_key": "devices' signing keys and their offices' certificates, carried in the files",
    "change_signature": "the signature of each change entry, carried with the entry itself",
    "number_series": "each laptop's case-number series, given by the office server at its sync",
}

# SQLite's FTS5 keeps each full-text index's data in shadow tables named after it.
FTS_SHADOW_SUFFIXES = ("_config", "_data", "_docsize", "_idx", "_content")

# Columns that are this database's own bookkeeping, not data: the optimistic-locking counter
# counts this copy's saves, and means nothing on another.
LOCAL_COLUMNS = frozenset({"version"})

# Rows of these tables belong to the case of their parent row: (parent table, link column).
CASE_THROUGH = {
    "hearing_attendee": ("hearing", "hearing_id"),
    "incident": ("risk_assessment", "risk_id"),
}


def accounted(table: str) -> bool:
    """Whether ``table`` is captured or deliberately left out."""
    if table in CAPTURED or table in EXEMPT or table.startswith("sqlite_"):
        return True
    for suffix in FTS_SHADOW_SUFFIXES:
        if table.endswith(suffix) and table[: -len(suffix)] in EXEMPT:
            return True
    return False
