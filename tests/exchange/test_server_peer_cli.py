"""The office server as a peer from the command line, as real processes: the server's
administrator makes the office, trusts Mexicali, shares and exchanges files with
`legalaid --server URL ...`; a laptop syncs with `legalaid sync server URL`. The same conflict
at the three, resolved on the server, and the same households everywhere."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from legalaid.context import AppContext
from tests.exchange.test_server_peer import TIJ, tij_server  # noqa: F401  (fixture)
from tests.exchange.test_sync import meet, office
from tests.exchange.test_sync_cli import ok
from tests.server.conftest import Office, server_office

__all__ = ["server_office"]

MXL = "Casa del Migrante Mexicali"


@pytest.mark.slow
def test_the_server_exchanges_files_and_a_laptop_syncs_with_it(
    tij_server: tuple[Office, AppContext],  # noqa: F811
    tmp_path: Path,
) -> None:
    server, admin_ctx = tij_server
    admin = ["--server", server.url(server.admin)]
    here = ["--unencrypted"]  # the local homes (demo mode: no passphrase to derive each time)
    desk = tmp_path / "desk"  # the administrator's settings on this computer
    laptop = tmp_path / "laptop"
    lawyer_url = server.url(server.lawyer)
    # The offices meet in this process (tests/exchange/test_office_cli.py does it by command).
    mexicali = office(tmp_path, MXL, "MXL", "Luis")
    meet(admin_ctx, mexicali)
    mexicali.close()
    mxl = tmp_path / "mxl"

    said = ok(*here, "sync", "server", lawyer_url, home=laptop)
    assert f"This home is now a copy of {TIJ}" in said
    assert "This laptop numbers its new cases TIJ-" in said and "-A0001 and on" in said
    ok(*here, "demo", "--cases", "1", home=laptop)
    assert "0 changes received" in ok(*here, "sync", "server", lawyer_url, home=laptop)
    number = json.loads(ok(*admin, "cases", "--json", home=desk))[0]["case_number"]
    ok(*admin, "share", number, "--with", "MXL", home=desk)

    def exchange(src: list[str], src_home: Path, dst: list[str], dst_home: Path, to: str) -> str:
        path = tmp_path / f"{len(list(tmp_path.glob('*.bin')))}.bin"
        ok(*src, "sync", "export", "--to", to, "-o", str(path), home=src_home)
        return ok(*dst, "sync", "import", str(path), home=dst_home)

    assert "1 new" in exchange(admin, desk, here, mxl, "MXL")
    ok(*here, "edit", number, "city=Tijuana Centro", home=laptop)
    ok(*here, "edit", number, "city=Mexicali, B.C.", home=mxl)
    ok(*here, "sync", "server", lawyer_url, home=laptop)
    exchange(admin, desk, here, mxl, "MXL")
    assert "1 conflicts" in exchange(here, mxl, admin, desk, TIJ)
    assert "1 new conflicts" in ok(*here, "sync", "server", lawyer_url, home=laptop)
    found = [
        [json.loads(x) for x in ok(*a, "conflicts", "--json", home=h).splitlines()]
        for a, h in ((admin, desk), (here, laptop), (here, mxl))
    ]
    assert [len(f) for f in found] == [1, 1, 1] and len({f[0]["id"] for f in found}) == 1
    ok(*admin, "resolve", found[0][0]["id"][:8], "--value", "Tijuana (Zona Norte)", home=desk)
    exchange(admin, desk, here, mxl, "MXL")
    ok(*here, "sync", "server", lawyer_url, home=laptop)
    for a, h in ((admin, desk), (here, mxl)):
        assert ok(*a, "conflicts", "--json", home=h) == ""
    shown = [
        json.loads(ok(*a, "cases", "--json", "--search", number, home=h))[0]
        for a, h in ((admin, desk), (here, laptop), (here, mxl))
    ]
    assert shown[0] == shown[1] == shown[2]
    history = ok(*here, "history", number, home=mxl)
    assert "Tijuana (Zona Norte)" in history
