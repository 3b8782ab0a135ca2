"""On the office server every login numbers its changes under a device of its own: a desk's
save never waits for another login's save to commit, and desks taking turns do not make new
devices (a laptop's file has one current device; the server has one per login)."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from legalaid.models import Case
from legalaid.server.context import open_server
from legalaid.services.case_edit import edit_case
from tests.core.helpers import family
from tests.server.conftest import Office


def _desk(office: Office, login: str, root: Path) -> Any:
    ctx = open_server(office.url(login), root / login, ask=False)
    ctx.settings.staff_name = login
    return ctx


def test_another_logins_save_goes_through_while_a_save_is_open(
    office: Office, tmp_path: Path
) -> None:
    lawyer = _desk(office, office.lawyer, tmp_path)
    volunteer = _desk(office, office.volunteer, tmp_path)
    try:
        first = family(lawyer, given="Rosa", a_number=None).case
        second = family(volunteer, given="Iris", a_number=None).case
        done = threading.Event()
        failed: list[BaseException] = []

        def other_desk() -> None:
            try:
                edit_case(volunteer, second.case_number, ["city=Mexicali"])
            except BaseException as error:  # reported by the test
                failed.append(error)
            finally:
                done.set()

        with lawyer.db.write() as session:
            case = session.get(Case, first.id)
            assert case is not None
            case.notes = "en espera"
            session.add(case)
            session.flush()  # numbered: the lawyer's device row is locked until commit
            thread = threading.Thread(target=other_desk)
            thread.start()
            finished = done.wait(20)
        thread.join()
        assert finished and failed == []  # it did not wait for the lawyer's commit
        with office.superuser() as conn:
            devices = conn.execute("SELECT id FROM device WHERE current").fetchall()
            authors = conn.execute(
                "SELECT DISTINCT d.id, e.actor FROM change_log e JOIN device d ON d.id = e.device"
            ).fetchall()
            doubled = conn.execute(
                "SELECT count(*) FROM (SELECT device, seq FROM change_log"
                " GROUP BY device, seq HAVING count(*) > 1) x"
            ).fetchone()
        assert len(devices) == 2
        assert sorted(a for _d, a in authors) == sorted([office.lawyer, office.volunteer])
        assert len({d for d, _a in authors}) == 2  # one device per login
        assert doubled == (0,)
    finally:
        lawyer.close()
        volunteer.close()


def test_desks_taking_turns_keep_their_devices(office: Office, tmp_path: Path) -> None:
    desks = [
        _desk(office, office.lawyer, tmp_path / "a"),
        _desk(office, office.volunteer, tmp_path / "b"),
        _desk(office, office.lawyer, tmp_path / "c"),  # the same login at a second desk
    ]
    try:
        number = family(desks[0], given="Rosa", a_number=None).case.case_number
        for turn in range(6):
            edit_case(desks[turn % 3], number, [f"city=Ciudad {turn}"])
        with office.superuser() as conn:
            devices = conn.execute(
                "SELECT id, last_seq FROM device WHERE current ORDER BY last_seq"
            ).fetchall()
            per_device = conn.execute(
                "SELECT device, count(*), max(seq) FROM change_log GROUP BY device"
            ).fetchall()
        assert len(devices) == 2  # one per login, whichever desk it saves from
        # Each device numbered its changes 1, 2, 3... with no gap and no repeat.
        assert sorted((d, n) for d, n, _m in per_device) == sorted(
            (d, m) for d, _n, m in per_device
        )
        assert {d for d, _s in devices} == {d for d, _n, _m in per_device}
    finally:
        for ctx in desks:
            ctx.close()
