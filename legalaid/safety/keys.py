"""The database key and the small key file that guards it.

A random 256-bit database key (DEK) encrypts the SQLite file (SQLCipher, raw key, no per-connection
KDF). The key file next to the database holds the DEK wrapped (AES-256-GCM) once per *slot*: one
slot under a key derived from the passphrase with Argon2id, one under the recovery key printed at
set-up. Changing the passphrase rewrites only this file, never the database. The key file alone
reveals nothing: without a passphrase or the recovery key the DEK cannot be unwrapped.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import secrets
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.argon2 import Argon2id

from legalaid import faults, homelock
from legalaid.errors import (  # noqa: F401  (the passphrase errors are re-exported)
    LegalAidError,
    PassphraseRequired,
    StorageError,
    ValidationError,
    WrongPassphrase,
)
from legalaid.files import make_folder, partial
from legalaid.i18n import N_
from legalaid.paths import HomePaths

FORMAT = "legalaid-key"
MIN_PASSPHRASE = 10
# Argon2id, RFC 9106 "second recommended" shape: 64 MiB, 3 passes, 4 lanes (~0.13 s here).
ARGON2 = {"iterations": 3, "lanes": 4, "memory_cost": 64 * 1024}
# What a key file may ask for (a damaged or hostile file must not make the derivation take
# minutes or all the memory): up to 4x the memory and 5x the passes written above.
MAX_ITERATIONS, MAX_LANES, MAX_MEMORY_KIB = 16, 16, 256 * 1024
SALT_BYTES = (16, 64)
RECOVERY_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no I, O, 0, 1: nothing to misread
RECOVERY_GROUPS = 6  # 6 groups of 4 characters = 120 bits
SLOT_TYPES = ("passphrase", "recovery")

PASSPHRASE_PART_DAMAGED = N_(
    "The passphrase part of the key file %(path)s is damaged, so no passphrase can open it. "
    "Write the recovery key instead, or put back the key file of a recent backup (the file "
    "ending in .db.key beside it) in its place and write the passphrase of that time."
)
RECOVERY_PART_DAMAGED = N_(
    "The recovery-key part of the key file %(path)s is damaged, so the recovery key cannot "
    "open it. Write the passphrase instead, or put back the key file of a recent backup (the "
    "file ending in .db.key beside it) in its place."
)
KEY_FILE_DAMAGED = N_(
    "The key file %(path)s is damaged: neither the passphrase nor the recovery key can open "
    "it. Put back the key file of a recent backup (the file ending in .db.key beside it) in "
    "its place, then write the passphrase that was in use when that backup was made."
)
WRONG_PASSPHRASE = N_(
    "That passphrase is not right. Check the keyboard language and Caps Lock, "
    "and try again, or use the recovery key."
)


class KeyFileDamaged(WrongPassphrase):
    """The key file's parameters are damaged: the passphrase could not even be checked."""


@dataclass(frozen=True)
class NewKey:
    dek: bytes
    recovery_key: str
    database_id: str


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"), validate=True)


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


def _check(database_id: str, slot: dict[str, Any]) -> str:
    """A digest of a slot's parameters and the database id: a damaged value is seen as
    damage, not as a wrong passphrase (AES-GCM alone cannot tell the two apart)."""
    body = {k: v for k, v in slot.items() if k != "check"}
    text = json.dumps({"database_id": database_id, **body}, sort_keys=True)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _slot(kind: str, secret: str, dek: bytes, database_id: str) -> dict[str, Any]:
    kdf = {"name": "argon2id", "salt": _b64(os.urandom(16)), **ARGON2}
    nonce = os.urandom(12)
    wrapped = AESGCM(_derive(secret, kdf)).encrypt(nonce, dek, f"{FORMAT}:{kind}".encode())
    slot = {"type": kind, "kdf": kdf, "nonce": _b64(nonce), "wrapped": _b64(wrapped)}
    return {**slot, "check": _check(database_id, slot)}


def _int_in(value: object, low: int, high: int) -> bool:
    return type(value) is int and low <= value <= high


