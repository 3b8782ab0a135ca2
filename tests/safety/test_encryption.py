from __future__ import annotations

import os
from pathlib import Path

import pytest

from legalaid.errors import StorageError
from legalaid.home import HomeState, home_state, open_home
from legalaid.paths import HomePaths
from legalaid.safety.backup import auto_backup
from legalaid.safety.convert import PLAIN_ASIDE, encrypt_home, finish_conversion
from legalaid.safety.keys import PassphraseRequired, WrongPassphrase
from legalaid.services.search import search_cases
from tests.core.helpers import family
from tests.safety.conftest import PASS, files_containing

NAME = "Xóchitl Quiñónez Ybarra"
NEEDLES = [NAME.encode(), "Quiñónez".encode(), b"Ybarra", b"987654321"]


def _with_secret_person(home: Path, **kw: object) -> None:
    ctx = open_home(home, **kw)  # type: ignore[arg-type]
    family(ctx, given="Xóchitl", family_names="Quiñónez Ybarra", a_number="A 987-654-321")
    auto_backup(ctx)
    ctx.close()


def test_new_home_is_encrypted_and_nothing_readable_on_disk(tmp_path: Path) -> None:
    home = tmp_path / "home"
    with pytest.raises(PassphraseRequired):
        open_home(home)
    ctx = open_home(home, passphrase=PASS)
    assert ctx.encrypted and ctx.recovery_key
    family(ctx, given="Xóchitl", family_names="Quiñónez Ybarra", a_number="A 987-654-321")
    assert Path(f"{ctx.home.database}-wal").exists()  # checked while the WAL is live
    assert files_containing(home, NEEDLES) == []
    auto_backup(ctx)
    ctx.close()
    assert files_containing(home, NEEDLES) == []
    assert home_state(home) is HomeState.ENCRYPTED
    again = open_home(home, passphrase=PASS)
    assert search_cases(again, "xochitl quinonez")[0].principal == NAME
    again.close()


def test_wrong_passphrase_then_another_try(tmp_path: Path) -> None:
    home = tmp_path / "home"
    _with_secret_person(home, passphrase=PASS)
    with pytest.raises(WrongPassphrase):
        open_home(home, passphrase="esta no es la frase")
    ctx = open_home(home, passphrase=PASS)
    assert search_cases(ctx, "Ybarra")
    ctx.close()


def test_plaintext_home_must_be_opened_explicitly(tmp_path: Path) -> None:
    home = tmp_path / "home"
    _with_secret_person(home, unencrypted=True)
    with pytest.raises(StorageError, match="no está cifrada"):
        open_home(home)
    assert files_containing(home, NEEDLES)  # the demo mode really is plaintext


def test_converting_a_plaintext_home_wipes_the_plaintext(tmp_path: Path) -> None:
    home = tmp_path / "home"
    _with_secret_person(home, unencrypted=True)
    new = encrypt_home(home, PASS)
    assert files_containing(home, NEEDLES) == []
    assert not (home / PLAIN_ASIDE).exists()
    ctx = open_home(home, passphrase=new.recovery_key)
    assert search_cases(ctx, "A 987-654-321")[0].principal == NAME
    assert len(list(ctx.home.backups.glob("*.db.key"))) == 1  # the old backup, now encrypted
    ctx.close()
    with pytest.raises(StorageError):
        encrypt_home(home, PASS)


def test_an_interrupted_conversion_is_finished_or_undone(tmp_path: Path) -> None:
    home = tmp_path / "home"
    _with_secret_person(home, unencrypted=True)
    paths = HomePaths(home)
    os.replace(paths.database, home / PLAIN_ASIDE)  # crash right after the first rename
    finish_conversion(paths)
    assert paths.database.exists() and not (home / PLAIN_ASIDE).exists()
    ctx = open_home(home, unencrypted=True)
    assert search_cases(ctx, "Ybarra")
    ctx.close()
