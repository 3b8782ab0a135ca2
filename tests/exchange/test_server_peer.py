"""The office server as one more peer: Tijuana's PostgreSQL server exchanges files with
Mexicali, and a Tijuana laptop (a copy of the server's data) syncs with the server directly.
Edits of one field made offline at the laptop and at Mexicali become the same conflict at the
three; a person decides at one; once every side has synced, all three hold the same data.
A sync killed at each of its steps leaves both sides whole, and run again completes."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest

from legalaid.context import AppContext
from legalaid.exchange import sync
from legalaid.exchange.peer import STEPS, sync_with_server
from legalaid.home import open_home
from legalaid.server.context import open_server
from legalaid.services.case_edit import edit_case
from legalaid.services.cases import get_case
from legalaid.services.offices import init_office
from tests.core.helpers import family
from tests.exchange.test_sync import clean, meet, office, rows
from tests.safety.faulty import KILLED, cli
from tests.server.conftest import Office, server_office

__all__ = ["server_office"]  # the module's PostgreSQL database, set up once

TIJ = "Albergue Juventud 2000"
MXL = "Casa del Migrante Mexicali"


@pytest.fixture
def tij_server(server_office: Office, tmp_path: Path) -> Iterator[tuple[Office, AppContext]]:
    """The Tijuana office on the server: empty tables, its identity made by the administrator;
    the context is the administrator's (the office's keys are the administrators')."""
    server_office.empty()
    with server_office.superuser() as conn:
        conn.execute("TRUNCATE office, office_secret CASCADE")
    admin = open_server(server_office.url(server_office.admin), tmp_path / "admin", ask=False)
    admin.settings.staff_name = "Admin"
    init_office(admin, TIJ, "TIJ")
    yield server_office, admin
    admin.close()


def desk(server: Office, root: Path, login: str) -> AppContext:
    ctx = open_server(server.url(login), root / f"desk-{login}", ask=False)
    ctx.settings.staff_name = login
    return ctx


def laptop_home(root: Path, staff: str) -> AppContext:
    ctx = open_home(root / "laptop", unencrypted=True)
    ctx.settings.staff_name = staff
    ctx.settings.office_prefix = "TIJL"  # its own case numbers, apart from the desks'
    return ctx


def server_rows(ctx: AppContext) -> dict[str, list[dict[str, Any]]]:
    """The data tables as on a laptop (the server gives times with their zone, equal)."""
    return rows(ctx)


def test_laptop_server_and_mexicali_converge_through_one_conflict(
    tij_server: tuple[Office, AppContext], tmp_path: Path
) -> None:
    server, admin = tij_server
    mxl = office(tmp_path, MXL, "MXL", "Luis (Mexicali)")
    meet(admin, mxl)
    lawyer = desk(server, tmp_path, server.lawyer)
    laptop = laptop_home(tmp_path, "Ana (laptop)")
    try:
        first = sync_with_server(laptop, lawyer, "server")
        assert first.first and first.office == TIJ
        # A household made on the laptop reaches the server with one command.
        case = family(laptop, a_number=None).case
        number = case.case_number
        done = sync_with_server(laptop, lawyer, "server")
        assert not done.first and done.pushed.changes > 0 and done.pulled.changes == 0
        assert get_case(lawyer, number).case.city == "Tijuana, B.C."
        again = sync_with_server(laptop, lawyer, "server")
        assert again.pushed.changes == again.pulled.changes == 0  # nothing twice

        # The server shares it with Mexicali and sends it a file.
        sync.share_case(admin, number, MXL)
        sent, received = _send(admin, mxl, tmp_path, "1")
        assert received.changes > 0 and get_case(mxl, number).case.city == "Tijuana, B.C."

        # Offline: the laptop and Mexicali change the same field.
        edit_case(laptop, number, ["city=Tijuana Centro"])
        edit_case(mxl, number, ["city=Mexicali"])
        sync_with_server(laptop, lawyer, "server")
        _send(admin, mxl, tmp_path, "2")  # the laptop's edit, relayed by the server
        _send(mxl, admin, tmp_path, "3")  # Mexicali's edit, to the server
        sync_with_server(laptop, lawyer, "server")  # and on to the laptop
        seen = [sync.open_conflicts(c) for c in (laptop, lawyer, mxl)]
        assert [len(found) for found in seen] == [1, 1, 1]
        assert len({found[0].id for found in seen}) == 1  # the same conflict at the three
        assert {s["value"] for s in seen[0][0].sides} == {"Tijuana Centro", "Mexicali"}
        shown = {get_case(c, number).case.city for c in (laptop, lawyer, mxl)}
        assert len(shown) == 1  # the same provisional value everywhere
        offices = {s["office"] for s in seen[2][0].sides}
        assert offices == {TIJ, MXL}  # Mexicali names the laptop's office

        # Decided at Mexicali; the decision travels to the server and to the laptop.
        sides = seen[2][0].sides
        keep = 1 + [s["value"] for s in sides].index("Mexicali")
        sync.resolve(mxl, seen[2][0].id, keep=keep)
        _send(mxl, admin, tmp_path, "4")
        sync_with_server(laptop, lawyer, "server")
        _send(admin, mxl, tmp_path, "5")
        assert [sync.open_conflicts(c) for c in (laptop, lawyer, mxl)] == [[], [], []]
        assert get_case(laptop, number).case.city == "Mexicali"
        assert rows(laptop) == server_rows(lawyer) == rows(mxl)
        assert clean(laptop) == [] and clean(mxl) == []
        assert sent.changes > 0
    finally:
        laptop.close()
        lawyer.close()
        mxl.close()


