"""The database key and the small key file that guards it.

A random 256-bit database key (DEK) encrypts the SQLite file (SQLCipher, raw key, no per-connection
KDF). The key file next to the database holds the DEK wrapped (AES-256-GCM) once per *slot*: one
slot under a key derived from the passphrase with Argon2id, one under the recovery key printed at
set-up. Changing the passphrase rewrites only this file, never the database. The key file alone
reveals nothing: without a passphrase or the recovery key the DEK cannot be unwrapped.
"""

from __future__ import annotations

import base64
import json
import os
import secrets
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.argon2 import Argon2id

from legalaid.errors import (  # noqa: F401  (the passphrase errors are re-exported)
    LegalAidError,
    PassphraseRequired,
    StorageError,
    ValidationError,
    WrongPassphrase,
)
from legalaid.i18n import N_

FORMAT = "legalaid-key"
MIN_PASSPHRASE = 10
# Argon2id, RFC 9106 "second recommended" shape: 64 MiB, 3 passes, 4 lanes (~0.13 s here).
ARGON2 = {"iterations": 3, "lanes": 4, "memory_cost": 64 * 1024}
RECOVERY_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no I, O, 0, 1: nothing to misread
RECOVERY_GROUPS = 6  # 6 groups of 4 characters = 120 bits


@dataclass(frozen=True)
class NewKey:
    dek: bytes
    recovery_key: str
    database_id: str


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"))


def check_new_passphrase(passphrase: str, repeat: str | None = None) -> None:
    if len(passphrase) < MIN_PASSPHRASE:
        raise ValidationError(
            N_("The passphrase must have at least %(count)d characters."),
            "passphrase",
            count=MIN_PASSPHRASE,
        )
    if repeat is not None and repeat != passphrase:
        raise ValidationError(N_("The two passphrases are not the same."), "passphrase_repeat")


def new_recovery_key() -> str:
    chars = "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(RECOVERY_GROUPS * 4))
    return "-".join(chars[i : i + 4] for i in range(0, len(chars), 4))


def normalise_recovery_key(text: str) -> str:
    compact = "".join(ch for ch in text.upper() if ch.isalnum())
    return "-".join(compact[i : i + 4] for i in range(0, len(compact), 4))


def _derive(secret: str, kdf: dict[str, Any]) -> bytes:
    return Argon2id(
        salt=_unb64(kdf["salt"]),
        length=32,
        iterations=kdf["iterations"],
        lanes=kdf["lanes"],
        memory_cost=kdf["memory_cost"],
    ).derive(secret.encode("utf-8"))


def _slot(kind: str, secret: str, dek: bytes) -> dict[str, Any]:
    kdf = {"name": "argon2id", "salt": _b64(os.urandom(16)), **ARGON2}
    nonce = os.urandom(12)
    wrapped = AESGCM(_derive(secret, kdf)).encrypt(nonce, dek, f"{FORMAT}:{kind}".encode())
    return {"type": kind, "kdf": kdf, "nonce": _b64(nonce), "wrapped": _b64(wrapped)}


def _unwrap(slot: dict[str, Any], secret: str) -> bytes:
    key = _derive(secret, slot["kdf"])
    aad = f"{FORMAT}:{slot['type']}".encode()
    return AESGCM(key).decrypt(_unb64(slot["nonce"]), _unb64(slot["wrapped"]), aad)


def create_key_file(path: Path, passphrase: str) -> NewKey:
    """A new random database key, wrapped under the passphrase and a new recovery key."""
    check_new_passphrase(passphrase)
    dek = secrets.token_bytes(32)
    recovery = new_recovery_key()
    database_id = str(uuid.uuid4())
    write_key_file(
        path, database_id, [_slot("passphrase", passphrase, dek), _slot("recovery", recovery, dek)]
    )
    return NewKey(dek, recovery, database_id)


def write_key_file(path: Path, database_id: str, slots: list[dict[str, Any]]) -> None:
    data = {
        "format": FORMAT,
        "version": 1,
        "cipher": "sqlcipher4",
        "database_id": database_id,
        "slots": slots,
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".key-", dir=path.parent)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        json.dump(data, out, indent=2)
        out.flush()
        os.fsync(out.fileno())
    os.replace(tmp, path)


def read_key_file(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise StorageError(
            N_("The key file %(path)s cannot be read; restore it from a backup."), path=str(path)
        ) from error
    if not isinstance(data, dict) or data.get("format") != FORMAT or not data.get("slots"):
        raise StorageError(
            N_("The key file %(path)s is damaged; restore it from a backup."), path=str(path)
        )
    return data


def unlock(path: Path, secret: str) -> bytes:
    """The database key, from the passphrase or the recovery key (either works)."""
    data = read_key_file(path)
    candidates = [secret]
    recovery = normalise_recovery_key(secret)
    if recovery != secret:
        candidates.append(recovery)
    for slot in data["slots"]:
        for candidate in candidates if slot["type"] == "recovery" else [secret]:
            try:
                return _unwrap(slot, candidate)
            except (InvalidTag, ValueError, KeyError):
                continue
    raise WrongPassphrase(
        N_(
            "That passphrase is not right. Check the keyboard language and Caps Lock, "
            "and try again, or use the recovery key."
        ),
        "passphrase",
    )


def change_passphrase(path: Path, secret: str, new_passphrase: str) -> None:
    """Re-wrap the database key under a new passphrase; the recovery key keeps working."""
    check_new_passphrase(new_passphrase)
    dek = unlock(path, secret)
    data = read_key_file(path)
    slots = [s for s in data["slots"] if s["type"] != "passphrase"]
    write_key_file(path, data["database_id"], [_slot("passphrase", new_passphrase, dek), *slots])


def replace_recovery_key(path: Path, secret: str) -> str:
    """A new recovery key (the old one stops working), e.g. when the printed sheet was lost."""
    dek = unlock(path, secret)
    data = read_key_file(path)
    recovery = new_recovery_key()
    slots = [s for s in data["slots"] if s["type"] != "recovery"]
    write_key_file(path, data["database_id"], [*slots, _slot("recovery", recovery, dek)])
    return recovery
