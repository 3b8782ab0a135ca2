"""Backups of the office server (``legalaid --server URL backup``) and their restore, as real
processes on a real PostgreSQL: sealed to the office's key, complete (risk rows too), made only
by administrators, restored only after they are verified, never half-done after a kill."""

from __future__ import annotations

import json
import os
import stat
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest

from tests.server.conftest import Office
from tests.server.test_upload import KILLED, invoke, laptop, run


def run_url(url: str, desk: Path, *args: str, lang: str = "en", fault: str | None = None,
            unencrypted: bool = False) -> subprocess.CompletedProcess[str]:  # fmt: skip
    return invoke(url, desk, *args, lang=lang, fault=fault, unencrypted=unencrypted)


def count(office: Office, table: str) -> int:
    with office.superuser() as conn:
        return int(conn.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0])


def databases(office: Office) -> set[str]:
    with psycopg.connect(office.cluster.conninfo("postgres"), autocommit=True) as conn:
        rows = conn.execute("SELECT datname FROM pg_database").fetchall()
    return {r[0] for r in rows if r[0].startswith(office.dbname)}


@pytest.fixture
def served(office: Office, tmp_path: Path) -> Iterator[Office]:
    """The server with a laptop home uploaded: its office identity, a household and its risk
    assessment; the databases a restore kept aside are dropped afterwards."""
    with office.superuser() as conn:
        conn.execute("DELETE FROM office_secret")
        conn.execute("DELETE FROM office")
    home = laptop(tmp_path / "laptop")
    done = run(office, office.admin, tmp_path / "desk", "server", "upload", "--home", str(home),
               unencrypted=True)  # fmt: skip
    assert done.returncode == 0, done.stderr
    yield office
    for name in databases(office) - {office.dbname}:
        office.cluster.drop_database(name)


def key_and_backup(office: Office, tmp_path: Path) -> tuple[Path, Path]:
    key = tmp_path / "usb" / "office.key"
    key.parent.mkdir(exist_ok=True)
    saved = run(office, office.admin, tmp_path / "desk", "server", "backup-key", "-o", str(key))
    assert saved.returncode == 0, saved.stderr
    out = tmp_path / "backups"
    out.mkdir(exist_ok=True)
    made = run(office, office.admin, tmp_path / "desk", "backup", "-o", str(out / "b.labackup"))
    assert made.returncode == 0, made.stderr
    return key, out / "b.labackup"


def test_a_backup_is_complete_sealed_and_an_administrators(served: Office, tmp_path: Path) -> None:
    from legalaid.server.backup import open_chunks, pg_tool, read_key_file, read_manifest

    desk = tmp_path / "desk"
    out = tmp_path / "backups"
    out.mkdir()
    early = run(served, served.admin, desk, "backup", "-o", str(out / "x"), lang="es")
    assert early.returncode == 1 and "clave" in early.stderr, early.stderr
    assert "Traceback" not in early.stderr
    for user in (served.volunteer, served.lawyer):
        refused = run(served, user, desk, "backup", "-o", str(out / "x"))
        assert refused.returncode == 1
        assert f"the login {user} is not one" in refused.stderr
        refused = run(served, user, desk, "server", "backup-key", "-o", str(out / "k"))
        assert refused.returncode == 1 and "administrator" in refused.stderr
    assert list(out.iterdir()) == []
    key, backup = key_and_backup(served, tmp_path)
    for path in (key, backup):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert sorted(p.name for p in out.iterdir()) == ["b.labackup"]
    data = backup.read_bytes()
    assert b"PGDMP" not in data and "Hernández".encode() not in data and b"Tijuana" not in data
    manifest = read_manifest(backup, read_key_file(key))
    # The administrator's own login sees no risk rows; the backup holds them all.
    assert manifest["tables"]["risk_assessment"][0] == 1
    assert manifest["tables"]["incident"][0] == 1
    assert manifest["tables"]["case"][0] == 1 and manifest["revision"]
    dump = b"".join(list(open_chunks(backup, read_key_file(key)))[1:])
    assert dump.startswith(b"PGDMP")
    listed = subprocess.run([pg_tool("pg_restore"), "--list"], input=dump, capture_output=True)
    assert b"TABLE DATA public risk_assessment" in listed.stdout
    assert json.loads(key.read_text())["format"] == "legalaid-office-backup-key-2"
    # The administrator's login itself still reads no risk data (only the operator role does).
    with (
        psycopg.connect(served.url(served.admin)) as conn,
        pytest.raises(psycopg.errors.InsufficientPrivilege),
    ):
        conn.execute("SELECT count(*) FROM risk_assessment")


