from __future__ import annotations

import contextlib
import json
from collections.abc import Mapping
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


@pytest.mark.slow
def test_every_single_byte_change_is_told_as_damage_never_as_a_wrong_passphrase(
    tmp_path: Path, quick_kdf: None
) -> None:
    """With the right passphrase, a key file with one byte changed either still opens (the byte
    did not matter) or is reported as damaged, with the recovery key and the backups' key copies
    to use instead: never "the passphrase is not right"."""
    from legalaid.errors import StorageError
    from legalaid.safety.keys import KeyFileDamaged

    path = tmp_path / "legalaid.key"
    new = create_key_file(path, PASS)
    original = path.read_bytes()
    outcomes = {"opens": 0, "damaged": 0, "wrong passphrase": 0}
    recovered = 0
    for index in range(len(original)):
        for replacement in {original[index] ^ 0x01, ord("0") if original[index] != ord("0") else 1}:
            flipped = bytearray(original)
            flipped[index] = replacement
            path.write_bytes(bytes(flipped))
            try:
                assert unlock(path, PASS) == new.dek
                outcomes["opens"] += 1
            except KeyFileDamaged as error:
                outcomes["damaged"] += 1
                assert ".db.key" in error.message()
            except WrongPassphrase:
                outcomes["wrong passphrase"] += 1
            except StorageError as error:  # unreadable: not JSON, or not a key file
                outcomes["damaged"] += 1
                assert "dañado" in error.message()
            with contextlib.suppress(WrongPassphrase, StorageError):
                recovered += unlock(path, new.recovery_key) == new.dek
    print(f"\n{len(original)} bytes, 2 changes each: {outcomes}; recovery key opened {recovered}")
    assert outcomes["wrong passphrase"] == 0
    assert outcomes["damaged"] > 0


def test_a_damaged_slot_does_not_stop_the_other_slot(tmp_path: Path, quick_kdf: None) -> None:
    from legalaid.safety.keys import KeyFileDamaged

    path = tmp_path / "legalaid.key"
    new = create_key_file(path, PASS)
    data = json.loads(path.read_text())
    damage: Mapping[str, object]
    for damage in ({"type": 7}, {"type": None}, {"type": "pasphrase"}):
        broken = json.loads(json.dumps(data))
        broken["slots"][0].update(damage)  # the passphrase slot's type: tried as either kind
        path.write_text(json.dumps(broken))
        assert unlock(path, new.recovery_key) == new.dek, damage
        assert unlock(path, PASS) == new.dek, damage
    for damage in ({"kdf": "x"}, {"nonce": 12}, {"wrapped": []}, {"nonce": "AAAA"}):
        broken = json.loads(json.dumps(data))
        broken["slots"][0].update(damage)  # the passphrase slot
        path.write_text(json.dumps(broken))
        assert unlock(path, new.recovery_key) == new.dek, damage  # the recovery slot is tried
        with pytest.raises(KeyFileDamaged) as caught:
            unlock(path, PASS)
        assert "parte de la frase de acceso" in caught.value.message(), damage
    broken = json.loads(json.dumps(data))
    broken["slots"][1]["nonce"] = "AAAA"  # the recovery slot
    path.write_text(json.dumps(broken))
    assert unlock(path, PASS) == new.dek
    with pytest.raises(KeyFileDamaged, match="parte de la clave de recuperación"):
        unlock(path, new.recovery_key)
    with pytest.raises(WrongPassphrase) as wrong:
        unlock(path, "no es la frase correcta")
    assert type(wrong.value) is WrongPassphrase  # an intact passphrase slot: really wrong


def test_huge_or_odd_key_parameters_are_refused_at_once(tmp_path: Path, quick_kdf: None) -> None:
    import time

    from legalaid.safety.keys import KeyFileDamaged

    path = tmp_path / "legalaid.key"
    new = create_key_file(path, PASS)
    data = json.loads(path.read_text())
    for name, value in (
        ("memory_cost", 2**40),
        ("memory_cost", 2**31 - 1),
        ("iterations", 10**9),
        ("lanes", 2**24),
        ("iterations", "3"),
        ("memory_cost", 3.5),
        ("salt", "!!"),
    ):
        broken = json.loads(json.dumps(data))
        for slot in broken["slots"]:
            slot["kdf"][name] = value
        path.write_text(json.dumps(broken))
        started = time.monotonic()
        with pytest.raises(KeyFileDamaged, match="dañado"):
            unlock(path, PASS)
        assert time.monotonic() - started < 30, name  # no minutes of key derivation
    path.write_text(json.dumps(data))
    assert unlock(path, new.recovery_key) == new.dek


def test_a_key_file_written_before_the_digests_still_opens(tmp_path: Path, quick_kdf: None) -> None:
    path = tmp_path / "legalaid.key"
    new = create_key_file(path, PASS)
    data = json.loads(path.read_text())
    for slot in data["slots"]:
        del slot["check"]
    path.write_text(json.dumps(data))
    assert unlock(path, PASS) == new.dek
    with pytest.raises(WrongPassphrase) as wrong:
        unlock(path, "no es la frase correcta")
    assert type(wrong.value) is WrongPassphrase
