"""The exchange from the command line, as two offices with encrypted homes would use it:
create in Tijuana, share with Mexicali, edit the same field at both offline, exchange both
ways, the same conflict at both, resolved at one, identical data everywhere."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli.test_cli import run


def ok(*args: str, home: Path, lang: str = "en") -> str:
    result = run(*args, home=home, lang=lang)
    assert result.returncode == 0, (args, result.stderr)
    assert "Traceback" not in result.stderr
    return result.stdout


def test_two_offices_from_the_command_line(tmp_path: Path) -> None:
    tij, mxl = tmp_path / "tijuana", tmp_path / "mexicali"
    ok("office", "init", "--name", "Albergue Juventud 2000", "--prefix", "TIJ", home=tij)
    ok("office", "init", "--name", "Casa del Migrante Mexicali", "--prefix", "MXL", home=mxl)
    for here, there, name in (
        (tij, mxl, "Casa del Migrante Mexicali"),
        (mxl, tij, "Albergue Juventud 2000"),
    ):
        card = tmp_path / f"{there.name}.identity"
        ok("office", "export-identity", "-o", str(card), home=there)
        fingerprint = ok("office", "add", str(card), home=here).strip().splitlines()[-1]
        ok("office", "trust", name, "--fingerprint", fingerprint, home=here)
    ok("demo", "--cases", "3", home=tij)
    number = json.loads(ok("cases", "--json", home=tij))[0]["case_number"]
    refused = run("share", number, "--with", "Nadie", home=tij, lang="en")
    assert refused.returncode == 1 and "no office called" in refused.stderr
    ok("share", number, "--with", "MXL", home=tij)

    def exchange(src: Path, dst: Path, to: str, name: str) -> str:
        path = tmp_path / name
        ok("sync", "export", "--to", to, "-o", str(path), home=src)
        assert path.stat().st_mode & 0o077 == 0
        return ok("sync", "import", str(path), home=dst, lang="es")

    said = exchange(tij, mxl, "MXL", "1.bin")
    assert "De Albergue Juventud 2000: 0 hogares actualizados, 1 nuevos" in said
    assert json.loads(ok("cases", "--json", home=mxl))[0]["case_number"] == number
    again = ok("sync", "import", str(tmp_path / "1.bin"), home=mxl, lang="en")
    assert "imported before; nothing changed" in again

    ok("edit", number, "city=Tijuana Centro", home=tij)
    ok("edit", number, "city=Mexicali, B.C.", home=mxl)
    exchange(tij, mxl, "MXL", "2.bin")
    said = exchange(mxl, tij, "TIJ", "3.bin")
    assert "1 conflictos" in said
    at_tij = [json.loads(line) for line in ok("conflicts", "--json", home=tij).splitlines()]
    at_mxl = [json.loads(line) for line in ok("conflicts", "--json", home=mxl).splitlines()]
    assert [c["id"] for c in at_tij] == [c["id"] for c in at_mxl] and len(at_tij) == 1
    conflict = at_tij[0]
    assert conflict["field"] == "city" and conflict["case_number"] == number
    assert sorted(side["value"] for side in conflict["sides"]) == [
        "Mexicali, B.C.",
        "Tijuana Centro",
    ]
    text = ok("conflicts", home=mxl, lang="es")
    assert "(se muestra mientras tanto)" in text and "1 conflicto abierto" in text
    wrong = run("resolve", conflict["id"][:8], "--keep", "3", home=tij, lang="en")
    assert wrong.returncode == 1 and "from 1 to 2" in wrong.stderr
    assert at_tij[0]["provisional"] == at_mxl[0]["provisional"]
    ok("resolve", conflict["id"][:8], "--value", "Tijuana (Zona Norte)", home=tij)
    assert ok("conflicts", "--json", home=tij) == ""
    exchange(tij, mxl, "MXL", "4.bin")
    assert ok("conflicts", "--json", home=mxl) == ""
    show = [json.loads(ok("cases", "--json", "--search", number, home=h))[0] for h in (tij, mxl)]
    assert show[0] == show[1]
    history = ok("history", number, home=mxl)  # what came from Tijuana, and who made it there
    assert "city: Mexicali, B.C. → Tijuana (Zona Norte)" in history or (
        "→ Tijuana (Zona Norte)" in history
    )
    assert "(Albergue Juventud 2000)" in history and "received" in history
