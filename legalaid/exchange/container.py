"""The sealed exchange file: what one office sends another, on a USB stick or by a messaging app.

Nothing on the outside says what it is or who it is for: no magic, no names, only random bytes to
anyone without a recipient's key. Layout (all integers big-endian):

    file_id      16 random bytes
    slots        u16 count, then one 80-byte slot per recipient office: the 32-byte content key
                 sealed with HPKE (RFC 9180: DHKEM(X25519, HKDF-SHA256), HKDF-SHA256, AES-256-GCM)
                 to that office's X25519 key, with the file id in HPKE's info
    chunks       u32 length + AES-256-GCM ciphertext of up to 1 MiB of the inner stream each;
                 nonce = the chunk's index, associated data = SHA-256(file_id + slots) + index +
                 a final-chunk flag, so chunks cannot be reordered, dropped or cut off unseen

The inner stream is ``u32 header length, header JSON, 64-byte Ed25519 signature, payload``. The
header (ids, schema and app versions, what the sender has seen: no personal data) and the SHA-256
of the payload are signed by the sending office, so a recipient knows who sent it and that nothing
changed on the way. The payload is compressed (zlib) before sealing.

Everything comes from ``cryptography``'s primitives; the file is written atomically and owner-only.
"""

from __future__ import annotations

import hashlib
import json
import os
import struct
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hpke
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from legalaid.errors import ValidationError
from legalaid.exchange.identity import OfficeKeys, PublicIdentity, canonical
from legalaid.i18n import N_

SUITE = hpke.Suite(hpke.KEM.X25519, hpke.KDF.HKDF_SHA256, hpke.AEAD.AES_256_GCM)
INFO = b"LegalAid exchange file v1\x00"
SIGNED = b"LegalAid exchange header v1\x00"
FILE_ID = 16
KEY = 32
SLOT = 32 + KEY + 16  # HPKE encapsulated key + sealed content key + tag
CHUNK = 1024 * 1024
MAX_RECIPIENTS = 64
MAX_HEADER = 1024 * 1024
MAX_PAYLOAD = 512 * 1024 * 1024  # decompressed

NOT_FOR_US = N_(
    "This file cannot be opened here: it is not an exchange file, it was damaged on the way, or "
    "it was sent to another office. Ask the sending office to export it again for this office."
)
DAMAGED = N_(
    "This exchange file was changed or cut short after it was written. Nothing was imported; "
    "ask the sending office to send it again."
)
UNKNOWN_SENDER = N_(
    "This exchange file comes from an office this one does not know. Add that office's "
    "identity and compare its fingerprint before importing (`legalaid office add`)."
)
UNTRUSTED_SENDER = N_(
    "This exchange file comes from %(office)s, whose fingerprint has not been compared yet. "
    "Compare it with that office and trust it first (`legalaid office trust`)."
)
REVOKED_SENDER = N_(
    "This exchange file comes from %(office)s, which this office no longer trusts. Nothing was "
    "imported."
)
BAD_SIGNATURE = N_(
    "The signature on this exchange file does not match %(office)s's keys: it was not made by "
    "that office, or it was changed. Nothing was imported."
)


@dataclass(frozen=True)
class Opened:
    """A verified exchange file: who sent it, its header and its payload."""

    sender: PublicIdentity
    header: dict[str, Any]
    payload: bytes
    file_id: bytes


def _aad(binding: bytes, index: int, final: bool) -> bytes:
    return binding + struct.pack(">QB", index, 1 if final else 0)


def _nonce(index: int) -> bytes:
    return b"\x00\x00\x00\x00" + struct.pack(">Q", index)


def seal(
    header: dict[str, Any],
    payload: bytes,
    sender: OfficeKeys,
    recipients: Sequence[PublicIdentity],
) -> bytes:
    """The whole sealed file as bytes (write it with ``legalaid.files.write_atomic``)."""
    if not recipients or len(recipients) > MAX_RECIPIENTS:
        raise ValueError("an exchange file needs 1 to 64 recipients")
    header = {**header, "sender": sender.public.office_id}
    header_bytes = canonical(header)
    compressed = zlib.compress(payload, 6)
    signature = sender.sign(SIGNED + header_bytes + hashlib.sha256(compressed).digest())
    inner = struct.pack(">I", len(header_bytes)) + header_bytes + signature + compressed

    file_id = os.urandom(FILE_ID)
    content_key = AESGCM.generate_key(bit_length=256)
    slots = b"".join(
        SUITE.encrypt(
            content_key, X25519PublicKey.from_public_bytes(r.kem_public), info=INFO + file_id
        )
        for r in recipients
    )
    assert len(slots) == SLOT * len(recipients)
    preamble = file_id + struct.pack(">H", len(recipients)) + slots
    binding = hashlib.sha256(file_id + slots).digest()
    aead = AESGCM(content_key)
    parts = [preamble]
    pieces = [inner[i : i + CHUNK] for i in range(0, len(inner), CHUNK)] or [b""]
    for index, piece in enumerate(pieces):
        sealed = aead.encrypt(_nonce(index), piece, _aad(binding, index, index == len(pieces) - 1))
        parts.append(struct.pack(">I", len(sealed)) + sealed)
    return b"".join(parts)