def test_restore_verifies_then_swaps(
    served: Office, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import legalaid.server.backup

    # Small chunks: the dump spans many, as a real office's does; and more than a pipe holds
    # (pg_restore --list stops reading after the table of contents).
    monkeypatch.setattr(legalaid.server.backup, "CHUNK", 4096)
    desk = tmp_path / "desk"
    assert run(served, served.volunteer, desk, "demo", "--cases", "150").returncode == 0
    key, backup = key_and_backup(served, tmp_path)
    assert backup.stat().st_size > 256 * 1024
    added = run(served, served.volunteer, desk, "demo", "--cases", "3", "--seed", "2")
    assert added.returncode == 0, added.stderr
    assert count(served, "case") == 154
    superuser = served.cluster.url(served.dbname)
    refused = run(served, served.admin, desk, "restore", str(backup), "--office-key", str(key))
    assert refused.returncode == 1 and "superuser" in refused.stderr
    done = run_url(superuser, desk, "restore", str(backup), "--office-key", str(key))
    assert done.returncode == 0, done.stderr
    assert count(served, "case") == 151 and count(served, "risk_assessment") == 1
    kept = databases(served) - {served.dbname}
    assert len(kept) == 1 and next(iter(kept)) in done.stdout
    # The desks work on the restored database as before.
    listed = run(served, served.lawyer, desk, "cases")
    assert listed.returncode == 0 and "of 151 cases" in listed.stdout, listed.stderr
    # The laptop folder that created the office opens its backups too.
    again = run_url(superuser, desk, "restore", str(backup), "--key-home", str(tmp_path / "laptop"),
                    unencrypted=True)  # fmt: skip
    assert again.returncode == 0, again.stderr


def test_a_damaged_or_foreign_file_is_refused(served: Office, tmp_path: Path) -> None:
    from legalaid.server.backup import BackupKey, key_file_bytes

    key, backup = key_and_backup(served, tmp_path)
    superuser = served.cluster.url(served.dbname)
    data = backup.read_bytes()
    tampered = tmp_path / "tampered"
    middle = len(data) // 2
    tampered.write_bytes(data[:middle] + bytes([data[middle] ^ 1]) + data[middle + 1 :])
    truncated = tmp_path / "truncated"
    truncated.write_bytes(data[: len(data) - 100])
    other = tmp_path / "other.key"
    other.write_bytes(key_file_bytes(BackupKey("x", "Otra", os.urandom(32))))
    before = databases(served)
    for source, used, words in (
        (tampered, key, "damaged"),
        (truncated, key, "damaged"),
        (tmp_path / "other.key", key, "not a LegalAid backup"),
        (backup, other, "another office"),
    ):
        refused = run_url(superuser, tmp_path / "desk", "restore", str(source), "--office-key",
                          str(used))  # fmt: skip
        assert refused.returncode == 1, refused.stdout
        assert words in refused.stderr and "Nothing was changed" in refused.stderr
        assert len(refused.stderr.strip().splitlines()) == 1
    spanish = run_url(superuser, tmp_path / "desk", "restore", str(truncated), "--office-key",
                      str(key), lang="es")  # fmt: skip
    assert "No se cambió nada" in spanish.stderr, spanish.stderr
    assert databases(served) == before and count(served, "case") == 1


@pytest.mark.slow
def test_restore_killed_at_every_step_keeps_the_live_database(
    served: Office, tmp_path: Path
) -> None:
    from legalaid.server.backup import RESTORE_STEPS

    key, backup = key_and_backup(served, tmp_path)
    added = run(served, served.volunteer, tmp_path / "desk", "demo", "--cases", "2")
    assert added.returncode == 0, added.stderr
    superuser = served.cluster.url(served.dbname)
    for step in RESTORE_STEPS:
        killed = run_url(superuser, tmp_path / "desk", "restore", str(backup), "--office-key",
                         str(key), fault=f"server-restore.{step}")  # fmt: skip
        assert killed.returncode == KILLED, (step, killed.stderr)
        assert count(served, "case") == 3, step  # the live database, as it was
    done = run_url(superuser, tmp_path / "desk", "restore", str(backup), "--office-key", str(key))
    assert done.returncode == 0, done.stderr
    assert count(served, "case") == 1
    assert not any("_restoring_" in name for name in databases(served))


@pytest.mark.slow
def test_backup_killed_at_every_step_leaves_no_file(served: Office, tmp_path: Path) -> None:
    from legalaid.server.backup import BACKUP_STEPS

    key_and_backup(served, tmp_path)
    out = tmp_path / "later"
    out.mkdir()
    for step in BACKUP_STEPS:
        target = out / f"{step}.labackup"
        killed = run(served, served.admin, tmp_path / "desk", "backup", "-o", str(target),
                     fault=f"server-backup.{step}")  # fmt: skip
        assert killed.returncode == KILLED, (step, killed.stderr)
        assert not target.exists(), step
    done = run(served, served.admin, tmp_path / "desk", "backup", "-o", str(out / "ok.labackup"))
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in out.iterdir()) == ["ok.labackup"]  # the kills' files swept


