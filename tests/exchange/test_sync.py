"""Two offices exchange a household: edits one after another flow, edits made without seeing
each other become the same conflict at both, a person resolves it at one, and both end with
the same data; files imported twice or out of order change nothing."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import SQLModel

from legalaid.changes.check import unaccounted
from legalaid.context import AppContext
from legalaid.exchange import sync
from legalaid.home import open_home
from legalaid.services.case_edit import edit_case
from legalaid.services.cases import get_case
from legalaid.services.offices import add_office, identity_file, init_office, trust_office
from tests.core.helpers import family, hearing_in

DATA_TABLES = ("case", "person", "hearing", "hearing_attendee", "conflict_decision")


def office(root: Path, name: str, prefix: str, staff: str) -> AppContext:
    ctx = open_home(root / prefix.lower(), unencrypted=True)
    ctx.settings.staff_name = staff
    init_office(ctx, name, prefix)
    return ctx


def meet(a: AppContext, b: AppContext) -> None:
    for one, other in ((a, b), (b, a)):
        info, _new = add_office(one, identity_file(other))
        trust_office(one, info.name, info.fingerprint)


@pytest.fixture
def offices(tmp_path: Path) -> Iterator[tuple[AppContext, AppContext]]:
    tij = office(tmp_path, "Albergue Juventud 2000", "TIJ", "Ana (Tijuana)")
    mxl = office(tmp_path, "Casa del Migrante Mexicali", "MXL", "Luis (Mexicali)")
    meet(tij, mxl)
    yield tij, mxl
    tij.close()
    mxl.close()


def send(src: AppContext, dst: AppContext, folder: Path, name: str) -> tuple[Path, Any]:
    target = folder / f"{name}.bin"
    sync.export_for(src, dst_name(dst), target)
    return target, sync.import_file(dst, target)


def dst_name(ctx: AppContext) -> str:
    from legalaid.services.offices import own_office

    return own_office(ctx).name


def rows(ctx: AppContext) -> dict[str, list[dict[str, Any]]]:
    from sqlalchemy import select

    out = {}
    with ctx.db.connect() as conn:
        for name in DATA_TABLES:
            table = SQLModel.metadata.tables[name]
            found = [dict(r) for r in conn.execute(select(table)).mappings()]
            for row in found:
                row.pop("version", None)
            out[name] = sorted(found, key=lambda r: r["id"])
    return out


def clean(ctx: AppContext) -> list[str]:
    with ctx.db.connect() as conn:
        return unaccounted(conn)


def test_two_offices_conflict_resolve_and_converge(
    offices: tuple[AppContext, AppContext], tmp_path: Path
) -> None:
    tij, mxl = offices
    case = family(tij).case
    hearing_in(tij, case.id, 20)
    sync.share_case(tij, case.case_number, "Casa del Migrante Mexicali")
    _path, first = send(tij, mxl, tmp_path, "1")
    assert first.as_json()["new"] == 1 and first.conflicts == 0
    there = get_case(mxl, case.case_number)
    assert there.case.id == case.id and len(there.hearings) == 1
    assert [p.given_names for p in there.people] == ["José", "Niña 0"]

    # Edits one after another are never a conflict.
    edit_case(tij, case.case_number, ["notes=Llamó el lunes"])
    send(tij, mxl, tmp_path, "2")
    edit_case(mxl, case.case_number, ["notes=Llamó el lunes; vuelve el jueves"])
    _p, back = send(mxl, tij, tmp_path, "3")
    assert back.conflicts == 0
    assert get_case(tij, case.case_number).case.notes == "Llamó el lunes; vuelve el jueves"

    # The same field edited at both without seeing each other: one conflict, at both.
    edit_case(tij, case.case_number, ["city=Tijuana Centro", "phone=+52 664 111"])
    edit_case(mxl, case.case_number, ["city=Mexicali", "whatsapp=+52 686 222"])
    _p, at_mxl = send(tij, mxl, tmp_path, "4")
    _p, at_tij = send(mxl, tij, tmp_path, "5")
    assert at_mxl.conflicts == 1 and at_tij.conflicts == 1
    seen_tij, seen_mxl = sync.open_conflicts(tij), sync.open_conflicts(mxl)
    assert [c.id for c in seen_tij] == [c.id for c in seen_mxl]
    conflict = seen_tij[0]
    assert conflict.field == "city" and conflict.base_value == "Tijuana, B.C."
    assert {s["value"] for s in conflict.sides} == {"Tijuana Centro", "Mexicali"}
    assert {s["by"] for s in conflict.sides} == {"Ana (Tijuana)", "Luis (Mexicali)"}
    assert seen_tij[0].sides == seen_mxl[0].sides
    assert {s["office"] for s in conflict.sides} == {
        "Albergue Juventud 2000",
        "Casa del Migrante Mexicali",
    }
    # Meanwhile both show the same provisional value; the other fields merged without a word.
    shown_tij, shown_mxl = get_case(tij, case.case_number), get_case(mxl, case.case_number)
    assert shown_tij.case.city == shown_mxl.case.city == conflict.provisional
    assert shown_tij.case.phone == shown_mxl.case.phone == "+52 664 111"
    assert shown_tij.case.whatsapp == shown_mxl.case.whatsapp == "+52 686 222"

    # A person decides at Tijuana; the decision travels and closes it at Mexicali.
    kept = 1 + [s["value"] for s in conflict.sides].index("Mexicali")
    sync.resolve(tij, conflict.id, keep=kept)
    assert sync.open_conflicts(tij) == []
    _p, decided = send(tij, mxl, tmp_path, "6")
    assert decided.decisions == 1 and decided.conflicts == 0
    assert sync.open_conflicts(mxl) == []
    send(mxl, tij, tmp_path, "7")  # acknowledges: nothing left to send afterwards
    assert get_case(mxl, case.case_number).case.city == "Mexicali"
    assert rows(tij) == rows(mxl)
    assert clean(tij) == [] and clean(mxl) == []
    empty = tmp_path / "8.bin"
    assert sync.export_for(tij, "Casa del Migrante Mexicali", empty).changes == 0


def test_a_file_twice_or_late_changes_nothing(
    offices: tuple[AppContext, AppContext], tmp_path: Path
) -> None:
    tij, mxl = offices
    case = family(tij).case
    sync.share_case(tij, case.case_number, "Casa del Migrante Mexicali")
    one = tmp_path / "one.bin"
    sync.export_for(tij, "Casa del Migrante Mexicali", one)
    edit_case(tij, case.case_number, ["city=Rosarito"])
    two = tmp_path / "two.bin"
    sync.export_for(tij, "Casa del Migrante Mexicali", two)  # one was never acknowledged
    assert sync.import_file(mxl, two).changes > 0  # the later file first: it holds everything
    before = rows(mxl)
    late = sync.import_file(mxl, one)
    assert late.changes == 0 and late.skipped > 0
    assert sync.import_file(mxl, two).already
    assert rows(mxl) == before and get_case(mxl, case.case_number).case.city == "Rosarito"


def test_foreign_tampered_and_untrusted_files_are_refused(
    offices: tuple[AppContext, AppContext], tmp_path: Path
) -> None:
    from legalaid.errors import ValidationError
    from legalaid.services.offices import revoke_office

    tij, mxl = offices
    case = family(tij).case
    sync.share_case(tij, case.case_number, "Casa del Migrante Mexicali")
    path = tmp_path / "f.bin"
    sync.export_for(tij, "Casa del Migrante Mexicali", path)
    damaged = tmp_path / "damaged.bin"
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 1
    damaged.write_bytes(bytes(data))
    with pytest.raises(ValidationError):
        sync.import_file(mxl, damaged)
    with pytest.raises(ValidationError) as foreign:
        sync.import_file(tij, path)  # its own file: not addressed to it
    assert "another office" in foreign.value.message("en")
    revoke_office(mxl, "TIJ")
    with pytest.raises(ValidationError) as error:
        sync.import_file(mxl, path)
    assert "no longer trusts" in error.value.message("en")
    assert get_case_or_none(mxl, case.case_number) is None


def get_case_or_none(ctx: AppContext, number: str) -> Any:
    from legalaid.errors import NotFoundError

    try:
        return get_case(ctx, number)
    except NotFoundError:
        return None


def test_only_shared_cases_travel_and_risk_only_to_offices_that_receive_it(
    offices: tuple[AppContext, AppContext], tmp_path: Path
) -> None:
    tij, mxl = offices
    shared = family(tij).case
    family(tij, a_number=None, given="Otra")  # not shared
    sync.share_case(tij, shared.case_number, "MXL")
    path = tmp_path / "x.bin"
    sync.export_for(tij, "MXL", path)
    sync.import_file(mxl, path)
    assert [r["id"] for r in rows(mxl)["case"]] == [shared.id]
    assert json.loads(json.dumps(sync.shared_with(mxl, shared.id))) == ["Albergue Juventud 2000"]


def test_an_anumber_in_conflict_stops_the_reminder_until_decided(
    offices: tuple[AppContext, AppContext], tmp_path: Path
) -> None:
    from dataclasses import replace

    from legalaid.documents.facts import load_hearings
    from legalaid.errors import ValidationError
    from legalaid.services.cases import PersonInput, update_person
    from legalaid.services.upcoming import upcoming

    tij, mxl = offices
    case = family(tij).case
    hearing = hearing_in(tij, case.id, 5)
    sync.share_case(tij, case.case_number, "MXL")
    send(tij, mxl, tmp_path, "1")
    for ctx, number in ((tij, "A 111-222-333"), (mxl, "A 444-555-666")):
        person = get_case(ctx, case.case_number).people[0]
        data = PersonInput(
            person.given_names,
            person.family_names,
            person.relationship,
            person.birth_date,
            person.sex,
            person.nationality or "",
            a_number=number,
        )
        update_person(ctx, person.id, person.version, replace(data))
    send(tij, mxl, tmp_path, "2")
    send(mxl, tij, tmp_path, "3")
    for ctx in (tij, mxl):
        with pytest.raises(ValidationError) as refused:
            load_hearings(ctx, [hearing])
        assert "Decide the conflict first" in refused.value.message("en")
        assert case.case_number in refused.value.message("en")
        flags = next(r.flags for r in upcoming(ctx, 14) if r.hearing_id == hearing)
        assert "in_conflict" in flags
    [conflict] = sync.open_conflicts(tij)
    assert conflict.field == "a_number"
    sync.resolve(tij, conflict.id, keep=1)
    send(tij, mxl, tmp_path, "4")
    for ctx in (tij, mxl):
        assert load_hearings(ctx, [hearing])[0].case_number == case.case_number
        flags = next(r.flags for r in upcoming(ctx, 14) if r.hearing_id == hearing)
        assert "in_conflict" not in flags


def _reseal(
    src: AppContext, dst: AppContext, header: dict[str, Any], payload: bytes, path: Path
) -> None:
    from legalaid.exchange import container
    from legalaid.services.offices import own_keys

    container.write_sealed(
        path, container.seal(header, payload, own_keys(src), [own_keys(dst).public])
    )


def test_a_newer_schema_is_kept_for_later_and_a_changed_change_is_an_alarm(
    offices: tuple[AppContext, AppContext], tmp_path: Path
) -> None:
    from legalaid.errors import ValidationError
    from legalaid.exchange import container
    from legalaid.services.offices import own_keys, sender_lookup

    tij, mxl = offices
    case = family(tij).case
    sync.share_case(tij, case.case_number, "MXL")
    original = tmp_path / "original.bin"
    sync.export_for(tij, "MXL", original)
    opened = container.open_sealed(original.read_bytes(), own_keys(mxl), sender_lookup(mxl).get)

    newer = tmp_path / "newer.bin"
    _reseal(tij, mxl, {**opened.header, "schema": "0099_from_the_future"}, opened.payload, newer)
    with pytest.raises(ValidationError) as kept:
        sync.import_file(mxl, newer)
    assert "newer LegalAid" in kept.value.message("en")
    waiting = list((mxl.home.root / "exchange-waiting").iterdir())
    assert len(waiting) == 1 and waiting[0].read_bytes() == newer.read_bytes()
    assert get_case_or_none(mxl, case.case_number) is None  # nothing imported

    sync.import_file(mxl, original)
    lines = opened.payload.decode().split("\n")
    entry = json.loads(lines[0])
    entry["fields"]["city"] = "Otra ciudad"  # the same change id, other content
    entry["sig"] = device_sign(tij, entry)  # signed even by its own device: still an alarm
    forged = tmp_path / "forged.bin"
    _reseal(tij, mxl, opened.header, "\n".join([json.dumps(entry), *lines[1:]]).encode(), forged)
    before = rows(mxl)
    with pytest.raises(ValidationError) as alarm:
        sync.import_file(mxl, forged)
    assert "already received with other content" in alarm.value.message("en")
    assert rows(mxl) == before


def device_sign(ctx: AppContext, entry: dict[str, Any]) -> str:
    """``entry`` (a line of an exchange file) signed with its device's key, read from the
    database of the home that holds it."""
    import base64

    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from legalaid.exchange.signing import change_message

    body = {k: v for k, v in entry.items() if k != "sig"}
    with ctx.db.connect() as conn:
        private = conn.exec_driver_sql(
            "SELECT private FROM device_key WHERE device = ?", (entry["device"],)
        ).scalar_one()
    key = Ed25519PrivateKey.from_private_bytes(base64.b64decode(private))
    return base64.b64encode(key.sign(change_message(body))).decode()
