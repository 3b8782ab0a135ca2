from __future__ import annotations

import json
from pathlib import Path

import pytest

from legalaid.errors import ValidationError
from legalaid.safety.keys import (
    WrongPassphrase,
    change_passphrase,
    create_key_file,
    replace_recovery_key,
    unlock,
)
from tests.safety.conftest import PASS


def test_passphrase_and_recovery_key_both_unwrap_the_same_key(tmp_path: Path) -> None:
    path = tmp_path / "legalaid.key"
    new = create_key_file(path, PASS)
    assert unlock(path, PASS) == new.dek
    assert unlock(path, new.recovery_key) == new.dek
    typed = new.recovery_key.lower().replace("-", " ")  # as a tired person types it
    assert unlock(path, typed) == new.dek
    assert new.dek.hex() not in path.read_text()
    assert json.loads(path.read_text())["slots"][0]["kdf"]["name"] == "argon2id"


def test_wrong_passphrase_is_a_clear_message(tmp_path: Path) -> None:
    path = tmp_path / "legalaid.key"
    create_key_file(path, PASS)
    with pytest.raises(WrongPassphrase) as caught:
        unlock(path, "not the right one")
    assert "no es correcta" in caught.value.message()


def test_change_passphrase_keeps_the_database_key(tmp_path: Path) -> None:
    path = tmp_path / "legalaid.key"
    new = create_key_file(path, PASS)
    change_passphrase(path, PASS, "otra frase todavía más larga")
    assert unlock(path, "otra frase todavía más larga") == new.dek
    assert unlock(path, new.recovery_key) == new.dek
    with pytest.raises(WrongPassphrase):
        unlock(path, PASS)
    fresh = replace_recovery_key(path, "otra frase todavía más larga")
    assert unlock(path, fresh) == new.dek
    with pytest.raises(WrongPassphrase):
        unlock(path, new.recovery_key)


def test_short_passphrases_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="al menos 10"):
        create_key_file(tmp_path / "k", "corta")