def test_a_server_without_an_office_gets_one_for_its_backups(
    office: Office, tmp_path: Path
) -> None:
    from legalaid.server.backup import read_key_file, read_manifest

    with office.superuser() as conn:
        conn.execute("DELETE FROM office_secret")
        conn.execute("DELETE FROM office")
    desk, key, out = tmp_path / "desk", tmp_path / "office.key", tmp_path / "b.labackup"
    none = run(office, office.admin, desk, "backup", "-o", str(out))
    assert none.returncode == 1 and "no office identity" in none.stderr, none.stderr
    made = run(office, office.admin, desk, "server", "backup-key", "--name", "Casa del Migrante",
               "--prefix", "CDM", "-o", str(key))  # fmt: skip
    assert made.returncode == 0, made.stderr
    assert read_key_file(key).name == "Casa del Migrante"
    done = run(office, office.admin, desk, "backup", "-o", str(out))
    assert done.returncode == 0, done.stderr
    assert read_manifest(out, read_key_file(key))["tables"]["office"][0] == 1


# --- the signature ------------------------------------------------------------------------
def _pieces(backup: Path, key: Path) -> list[bytes]:
    """The plaintext of a backup: its manifest and its dump cut in 4 KiB pieces (many chunks)."""
    from legalaid.server.backup import open_chunks, read_key_file

    manifest, *dump = list(open_chunks(backup, read_key_file(key)))
    data = b"".join(dump)
    return [manifest] + [data[i : i + 4096] for i in range(0, len(data), 4096)]


def _seal(path: Path, office_id: str, kem_public: bytes, signer: Any, pieces: list[bytes]) -> None:
    """A backup file of the signed format, written with ``signer``'s Ed25519 key."""
    from legalaid.server.backup import _Sealer

    with path.open("wb") as out:
        sealer = _Sealer(out, office_id, kem_public, signer)
        for number, piece in enumerate(pieces):
            sealer.chunk(piece, final=number == len(pieces) - 1)
        sealer.sign()


def _seal_unsigned(path: Path, office_id: str, kem_public: bytes, pieces: list[bytes]) -> None:
    """A backup file of the first format (sealed, not signed): what anyone holding the office's
    public key can make."""
    import hashlib
    import struct

    from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PublicKey
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    from legalaid.exchange.container import SUITE
    from legalaid.server.backup import INFO, MAGIC_UNSIGNED, _aad, _nonce

    file_id, content = os.urandom(16), AESGCM.generate_key(bit_length=256)
    slot = SUITE.encrypt(
        content, X25519PublicKey.from_public_bytes(kem_public), info=INFO + file_id
    )
    header = MAGIC_UNSIGNED + file_id + office_id.encode("ascii") + slot
    binding = hashlib.sha256(header).digest()
    with path.open("wb") as out:
        out.write(header)
        for index, piece in enumerate(pieces):
            final = index == len(pieces) - 1
            sealed = AESGCM(content).encrypt(_nonce(index), piece, _aad(binding, index, final))
            out.write(struct.pack(">I", len(sealed)) + sealed)


def _records(path: Path) -> tuple[bytes, list[bytes], bytes]:
    """A signed file cut in its header, its chunk records (length + ciphertext) and its
    signature record."""
    import struct

    from legalaid.server.backup import HEADER

    data = path.read_bytes()
    records: list[bytes] = []
    at = HEADER
    while True:
        (length,) = struct.unpack(">I", data[at : at + 4])
        if length == 0xFFFFFFFF:
            return data[:HEADER], records, data[at:]
        records.append(data[at : at + 4 + length])
        at += 4 + length


