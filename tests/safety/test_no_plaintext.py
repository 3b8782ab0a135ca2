"""Use LegalAid as a person would, then look at every file it left in its home and in the temp
folder for a known name and A-number: none may hold them in plaintext."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.safety.conftest import files_containing

NEEDLES = ["Xóchitl".encode(), "Quiñónez".encode(), b"Quinonez", b"987654321", b"987-654-321"]


def test_nothing_readable_in_home_or_temp_after_a_working_session(tmp_path: Path) -> None:
    home, temp, outside = tmp_path / "home", tmp_path / "tmp", tmp_path / "usuario"
    temp.mkdir()
    outside.mkdir()
    (outside / "pass.txt").write_text("una frase larga y segura\n")
    (outside / "casos.csv").write_text(
        "expediente,apellidos,nombres,número A,garita,fecha de audiencia,hora de audiencia\n"
        "TIJ-9,Quiñónez Ybarra,Xóchitl,A 987-654-321,SYS,2027-01-05,8:00\n",
        encoding="utf-8",
    )
    env = {
        **os.environ,
        "TMPDIR": str(temp),
        "TEMP": str(temp),
        "TMP": str(temp),
        "LEGALAID_PASSPHRASE_FILE": str(outside / "pass.txt"),
        "LANG": "es_MX.UTF-8",
    }
    steps = [
        ["import", str(outside / "casos.csv")],
        ["cases", "--search", "xochitl"],
        ["upcoming", "--days", "60", "--json"],
        ["backup"],
        ["backup", "-o", str(outside / "usb.db")],
        ["export", "-o", str(outside / "todo.xlsx")],
        ["demo", "--cases", "50"],
    ]
    for step in steps:
        result = subprocess.run(
            [sys.executable, "-m", "legalaid", "--home", str(home), *step],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert result.returncode == 0, (step, result.stderr)
    assert (
        "Xóchitl"
        in subprocess.run(
            [
                sys.executable,
                "-m",
                "legalaid",
                "--home",
                str(home),
                "cases",
                "--search",
                "987654321",
            ],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        ).stdout
    )
    assert files_containing(home, NEEDLES) == []
    assert files_containing(temp, NEEDLES) == []
    assert files_containing(outside, [b"987654321"]) == []  # the USB backup too
