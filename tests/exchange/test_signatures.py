"""Every change carries the signature of the device that made it, vouched for by its office:
a change relayed Tijuana → Mexicali → Juárez is checked at Juárez against Tijuana's device;
a change altered on the way, a forged signature, or a device no trusted office vouches for
refuses the whole file, and nothing of it is applied."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from legalaid.context import AppContext
from legalaid.errors import ValidationError
from legalaid.exchange import container, sync
from legalaid.exchange.identity import raw_public
from legalaid.exchange.signing import change_message, device_message
from legalaid.services.case_edit import edit_case
from legalaid.services.cases import get_case
from legalaid.services.offices import own_keys, sender_lookup
from tests.core.helpers import family
from tests.exchange.test_sync import _reseal, get_case_or_none, meet, office, rows

TIJ, MXL, JUA = "Albergue Juventud 2000", "Casa del Migrante Mexicali", "Casa Juárez"


@pytest.fixture
def three(tmp_path: Path) -> Iterator[tuple[AppContext, AppContext, AppContext]]:
    tij = office(tmp_path, TIJ, "TIJ", "Ana (Tijuana)")
    mxl = office(tmp_path, MXL, "MXL", "Luis (Mexicali)")
    jua = office(tmp_path, JUA, "CJS", "Rosa (Juárez)")
    meet(tij, mxl)
    meet(mxl, jua)
    yield tij, mxl, jua
    for ctx in (tij, mxl, jua):
        ctx.close()


def _send(src: AppContext, dst: AppContext, target: Path) -> sync.Summary:
    from legalaid.services.offices import own_office

    sync.export_for(src, own_office(dst).name, target)
    return sync.import_file(dst, target)


def _lines(
    src: AppContext, dst: AppContext, path: Path
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    opened = container.open_sealed(path.read_bytes(), own_keys(dst), sender_lookup(dst).get)
    return opened.header, [json.loads(x) for x in opened.payload.decode().split("\n") if x]


def test_a_relayed_change_is_checked_against_the_device_that_made_it(
    three: tuple[AppContext, AppContext, AppContext], tmp_path: Path
) -> None:
    tij, mxl, jua = three
    case = family(tij).case
    number = case.case_number
    sync.share_case(tij, number, MXL)
    _send(tij, mxl, tmp_path / "1.bin")
    edit_case(mxl, number, ["city=Mexicali"])
    sync.share_case(mxl, number, JUA)
    relay = tmp_path / "2.bin"
    sync.export_for(mxl, JUA, relay)
    header, lines = _lines(mxl, jua, relay)
    # Tijuana's entries travel with Tijuana's signatures and its device's certificate.
    tij_devices = {
        c["device"] for c in header["certificates"] if c["office"] == own_keys(tij).public.office_id
    }
    assert tij_devices and all(line["sig"] for line in lines)
    assert {line["device"] for line in lines} - tij_devices  # Mexicali's edit, its own device

    # Juárez does not trust Tijuana yet: Tijuana's changes cannot be vouched for.
    with pytest.raises(ValidationError) as unvouched:
        sync.import_file(jua, relay)
    assert "no trusted office vouches for" in unvouched.value.message("en")
    assert get_case_or_none(jua, number) is None

    meet(tij, jua)
    got = sync.import_file(jua, relay)
    assert got.changes == len(lines)
    assert get_case(jua, number).case.city == "Mexicali"
    # Juárez's history and conflicts name the office that made each change.
    from legalaid.exchange.sync import _device_offices

    with jua.db.connect() as conn:
        names = _device_offices(conn)
    assert {names[d] for d in tij_devices} == {TIJ}
    # And Juárez relays them on unchanged: back to Tijuana, they check there too.
    sync.share_case(jua, number, TIJ)
    edit_case(jua, number, ["phone=+52 656 1"])
    back = _send(jua, tij, tmp_path / "3.bin")
    assert back.changes > 0 and back.skipped > 0  # Tijuana's own, held already
    assert rows(tij)["case"] == rows(jua)["case"]


def test_an_altered_or_forged_change_refuses_the_whole_file(
    three: tuple[AppContext, AppContext, AppContext], tmp_path: Path
) -> None:
    tij, mxl, _jua = three
    case = family(tij).case
    sync.share_case(tij, case.case_number, MXL)
    path = tmp_path / "f.bin"
    sync.export_for(tij, MXL, path)
    header, lines = _lines(tij, mxl, path)

    # Altered: one value changed, the signature left as it was (resealed by Tijuana itself).
    altered = [dict(line) for line in lines]
    altered[-1] = {**altered[-1], "fields": {**altered[-1]["fields"], "city": "Otra"}}
    bad = tmp_path / "altered.bin"
    _reseal(tij, mxl, header, "\n".join(json.dumps(x) for x in altered).encode(), bad)
    before = rows(mxl)
    with pytest.raises(ValidationError) as refused:
        sync.import_file(mxl, bad)
    message = refused.value.message("en")
    assert "altered or forged" in message and TIJ in message
    assert rows(mxl) == before and get_case_or_none(mxl, case.case_number) is None

    # Forged: a key of someone's own, with a certificate it signed itself for the device.
    forger = Ed25519PrivateKey.generate()
    public = base64.b64encode(raw_public(forger.public_key())).decode()
    device = lines[0]["device"]
    fake_cert = {
        "device": device,
        "office": own_keys(tij).public.office_id,
        "public": public,
        "signature": base64.b64encode(
            forger.sign(device_message(device, own_keys(tij).public.office_id, public))
        ).decode(),
    }
    forged_lines = []
    for line in altered:
        body = {k: v for k, v in line.items() if k != "sig"}
        forged_lines.append(
            {**body, "sig": base64.b64encode(forger.sign(change_message(body))).decode()}
        )
    forged = tmp_path / "forged.bin"
    _reseal(
        tij,
        mxl,
        {**header, "certificates": [fake_cert]},
        "\n".join(json.dumps(x) for x in forged_lines).encode(),
        forged,
    )
    with pytest.raises(ValidationError) as vouch:
        sync.import_file(mxl, forged)
    assert "no trusted office vouches for" in vouch.value.message("en")
    assert rows(mxl) == before

    # The file as sent imports.
    assert sync.import_file(mxl, path).changes == len(lines)


def test_a_signature_is_made_once_and_kept(
    three: tuple[AppContext, AppContext, AppContext], tmp_path: Path
) -> None:
    tij, mxl, _jua = three
    case = family(tij).case
    sync.share_case(tij, case.case_number, MXL)
    one, two = tmp_path / "1.bin", tmp_path / "2.bin"
    sync.export_for(tij, MXL, one)
    sync.export_for(tij, MXL, two)  # not acknowledged: the same changes again
    first = {(x["device"], x["seq"]): x["sig"] for x in _lines(tij, mxl, one)[1]}
    second = {(x["device"], x["seq"]): x["sig"] for x in _lines(tij, mxl, two)[1]}
    assert first == second
    with tij.db.connect() as conn:
        stored = conn.exec_driver_sql("SELECT count(*) FROM change_signature").scalar_one()
    assert stored == len(first)
    sync.import_file(mxl, one)
    with mxl.db.connect() as conn:
        kept = dict(
            ((d, s), sig)
            for d, s, sig in conn.exec_driver_sql(
                "SELECT device, seq, signature FROM change_signature"
            )
        )
    assert kept == first  # kept as received, to relay unchanged