def test_only_the_office_can_sign_a_backup(served: Office, tmp_path: Path) -> None:
    """A file made with the office's public key only, or a signed file with a chunk swapped,
    dropped or reordered, is refused before any database is touched; a good one restores."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from legalaid.errors import ValidationError
    from legalaid.exchange.identity import unb64
    from legalaid.server.backup import read_key_file, read_manifest

    key, backup = key_and_backup(served, tmp_path)
    office_key = read_key_file(key)
    pieces = _pieces(backup, key)
    assert len(pieces) > 4
    with served.superuser() as conn:
        private = conn.execute("SELECT sign_private FROM office_secret").fetchone()[0]
    office_signer = Ed25519PrivateKey.from_private_bytes(unb64(private))
    kem_public, office_id = office_key.public(), office_key.office_id

    def refused(path: Path) -> str:
        with pytest.raises(ValidationError) as caught:
            read_manifest(path, office_key)
        return caught.value.message("en")

    # The office's own key: a file of many chunks opens (a backup as the server writes it).
    good = tmp_path / "good.labackup"
    _seal(good, office_id, kem_public, office_signer, pieces)
    assert read_manifest(good, office_key)["tables"]["case"][0] == 1
    # Made with the public key only: sealed right, signed with another key, or not signed.
    forged = tmp_path / "forged.labackup"
    _seal(forged, office_id, kem_public, Ed25519PrivateKey.generate(), pieces)
    assert "valid signature of the office" in refused(forged)
    unsigned = tmp_path / "unsigned.labackup"
    _seal_unsigned(unsigned, office_id, kem_public, pieces)
    assert "unsigned backup" in refused(unsigned)
    assert read_manifest(unsigned, office_key, allow_unsigned=True)["tables"]["case"][0] == 1
    # The signed file changed: chunks swapped, one dropped, the signature moved onto another
    # file of the office, the signature cut off.
    header, records, signature = _records(good)
    changed = {
        "swapped": header
        + b"".join([records[0], records[2], records[1], *records[3:]])
        + signature,
        "dropped": header + b"".join(records[:2] + records[3:]) + signature,
        "last dropped": header + b"".join(records[:-2] + records[-1:]) + signature,
        "signature cut": header + b"".join(records),
        "after": header + b"".join(records) + signature + b"x",
    }
    for name, data in changed.items():
        path = tmp_path / f"{name}.labackup"
        path.write_bytes(data)
        assert "damaged" in refused(path), name
    other = tmp_path / "other.labackup"
    _seal(other, office_id, kem_public, office_signer, pieces[:1] + pieces[2:])
    moved = tmp_path / "moved.labackup"
    moved.write_bytes(b"".join(_records(other)[:1]) + b"".join(_records(other)[1]) + signature)
    assert "valid signature" in refused(moved)
    # Through the command: refused with one translated line, the databases untouched.
    superuser = served.cluster.url(served.dbname)
    before = databases(served)
    for path, words, spanish in (
        (forged, "valid signature", "firma válida"),
        (unsigned, "--allow-unsigned", "--allow-unsigned"),
    ):
        for lang, expected in (("en", words), ("es", spanish)):
            out = run_url(superuser, tmp_path / "desk", "restore", str(path), "--office-key",
                          str(key), lang=lang)  # fmt: skip
            assert out.returncode == 1, out.stdout
            assert expected in out.stderr and len(out.stderr.strip().splitlines()) == 1
            assert "Traceback" not in out.stderr
    assert databases(served) == before
    # A key file written before backups were signed cannot check the signature.
    old = json.loads(key.read_text())
    old["format"] = "legalaid-office-backup-key-1"
    del old["sign_public"]
    old_key = tmp_path / "old.key"
    old_key.write_text(json.dumps(old))
    out = run_url(superuser, tmp_path / "desk", "restore", str(good), "--office-key", str(old_key))
    assert out.returncode == 1 and "write the key file again" in out.stderr.lower(), out.stderr
    assert databases(served) == before
    # The unsigned file restores when told so; the good one restores.
    done = run_url(superuser, tmp_path / "desk", "restore", str(unsigned), "--office-key",
                   str(key), "--allow-unsigned")  # fmt: skip
    assert done.returncode == 0, done.stderr
    done = run_url(superuser, tmp_path / "desk", "restore", str(good), "--office-key", str(key))
    assert done.returncode == 0, done.stderr
    assert count(served, "case") == 1 and count(served, "risk_assessment") == 1
