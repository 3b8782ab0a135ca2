from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pypdf


def run(
    home: Path, *args: str, passfile: Path | None = None, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "LANG": "es_MX.UTF-8"}
    env.pop("LEGALAID_PASSPHRASE_FILE", None)
    if passfile:
        env["LEGALAID_PASSPHRASE_FILE"] = str(passfile)
    return subprocess.run(
        [sys.executable, "-m", "legalaid", "--home", str(home), *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        input=stdin,
    )


def test_first_command_sets_up_encryption_and_shows_the_recovery_key(tmp_path: Path) -> None:
    good = tmp_path / "good.txt"
    good.write_text("una frase larga y segura\n")
    bad = tmp_path / "bad.txt"
    bad.write_text("otra frase equivocada\n")
    first = run(tmp_path / "h", "demo", "--cases", "5", passfile=good)
    assert first.returncode == 0, first.stderr
    assert "Clave de recuperación" in first.stderr
    wrong = run(tmp_path / "h", "cases", passfile=bad)
    assert wrong.returncode == 1
    assert wrong.stderr.strip().startswith("legalaid: Esa frase de acceso no es correcta")
    assert "ERROR CORE" not in wrong.stderr and "Traceback" not in wrong.stderr
    no_terminal = run(tmp_path / "h", "cases", stdin="")
    assert no_terminal.returncode == 1 and "LEGALAID_PASSPHRASE_FILE" in no_terminal.stderr


def test_recovery_sheet_and_passphrase_change(tmp_path: Path) -> None:
    good = tmp_path / "good.txt"
    good.write_text("una frase larga y segura\n")
    run(tmp_path / "h", "demo", "--cases", "2", passfile=good)
    sheet = run(tmp_path / "h", "recovery-sheet", "-o", str(tmp_path / "hoja.pdf"), passfile=good)
    assert sheet.returncode == 0, sheet.stderr
    text = pypdf.PdfReader(tmp_path / "hoja.pdf").pages[0].extract_text()
    assert "Hoja de recuperación de LegalAid" in text and "LegalAid recovery sheet" in text
    key = re.findall(r"[A-Z0-9]{4}(?:-[A-Z0-9]{4}){5}", text)[0]
    by_key = tmp_path / "key.txt"
    by_key.write_text(key)
    assert run(tmp_path / "h", "cases", passfile=by_key).returncode == 0
    unwritable = run(tmp_path / "h", "recovery-sheet", "-o", "/proc/nope/x.pdf", passfile=good)
    assert unwritable.returncode == 1 and "Traceback" not in unwritable.stderr


def test_demo_mode_and_conversion(tmp_path: Path) -> None:
    plain = run(tmp_path / "p", "--unencrypted", "demo", "--cases", "3")
    assert plain.returncode == 0 and "Clave" not in plain.stderr
    refused = run(tmp_path / "p", "cases")
    assert refused.returncode == 1 and "no está cifrada" in refused.stderr
    good = tmp_path / "good.txt"
    good.write_text("una frase larga y segura\n")
    converted = run(tmp_path / "p", "encrypt", passfile=good)
    assert converted.returncode == 0, converted.stderr
    listing = run(tmp_path / "p", "cases", passfile=good)
    assert "3 expedientes" in listing.stdout


def test_import_with_rejects_on_the_command_line(tmp_path: Path) -> None:
    source = tmp_path / "x.csv"
    source.write_text("nombres;apellidos;número A\nAna;Ruiz;A 1\nLuis;Pérez;A 123456789\n")
    result = run(tmp_path / "h", "--unencrypted", "import", str(source))
    assert result.returncode == 0, result.stderr
    assert "Fila 2:" in result.stderr and "A 1" in result.stderr
    assert (tmp_path / "x-rechazadas.csv").exists()
    missing = run(tmp_path / "h", "--unencrypted", "import", str(tmp_path / "nope.csv"))
    assert missing.returncode == 1 and "Traceback" not in missing.stderr


def test_bad_arguments_get_a_message_and_exit_2_never_a_traceback(tmp_path: Path) -> None:
    home = tmp_path / "h"
    assert run(home, "--unencrypted", "demo", "--cases", "3").returncode == 0
    out = str(tmp_path / "x.pdf")
    cases = [
        (["upcoming", "--days", "3000000"], "días de 1 a 3660"),
        (["upcoming", "--days", "0"], "días de 1 a 3660"),
        (["reminders", "--from", "0001-01-01", "--to", "0001-01-05", "-o", out], "1900"),
        (["reminders", "--from", "9999-12-25", "--to", "9999-12-31", "-o", out], "1900"),
        (["crossing-list", "--date", "0001-01-01", "-o", out], "1900"),
        (["crossing-list", "--date", "9999-12-31", "-o", out], "1900"),
        (["reminders", "--from", "2026-13-01", "--to", "2026-12-31", "-o", out], "AAAA-MM-DD"),
    ]
    for args, says in cases:
        result = run(home, "--unencrypted", *args)
        assert result.returncode == 2, (args, result.stderr)
        assert says in result.stderr and "Traceback" not in result.stderr, (args, result.stderr)
    assert not (tmp_path / "x.pdf").exists()


def test_failures_get_a_message_and_exit_1_never_a_traceback(tmp_path: Path) -> None:
    import json

    home = tmp_path / "h"
    good = tmp_path / "good.txt"
    good.write_text("una frase larga y segura\n")
    assert run(home, "demo", "--cases", "3", passfile=good).returncode == 0
    unwritable = run(home, "backup", "-o", "/proc/x.db", passfile=good)
    assert unwritable.returncode == 1 and "/proc/x.db" in unwritable.stderr
    assert "Traceback" not in unwritable.stderr
    key_file = home / "legalaid.key"
    data = json.loads(key_file.read_text())
    for slot in data["slots"]:
        slot["type"] = ["not", "a", "type"]
        slot["kdf"]["memory_cost"] = 2**40  # asks for a terabyte of memory
    key_file.write_text(json.dumps(data))
    damaged = run(home, "cases", passfile=good)
    assert damaged.returncode == 1 and "Traceback" not in damaged.stderr
    assert "está dañado" in damaged.stderr and ".db.key" in damaged.stderr
