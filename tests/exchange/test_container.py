"""The sealed exchange file: only its recipients open it, and any change to it is refused."""

from __future__ import annotations

import os
import stat
from collections.abc import Callable
from pathlib import Path

import pytest

from legalaid.errors import ValidationError
from legalaid.exchange import container
from legalaid.exchange.identity import (
    OfficeKeys,
    PublicIdentity,
    export_identity,
    normalize_fingerprint,
    read_identity,
)


@pytest.fixture(scope="module")
def offices() -> dict[str, OfficeKeys]:
    return {
        "tij": OfficeKeys.generate("Albergue Juventud 2000, Tijuana", "TIJ"),
        "mxl": OfficeKeys.generate("Casa del Migrante, Mexicali", "MXL"),
        "cjs": OfficeKeys.generate("Derechos Humanos Integrales, Ciudad Juárez", "CJS"),
    }


def directory(
    offices: dict[str, OfficeKeys], state: str = "trusted"
) -> Callable[[str], tuple[PublicIdentity, str] | None]:
    known = {k.public.office_id: k.public for k in offices.values()}

    def sender_of(office_id: str) -> tuple[PublicIdentity, str] | None:
        found = known.get(office_id)
        return (found, state) if found else None

    return sender_of


HEADER = {"schema": "0009", "app": "0.1.0", "seen": {"dev-1": 12}}


def test_round_trip_to_each_recipient(offices: dict[str, OfficeKeys]) -> None:
    payload = "José Ñúñez, 14 de enero de 2027".encode() * 1000
    data = container.seal(
        HEADER, payload, offices["tij"], [offices["mxl"].public, offices["cjs"].public]
    )
    for name in ("mxl", "cjs"):
        opened = container.open_sealed(data, offices[name], directory(offices))
        assert opened.payload == payload
        assert opened.sender.office_id == offices["tij"].public.office_id
        assert opened.header["seen"] == {"dev-1": 12}
        assert opened.header["sender"] == offices["tij"].public.office_id


def test_outside_reveals_nothing(offices: dict[str, OfficeKeys]) -> None:
    payload = b"Rosa Maria Hernandez A-123-456-789 Tijuana " * 50
    data = container.seal(HEADER, payload, offices["tij"], [offices["mxl"].public])
    for secret in (
        b"Rosa",
        b"Hernandez",
        b"123456789",
        b"Tijuana",
        b"TIJ",
        b"legalaid",
        b"LegalAid",
        offices["tij"].public.office_id.encode(),
        b"schema",
    ):
        assert secret not in data
    other = container.seal(HEADER, payload, offices["tij"], [offices["mxl"].public])
    assert other[:16] != data[:16]  # a fresh random file id each time


def test_an_office_not_addressed_cannot_open(offices: dict[str, OfficeKeys]) -> None:
    data = container.seal(HEADER, b"x", offices["tij"], [offices["mxl"].public])
    with pytest.raises(ValidationError) as error:
        container.open_sealed(data, offices["cjs"], directory(offices))
    assert "another office" in error.value.message("en")


