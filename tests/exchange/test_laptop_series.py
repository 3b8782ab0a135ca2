"""Each laptop's own case numbers: two laptops of one office, made from the server, open cases
offline and sync; the server's desks open cases meanwhile; no number is given twice. A desk
may not use a laptop's series; a laptop whose cases carry the numbers of other cases on the
server is refused before anything moves; the claim survives a kill at each of its steps."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import psycopg
import pytest

from legalaid.context import AppContext
from legalaid.errors import ValidationError
from legalaid.exchange.peer import sync_with_server
from legalaid.home import open_home
from legalaid.services.cases import get_case
from legalaid.services.sharing import exchange_log
from tests.core.helpers import family
from tests.exchange.test_server_peer import desk, tij_server  # noqa: F401  (fixture)
from tests.safety.faulty import KILLED, cli
from tests.server.conftest import Office, server_office

__all__ = ["server_office"]


def laptop(root: Path, name: str, prefix: str = "TIJ") -> AppContext:
    ctx = open_home(root / name, unencrypted=True)
    ctx.settings.staff_name = name
    ctx.settings.office_prefix = prefix
    return ctx


def numbers(ctx: AppContext) -> list[str]:
    with ctx.db.read() as session:
        return sorted(
            str(r[0])
            for r in session.connection().exec_driver_sql('SELECT case_number FROM "case"')
        )


def claims(server: Office) -> list[tuple[str, str]]:
    with server.superuser() as conn:
        found = conn.execute("SELECT prefix, letter FROM number_series ORDER BY letter").fetchall()
    return [(str(p), str(x)) for p, x in found]


def test_two_laptops_and_a_desk_never_give_the_same_number(
    tij_server: tuple[Office, AppContext],  # noqa: F811
    tmp_path: Path,
) -> None:
    server, _admin = tij_server
    lawyer = desk(server, tmp_path, server.lawyer)
    one, two = laptop(tmp_path, "ana"), laptop(tmp_path, "luis")
    try:
        family(lawyer, a_number=None, given="Marta")  # TIJ-2026-0001, made at a desk
        first = [sync_with_server(ctx, lawyer, "server").series for ctx in (one, two)]
        assert {s.letter for s in first} == {"A", "B"} and {s.prefix for s in first} == {"TIJ"}
        assert claims(server) == [("TIJ", "A"), ("TIJ", "B")]
        assert (one.settings.desk_letter, two.settings.desk_letter) == ("A", "B")
        # Offline, each laptop opens two households; the desk one more. The person at the
        # second laptop changed its settings meanwhile: its numbers stay in its own series.
        two.settings.desk_letter = ""
        made = [
            family(ctx, a_number=None, given=g).case.case_number
            for ctx in (one, two)
            for g in ("José", "Rosa")
        ]
        made.append(family(lawyer, a_number=None, given="Luis").case.case_number)
        assert len(set(made)) == 5
        assert [n.split("-")[2][0] for n in made[:4]] == ["A", "A", "B", "B"]
        for ctx in (one, two, one):
            again = sync_with_server(ctx, lawyer, "server")
            assert again.series == first[(one, two).index(ctx)]  # the same series every time
        everywhere = [numbers(c) for c in (one, two, lawyer)]
        assert everywhere[0] == everywhere[1] == everywhere[2] and len(everywhere[0]) == 6
        assert get_case(lawyer, made[3]).case.case_number == made[3]
        assert claims(server) == [("TIJ", "A"), ("TIJ", "B")]  # no claim made twice
        history = exchange_log(one)  # the Sync screen's history, newest first
        assert [r.direction for r in history] == ["server"] * 3
        assert history[0].counts["received"] > 0 and history[0].counts["sent"] == 0
        assert history[1].counts["sent"] > 0 and history[1].counts["server"] == "server"
    finally:
        for ctx in (one, two, lawyer):
            ctx.close()


def test_a_desk_may_not_number_in_a_laptops_series(
    tij_server: tuple[Office, AppContext],  # noqa: F811
    tmp_path: Path,
) -> None:
    server, _admin = tij_server
    lawyer = desk(server, tmp_path, server.lawyer)
    one = laptop(tmp_path, "ana")
    try:
        sync_with_server(one, lawyer, "server")
        lawyer.settings.desk_letter = "A"
        with pytest.raises(ValidationError) as refused:
            family(lawyer, a_number=None)
        said = refused.value.message("en")
        assert "TIJ-" in said and "-A0001" in said and "ana" in said
        with (  # claims are kept
            psycopg.connect(server.url(server.volunteer)) as conn,
            pytest.raises(psycopg.errors.InsufficientPrivilege),
        ):
            conn.execute("UPDATE number_series SET letter = 'Z'")
        lawyer.settings.desk_letter = "C"
        assert "-C0001" in family(lawyer, a_number=None).case.case_number
        # A letter a desk used is not given to the next laptop.
        two = laptop(tmp_path, "luis")
        try:
            assert sync_with_server(two, lawyer, "server").series.letter == "B"
            three = laptop(tmp_path, "rosa")
            assert sync_with_server(three, lawyer, "server").series.letter == "D"
            three.close()
        finally:
            two.close()
    finally:
        one.close()
        lawyer.close()


def test_laptops_with_clashing_numbers_are_refused_and_lose_nothing(
    tij_server: tuple[Office, AppContext],  # noqa: F811
    tmp_path: Path,
) -> None:
    server, _admin = tij_server
    lawyer = desk(server, tmp_path, server.lawyer)
    # Two laptops numbered their cases with the same prefix before the server gave series.
    one, two = laptop(tmp_path, "ana", "TIJL"), laptop(tmp_path, "luis", "TIJL")
    try:
        for ctx in (one, two):
            family(ctx, a_number=None)
        assert numbers(one) == numbers(two) == [f"TIJL-{numbers(one)[0][5:9]}-0001"]
        kept = sync_with_server(one, lawyer, "server").series
        assert (kept.prefix, kept.letter) == ("TIJL", "")  # its numbers stay its own
        with pytest.raises(ValidationError) as refused:
            sync_with_server(two, lawyer, "server")
        said = refused.value.message("en")
        assert numbers(two)[0] in said and "Nothing was synced" in said
        assert numbers(two) == [numbers(one)[0]]  # the refused laptop keeps its case
        assert numbers(lawyer) == numbers(one)  # and the server has only the first laptop's
        assert "Nada se sincronizó" in refused.value.message("es")
    finally:
        for ctx in (one, two, lawyer):
            ctx.close()


@pytest.mark.parametrize("step", ["claimed", "series"])
def test_a_first_sync_killed_while_claiming_claims_once(
    tij_server: tuple[Office, AppContext],  # noqa: F811
    tmp_path: Path,
    step: str,
) -> None:
    server, _admin = tij_server
    url = server.url(server.lawyer)
    home = tmp_path / "laptop"
    killed = cli(home, "--unencrypted", "sync", "server", url, fault=f"sync-server.{step}")
    assert killed.returncode == KILLED, killed.stderr
    assert claims(server) == [("TIJ", "A")]
    done = cli(home, "--unencrypted", "--lang", "en", "sync", "server", url)
    assert done.returncode == 0, done.stderr
    assert claims(server) == [("TIJ", "A")]
    db = sqlite3.connect(home / "legalaid.db")
    try:
        assert db.execute("SELECT prefix, letter FROM number_series").fetchall() == [("TIJ", "A")]
    finally:
        db.close()
    ctx = open_home(home, unencrypted=True)
    try:
        assert "-A0001" in family(ctx, a_number=None).case.case_number
    finally:
        ctx.close()


def test_a_login_that_is_no_legalaid_user_is_refused_before_anything(
    tij_server: tuple[Office, AppContext],  # noqa: F811
    tmp_path: Path,
) -> None:
    import uuid

    from legalaid.server.context import open_server
    from tests.server.conftest import PASSWORD

    server, _admin = tij_server
    stranger = f"stranger_{uuid.uuid4().hex[:6]}"
    with server.superuser() as conn:  # given CONNECT and a read by hand, in no LegalAid group
        conn.execute(f"CREATE ROLE {stranger} LOGIN PASSWORD '{PASSWORD}'")
        conn.execute(f'GRANT CONNECT ON DATABASE "{server.dbname}" TO {stranger}')
        conn.execute(f"GRANT SELECT ON alembic_version TO {stranger}")
    one = laptop(tmp_path, "ana")
    there = open_server(server.url(stranger), tmp_path / "desk", ask=False)
    try:
        with pytest.raises(ValidationError) as refused:
            sync_with_server(one, there, "server.office/legalaid")
        said = refused.value.message("es")
        assert stranger in said and "no es un usuario de LegalAid" in said
        assert numbers(one) == [] and claims(server) == []
    finally:
        there.close()
        one.close()
        with server.superuser() as conn:
            conn.execute(f'REVOKE CONNECT ON DATABASE "{server.dbname}" FROM {stranger}')
            conn.execute(f"REVOKE SELECT ON alembic_version FROM {stranger}")
            conn.execute(f"DROP ROLE {stranger}")