def _send(src: AppContext, dst: AppContext, folder: Path, name: str) -> tuple[Any, Any]:
    from legalaid.services.offices import own_office

    target = folder / f"{name}.bin"
    exported = sync.export_for(src, own_office(dst).name, target)
    return exported, sync.import_file(dst, target)


def test_a_laptop_of_another_office_is_refused(
    tij_server: tuple[Office, AppContext], tmp_path: Path
) -> None:
    from legalaid.errors import ValidationError

    server, _admin = tij_server
    other = office(tmp_path, MXL, "MXL", "Luis")
    lawyer = desk(server, tmp_path, server.lawyer)
    try:
        family(other)
        with pytest.raises(ValidationError) as refused:
            sync_with_server(other, lawyer, "server")
        assert "Nothing was synced" in refused.value.message("en")
        with server.superuser() as conn:
            assert conn.execute('SELECT count(*) FROM "case"').fetchone() == (0,)
    finally:
        other.close()
        lawyer.close()


def _counts(server: Office, laptop: Path) -> tuple[tuple[int, int], tuple[int, int]]:
    """(cases, change entries) on the server and on the laptop (after an integrity check)."""
    import sqlite3

    with server.superuser() as conn:
        on_server = conn.execute(
            'SELECT (SELECT count(*) FROM "case"), (SELECT count(*) FROM change_log'
            " WHERE table_name NOT IN ('crossing', 'court', 'case_sequence'))"
        ).fetchone()
    db = sqlite3.connect(laptop / "legalaid.db")
    try:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        on_laptop = db.execute(
            'SELECT (SELECT count(*) FROM "case"), (SELECT count(*) FROM change_log'
            " WHERE table_name NOT IN ('crossing', 'court', 'case_sequence'))"
        ).fetchone()
    finally:
        db.close()
    return tuple(on_server), tuple(on_laptop)


@pytest.mark.slow
def test_a_sync_killed_at_every_step_leaves_both_whole_and_completes_when_run_again(
    tij_server: tuple[Office, AppContext], tmp_path: Path
) -> None:
    server, admin = tij_server
    # The server holds two households; the laptop, made from it, adds one offline.
    for given in ("José", "Rosa"):
        family(admin, a_number=None, given=given)
    url = server.url(server.lawyer)
    laptop = tmp_path / "laptop"
    assert cli(laptop, "--unencrypted", "sync", "server", url).returncode == 0
    ctx = laptop_home(tmp_path, "Ana")
    family(ctx, a_number=None, given="Luis")
    ctx.close()
    family(admin, a_number=None, given="Marta")  # and the server one more, meanwhile
    for step in STEPS:
        killed = cli(laptop, "--unencrypted", "sync", "server", url, fault=f"sync-server.{step}")
        assert killed.returncode == KILLED, (step, killed.stderr)
        on_server, on_laptop = _counts(server, laptop)
        # Each side has all of the other's changes, or none of them, never a part.
        assert on_laptop[0] == (3 if step in ("identity", "claimed", "series") else 4), step
        assert on_server[0] == (4 if step in ("pushed", "recorded") else 3), step
    done = cli(laptop, "--lang", "en", "--unencrypted", "sync", "server", url)
    assert done.returncode == 0, done.stderr
    assert "0 changes received" in done.stdout  # pulled by the killed runs, once
    on_server, on_laptop = _counts(server, laptop)
    assert on_server == on_laptop and on_server[0] == 4
    with psycopg.connect(server.cluster.conninfo(server.dbname)) as conn:
        doubled = conn.execute(
            "SELECT count(*) FROM (SELECT row_id FROM change_log WHERE op = 'insert'"
            " GROUP BY table_name, row_id HAVING count(*) > 1) d"
        ).fetchone()
    assert doubled == (0,)


