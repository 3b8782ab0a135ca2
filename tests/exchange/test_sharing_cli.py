"""Sharing from the command line, in real processes: `office risk` (refused for an office not
trusted, shown by `office list`), `share CASE` listing, `--transfer`, `--stop`; the existing
command lines keep working."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli.test_cli import run
from tests.exchange.test_sync_cli import ok

MXL = "Casa del Migrante Mexicali"


def test_risk_marking_sharing_and_transfer(tmp_path: Path) -> None:
    tij, mxl = tmp_path / "tijuana", tmp_path / "mexicali"
    ok("office", "init", "--name", "Albergue Juventud 2000", "--prefix", "TIJ", home=tij)
    ok("office", "init", "--name", MXL, "--prefix", "MXL", home=mxl)
    card = tmp_path / "mxl.identity"
    ok("office", "export-identity", "-o", str(card), home=mxl)
    fingerprint = ok("office", "add", str(card), home=tij).strip().splitlines()[-1]

    refused = run("office", "risk", "MXL", "--receive", home=tij, lang="es")
    assert refused.returncode == 1 and "no es de confianza" in refused.stderr
    assert "Traceback" not in refused.stderr
    ok("office", "trust", MXL, "--fingerprint", fingerprint, home=tij)
    said = ok("office", "risk", "MXL", "--receive", home=tij)
    assert "will travel to it" in said and MXL in said
    listed = json.loads(ok("office", "list", "--json", home=tij))
    assert [o["receives_risk"] for o in listed if o["name"] == MXL] == [True]
    assert "receives risk narratives and incidents" in ok("office", "list", home=tij)
    usage = run("office", "risk", "MXL", home=tij, lang="en")
    assert usage.returncode == 2  # --receive or --withhold, one of them

    ok("demo", "--cases", "2", home=tij)
    number = json.loads(ok("cases", "--json", home=tij))[0]["case_number"]
    assert "is not shared with any office" in ok("share", number, home=tij)
    ok("share", number, "--with", MXL, home=tij)
    shown = ok("share", number, home=tij, lang="es")
    assert MXL in shown and "nada enviado todavía" in shown
    assert "los relatos de riesgo y los incidentes se envían a esta oficina" in shown

    said = ok("share", number, "--with", "MXL", "--transfer", home=tij)
    assert f"transferred to {MXL}" in said and "keeps its copy" in said
    data = json.loads(ok("share", number, "--json", home=tij))
    assert data["responsible_office"] == MXL
    assert [s["office"] for s in data["shared_with"]] == [MXL]
    ok("sync", "export", "--to", "MXL", "-o", str(tmp_path / "1.bin"), home=tij)
    assert "last sent" in ok("share", number, home=tij)

    said = ok("share", number, "--stop", "MXL", home=tij)
    assert "future changes will not be sent there" in said
    assert json.loads(ok("share", number, "--json", home=tij))["shared_with"] == []
    alone = run("share", number, "--transfer", home=tij, lang="en")
    assert alone.returncode == 1 and "--transfer needs --with" in alone.stderr
