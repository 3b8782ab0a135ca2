"""The core service tests of cases, hearings, Upcoming and risk (tests/core/) run unchanged on the
office server, as a lawyer's desk: the same calls, the same expectations, on PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.core.test_cases import *  # noqa: F403
from tests.core.test_hearings import *  # noqa: F403
from tests.core.test_risk import *  # noqa: F403
from tests.core.test_upcoming import *  # noqa: F403


@pytest.fixture
def ctx(server_ctx: Any) -> Iterator[Any]:
    """The tests' ``ctx``, here a desk on the office server."""
    yield server_ctx


ACTOR = "On the server the actor is the login, not the local staff name: see test_server_services."


@pytest.mark.skip(reason=ACTOR)  # type: ignore[no-redef]
def test_edit_case_is_audited_field_by_field() -> None: ...


@pytest.mark.skip(reason=ACTOR)  # type: ignore[no-redef]
def test_outcome_cancel_and_verification() -> None: ...


@pytest.mark.skip(reason=ACTOR)  # type: ignore[no-redef]
def test_an_assessment_with_incidents_is_stored_and_audited() -> None: ...


def test_second_save_of_a_stale_version_is_refused(ctx: Any, office: Any, tmp_path: Any) -> None:  # type: ignore[no-redef]
    """The core test's second window is a second desk on the same server."""
    from legalaid.errors import ConflictError
    from legalaid.server.context import open_server
    from legalaid.services.cases import CaseInput, get_case, update_case
    from tests.core.helpers import family

    detail = family(ctx)
    other = open_server(office.url(office.volunteer), tmp_path / "other", ask=False)
    try:
        update_case(other, detail.case.id, detail.case.version, CaseInput(shelter="A"))
        with pytest.raises(ConflictError) as caught:
            update_case(ctx, detail.case.id, detail.case.version, CaseInput(shelter="B"))
        assert "Otra persona guardó" in caught.value.message()
        assert get_case(ctx, detail.case.id).case.shelter == "A"
    finally:
        other.close()