def test_risk_data_goes_across_only_with_a_lawyers_login(
    tij_server: tuple[Office, AppContext], tmp_path: Path
) -> None:
    from legalaid.services.risk import RiskInput, add_assessment

    server, _admin = tij_server
    volunteer = desk(server, tmp_path, server.volunteer)
    lawyer = desk(server, tmp_path, server.lawyer)
    laptop = laptop_home(tmp_path, "Ana")
    try:
        sync_with_server(laptop, volunteer, "server")
        case = family(laptop, a_number=None).case
        add_assessment(laptop, case.id, RiskInput(level="high", narrative_es="amenazas"))
        done = sync_with_server(laptop, volunteer, "server")  # the household, not its risk note
        assert done.pushed.changes > 0
        with server.superuser() as conn:
            assert conn.execute("SELECT count(*) FROM risk_assessment").fetchone() == (0,)
        done = sync_with_server(laptop, lawyer, "server")  # the rest, with a lawyer's login
        assert done.pushed.changes == 1 and done.pulled.changes == 0
        with server.superuser() as conn:
            found = conn.execute("SELECT narrative_es FROM risk_assessment").fetchall()
        assert found == [("amenazas",)]
    finally:
        for ctx in (laptop, volunteer, lawyer):
            ctx.close()


def test_risk_data_crosses_between_the_server_office_and_another_with_a_lawyers_login(
    tij_server: tuple[Office, AppContext], tmp_path: Path
) -> None:
    """A lawyer of the server office sends and receives the risk data of a shared household,
    for an office marked to receive it; an administrator's file carries none of it (the
    administrator cannot read it), and leaves it for the lawyer's next file."""
    from legalaid.errors import ValidationError
    from legalaid.services.offices import set_receives_risk
    from legalaid.services.risk import RiskInput, add_assessment

    server, admin = tij_server
    mxl = office(tmp_path, MXL, "MXL", "Luis (Mexicali)")
    meet(admin, mxl)
    lawyer = desk(server, tmp_path, server.lawyer)
    try:
        case = family(lawyer, a_number=None).case
        sync.share_case(lawyer, case.case_number, MXL)
        set_receives_risk(lawyer, MXL, True)
        add_assessment(lawyer, case.id, RiskInput(level="high", narrative_es="amenazas"))
        exported, _got = _send(admin, mxl, tmp_path, "1")  # the administrator's: no risk rows
        with mxl.db.connect() as conn:
            held = conn.exec_driver_sql("SELECT count(*) FROM risk_assessment").scalar_one()
        assert exported.changes > 0 and held == 0
        _send(lawyer, mxl, tmp_path, "2")  # the lawyer's: the risk note, left over
        with mxl.db.connect() as conn:
            found = conn.exec_driver_sql("SELECT narrative_es FROM risk_assessment").all()
        assert [r[0] for r in found] == ["amenazas"]

        # Mexicali adds one; the lawyer's import takes it, the administrator's is refused.
        from legalaid.services.offices import own_office

        set_receives_risk(mxl, own_office(admin).name, True)
        add_assessment(mxl, case.id, RiskInput(level="medium", narrative_es="vigilados"))

        path = tmp_path / "3.bin"
        sync.export_for(mxl, own_office(admin).name, path)
        with pytest.raises(ValidationError) as refused:
            sync.import_file(admin, path)
        said = refused.value.message("en")
        assert "a lawyer of this office must import it" in said and server.admin in said
        sync.import_file(lawyer, path)
        with server.superuser() as conn:
            found = conn.execute("SELECT narrative_es FROM risk_assessment ORDER BY 1").fetchall()
        assert found == [("amenazas",), ("vigilados",)]
    finally:
        lawyer.close()
        mxl.close()