def _usable(slot: object) -> bool:
    """Whether a slot's parameters are well formed and within bounds (it can be tried)."""
    if not isinstance(slot, dict):
        return False
    kdf = slot.get("kdf")
    if not isinstance(kdf, dict) or kdf.get("name") != "argon2id":
        return False
    lanes = kdf.get("lanes")
    if not (_int_in(kdf.get("iterations"), 1, MAX_ITERATIONS) and _int_in(lanes, 1, MAX_LANES)):
        return False
    if not _int_in(kdf.get("memory_cost"), 8 * int(lanes or 0), MAX_MEMORY_KIB):
        return False
    try:
        salt = _unb64(kdf["salt"])
        nonce, wrapped = _unb64(slot["nonce"]), _unb64(slot["wrapped"])
    except (KeyError, TypeError, ValueError, AttributeError):
        return False
    return SALT_BYTES[0] <= len(salt) <= SALT_BYTES[1] and len(nonce) == 12 and len(wrapped) == 48


def _intact(slot: object, database_id: str) -> bool:
    """Usable, of a known kind, and matching its digest (files written before the digest
    existed have none: those slots count as intact when usable)."""
    if not isinstance(slot, dict) or not _usable(slot) or slot.get("type") not in SLOT_TYPES:
        return False
    return slot.get("check") in (None, _check(database_id, slot))


def _unwrap(slot: dict[str, Any], secret: str) -> bytes:
    """The database key from one usable slot; InvalidTag when ``secret`` does not open it.

    A slot whose type was damaged is tried as either kind (the type is authenticated data)."""
    key = AESGCM(_derive(secret, slot["kdf"]))
    kinds = [slot["type"]] if slot.get("type") in SLOT_TYPES else list(SLOT_TYPES)
    for kind in kinds:
        try:
            return key.decrypt(
                _unb64(slot["nonce"]), _unb64(slot["wrapped"]), f"{FORMAT}:{kind}".encode()
            )
        except InvalidTag:
            continue
    raise InvalidTag()


def create_key_file(path: Path, passphrase: str, *, new_database: bool = False) -> NewKey:
    """A new random database key, wrapped under the passphrase and a new recovery key.

    ``new_database``: the database is still to be made (``database_made`` clears the mark), so
    until then an empty or missing database beside this key file is expected, not a loss."""
    check_new_passphrase(passphrase)
    dek = secrets.token_bytes(32)
    recovery = new_recovery_key()
    database_id = str(uuid.uuid4())
    slots = [
        _slot("passphrase", passphrase, dek, database_id),
        _slot("recovery", recovery, dek, database_id),
    ]
    write_key_file(path, database_id, slots, new_database=new_database)
    return NewKey(dek, recovery, database_id)


def write_key_file(
    path: Path, database_id: str, slots: list[dict[str, Any]], *, new_database: bool = False
) -> None:
    data: dict[str, Any] = {
        "format": FORMAT,
        "version": 1,
        "cipher": "sqlcipher4",
        "database_id": database_id,
        "slots": slots,
    }
    if new_database:
        data["new_database"] = True
    make_folder(path.parent)
    with partial(path) as tmp:
        tmp.write_bytes(json.dumps(data, indent=2).encode("utf-8"))
        faults.reached("key-file", "rename")


def database_made(path: Path) -> None:
    """The database beside this key file now exists: from now on, its loss is a loss."""
    data = read_key_file(path)
    if data.get("new_database"):
        write_key_file(path, data["database_id"], data["slots"])


def expects_new_database(path: Path) -> bool:
    try:
        return bool(read_key_file(path).get("new_database"))
    except LegalAidError:
        return False


