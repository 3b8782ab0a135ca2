"""The core search tests (tests/core/test_search.py, test_search_ranking.py) run unchanged on
the office server: the same cases, the same expectations, PostgreSQL's full-text search."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.core.test_search import *  # noqa: F403
from tests.core.test_search_ranking import *  # noqa: F403


@pytest.fixture
def ctx(server_ctx: Any) -> Iterator[Any]:
    """The tests' ``ctx``, here a desk on the office server."""
    yield server_ctx


def test_demo_households_written_in_bulk_are_in_the_per_person_index(ctx: Any, office: Any) -> None:  # type: ignore[no-redef]
    """The SQLite test reads the file; here the same counts are read on the server."""
    from legalaid.services.demo import generate_demo
    from legalaid.services.search import search_cases

    generate_demo(ctx, 60, seed=3)
    with office.superuser() as conn:
        people = conn.execute("SELECT count(*) FROM person").fetchone()[0]
        indexed = conn.execute("SELECT count(*) FROM person_search").fetchone()[0]
        orphans = conn.execute(
            "SELECT count(*) FROM person_search ps LEFT JOIN case_search s"
            " ON s.rowid = ps.case_rowid WHERE s.rowid IS NULL"
        ).fetchone()[0]
        keys = conn.execute("SELECT count(*) FROM case_search WHERE sort_name IS NULL")
        assert keys.fetchone()[0] == 0
    assert people == indexed > 60 and orphans == 0
    some = search_cases(ctx, "", limit=5)
    name = some[0].principal
    assert search_cases(ctx, name)[0].matched == name


def test_the_server_query_builder_quotes_every_token() -> None:
    from legalaid.services.search import fts_query

    assert fts_query('jo"se', "postgresql") == "'jo':* & 'se':*"
    assert fts_query("A 012-345-678", "postgresql") == "'012345678'"
    assert fts_query("  ", "postgresql") is None
