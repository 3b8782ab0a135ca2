"""The reference crossings and courts shipped in resources/data/reference.json.

Kept apart from :mod:`legalaid.services.reference` (which needs the ORM) so that opening a home
can check, with one plain query, whether anything needs seeding at all.
"""

from __future__ import annotations

import json
import uuid
from functools import cache
from typing import Any

from legalaid.db import Database
from legalaid.i18n import package_dir

# Crossings and courts have the same id in every LegalAid database: a UUID derived from their
# kind and code (RFC 4122 version 5 under this fixed namespace), so offices that exchange
# changes name them alike. Migration 0006 gave existing rows these ids.
REFERENCE_NAMESPACE = uuid.UUID("6f1d3c52-8b0e-5a7e-9c41-2d7b0a9e4f13")


def reference_id(kind: str, code: str) -> str:
    """The id of the crossing or court (``kind``) whose code is ``code``."""
    return str(uuid.uuid5(REFERENCE_NAMESPACE, f"{kind}:{code.strip().upper()}"))


@cache
def _reference_text() -> str:
    data = package_dir("legalaid.resources") / "data" / "reference.json"
    return data.read_text(encoding="utf-8")


def reference_data() -> dict[str, Any]:
    """A fresh copy of the shipped reference rows, each with its id (callers may change it)."""
    loaded: dict[str, Any] = json.loads(_reference_text())
    for kind, key in (("crossing", "crossings"), ("court", "courts")):
        for row in loaded[key]:
            row["id"] = reference_id(kind, row["code"])
    return loaded


def crossing_names(db: Database) -> dict[str, tuple[str, str]]:
    """Every crossing's code -> (Spanish name, English name), with one plain query (the case
    list's worker reads it beside each page: lists show names, not codes)."""
    with db.query() as conn:
        try:
            rows = conn.execute("SELECT code, name_es, name_en FROM crossing").fetchall()
        except conn.OperationalError:
            return {}
    return {str(code): (str(es), str(en)) for code, es, en in rows}


def reference_missing(db: Database) -> bool:
    """Whether the database lacks a shipped crossing or court (a new or older database)."""
    data = reference_data()
    with db.query() as conn:
        try:
            crossings = {row[0] for row in conn.execute("SELECT code FROM crossing")}
            courts = {row[0] for row in conn.execute("SELECT code FROM court")}
        except conn.OperationalError:  # no tables yet: seeding will say what is wrong
            return True
    return not (
        {row["code"] for row in data["crossings"]} <= crossings
        and {row["code"] for row in data["courts"]} <= courts
    )
