"""An office's identity: its name, case-number prefix and two key pairs.

- an Ed25519 signing key: signs the office's identity file and every exchange file it sends;
- an X25519 key: exchange files are sealed to it (HPKE, RFC 9180, from ``cryptography``).

The identity file carries the public halves only, self-signed. Before an office is trusted, a
person compares its fingerprint (30 digits in six groups, read aloud by phone or side by side)
with the one the other office reads off its own screen (``legalaid office fingerprint``).
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import uuid
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey

from legalaid.errors import ValidationError
from legalaid.i18n import N_

IDENTITY_FORMAT = "legalaid-office-identity-1"
SIGNING_CONTEXT = b"LegalAid office identity v1\x00"
MAX_IDENTITY_BYTES = 64 * 1024
PREFIX_PATTERN = re.compile(r"^[A-Z]{2,6}$")
MAX_NAME = 120

NOT_AN_IDENTITY = N_(
    "This file is not a LegalAid office identity (or it was changed after it was made). "
    "Ask the other office for the file `legalaid office export-identity` writes."
)
BAD_PREFIX = N_("The case-number prefix must be 2 to 6 capital letters, for example TIJ.")
BAD_NAME = N_("The office name must have 1 to 120 characters.")


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def unb64(text: Any) -> bytes:
    if not isinstance(text, str):
        raise ValueError("not base64 text")
    return base64.b64decode(text.encode("ascii"), validate=True)


def raw_public(key: Ed25519PublicKey | X25519PublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def raw_private(key: Ed25519PrivateKey | X25519PrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.Raw,
        serialization.PrivateFormat.Raw,
        serialization.NoEncryption(),
    )


def fingerprint(sign_public: bytes, kem_public: bytes) -> str:
    """30 digits in six groups of five, from SHA-256 of both public keys (about 99 bits)."""
    digest = hashlib.sha256(b"LegalAid fingerprint v1\x00" + sign_public + kem_public).digest()
    groups = [f"{int.from_bytes(digest[i * 5 : i * 5 + 5], 'big') % 100_000:05d}" for i in range(6)]
    return " ".join(groups)


def normalize_fingerprint(text: str) -> str:
    """What a person typed (spaces, dashes, dots anywhere) as the six groups, or ''."""
    digits = re.sub(r"[\s\-.]", "", text)
    if not re.fullmatch(r"\d{30}", digits):
        return ""
    return " ".join(digits[i : i + 5] for i in range(0, 30, 5))


def check_name(name: str) -> str:
    name = " ".join(name.split())
    if not 1 <= len(name) <= MAX_NAME:
        raise ValidationError(BAD_NAME, "name")
    return name


def check_prefix(prefix: str) -> str:
    prefix = prefix.strip().upper()
    if not PREFIX_PATTERN.match(prefix):
        raise ValidationError(BAD_PREFIX, "prefix")
    return prefix


@dataclass(frozen=True)
class PublicIdentity:
    """What one office knows of another (or of itself): ids, names and public keys."""

    office_id: str
    name: str
    prefix: str
    sign_public: bytes
    kem_public: bytes

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.sign_public, self.kem_public)

    def body(self) -> dict[str, Any]:
        return {
            "format": IDENTITY_FORMAT,
            "office_id": self.office_id,
            "name": self.name,
            "prefix": self.prefix,
            "sign_public": b64(self.sign_public),
            "kem_public": b64(self.kem_public),
        }

    def verify(self, message: bytes, signature: bytes) -> bool:
        try:
            Ed25519PublicKey.from_public_bytes(self.sign_public).verify(signature, message)
        except (InvalidSignature, ValueError):
            return False
        return True


@dataclass(frozen=True)
class OfficeKeys:
    """This office's identity with its private keys (kept only in the encrypted database)."""

    public: PublicIdentity
    sign_private: bytes
    kem_private: bytes

    @classmethod
    def generate(cls, name: str, prefix: str) -> OfficeKeys:
        signer = Ed25519PrivateKey.generate()
        kem = X25519PrivateKey.generate()
        public = PublicIdentity(
            str(uuid.uuid4()),
            check_name(name),
            check_prefix(prefix),
            raw_public(signer.public_key()),
            raw_public(kem.public_key()),
        )
        return cls(public, raw_private(signer), raw_private(kem))

    def sign(self, message: bytes) -> bytes:
        return Ed25519PrivateKey.from_private_bytes(self.sign_private).sign(message)

    def kem_key(self) -> X25519PrivateKey:
        return X25519PrivateKey.from_private_bytes(self.kem_private)


def canonical(data: dict[str, Any]) -> bytes:
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def export_identity(keys: OfficeKeys) -> bytes:
    """The identity file: the public identity and its self-signature, as JSON."""
    body = keys.public.body()
    signature = keys.sign(SIGNING_CONTEXT + canonical(body))
    return (
        json.dumps({**body, "signature": b64(signature)}, ensure_ascii=False, indent=2) + "\n"
    ).encode()


def read_identity(data: bytes) -> PublicIdentity:
    """A received identity file, checked: well formed, self-signature valid; else a clear error."""
    if len(data) > MAX_IDENTITY_BYTES:
        raise ValidationError(NOT_AN_IDENTITY)
    try:
        parsed = json.loads(data.decode("utf-8"))
        if not isinstance(parsed, dict) or parsed.get("format") != IDENTITY_FORMAT:
            raise ValueError("format")
        signature = unb64(parsed.pop("signature"))
        identity = PublicIdentity(
            str(uuid.UUID(str(parsed["office_id"]))),
            check_name(str(parsed["name"])),
            check_prefix(str(parsed["prefix"])),
            unb64(parsed["sign_public"]),
            unb64(parsed["kem_public"]),
        )
        Ed25519PublicKey.from_public_bytes(identity.sign_public)
        X25519PublicKey.from_public_bytes(identity.kem_public)
    except (ValueError, KeyError, TypeError, UnicodeDecodeError, ValidationError):
        raise ValidationError(NOT_AN_IDENTITY) from None
    if canonical(identity.body()) != canonical(parsed) or not identity.verify(
        SIGNING_CONTEXT + canonical(parsed), signature
    ):
        raise ValidationError(NOT_AN_IDENTITY)
    return identity
