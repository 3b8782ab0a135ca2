"""Encrypted backups of the office server, and their verified restore.

The key: every backup is sealed to the office's own X25519 public key (the ``office`` row of
state ``self``), with the HPKE suite of the exchange files (legalaid.exchange.container:
DHKEM(X25519, HKDF-SHA256), HKDF-SHA256, AES-256-GCM). So any administrator's desk can make a
backup without holding any secret, and only the holder of the office's private key can read
one: the laptop home that created the office (``legalaid office init``), or the backup key
file written by ``legalaid --server URL server backup-key -o FILE`` and kept offline (a USB
stick in a safe). The server refuses to make a backup until that key file has been written
once (its writing is in the audit trail), so the key that restores the server never lives only
inside the server being backed up.

A backup is ``pg_dump --format=custom`` run from the desk with the login's own connection,
through the role ``legalaid_operator`` (legalaid.server.roles: it reads every row, risk rows
included, past row-level security; only administrators may take it). pg_dump's output is
streamed straight into the encryption: no plain dump is ever on a disk. The file is written
beside its final name, owner-only, and renamed when complete.

Layout of a backup file (integers big-endian)::

    MAGIC        b"LegalAid server backup 2\\n"
    file_id      16 random bytes
    office_id    36 bytes: the office whose key it is sealed to (ASCII UUID)
    slot         80 bytes: the 32-byte content key sealed with HPKE to that key
    chunks       u32 length + AES-256-GCM ciphertext of up to 1 MiB each; nonce = the index,
                 associated data = SHA-256(everything above) + index + final-chunk flag, so a
                 chunk cannot be changed, reordered, dropped or cut off unseen
    signature    u32 0xFFFFFFFF + the office's Ed25519 signature (64 bytes) over
                 SIGN_CONTEXT + the chain + the number of chunks, where the chain starts as
                 SHA-256(header) and takes in each chunk as written (length and ciphertext):
                 chain = SHA-256(chain + chunk)

The first chunk is the manifest (JSON: schema revision, rows and a checksum of every table,
all read in the same snapshot pg_dump dumps); the rest is the dump.

Restore (as a PostgreSQL superuser) verifies before it replaces anything: the whole file is
decrypted and authenticated, ``pg_restore --list`` reads the dump, the dump is restored into a
NEW database, whose tables are compared with the manifest (rows, checksums, revision); only
then are the databases swapped by renaming, in one transaction. The database from before stays,
renamed ``NAME_before_STAMP``. A kill at any step leaves the live database as it was; a
half-restored database (``NAME_restoring_STAMP``) is dropped by the next restore.

What the seal proves: that the file is whole and unchanged since it was written, and that it
was sealed to this office's key. Anyone who has the office's public X25519 key (the offices
that exchange files with it have it) could seal a file like it, so the file is also signed with
the office's Ed25519 key (``office_secret.sign_private``, which only the operator role reads: a
backup is made by an administrator), over the header and every chunk in order. The backup key
file carries the office's public signing key, and a restore checks the signature against it
while it reads the file, before it touches any database: a file made with the public key only,
or with a chunk swapped, dropped or reordered, is refused.

Backups of the first format (``LegalAid server backup 1``) are not signed. A restore refuses
them unless told ``--allow-unsigned`` (they open, but nothing proves who made them).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import struct
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from legalaid import faults
from legalaid.errors import LegalAidError, ValidationError
from legalaid.exchange.container import SUITE
from legalaid.exchange.identity import b64, raw_private, raw_public, unb64
from legalaid.i18n import N_
from legalaid.server import roles
from legalaid.server.connect import ServerError, open_connection

MAGIC = b"LegalAid server backup 2\n"
MAGIC_UNSIGNED = b"LegalAid server backup 1\n"  # the first format: sealed, not signed
INFO = b"LegalAid server backup v1\x00"
FILE_ID = 16
OFFICE_ID = 36
SLOT = 32 + 32 + 16
HEADER = len(MAGIC) + FILE_ID + OFFICE_ID + SLOT
CHUNK = 1024 * 1024
MAX_MANIFEST = 16 * 1024 * 1024
KEY_FORMAT = "legalaid-office-backup-key-2"
KEY_FORMAT_UNSIGNED = "legalaid-office-backup-key-1"  # written before backups were signed
SIGN_CONTEXT = b"LegalAid server backup signature v2\x00"
SIGNATURE_MARK = 0xFFFFFFFF
SIGNATURE = 64
KEY_EXPORTED = "backup-key"  # the audit action that records the key file's writing
BACKUP_STEPS = ("snapshot", "dump", "rename")
RESTORE_STEPS = ("decrypt", "list", "create", "restore", "verify", "swap")

NOT_ALLOWED = N_(
    "Only a LegalAid administrator can back up or upload to the office server; the login "
    "%(user)s is not one."
)
NO_OFFICE = N_(
    "The office server has no office identity yet, so there is no key to seal its backups "
    "to. Upload the laptop folder that created the office (`legalaid --server URL server "
    "upload --home DIR`), or create it: `legalaid --server URL server backup-key --name NAME "
    "--prefix P -o FILE`."
)
NO_KEY_SAVED = N_(
    "No backup key of this office has been saved outside the server yet, and without it no "
    "backup could ever be restored. Save it first on a USB stick kept in a safe place: "
    "`legalaid --server URL server backup-key -o FILE`."
)
DUMP_FAILED = N_("The backup failed: pg_dump said: %(reason)s. No file was written.")
NO_TOOL = N_(
    "The PostgreSQL program %(tool)s was not found: install the PostgreSQL client "
    "(apt install postgresql-client) of the server's version."
)
NOT_A_BACKUP = N_(
    "%(path)s is not a LegalAid backup of an office server, or it is damaged (changed or cut "
    "short). Nothing was changed."
)
FOREIGN = N_(
    "%(path)s is a backup of another office (or sealed to other keys): this backup key cannot "
    "open it. Nothing was changed."
)
NOT_A_KEY = N_("%(path)s is not a LegalAid backup key file.")
NOT_SIGNED = N_(
    "%(path)s does not carry a valid signature of the office %(office)s: it was not made by "
    "this office's server, or it was changed after it was made. Nothing was changed."
)
UNSIGNED = N_(
    "%(path)s is an unsigned backup, of the format LegalAid wrote before it signed its "
    "backups: anyone who holds the office's public key could have made it. Nothing was "
    "changed. Make a new backup; restore this one only if your administrators made and kept "
    "it, with --allow-unsigned."
)
OLD_KEY = N_(
    "This backup key file was written before LegalAid signed its backups and does not hold "
    "the office's signing key, so it cannot check the signature of %(path)s. Nothing was "
    "changed. Write the key file again: `legalaid --server URL server backup-key -o FILE`."
)
NOT_SUPERUSER = N_(
    "Restoring the office server needs a PostgreSQL superuser in the address (for example "
    "postgresql://postgres@server/legalaid); %(user)s is not one."
)
RESTORE_FAILED = N_(
    "The backup could not be restored: %(reason)s. The live database was not changed."
)
NOT_VERIFIED = N_(
    "The restored copy does not match the backup's own record (%(detail)s). The live database "
    "was not changed."
)
STILL_IN_USE = N_(
    "The database %(database)s is still in use by other sessions; close the desks and try "
    "again. The live database was not changed."
)


# --- tools -------------------------------------------------------------------------------
def pg_tool(name: str) -> str:
    """The path of a PostgreSQL client program (pg_dump, pg_restore): from ``pg_config
    --bindir``, else the newest /usr/lib/postgresql/N/bin, else the PATH."""
    import glob

    try:
        out = subprocess.run(
            ["pg_config", "--bindir"], capture_output=True, text=True, check=True
        ).stdout.strip()
        if (Path(out) / name).exists():
            return str(Path(out) / name)
    except (OSError, subprocess.CalledProcessError):
        pass
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), key=_major)
    if found:
        return found[-1]
    which = shutil.which(name)
    if which:
        return which
    raise ServerError(NO_TOOL, tool=name)


def _major(path: str) -> int:
    part = Path(path).parent.parent.name
    return int(part) if part.isdigit() else 0


def _child_env(password: str | None) -> dict[str, str]:
    env = dict(os.environ)
    if password is not None:
        env["PGPASSWORD"] = password
    return env


def _first_line(data: bytes) -> str:
    for line in data.decode("utf-8", "replace").splitlines():
        text = line.strip()
        if text:
            return text.removeprefix("pg_dump: ").removeprefix("pg_restore: ")
    return "?"


# --- the office key ----------------------------------------------------------------------
@dataclass(frozen=True)
class BackupKey:
    """The private X25519 key that opens this office's backups."""

    office_id: str
    name: str
    private: bytes
    sign_public: bytes | None = None  # the office's Ed25519 key; None in a key file of format 1

    def kem(self) -> X25519PrivateKey:
        return X25519PrivateKey.from_private_bytes(self.private)

    def public(self) -> bytes:
        return raw_public(self.kem().public_key())


