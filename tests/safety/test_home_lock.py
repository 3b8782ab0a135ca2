"""One home, held by every program that has it open: restore, encrypt and the key changes
refuse (naming the program) while another process has it, a killed holder never blocks it, and
nothing opens a home while it is being replaced."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from legalaid import homelock
from legalaid.home import open_home
from legalaid.homelock import HomeInUse
from legalaid.safety.backup import auto_backup, restore
from legalaid.services.demo import generate_demo
from legalaid.services.search import count_cases
from tests.safety.conftest import dump
from tests.safety.faulty import PASS, WORKER, cli, environment, passfile


def _holder(home: Path, program: str, secret: str | None = None) -> subprocess.Popen[str]:
    args = [sys.executable, str(WORKER), "hold", str(home), program]
    child = subprocess.Popen(
        [*args, *([secret] if secret else [])],
        env=environment(),
        stdout=subprocess.PIPE,
        text=True,
    )
    assert child.stdout is not None
    assert child.stdout.readline().strip() == "held"
    return child


@pytest.fixture
def encrypted_home(tmp_path: Path) -> Iterator[tuple[Path, Path]]:
    home = tmp_path / "home"
    ctx = open_home(home, passphrase=PASS)
    generate_demo(ctx, 20, seed=1)
    backup = auto_backup(ctx)
    generate_demo(ctx, 4, seed=2)
    ctx.close()
    yield home, backup


def test_restore_encrypt_and_passphrase_change_refuse_while_another_program_holds_the_home(
    tmp_path: Path, encrypted_home: tuple[Path, Path]
) -> None:
    home, backup = encrypted_home
    before = (home / "legalaid.db").read_bytes()
    secret = passfile(tmp_path)
    holder = _holder(home, homelock.CLIENT, PASS)
    try:
        refused = cli(home, "restore", str(backup), passfile=secret)
        assert refused.returncode == 1, refused.stderr
        assert "está abierta en una ventana de LegalAid" in refused.stderr
        assert f"proceso {holder.pid}" in refused.stderr and "Traceback" not in refused.stderr
        for command in ("change-passphrase", "encrypt"):
            again = cli(home, command, passfile=secret)
            assert again.returncode == 1 and "Traceback" not in again.stderr, again.stderr
        sheet = cli(home, "recovery-sheet", "-o", str(tmp_path / "hoja.pdf"), passfile=secret)
        assert sheet.returncode == 1 and f"proceso {holder.pid}" in sheet.stderr
        assert (home / "legalaid.db").read_bytes() == before
        assert cli(home, "cases", passfile=secret).returncode == 0  # reading shares the home
    finally:
        holder.send_signal(signal.SIGKILL)
        holder.wait()
    # The holder was killed: its lock went with it, and the restore goes ahead.
    done = cli(home, "restore", str(backup), passfile=secret)
    assert done.returncode == 0, done.stderr
    assert list((home / "locks").iterdir()) == []


def test_a_command_is_named_when_it_holds_the_home(
    tmp_path: Path, encrypted_home: tuple[Path, Path]
) -> None:
    home, backup = encrypted_home
    holder = _holder(home, "import", PASS)
    try:
        with pytest.raises(HomeInUse) as caught:
            restore(home, backup, secret=PASS)
        assert "legalaid import" in caught.value.message()
        assert f"proceso {holder.pid}" in caught.value.message()
    finally:
        holder.send_signal(signal.SIGKILL)
        holder.wait()


def test_nothing_opens_the_home_while_it_is_being_replaced(
    tmp_path: Path, encrypted_home: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    home, _backup = encrypted_home
    monkeypatch.setattr(homelock, "_program", "restore")
    with homelock.exclusive(home):
        opened = cli(home, "cases", passfile=passfile(tmp_path))
        assert opened.returncode == 1
        assert "legalaid restore" in opened.stderr and f"proceso {os.getpid()}" in opened.stderr
    assert cli(home, "cases", passfile=passfile(tmp_path)).returncode == 0


def test_the_window_itself_may_change_the_passphrase_while_it_holds_the_home(
    tmp_path: Path,
) -> None:
    from legalaid.safety.keys import change_home_passphrase, unlock

    ctx = open_home(tmp_path / "home", passphrase=PASS)
    with pytest.raises(HomeInUse):  # another program's view: this process holds it
        change_home_passphrase(ctx.home, PASS, "otra frase bastante larga")
    change_home_passphrase(ctx.home, PASS, "otra frase bastante larga", own=ctx.hold)
    assert unlock(ctx.home.key_file, "otra frase bastante larga")
    ctx.close()


def test_a_restore_without_the_lock_would_have_lost_saves(
    tmp_path: Path, encrypted_home: tuple[Path, Path]
) -> None:
    """What the lock prevents: a program with the home open keeps writing to the file the
    restore replaced. Held, the restore is refused and the program's saves reach the file."""
    from legalaid.services.cases import CaseInput, PersonInput, open_case

    home, backup = encrypted_home
    ctx = open_home(home, passphrase=PASS)
    with pytest.raises(HomeInUse):
        restore(home, backup, secret=PASS)
    open_case(ctx, CaseInput(crossing="SYS"), [PersonInput("Saved", "After Refusal", "principal")])
    key = ctx.db._key
    ctx.close()
    rows = dump(home / "legalaid.db", key)
    assert any("After Refusal" in repr(row) for row in rows["person"])
    again = open_home(home, passphrase=PASS)
    assert count_cases(again) == 25
    again.close()