def read_key_file(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as error:
        raise StorageError(N_("The key file %(path)s is missing."), path=str(path)) from error
    except (OSError, ValueError) as error:
        raise StorageError(KEY_FILE_DAMAGED, path=str(path)) from error
    if (
        not isinstance(data, dict)
        or data.get("format") != FORMAT
        or not isinstance(data.get("slots"), list)
        or not data["slots"]
        or not isinstance(data.get("database_id"), str)
    ):
        raise StorageError(KEY_FILE_DAMAGED, path=str(path))
    return data


def database_id(path: Path) -> str:
    return str(read_key_file(path)["database_id"])


def looks_like_recovery_key(text: str) -> bool:
    compact = "".join(ch for ch in text.upper() if ch.isalnum())
    return len(compact) == RECOVERY_GROUPS * 4 and all(c in RECOVERY_ALPHABET for c in compact)


def unlock(path: Path, secret: str) -> bytes:
    """The database key, from the passphrase or the recovery key (either works).

    Every slot is tried, a damaged one too (within bounds); when none opens, the message says
    whether the passphrase is wrong or the key file is damaged, and what to use instead."""
    data = read_key_file(path)
    candidates = [secret]
    recovery = normalise_recovery_key(secret)
    if recovery != secret:
        candidates.append(recovery)
    intact_kinds: set[str] = set()
    for slot in data["slots"]:
        if _intact(slot, data["database_id"]):
            intact_kinds.add(slot["type"])
        if not _usable(slot):
            continue
        kind = slot.get("type")
        for candidate in candidates if kind != "passphrase" else [secret]:
            try:
                return _unwrap(slot, candidate)
            except (InvalidTag, ValueError, TypeError, KeyError):
                continue
    if not intact_kinds:
        raise KeyFileDamaged(KEY_FILE_DAMAGED, "passphrase", path=str(path))
    if "passphrase" not in intact_kinds:
        raise KeyFileDamaged(PASSPHRASE_PART_DAMAGED, "passphrase", path=str(path))
    if "recovery" not in intact_kinds and looks_like_recovery_key(secret):
        raise KeyFileDamaged(RECOVERY_PART_DAMAGED, "passphrase", path=str(path))
    raise WrongPassphrase(WRONG_PASSPHRASE, "passphrase")


# The steps of a change of passphrase or recovery key (legalaid.faults); "key-file.rename" is
# the key file's own, between its new text written in full and the rename over the old one.
STEPS = ("passphrase.unlock", "passphrase.wrap", "key-file.rename")


def _rewrap(path: Path, secret: str, kind: str, new_secret: str) -> None:
    faults.reached("passphrase", "unlock")
    dek = unlock(path, secret)
    faults.reached("passphrase", "wrap")
    data = read_key_file(path)
    database_id = data["database_id"]
    slots = [
        {**s, "check": _check(database_id, s)}
        for s in data["slots"]
        if _intact(s, database_id) and s["type"] != kind
    ]
    fresh = _slot(kind, new_secret, dek, database_id)
    ordered = [fresh, *slots] if kind == "passphrase" else [*slots, fresh]
    write_key_file(path, database_id, ordered, new_database=bool(data.get("new_database")))


def change_passphrase(path: Path, secret: str, new_passphrase: str) -> None:
    """Re-wrap the database key under a new passphrase; the recovery key keeps working."""
    check_new_passphrase(new_passphrase)
    _rewrap(path, secret, "passphrase", new_passphrase)


def replace_recovery_key(path: Path, secret: str) -> str:
    """A new recovery key (the old one stops working), e.g. when the printed sheet was lost."""
    recovery = new_recovery_key()
    _rewrap(path, secret, "recovery", recovery)
    return recovery


def change_home_passphrase(
    paths: HomePaths, secret: str, new_passphrase: str, *, own: homelock.Hold | None = None
) -> None:
    """``change_passphrase`` on a home's key file, with the home held alone (two programs
    rewriting the key file at once would lose one's change)."""
    check_new_passphrase(new_passphrase)
    with homelock.exclusive(paths.root, own=own):
        change_passphrase(paths.key_file, secret, new_passphrase)


def replace_home_recovery_key(
    paths: HomePaths, secret: str, *, own: homelock.Hold | None = None
) -> str:
    """``replace_recovery_key`` on a home's key file, with the home held alone."""
    with homelock.exclusive(paths.root, own=own):
        return replace_recovery_key(paths.key_file, secret)
