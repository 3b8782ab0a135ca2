"""The decisions on possible duplicates (tests/exchange/test_duplicate_decisions.py) run unchanged
on the office server, as a lawyer's desk; a volunteer may mark households different but not
merge them (the merge moves risk assessments, which only lawyers may touch)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from legalaid.errors import ValidationError
from legalaid.services.duplicates import household_pairs, mark_different, merge_households
from tests.exchange.test_duplicate_decisions import *  # noqa: F403
from tests.exchange.test_duplicate_decisions import twice_registered


@pytest.fixture
def ctx(server_ctx: Any) -> Iterator[Any]:
    """The tests' ``ctx``, here a desk on the office server."""
    yield server_ctx


def test_a_volunteer_may_not_merge_but_may_say_different(
    ctx: Any, office: Any, tmp_path: Path
) -> None:
    from legalaid.server.context import open_server

    kept, other = twice_registered(ctx)
    desk = open_server(office.url(office.volunteer), tmp_path / "volunteer", ask=False)
    try:
        with pytest.raises(ValidationError) as refused:
            merge_households(desk, kept.case_number, other.case_number)
        assert "abogad" in refused.value.message()
        assert len(household_pairs(desk)) == 1
        assert mark_different(desk, kept.case_number, other.case_number)[2] is True
        assert household_pairs(desk) == [] and household_pairs(ctx) == []
    finally:
        desk.close()
