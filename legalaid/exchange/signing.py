"""Every change signed by the device that made it, so a third office can check a relayed one.

Each device (a copy of the database that numbers changes: a laptop's home, a desk's numbering on
the office server) has an Ed25519 key, kept in its database (``device_key.private``). Its public
key is vouched for by its office: the certificate is the office's signature over the device id,
the office id and the public key. A change is signed the first time it leaves its home (an
exchange file, a sync with the office server), over the canonical encoding of its entry (JSON,
keys sorted, no spaces); the signature is kept beside the entry (``change_signature``) and every
office that relays the entry passes it on unchanged, with the certificate of its device.

An import checks every entry: its device's certificate was signed by an office this one trusts
(or by itself), and the entry's signature matches the device's key. One entry that does not
check refuses the whole file, before anything of it is applied.
"""

from __future__ import annotations

import base64
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from legalaid.errors import ValidationError
from legalaid.exchange.identity import OfficeKeys, canonical, raw_private, raw_public
from legalaid.i18n import N_
from legalaid.services.sql import pg_sql

CHANGE_CONTEXT = b"LegalAid change v1\x00"
DEVICE_CONTEXT = b"LegalAid device v1\x00"

UNSIGNED_CHANGE = N_(
    "Change %(change)s in this exchange file carries no valid signature of the device that "
    "made it (%(office)s): it was altered or forged. Nothing from this file was imported; "
    "tell the sending office."
)
UNVOUCHED_DEVICE = N_(
    "Change %(change)s in this exchange file was made on a device that no trusted office "
    "vouches for. Nothing from this file was imported; trust the office that made it (compare "
    "its fingerprint) or ask the sending office."
)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"), validate=True)


def q(conn: Any, sql: str) -> str:
    """A statement written with ``?`` marks for this connection's driver."""
    return sql if conn.dialect.paramstyle == "qmark" else pg_sql(sql)


def change_message(entry: dict[str, Any]) -> bytes:
    """What a device signs: the entry as it travels, canonically encoded."""
    return CHANGE_CONTEXT + canonical(entry)


def device_message(device: str, office_id: str, public: str) -> bytes:
    return DEVICE_CONTEXT + canonical({"device": device, "office": office_id, "public": public})


@dataclass(frozen=True)
class Certificate:
    """A device's public key and its office's signature over it (as the file carries it)."""

    device: str
    office_id: str
    public: str
    signature: str

    def as_json(self) -> dict[str, str]:
        return {
            "device": self.device,
            "office": self.office_id,
            "public": self.public,
            "signature": self.signature,
        }

    @classmethod
    def from_json(cls, data: Any) -> Certificate:
        return cls(
            str(data["device"]), str(data["office"]), str(data["public"]), str(data["signature"])
        )


class Signer:
    """Signs the entries of this database's own devices that have no signature yet, inside the
    caller's write transaction (a SQLAlchemy connection)."""

    def __init__(self, conn: Any, office_id: str) -> None:
        self.conn = conn
        self.office_id = office_id
        self.own = {str(r[0]) for r in conn.exec_driver_sql("SELECT id FROM device")}
        self.keys: dict[str, Ed25519PrivateKey] = {}
        for device, private in conn.exec_driver_sql(
            "SELECT device, private FROM device_key WHERE private IS NOT NULL"
        ):
            self.keys[str(device)] = Ed25519PrivateKey.from_private_bytes(_unb64(private))

    def key(self, device: str) -> Ed25519PrivateKey | None:
        found = self.keys.get(device)
        if found is not None or device not in self.own:
            return found
        made = Ed25519PrivateKey.generate()
        _insert_key(
            self.conn,
            device,
            self.office_id,
            _b64(raw_public(made.public_key())),
            _b64(raw_private(made)),
            None,
        )
        self.keys[device] = made
        return made

    def sign(
        self, entries: Iterable[tuple[str, int, dict[str, Any]]]
    ) -> dict[tuple[str, int], str]:
        """Sign ``(device, seq, entry as it travels)`` of this database's devices; returns and
        stores the new signatures (entries of other devices are left as they are)."""
        made: dict[tuple[str, int], str] = {}
        for device, seq, entry in entries:
            key = self.key(device)
            if key is None:
                continue
            made[(device, seq)] = _b64(key.sign(change_message(entry)))
        if made:
            self.conn.exec_driver_sql(
                q(
                    self.conn,
                    "INSERT INTO change_signature (device, seq, signature) VALUES (?, ?, ?)",
                ),
                [(d, s, sig) for (d, s), sig in made.items()],
            )
        return made