def test_every_flipped_byte_is_refused(offices: dict[str, OfficeKeys]) -> None:
    payload = os.urandom(3000) * 2
    data = container.seal(HEADER, payload, offices["tij"], [offices["mxl"].public])
    step = max(1, len(data) // 97)
    for position in range(0, len(data), step):
        damaged = bytearray(data)
        damaged[position] ^= 0x40
        with pytest.raises(ValidationError):
            container.open_sealed(bytes(damaged), offices["mxl"], directory(offices))


def test_cut_short_extended_or_reordered_is_refused(
    offices: dict[str, OfficeKeys], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(container, "CHUNK", 4096)
    payload = os.urandom(20_000)  # incompressible: several chunks
    data = container.seal(HEADER, payload, offices["tij"], [offices["mxl"].public])
    assert container.open_sealed(data, offices["mxl"], directory(offices)).payload == payload
    start = 16 + 2 + container.SLOT
    chunks = []
    pos = start
    while pos < len(data):
        length = int.from_bytes(data[pos : pos + 4], "big")
        chunks.append(data[pos : pos + 4 + length])
        pos += 4 + length
    assert len(chunks) >= 4
    variants = {
        "cut at a chunk": data[:start] + b"".join(chunks[:-1]),
        "cut mid-chunk": data[:-10],
        "extended": data + b"\x00" * 20,
        "extra chunk": data + chunks[1],
        "reordered": data[:start] + chunks[1] + chunks[0] + b"".join(chunks[2:]),
        "empty": b"",
        "only the preamble": data[:start],
    }
    refusals = {container.DAMAGED, container.NOT_FOR_US}
    for name, variant in variants.items():
        with pytest.raises(ValidationError) as error:
            container.open_sealed(variant, offices["mxl"], directory(offices))
        assert error.value.problems[0].msgid in refusals, name


def test_sender_must_be_known_and_trusted(offices: dict[str, OfficeKeys]) -> None:
    data = container.seal(HEADER, b"x", offices["tij"], [offices["mxl"].public])

    def nobody(_office_id: str) -> None:
        return None

    with pytest.raises(ValidationError) as error:
        container.open_sealed(data, offices["mxl"], nobody)
    assert "does not know" in error.value.message("en")
    with pytest.raises(ValidationError) as error:
        container.open_sealed(data, offices["mxl"], directory(offices, "added"))
    assert "fingerprint has not been compared" in error.value.message("en")
    with pytest.raises(ValidationError) as error:
        container.open_sealed(data, offices["mxl"], directory(offices, "revoked"))
    assert "no longer trusts" in error.value.message("en")
    assert "ya no confía" in error.value.message("es")


def test_a_forger_with_the_senders_id_is_refused(offices: dict[str, OfficeKeys]) -> None:
    """Someone holding Mexicali's public key makes a file claiming to be from Tijuana."""
    forger = OfficeKeys(
        PublicIdentity(
            offices["tij"].public.office_id,
            "Fake",
            "TIJ",
            offices["cjs"].public.sign_public,
            offices["cjs"].public.kem_public,
        ),
        offices["cjs"].sign_private,
        offices["cjs"].kem_private,
    )
    data = container.seal(HEADER, b"changed hearing", forger, [offices["mxl"].public])
    with pytest.raises(ValidationError) as error:
        container.open_sealed(data, offices["mxl"], directory(offices))
    assert "signature" in error.value.message("en")


def test_written_owner_only(tmp_path: Path, offices: dict[str, OfficeKeys]) -> None:
    data = container.seal(HEADER, b"x", offices["tij"], [offices["mxl"].public])
    target = tmp_path / "envio.bin"
    container.write_sealed(target, data)
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert target.read_bytes() == data
    assert [p.name for p in tmp_path.iterdir()] == ["envio.bin"]


def test_identity_file_round_trip_and_tampering(offices: dict[str, OfficeKeys]) -> None:
    keys = offices["cjs"]
    data = export_identity(keys)
    assert b"private" not in data
    assert keys.sign_private not in data and keys.kem_private not in data
    identity = read_identity(data)
    assert identity == keys.public
    assert identity.name == "Derechos Humanos Integrales, Ciudad Juárez"
    for bad in (
        data.replace(b"CJS", b"CJX"),
        data.replace("Juárez".encode(), b"Juarez"),
        data[:-20],
        b"not json",
        b"{}",
        b"\xff\xfe" * 10,
        b"[" * 100_000,
    ):
        with pytest.raises(ValidationError) as error:
            read_identity(bad)
        assert "identity" in error.value.message("en")


def test_fingerprint_is_six_groups_and_typed_forms_normalize(
    offices: dict[str, OfficeKeys],
) -> None:
    fp = offices["tij"].public.fingerprint
    groups = fp.split(" ")
    assert len(groups) == 6 and all(len(g) == 5 and g.isdigit() for g in groups)
    assert normalize_fingerprint(fp.replace(" ", "")) == fp
    assert normalize_fingerprint(fp.replace(" ", "-")) == fp
    assert normalize_fingerprint(" " + fp + " ") == fp
    assert normalize_fingerprint(fp[:-1]) == ""
    assert normalize_fingerprint("abc") == ""
    assert offices["mxl"].public.fingerprint != fp
