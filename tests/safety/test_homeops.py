"""Restore, encryption and key changes on the home a program has open (legalaid.safety.homeops):
the same AppContext object ends up on the new database, and a failure leaves the home open."""

from __future__ import annotations

from pathlib import Path

import pytest
from pypdf import PdfReader

from legalaid.errors import StorageError
from legalaid.home import HomeState, home_state, open_home
from legalaid.safety import homeops
from legalaid.safety.backup import auto_backup
from legalaid.safety.keys import WrongPassphrase
from legalaid.services.demo import generate_demo
from legalaid.services.search import count_cases
from tests.safety.faulty import OTHER_PASS, PASS


def test_restore_and_reopen_keeps_the_same_context_on_the_restored_data(
    tmp_path: Path, quick_kdf: None
) -> None:
    ctx = open_home(tmp_path / "home", passphrase=PASS)
    generate_demo(ctx, 3, seed=1)
    backup = auto_backup(ctx)
    generate_demo(ctx, 2, seed=2)
    assert count_cases(ctx) == 5
    old_db = ctx.db
    outcome = homeops.restore_and_reopen(ctx, backup)
    assert outcome.error is None and outcome.ctx is not None
    assert outcome.safety_copy is not None and outcome.safety_copy.exists()
    homeops.adopt(ctx, outcome.ctx)
    assert ctx.db is not old_db and ctx.hold is not None and outcome.ctx.hold is None
    assert count_cases(ctx) == 3
    ctx.close()


def test_a_failed_restore_says_why_and_leaves_the_home_open(
    tmp_path: Path, quick_kdf: None
) -> None:
    ctx = open_home(tmp_path / "home", passphrase=PASS)
    generate_demo(ctx, 2, seed=1)
    not_a_backup = tmp_path / "notes.db"
    not_a_backup.write_bytes(b"not a database" * 100)
    outcome = homeops.restore_and_reopen(ctx, not_a_backup)
    assert isinstance(outcome.error, StorageError)
    assert outcome.ctx is not None
    homeops.adopt(ctx, outcome.ctx)
    assert count_cases(ctx) == 2  # nothing changed
    ctx.close()


def test_encrypt_and_reopen_gives_an_encrypted_home_and_a_recovery_key(
    tmp_path: Path, quick_kdf: None
) -> None:
    ctx = open_home(tmp_path / "home", unencrypted=True)
    generate_demo(ctx, 2, seed=1)
    assert homeops.database_key(ctx) is None
    outcome = homeops.encrypt_and_reopen(ctx, PASS)
    assert outcome.error is None and outcome.ctx is not None and outcome.recovery_key
    homeops.adopt(ctx, outcome.ctx)
    assert ctx.encrypted and homeops.database_key(ctx) is not None
    assert count_cases(ctx) == 2
    ctx.close()
    assert home_state(tmp_path / "home") is HomeState.ENCRYPTED
    open_home(tmp_path / "home", passphrase=outcome.recovery_key).close()


def test_a_refused_passphrase_leaves_the_home_open_unencrypted(tmp_path: Path) -> None:
    ctx = open_home(tmp_path / "home", unencrypted=True)
    outcome = homeops.encrypt_and_reopen(ctx, "short")
    assert outcome.error is not None and outcome.ctx is not None
    homeops.adopt(ctx, outcome.ctx)
    assert not ctx.encrypted
    ctx.close()
    assert home_state(tmp_path / "home") is HomeState.PLAIN


def test_passphrase_change_and_new_recovery_key(tmp_path: Path, quick_kdf: None) -> None:
    ctx = open_home(tmp_path / "home", passphrase=PASS)
    with pytest.raises(WrongPassphrase):
        homeops.change_passphrase(ctx, OTHER_PASS, "otra frase larga y segura")
    homeops.change_passphrase(ctx, PASS, "otra frase larga y segura")
    key, sheet = homeops.new_recovery_key(ctx, "otra frase larga y segura")
    assert sheet.logged  # never written to the document log
    text = "".join(page.extract_text() for page in PdfReader(_pdf(tmp_path, sheet.pdf)).pages)
    assert key.split("-")[0] in text
    ctx.close()
    with pytest.raises(WrongPassphrase):
        open_home(tmp_path / "home", passphrase=PASS)
    open_home(tmp_path / "home", passphrase="otra frase larga y segura").close()
    open_home(tmp_path / "home", passphrase=key).close()


def _pdf(folder: Path, data: bytes) -> Path:
    path = folder / "sheet.pdf"
    path.write_bytes(data)
    return path