def key_file_bytes(key: BackupKey) -> bytes:
    body = {
        "format": KEY_FORMAT,
        "office_id": key.office_id,
        "office": key.name,
        "kem_private": b64(key.private),
        "kem_public": b64(key.public()),
    }
    if key.sign_public is not None:
        body["sign_public"] = b64(key.sign_public)
    else:
        body["format"] = KEY_FORMAT_UNSIGNED
    return (json.dumps(body, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def read_key_file(path: Path) -> BackupKey:
    try:
        data = json.loads(path.read_bytes()[:65536].decode("utf-8"))
        if not isinstance(data, dict) or data.get("format") not in (
            KEY_FORMAT,
            KEY_FORMAT_UNSIGNED,
        ):
            raise ValueError("format")
        sign_public = None
        if data["format"] == KEY_FORMAT:
            sign_public = unb64(data["sign_public"])
            Ed25519PublicKey.from_public_bytes(sign_public)
        key = BackupKey(
            str(data["office_id"]), str(data["office"]), unb64(data["kem_private"]), sign_public
        )
        if key.public() != unb64(data["kem_public"]):
            raise ValueError("mismatch")
    except OSError as error:
        raise LegalAidError(
            N_("The file %(path)s cannot be read: %(reason)s"),
            path=str(path),
            reason=error.strerror or str(error),
        ) from None
    except (ValueError, KeyError, TypeError, UnicodeDecodeError):
        raise ValidationError(NOT_A_KEY, path=str(path)) from None
    return key


def key_from_home(ctx: Any) -> BackupKey:
    """The office key held by an opened laptop home (the one that created the office)."""
    from legalaid.services.offices import own_keys

    keys = own_keys(ctx)
    return BackupKey(
        keys.public.office_id,
        keys.public.name,
        bytes(raw_private(keys.kem_key())),
        keys.public.sign_public,
    )


def _is_admin(conn: Any) -> bool:
    row = conn.execute(
        "SELECT pg_has_role(current_user, %s, 'MEMBER')", (roles.OPERATOR,)
    ).fetchone()
    return bool(row and row[0])


def require_operator(conn: Any) -> None:
    """Refuse a login that is not an administrator; else take the operator role."""
    import psycopg

    try:
        allowed = _is_admin(conn)
    except psycopg.errors.UndefinedObject:
        allowed = False
    if not allowed:
        raise ServerError(NOT_ALLOWED, user=str(conn.info.user))
    conn.execute(f"SET ROLE {roles.OPERATOR}")


@dataclass(frozen=True)
class _Office:
    office_id: str
    name: str
    kem_public: bytes
    sign_public: bytes


def _own_office(conn: Any) -> _Office | None:
    row = conn.execute(
        "SELECT id, name, kem_public, sign_public FROM office WHERE state = 'self' "
        "ORDER BY added_at LIMIT 1"
    ).fetchone()
    if row is None:
        return None
    return _Office(str(row[0]), str(row[1]), unb64(row[2]), unb64(row[3]))


def _secret(conn: Any, office_id: str) -> tuple[bytes, bytes]:
    """The office's private keys (X25519, Ed25519): read in the operator role."""
    row = conn.execute(
        "SELECT kem_private, sign_private FROM office_secret WHERE office_id = %s", (office_id,)
    ).fetchone()
    if row is None:
        raise ServerError(NO_OFFICE)
    return unb64(row[0]), unb64(row[1])


def export_backup_key(connect_raw: Callable[[], Any]) -> BackupKey:
    """The office's backup key, read by an administrator; its writing is recorded in the audit
    trail (the backups wait for it)."""
    conn = connect_raw()
    try:
        require_operator(conn)
        office = _own_office(conn)
        if office is None:
            raise ServerError(NO_OFFICE)
        kem_private, _sign_private = _secret(conn, office.office_id)
        return BackupKey(office.office_id, office.name, kem_private, office.sign_public)
    finally:
        conn.close()


def record_key_saved(connect_raw: Callable[[], Any], key: BackupKey) -> None:
    """The audit entry that says the key file was written (by the login, at this time)."""
    import uuid

    conn = connect_raw()
    try:
        conn.execute(
            "INSERT INTO audit_entry (id, at, actor, action, entity, entity_id, case_id, changes)"
            " VALUES (%s, %s, current_user, %s, 'office', %s, NULL, %s)",
            (
                str(uuid.uuid4()),
                datetime.now(UTC).replace(tzinfo=None),
                KEY_EXPORTED,
                key.office_id,
                json.dumps({"backup_key": [None, "saved"]}),
            ),
        )
    finally:
        conn.close()


# --- the sealed stream -------------------------------------------------------------------
def _nonce(index: int) -> bytes:
    return b"\x00\x00\x00\x00" + struct.pack(">Q", index)


def _aad(binding: bytes, index: int, final: bool) -> bytes:
    return binding + struct.pack(">QB", index, 1 if final else 0)


def _chain(chain: bytes, record: bytes) -> bytes:
    return hashlib.sha256(chain + record).digest()


def _signed_message(chain: bytes, chunks: int) -> bytes:
    return SIGN_CONTEXT + chain + struct.pack(">Q", chunks)


class _Sealer:
    """Writes the header, then each piece of plaintext as one sealed chunk, then the office's
    signature over all of it (``sign``)."""

    def __init__(
        self, out: IO[bytes], office_id: str, public: bytes, signer: Ed25519PrivateKey
    ) -> None:
        self.out = out
        self.signer = signer
        self.index = 0
        file_id = os.urandom(FILE_ID)
        content_key = AESGCM.generate_key(bit_length=256)
        slot = SUITE.encrypt(
            content_key, X25519PublicKey.from_public_bytes(public), info=INFO + file_id
        )
        header = MAGIC + file_id + office_id.encode("ascii") + slot
        assert len(header) == HEADER
        self.binding = hashlib.sha256(header).digest()
        self.chain = self.binding
        self.aead = AESGCM(content_key)
        out.write(header)

    def chunk(self, piece: bytes, final: bool) -> None:
        sealed = self.aead.encrypt(_nonce(self.index), piece, _aad(self.binding, self.index, final))
        record = struct.pack(">I", len(sealed)) + sealed
        self.out.write(record)
        self.chain = _chain(self.chain, record)
        self.index += 1

    def sign(self) -> None:
        signature = self.signer.sign(_signed_message(self.chain, self.index))
        self.out.write(struct.pack(">I", SIGNATURE_MARK) + signature)


def _header(path: Path, data: bytes) -> tuple[bytes, str, bytes]:
    if len(data) < HEADER or not data.startswith((MAGIC, MAGIC_UNSIGNED)):
        raise ValidationError(NOT_A_BACKUP, path=str(path))
    start = len(MAGIC)
    file_id = data[start : start + FILE_ID]
    try:
        office_id = data[start + FILE_ID : start + FILE_ID + OFFICE_ID].decode("ascii")
    except UnicodeDecodeError:
        raise ValidationError(NOT_A_BACKUP, path=str(path)) from None
    slot = data[start + FILE_ID + OFFICE_ID : HEADER]
    return file_id, office_id, slot


def open_chunks(path: Path, key: BackupKey, allow_unsigned: bool = False) -> Iterator[bytes]:
    """The plaintext pieces of a backup file (manifest first), each authenticated; any damage
    raises NOT_A_BACKUP, a file for other keys FOREIGN, a signature that does not verify
    against the key's office NOT_SIGNED (before the last piece is given), a file of the first,
    unsigned format UNSIGNED (before anything is decrypted) unless ``allow_unsigned``."""
    try:
        stream = path.open("rb")
    except OSError as error:
        raise LegalAidError(
            N_("The file %(path)s cannot be read: %(reason)s"),
            path=str(path),
            reason=error.strerror or str(error),
        ) from None
    with stream:
        head = stream.read(HEADER)
        file_id, _office, slot = _header(path, head)
        signed = head.startswith(MAGIC)
        if not signed and not allow_unsigned:
            raise ValidationError(UNSIGNED, path=str(path))
        try:
            content_key = SUITE.decrypt(slot, key.kem(), info=INFO + file_id)
        except (InvalidTag, ValueError):
            raise ValidationError(FOREIGN, path=str(path)) from None
        if signed and key.sign_public is None:
            raise ValidationError(OLD_KEY, path=str(path))
        binding = hashlib.sha256(head).digest()
        chain = binding
        aead = AESGCM(content_key)
        index = 0
        pending = _read_record(stream, path)
        while True:
            if pending is None or isinstance(pending, _Signature):
                raise ValidationError(NOT_A_BACKUP, path=str(path))  # no final chunk
            chain = _chain(chain, struct.pack(">I", len(pending)) + pending)
            after = _read_record(stream, path)
            if signed:
                if after is None:
                    raise ValidationError(NOT_A_BACKUP, path=str(path))  # cut short
                final = isinstance(after, _Signature)
            elif isinstance(after, _Signature):
                raise ValidationError(NOT_A_BACKUP, path=str(path))
            else:
                final = after is None
            try:
                piece = aead.decrypt(_nonce(index), pending, _aad(binding, index, final))
            except InvalidTag:
                raise ValidationError(NOT_A_BACKUP, path=str(path)) from None
            if final:
                if isinstance(after, _Signature):
                    _check_signature(path, key, after, chain, index + 1)
                    if stream.read(1):
                        raise ValidationError(NOT_A_BACKUP, path=str(path))  # more after it
                yield piece
                return
            yield piece
            assert after is not None and not isinstance(after, _Signature)
            pending, index = after, index + 1


@dataclass(frozen=True)
class _Signature:
    value: bytes


def _check_signature(
    path: Path, key: BackupKey, signature: _Signature, chain: bytes, chunks: int
) -> None:
    assert key.sign_public is not None
    try:
        Ed25519PublicKey.from_public_bytes(key.sign_public).verify(
            signature.value, _signed_message(chain, chunks)
        )
    except (InvalidSignature, ValueError):
        raise ValidationError(NOT_SIGNED, path=str(path), office=key.name) from None


def _read_record(stream: IO[bytes], path: Path) -> bytes | _Signature | None:
    """The next chunk's ciphertext, the signature, or None at the end of the file."""
    size = stream.read(4)
    if not size:
        return None
    if len(size) < 4:
        raise ValidationError(NOT_A_BACKUP, path=str(path))
    (length,) = struct.unpack(">I", size)
    if length == SIGNATURE_MARK:
        value = stream.read(SIGNATURE)
        if len(value) < SIGNATURE:
            raise ValidationError(NOT_A_BACKUP, path=str(path))
        return _Signature(value)
    if length > max(CHUNK, MAX_MANIFEST) + 16:
        raise ValidationError(NOT_A_BACKUP, path=str(path))
    data = stream.read(length)
    if len(data) < length:
        raise ValidationError(NOT_A_BACKUP, path=str(path))
    return data


# --- backup ------------------------------------------------------------------------------
def table_digest_sql(table: str) -> str:
    name = roles.quote_ident(table)
    return (
        f"SELECT count(*), md5(coalesce(string_agg(md5(t::text), '' ORDER BY md5(t::text)), ''))"
        f" FROM {name} t"
    )


def _manifest(conn: Any, office_id: str, login: str) -> dict[str, Any]:
    tables: dict[str, list[Any]] = {}
    for table in roles.public_tables(conn):
        count, digest = conn.execute(table_digest_sql(table)).fetchone()
        tables[table] = [int(count), str(digest)]
    revision = conn.execute("SELECT version_num FROM alembic_version").fetchone()
    return {
        "format": "legalaid-server-backup-1",
        "office_id": office_id,
        "made_at": datetime.now(UTC).isoformat(),
        "made_by": login,
        "database": str(conn.info.dbname),
        "revision": revision[0] if revision else None,
        "tables": tables,
    }


@dataclass(frozen=True)
class BackupDone:
    path: Path
    tables: int
    rows: int
    risk_rows: int


def backup_server(
    url: str, password: str | None, dest: Path, connect_raw: Callable[[], Any]
) -> BackupDone:
    """An encrypted, complete backup of the server's database in ``dest`` (atomically)."""
    from legalaid.files import make_folder, partial

    conn = connect_raw()
    try:
        require_operator(conn)
        office = _own_office(conn)
        if office is None:
            raise ServerError(NO_OFFICE)
        saved = conn.execute(
            "SELECT 1 FROM audit_entry WHERE entity = 'office' AND entity_id = %s "
            "AND action = %s LIMIT 1",
            (office.office_id, KEY_EXPORTED),
        ).fetchone()
        if saved is None:
            raise ServerError(NO_KEY_SAVED)
        signer = Ed25519PrivateKey.from_private_bytes(_secret(conn, office.office_id)[1])
        conn.execute("RESET ROLE")
        # One snapshot for the manifest and the dump: pg_dump takes the exported snapshot.
        conn.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        conn.execute(f"SET LOCAL ROLE {roles.OPERATOR}")
        snapshot = str(conn.execute("SELECT pg_export_snapshot()").fetchone()[0])
        faults.reached("server-backup", "snapshot")
        manifest = _manifest(conn, office.office_id, str(conn.info.user))
        make_folder(dest.parent)
        with partial(dest) as tmp, tmp.open("r+b") as out:
            sealer = _Sealer(out, office.office_id, office.kem_public, signer)
            sealer.chunk(json.dumps(manifest).encode("utf-8"), final=False)
            faults.reached("server-backup", "dump")
            _dump_into(url, password, snapshot, sealer)
            sealer.sign()
            out.flush()
            faults.reached("server-backup", "rename")
    finally:
        conn.close()
    rows = sum(entry[0] for entry in manifest["tables"].values())
    risk = sum(manifest["tables"].get(t, [0])[0] for t in roles.RISK_TABLES)
    return BackupDone(dest, len(manifest["tables"]), rows, risk)


def _dump_into(url: str, password: str | None, snapshot: str, sealer: _Sealer) -> None:
    command = [
        pg_tool("pg_dump"),
        "--format=custom",
        "--no-password",
        f"--role={roles.OPERATOR}",
        f"--snapshot={snapshot}",
        f"--dbname={url}",
    ]
    process = subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=_child_env(password),
    )
    errors: list[bytes] = []
    reader = threading.Thread(target=lambda: errors.append(process.stderr.read()))  # type: ignore[union-attr]
    reader.start()
    assert process.stdout is not None
    try:
        pending = process.stdout.read(CHUNK)
        while True:
            following = process.stdout.read(CHUNK)
            if not following:
                break
            sealer.chunk(pending, final=False)
            pending = following
        status = process.wait()
        reader.join()
        if status != 0 or not pending:
            raise ServerError(DUMP_FAILED, reason=_first_line(b"".join(errors)))
        sealer.chunk(pending, final=True)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        reader.join()


# --- restore -----------------------------------------------------------------------------
@dataclass(frozen=True)
class RestoreDone:
    database: str
    kept_as: str
    tables: int
    rows: int
    made_at: str


def read_manifest(path: Path, key: BackupKey, allow_unsigned: bool = False) -> dict[str, Any]:
    """Decrypt and authenticate the whole file, and check its signature; its manifest."""
    manifest: dict[str, Any] | None = None
    dumped = 0
    for piece in open_chunks(path, key, allow_unsigned):
        if manifest is None:
            try:
                manifest = json.loads(piece.decode("utf-8"))
                if not isinstance(manifest, dict) or not isinstance(manifest.get("tables"), dict):
                    raise ValueError("manifest")
            except (ValueError, UnicodeDecodeError):
                raise ValidationError(NOT_A_BACKUP, path=str(path)) from None
        else:
            dumped += len(piece)
    if manifest is None or dumped == 0:
        raise ValidationError(NOT_A_BACKUP, path=str(path))
    return manifest


def _feed(path: Path, key: BackupKey, args: list[str], allow_unsigned: bool = False) -> bytes:
    """Run a pg_restore with the decrypted dump on its standard input; its output. A failure
    raises RESTORE_FAILED with its first line."""
    process = subprocess.Popen(
        args,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=_child_env(None),
    )
    outputs: dict[str, bytes] = {}

    def drain(name: str, stream: IO[bytes] | None) -> None:
        assert stream is not None
        outputs[name] = stream.read()

    threads = [
        threading.Thread(target=drain, args=("out", process.stdout)),
        threading.Thread(target=drain, args=("err", process.stderr)),
    ]
    for thread in threads:
        thread.start()
    assert process.stdin is not None
    try:
        chunks = open_chunks(path, key, allow_unsigned)
        next(chunks)  # the manifest
        for piece in chunks:
            process.stdin.write(piece)
    except BrokenPipeError:
        pass  # pg_restore stopped reading (--list reads the table of contents only)
    except BaseException:
        process.kill()  # the file failed on the way: nothing half-read is restored
        raise
    finally:
        with contextlib.suppress(BrokenPipeError):
            process.stdin.close()
        status = process.wait()
        for thread in threads:
            thread.join()
    if status != 0:
        raise ServerError(RESTORE_FAILED, reason=_first_line(outputs.get("err", b"")))
    return outputs.get("out", b"")


def _conninfo(url: str, dbname: str) -> str:
    from psycopg.conninfo import make_conninfo

    return make_conninfo(url, dbname=dbname)


def _stamp() -> str:
    return datetime.now(UTC).strftime("%Y%m%d%H%M%S%f")  # two restores in one second differ


def restoring_prefix(live: str) -> str:
    return f"{live[:30]}_restoring_"


def restore_server(
    url: str, source: Path, key: BackupKey, allow_unsigned: bool = False
) -> RestoreDone:
    """Replace the server's database with the backup ``source``, verified first (see the
    module's docstring); ``url`` names a PostgreSQL superuser and the live database. The whole
    file is authenticated and its signature checked before any database is touched."""
    import psycopg

    faults.reached("server-restore", "decrypt")
    manifest = read_manifest(source, key, allow_unsigned)
    with open_connection(url, autocommit=True) as admin:
        row = admin.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user").fetchone()
        if not row or not row[0]:
            raise ServerError(NOT_SUPERUSER, user=str(admin.info.user))
        live = str(admin.info.dbname)
        found = admin.execute(
            "SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = %s", (live,)
        ).fetchone()
        owner = str(found[0]) if found else str(admin.info.user)
        prefix = restoring_prefix(live)
        for (leftover,) in admin.execute(
            "SELECT datname FROM pg_database WHERE starts_with(datname, %s)", (prefix,)
        ).fetchall():
            admin.execute(f"DROP DATABASE IF EXISTS {roles.quote_ident(leftover)} WITH (FORCE)")
    faults.reached("server-restore", "list")
    _feed(source, key, [pg_tool("pg_restore"), "--list"], allow_unsigned)
    new = prefix + _stamp()
    faults.reached("server-restore", "create")
    with psycopg.connect(url, autocommit=True) as admin:
        admin.execute(
            f"CREATE DATABASE {roles.quote_ident(new)} OWNER {roles.quote_ident(owner)} "
            "TEMPLATE template0 ENCODING 'UTF8'"
        )
        for statement in roles.create_roles_sql():
            admin.execute(statement)
    faults.reached("server-restore", "restore")
    _feed(
        source,
        key,
        [
            pg_tool("pg_restore"),
            "--exit-on-error",
            "--single-transaction",
            "--no-password",
            f"--dbname={_conninfo(url, new)}",
        ],
        allow_unsigned,
    )
    with psycopg.connect(_conninfo(url, new), autocommit=True) as conn:
        for statement in roles.prepare_database_sql(new):
            conn.execute(statement)
        roles.apply_all(conn, new)
        faults.reached("server-restore", "verify")
        _verify(conn, manifest)
    kept = f"{live[:30]}_before_{_stamp()}"
    faults.reached("server-restore", "swap")
    _swap(url, live, new, kept)
    rows = sum(int(entry[0]) for entry in manifest["tables"].values())
    return RestoreDone(live, kept, len(manifest["tables"]), rows, str(manifest.get("made_at")))


def _verify(conn: Any, manifest: dict[str, Any]) -> None:
    found = set(roles.public_tables(conn))
    wanted: dict[str, Any] = manifest["tables"]
    if found != set(wanted):
        detail = ", ".join(sorted(found.symmetric_difference(wanted)))
        raise ServerError(NOT_VERIFIED, detail=detail)
    for table, (count, digest) in sorted(wanted.items()):
        got = conn.execute(table_digest_sql(table)).fetchone()
        if int(got[0]) != int(count) or str(got[1]) != str(digest):
            raise ServerError(NOT_VERIFIED, detail=f"{table}: {got[0]} / {count}")
    revision = conn.execute("SELECT version_num FROM alembic_version").fetchone()
    if (revision[0] if revision else None) != manifest.get("revision"):
        raise ServerError(NOT_VERIFIED, detail=f"alembic_version {revision}")


def _swap(url: str, live: str, new: str, kept: str) -> None:
    """Rename the live database aside and the verified one in its place, in one transaction
    (from the maintenance database: a database in use cannot be renamed)."""
    import psycopg

    maintenance = _conninfo(url, "postgres")
    for attempt in range(10):
        with psycopg.connect(maintenance, autocommit=True) as conn:
            conn.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname IN (%s, %s) AND pid <> pg_backend_pid()",
                (live, new),
            )
            try:
                with conn.transaction():
                    conn.execute(
                        f"ALTER DATABASE {roles.quote_ident(live)} "
                        f"RENAME TO {roles.quote_ident(kept)}"
                    )
                    conn.execute(
                        f"ALTER DATABASE {roles.quote_ident(new)} "
                        f"RENAME TO {roles.quote_ident(live)}"
                    )
                return
            except psycopg.errors.ObjectInUse:
                time.sleep(0.2 * (attempt + 1))
    raise ServerError(STILL_IN_USE, database=live)