def signatures(conn: Any, wanted: Iterable[tuple[str, int]]) -> dict[tuple[str, int], str]:
    """The stored signatures of ``(device, seq)`` entries (by device, one query each)."""
    by_device: dict[str, set[int]] = {}
    for device, seq in wanted:
        by_device.setdefault(device, set()).add(seq)
    found: dict[tuple[str, int], str] = {}
    for device, seqs in by_device.items():
        for seq, signature in conn.exec_driver_sql(
            q(conn, "SELECT seq, signature FROM change_signature WHERE device = ?"), (device,)
        ):
            if int(seq) in seqs:
                found[(device, int(seq))] = str(signature)
    return found


def certificates(conn: Any, devices: Iterable[str], office: OfficeKeys | None) -> list[Certificate]:
    """The certificates of ``devices`` known here; the ones of this office's devices that have
    none yet are made now with the office's key (``office``), when it is at hand."""
    wanted = set(devices)
    out: list[Certificate] = []
    for device, office_id, public, certificate in list(
        conn.exec_driver_sql("SELECT device, office_id, public, certificate FROM device_key")
    ):
        if device not in wanted:
            continue
        if certificate is None and office is not None and office_id == office.public.office_id:
            certificate = _b64(office.sign(device_message(device, office_id, public)))
            conn.exec_driver_sql(
                q(conn, "UPDATE device_key SET certificate = ? WHERE device = ?"),
                (certificate, device),
            )
        if certificate is not None:
            out.append(Certificate(device, office_id, public, certificate))
    return out


def keep_certificates(conn: Any, certs: Iterable[Certificate]) -> None:
    """Keep the (already verified) certificates of devices received, for relaying them."""
    known = {
        str(d): c for d, c in conn.exec_driver_sql("SELECT device, certificate FROM device_key")
    }
    for cert in certs:
        if cert.device not in known:
            _insert_key(conn, cert.device, cert.office_id, cert.public, None, cert.signature)
            known[cert.device] = cert.signature
        elif known[cert.device] is None:
            conn.exec_driver_sql(
                q(conn, "UPDATE device_key SET certificate = ? WHERE device = ?"),
                (cert.signature, cert.device),
            )


def _insert_key(
    conn: Any, device: str, office_id: str, public: str, private: str | None, cert: str | None
) -> None:
    from legalaid.models.base import utcnow
    from legalaid.models.signing import DeviceKey

    conn.execute(
        DeviceKey.__table__.insert().values(  # type: ignore[attr-defined]
            device=device,
            office_id=office_id,
            public=public,
            private=private,
            certificate=cert,
            created_at=utcnow(),
        )
    )


class Verifier:
    """Checks entries against certificates vouched for by trusted offices."""

    def __init__(self, offices: dict[str, tuple[str, bytes]], certs: Iterable[Certificate]):
        """``offices``: office id -> (name, Ed25519 public key) of this office and the offices
        it trusts."""
        self.offices = offices
        self.devices: dict[str, tuple[Ed25519PublicKey, str]] = {}
        self.vouched: list[Certificate] = []
        for cert in certs:
            office = offices.get(cert.office_id)
            if office is None:
                continue
            try:
                Ed25519PublicKey.from_public_bytes(office[1]).verify(
                    _unb64(cert.signature), device_message(cert.device, cert.office_id, cert.public)
                )
                key = Ed25519PublicKey.from_public_bytes(_unb64(cert.public))
            except (InvalidSignature, ValueError):
                continue
            self.devices[cert.device] = (key, office[0])
            self.vouched.append(cert)

    def check(self, ident: str, device: str, entry: dict[str, Any], signature: Any) -> None:
        found = self.devices.get(device)
        if found is None:
            raise ValidationError(UNVOUCHED_DEVICE, change=ident)
        key, office = found
        try:
            key.verify(_unb64(str(signature)), change_message(entry))
        except (InvalidSignature, ValueError):
            raise ValidationError(UNSIGNED_CHANGE, change=ident, office=office) from None


def trusted_keys(conn: Any) -> dict[str, tuple[str, bytes]]:
    """Office id -> (name, signing key) of this office and of every office it trusts."""
    return {
        str(office_id): (str(name), _unb64(public))
        for office_id, name, public in conn.exec_driver_sql(
            "SELECT id, name, sign_public FROM office WHERE state IN ('self', 'trusted')"
        )
    }
