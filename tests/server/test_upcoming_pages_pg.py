"""The Upcoming pages' tests (tests/core/test_upcoming_pages.py) on the office server."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.core.test_upcoming_pages import *  # noqa: F403


@pytest.fixture
def ctx(server_ctx: Any) -> Iterator[Any]:
    """The tests' ``ctx``, here a desk on the office server."""
    yield server_ctx
