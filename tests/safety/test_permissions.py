"""Every file LegalAid writes is its owner's only (0600, folders 0700), whatever the umask of
the desktop that starts it: the home and the output folder are walked after every command, and
the core functions are checked in this process too (umask 022, no command line to set it)."""

from __future__ import annotations

import json
import os
import stat
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest

from legalaid.home import open_home
from legalaid.safety.backup import auto_backup, backup_to, restore
from legalaid.services.demo import generate_demo
from tests.safety.faulty import PASS, cli, passfile, readable_by_others


def _walk(home: Path, out: Path) -> list[str]:
    found = readable_by_others(home, out)
    if stat.S_IMODE(home.stat().st_mode) & 0o077:
        found.append(f"{home} {oct(stat.S_IMODE(home.stat().st_mode))}")
    return found


@pytest.mark.slow
def test_a_walk_of_the_home_and_output_folder_after_every_command(tmp_path: Path) -> None:
    home, out = tmp_path / "home", tmp_path / "out"
    out.mkdir()
    secret = passfile(tmp_path)
    first = date.today().isoformat()
    last = (date.today() + timedelta(days=30)).isoformat()
    source = out / "entrada.csv"
    source.write_text("nombres;apellidos;número A\nAna;Ruiz;A 1\nLuis;Pérez;A 123456789\n")
    os.chmod(source, 0o600)
    commands: list[list[str]] = [
        ["demo", "--cases", "40"],
        ["cases"],
        ["upcoming", "--days", "30"],
        ["backup"],
        ["backup", "-o", str(out)],
        ["export", "-o", str(out / "todo.csv")],
        ["export", "-o", str(out / "todo.xlsx")],
        ["import", str(source)],
        ["reminders", "--from", first, "--to", last, "-o", str(out / "cartas.pdf")],
        ["reminders", "--from", first, "--to", last, "--per-household", "-o", str(out / "casas")],
        ["recovery-sheet", "-o", str(out / "hoja.pdf")],
        ["change-passphrase"],
    ]
    walked = 0
    for args in commands:
        done = cli(home, *args, passfile=secret)
        assert done.returncode == 0, (args, done.stderr)
        assert _walk(home, out) == [], args
        walked += 1
    coming = json.loads(cli(home, "upcoming", "--json", passfile=secret).stdout)[0]
    number, day = coming["case_number"], coming["report_at"]
    for args in (
        ["crossing-list", "--date", day[:10], "-o", str(out / "lista.pdf")],
        ["cards", number, "-o", str(out / "tarjetas.pdf")],
        ["history", number],
        ["restore", str(next((home / "backups").glob("auto-*.db")))],
    ):
        done = cli(home, *args, passfile=secret)
        assert done.returncode == 0, (args, done.stderr)
        assert _walk(home, out) == [], args
        walked += 1
    assert (home / "legalaid.key").stat().st_mode & 0o077 == 0  # kept across the restore
    plain = tmp_path / "plain"
    assert cli(plain, "--unencrypted", "demo", "--cases", "5").returncode == 0
    auto = cli(plain, "--unencrypted", "backup")
    assert auto.returncode == 0
    encrypted = cli(plain, "encrypt", passfile=secret)
    assert encrypted.returncode == 0, encrypted.stderr
    assert _walk(plain, out) == []
    print(f"\npermissions: {walked + 3} commands, each followed by a walk: nothing readable")


@pytest.fixture
def desktop_umask() -> Iterator[None]:
    old = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(old)


def test_the_core_writes_owner_only_whatever_the_umask(tmp_path: Path, desktop_umask: None) -> None:
    from legalaid.documents import reminders_batch
    from legalaid.safety.convert import encrypt_home
    from legalaid.safety.keys import replace_recovery_key
    from legalaid.services.upcoming import upcoming

    home, out = tmp_path / "home", tmp_path / "out"
    out.mkdir()
    ctx = open_home(home, passphrase=PASS)
    generate_demo(ctx, 40, seed=3)
    backup = auto_backup(ctx)
    backup_to(ctx, out / "copia.db")
    ids = [r.hearing_id for r in upcoming(ctx, 60) if r.status == "scheduled"][:6]
    reminders_batch(ctx, hearing_ids=ids, out=out / "cartas.pdf")
    reminders_batch(ctx, hearing_ids=ids, out=out / "casas", per_household=True)
    reminders_batch(ctx, hearing_ids=ids, out=out / "dos.pdf", off_process=True)  # workers
    replace_recovery_key(ctx.home.key_file, PASS)
    ctx.save_settings()
    ctx.close()
    restore(home, backup, secret=PASS)
    plain = tmp_path / "plain"
    demo = open_home(plain, unencrypted=True)
    auto_backup(demo)
    demo.close()
    encrypt_home(plain, PASS)
    assert readable_by_others(home, out, plain) == []


def test_an_older_home_left_readable_is_made_owner_only_when_opened(tmp_path: Path) -> None:
    home = tmp_path / "home"
    ctx = open_home(home, passphrase=PASS)
    auto_backup(ctx)
    ctx.close()
    for path in [home, *home.rglob("*")]:
        os.chmod(path, 0o755 if path.is_dir() else 0o644)
    open_home(home, passphrase=PASS).close()
    assert readable_by_others(home) == []