def open_sealed(
    data: bytes,
    me: OfficeKeys,
    sender_of: Callable[[str], tuple[PublicIdentity, str] | None],
) -> Opened:
    """Decrypt and verify a file sent to ``me``.

    ``sender_of(office_id)`` gives the sending office's identity and its trust state
    ("trusted", "added", "revoked"), or None when unknown. Any damage, a file for another
    office, or a sender not trusted raises ``ValidationError`` with a message saying what to do.
    """
    file_id, inner = _decrypt(data, me)
    if len(inner) < 4:
        raise ValidationError(DAMAGED)
    (size,) = struct.unpack(">I", inner[:4])
    if size > MAX_HEADER or len(inner) < 4 + size + 64:
        raise ValidationError(DAMAGED)
    header_bytes = inner[4 : 4 + size]
    signature = inner[4 + size : 4 + size + 64]
    compressed = inner[4 + size + 64 :]
    try:
        header = json.loads(header_bytes.decode("utf-8"))
        sender_id = str(header["sender"])
    except (ValueError, KeyError, TypeError, UnicodeDecodeError):
        raise ValidationError(DAMAGED) from None
    known = sender_of(sender_id)
    if known is None:
        raise ValidationError(UNKNOWN_SENDER)
    sender, state = known
    if state == "revoked":
        raise ValidationError(REVOKED_SENDER, office=sender.name)
    if state != "trusted":
        raise ValidationError(UNTRUSTED_SENDER, office=sender.name)
    message = SIGNED + header_bytes + hashlib.sha256(compressed).digest()
    if not sender.verify(message, signature):
        raise ValidationError(BAD_SIGNATURE, office=sender.name)
    inflater = zlib.decompressobj()
    try:
        payload = inflater.decompress(compressed, MAX_PAYLOAD)
    except zlib.error:
        raise ValidationError(DAMAGED) from None
    if inflater.unconsumed_tail or not inflater.eof:
        raise ValidationError(DAMAGED)
    return Opened(sender, header, payload, file_id)


def _decrypt(data: bytes, me: OfficeKeys) -> tuple[bytes, bytes]:
    if len(data) < FILE_ID + 2:
        raise ValidationError(NOT_FOR_US)
    file_id = data[:FILE_ID]
    (count,) = struct.unpack(">H", data[FILE_ID : FILE_ID + 2])
    start = FILE_ID + 2
    end = start + count * SLOT
    if not 1 <= count <= MAX_RECIPIENTS or len(data) < end:
        raise ValidationError(NOT_FOR_US)
    slots = data[start:end]
    content_key = None
    private = me.kem_key()
    for i in range(count):
        try:
            content_key = SUITE.decrypt(
                slots[i * SLOT : (i + 1) * SLOT], private, info=INFO + file_id
            )
            break
        except (InvalidTag, ValueError):
            continue
    if content_key is None or len(content_key) != KEY:
        raise ValidationError(NOT_FOR_US)
    binding = hashlib.sha256(file_id + slots).digest()
    aead = AESGCM(content_key)
    out: list[bytes] = []
    pos, index = end, 0
    while True:
        if len(data) < pos + 4:
            raise ValidationError(DAMAGED)
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        pos += 4
        if length > CHUNK + 16 or len(data) < pos + length:
            raise ValidationError(DAMAGED)
        sealed = data[pos : pos + length]
        pos += length
        final = pos == len(data)
        try:
            out.append(aead.decrypt(_nonce(index), sealed, _aad(binding, index, final)))
        except InvalidTag:
            raise ValidationError(DAMAGED) from None
        if final:
            return file_id, b"".join(out)
        index += 1


def write_sealed(path: Path, data: bytes) -> None:
    """Atomically, owner-only: a half-written file never carries the final name."""
    from legalaid.files import write_atomic

    write_atomic(path, data)
