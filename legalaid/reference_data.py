"""The reference crossings and courts shipped in resources/data/reference.json.

Kept apart from :mod:`legalaid.services.reference` (which needs the ORM) so that opening a home
can check, with one plain query, whether anything needs seeding at all.
"""

from __future__ import annotations

import json
from functools import cache
from typing import Any

from legalaid.db import Database
from legalaid.i18n import package_dir


@cache
def _reference_text() -> str:
    data = package_dir("legalaid.resources") / "data" / "reference.json"
    return data.read_text(encoding="utf-8")


def reference_data() -> dict[str, Any]:
    """A fresh copy of the shipped reference rows (callers may change it)."""
    loaded: dict[str, Any] = json.loads(_reference_text())
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
