"""The services on the office server: several desks at once, the login as the actor, the
role's limits met as clear errors."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest

from legalaid.server.connect import ServerError
from legalaid.server.context import open_server
from legalaid.services.audit import case_history
from legalaid.services.cases import get_case
from legalaid.services.risk import RiskInput, add_assessment
from legalaid.services.upcoming import upcoming
from tests.core.helpers import family, hearing_in
from tests.server.conftest import Office

DESKS = 4
CASES_EACH = 6


def test_desks_opening_cases_at_once_get_distinct_numbers(office: Office, tmp_path: Path) -> None:
    logins = [office.volunteer, office.lawyer, office.volunteer, office.lawyer][:DESKS]
    desks = [
        open_server(office.url(u), tmp_path / f"desk{i}", ask=False) for i, u in enumerate(logins)
    ]
    start = threading.Barrier(DESKS)
    numbers: list[str] = []
    failures: list[BaseException] = []
    lock = threading.Lock()

    def work(ctx: Any) -> None:
        try:
            start.wait()
            for _ in range(CASES_EACH):
                number = family(ctx, a_number=None, children=0).case.case_number
                with lock:
                    numbers.append(number)
        except BaseException as error:  # reported below, with the numbers handed out
            failures.append(error)

    threads = [threading.Thread(target=work, args=(ctx,)) for ctx in desks]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(120)
    finally:
        for ctx in desks:
            ctx.close()
    assert failures == []
    assert len(numbers) == DESKS * CASES_EACH
    assert len(set(numbers)) == len(numbers)
    sequence = sorted(int(n.rsplit("-", 1)[1]) for n in numbers)
    assert sequence == list(range(1, DESKS * CASES_EACH + 1))  # no gap, no repeat


def test_the_login_is_who_in_the_history(office: Office, tmp_path: Path) -> None:
    ctx = open_server(office.url(office.volunteer), tmp_path / "desk", ask=False)
    try:
        ctx.settings.staff_name = "Someone Else"  # the local name does not matter on the server
        assert ctx.actor == office.volunteer
        case = family(ctx)
        hearing_in(ctx, case.case.id, 3)
        entries = case_history(ctx, case.case.id)
        assert entries and {e.actor for e in entries} == {office.volunteer}
        with office.superuser() as conn:  # the change record names the login too
            actors = {row[0] for row in conn.execute("SELECT DISTINCT actor FROM change_log")}
        assert actors == {office.volunteer}
        assert len(get_case(ctx, case.case.id).hearings) == 1
        assert [r.case_number for r in upcoming(ctx, 7)] == [case.case.case_number]
    finally:
        ctx.close()


def test_a_volunteer_is_refused_risk_data_in_one_clear_error(
    office: Office, tmp_path: Path
) -> None:
    lawyer = open_server(office.url(office.lawyer), tmp_path / "law", ask=False)
    volunteer = open_server(office.url(office.volunteer), tmp_path / "vol", ask=False)
    try:
        case = family(lawyer)
        add_assessment(lawyer, case.case.id, RiskInput(level="high"))
        assert len(get_case(lawyer, case.case.id).risks) == 1
        assert get_case(volunteer, case.case.id).risks == []  # not shown, not an error
        with pytest.raises(ServerError) as refused:
            add_assessment(volunteer, case.case.id, RiskInput(level="low"))
        assert f"el usuario {office.volunteer} no puede hacer esto" in refused.value.message()
        assert len(get_case(lawyer, case.case.id).risks) == 1
    finally:
        lawyer.close()
        volunteer.close()


def test_a_database_not_set_up_says_so(pg_cluster: Any, pg_database: str, tmp_path: Path) -> None:
    with pytest.raises(ServerError) as error:
        open_server(pg_database, tmp_path / "desk", ask=False)
    assert "legalaid server init" in error.value.message()


def test_searches_run_often_are_planned_with_their_own_words(
    office: Office, tmp_path: Path
) -> None:
    """No statement is prepared on the server: PostgreSQL would plan a prepared one without its
    values after five runs, and a search for a prefix every case matches would read badly."""
    from legalaid.services.search import count_cases, search_cases

    ctx = open_server(office.url(office.lawyer), tmp_path / "home", ask=False)
    try:
        family(ctx, given="Rosa", a_number=None)
        for text in ["r", "ro", "ros", "rosa", "r", "ro", "ros", "rosa", "ro", "r", "ros"]:
            assert len(search_cases(ctx, text, limit=100)) == 1
            assert count_cases(ctx, text, cap=1000) == 1
        with ctx.db.query() as conn:
            prepared = conn.execute("SELECT count(*) FROM pg_prepared_statements").fetchone()
        assert prepared == (0,)
    finally:
        ctx.close()
