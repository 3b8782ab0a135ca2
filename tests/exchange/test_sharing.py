"""Sharing a case, stopping, transferring a household, and risk data only to offices marked to
receive it: two real offices (SQLite homes) exchanging real sealed files."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlmodel import select

from legalaid.context import AppContext
from legalaid.errors import ValidationError
from legalaid.exchange import sync
from legalaid.models import AuditEntry, IncidentKind, Office
from legalaid.services import sharing
from legalaid.services.case_edit import edit_case
from legalaid.services.cases import get_case
from legalaid.services.offices import (
    add_office,
    identity_file,
    list_offices,
    revoke_office,
    set_receives_risk,
    trust_office,
)
from legalaid.services.risk import IncidentInput, RiskInput, add_assessment
from tests.core.helpers import family
from tests.exchange.test_sync import clean, meet, office

MXL = "Casa del Migrante Mexicali"


@pytest.fixture
def offices(tmp_path: Path) -> Iterator[tuple[AppContext, AppContext]]:
    tij = office(tmp_path, "Albergue Juventud 2000", "TIJ", "Ana (Tijuana)")
    mxl = office(tmp_path, MXL, "MXL", "Luis (Mexicali)")
    meet(tij, mxl)
    yield tij, mxl
    tij.close()
    mxl.close()


def send(src: AppContext, dst: AppContext, path: Path) -> sync.Summary:
    from legalaid.services.offices import own_office

    sync.export_for(src, own_office(dst).name, path)
    return sync.import_file(dst, path)


def risk_rows(ctx: AppContext) -> tuple[int, int]:
    with ctx.db.connect() as conn:
        risks = conn.exec_driver_sql("SELECT count(*) FROM risk_assessment").scalar()
        incidents = conn.exec_driver_sql("SELECT count(*) FROM incident").scalar()
    return int(risks or 0), int(incidents or 0)


def test_risk_rows_travel_only_once_the_office_is_marked(
    offices: tuple[AppContext, AppContext], tmp_path: Path
) -> None:
    tij, mxl = offices
    case = family(tij).case
    add_assessment(
        tij,
        case.id,
        RiskInput(level="high", narrative_es="Amenazas en la colonia"),
        [IncidentInput(city="Tijuana", kind=IncidentKind.ROBBERY)],
    )
    sharing.share_case(tij, case.case_number, MXL)
    first = send(tij, mxl, tmp_path / "1.bin")
    assert first.as_json()["new"] == 1
    assert risk_rows(mxl) == (0, 0)  # the household came, its risk data did not

    set_receives_risk(tij, MXL, True)
    assert next(o for o in list_offices(tij) if o.name == MXL).receives_risk
    send(tij, mxl, tmp_path / "2.bin")
    assert risk_rows(mxl) == (1, 1)
    assert get_case(mxl, case.case_number).risks[0].narrative_es == "Amenazas en la colonia"

    # Withheld again: a new assessment stays home.
    set_receives_risk(tij, MXL, False)
    add_assessment(tij, case.id, RiskInput(level="low"))
    send(tij, mxl, tmp_path / "3.bin")
    assert risk_rows(mxl) == (1, 1)
    assert clean(tij) == [] and clean(mxl) == []


def test_only_trusted_offices_can_be_marked(tmp_path: Path) -> None:
    tij = office(tmp_path, "Albergue Juventud 2000", "TIJ", "Ana")
    mxl = office(tmp_path, MXL, "MXL", "Luis")
    try:
        added, _new = add_office(tij, identity_file(mxl))
        with pytest.raises(ValidationError) as refused:
            set_receives_risk(tij, MXL, True)
        assert "not trusted" in refused.value.message("en")
        with pytest.raises(ValidationError):
            set_receives_risk(tij, "Albergue Juventud 2000", True)  # its own office
        trust_office(tij, MXL, added.fingerprint)
        assert set_receives_risk(tij, MXL, True).receives_risk
        # Revoking withdraws the mark; a revoked office cannot be marked again.
        assert not revoke_office(tij, MXL).receives_risk
        with pytest.raises(ValidationError):
            set_receives_risk(tij, MXL, True)
        assert not set_receives_risk(tij, MXL, False).receives_risk  # withholding is allowed
        with tij.db.read() as session:
            row = session.exec(select(Office).where(Office.name == MXL)).one()
            assert row.receives_risk is False
            actions = [
                a.action
                for a in session.exec(select(AuditEntry).where(AuditEntry.entity == "office"))
            ]
        assert actions.count("risk") == 1 and "revoke" in actions
    finally:
        tij.close()
        mxl.close()


def test_shared_with_list_stop_sharing_and_history(
    offices: tuple[AppContext, AppContext], tmp_path: Path
) -> None:
    tij, mxl = offices
    case = family(tij).case
    before = sharing.case_sharing(tij, case.case_number)
    assert before.shares == [] and before.candidates == [MXL]
    done = sharing.share_case(tij, case.case_number, MXL)
    assert done.new and not sharing.share_case(tij, case.case_number, MXL).new
    listed = sharing.case_sharing(tij, case.case_number)
    assert [s.office for s in listed.shares] == [MXL] and listed.candidates == []
    share = listed.shares[0]
    assert share.last_sent is None and share.waiting > 0 and share.shared_by == "Ana (Tijuana)"

    send(tij, mxl, tmp_path / "1.bin")
    sent = sharing.case_sharing(tij, case.case_number).shares[0]
    assert sent.last_sent is not None and not sent.last_sent_read
    send(mxl, tij, tmp_path / "2.bin")  # its file acknowledges ours
    read = sharing.case_sharing(tij, case.case_number).shares[0]
    assert read.last_sent_read and read.waiting == 0

    # Stopped: a change made afterwards is not sent.
    sharing.stop_sharing(tij, case.case_number, MXL)
    assert sharing.case_sharing(tij, case.case_number).shares == []
    edit_case(tij, case.case_number, ["notes=Solo aquí"])
    assert sync.export_for(tij, MXL, tmp_path / "3.bin").changes == 0
    assert get_case(mxl, case.case_number).case.notes != "Solo aquí"
    with pytest.raises(ValidationError):
        sharing.stop_sharing(tij, case.case_number, MXL)
    with tij.db.read() as session:
        entries = session.exec(
            select(AuditEntry).where(AuditEntry.case_id == case.id, AuditEntry.entity == "case")
        ).all()
    assert [(e.action, e.changes) for e in entries if e.action in ("share", "unshare")] == [
        ("share", {"shared_with": [None, MXL]}),
        ("unshare", {"shared_with": [MXL, None]}),
    ]
    log = sharing.exchange_log(tij)
    assert [(r.direction, r.office) for r in log] == [
        ("sent", MXL),  # newest first: the empty file after sharing stopped
        ("received", MXL),
        ("sent", MXL),
    ]
    assert log[2].counts == {"cases": 1} and log[0].counts == {"cases": 0}
    received = next(r for r in log if r.direction == "received")
    assert received.counts["updated"] == 0 and received.counts["conflicts"] == 0


def test_a_transfer_travels_and_the_sender_keeps_its_copy(
    offices: tuple[AppContext, AppContext], tmp_path: Path
) -> None:
    tij, mxl = offices
    case = family(tij).case
    with pytest.raises(ValidationError):
        sharing.transfer_case(tij, case.case_number, "Albergue Juventud 2000")  # itself
    stale = get_case(tij, case.case_number).case.version
    edit_case(tij, case.case_number, ["city=Tijuana Centro"])
    from legalaid.errors import ConflictError

    with pytest.raises(ConflictError):  # the window read an older version
        sharing.transfer_case(tij, case.case_number, MXL, stale)
    sharing.transfer_case(tij, case.case_number, MXL)
    here = sharing.case_sharing(tij, case.case_number)
    assert here.responsible_office == MXL and not here.responsible_is_here
    assert [s.office for s in here.shares] == [MXL]  # shared by the transfer
    assert here.transferred_at is not None

    send(tij, mxl, tmp_path / "1.bin")
    there = sharing.case_sharing(mxl, case.case_number)
    assert there.responsible_office == MXL and there.responsible_is_here
    # The sending office still reads and writes its copy, and its edits still travel.
    edit_case(tij, case.case_number, ["notes=Seguimos en contacto"])
    send(tij, mxl, tmp_path / "2.bin")
    assert get_case(mxl, case.case_number).case.notes == "Seguimos en contacto"
    with tij.db.read() as session:
        transfer = session.exec(
            select(AuditEntry).where(AuditEntry.case_id == case.id, AuditEntry.action == "transfer")
        ).one()
    assert transfer.changes["responsible_office"] == [None, MXL]
    with tij.db.connect() as conn:
        logged = conn.exec_driver_sql(
            "SELECT fields FROM change_log WHERE table_name = 'case' AND row_id = ?"
            " AND fields LIKE '%responsible_office%'",
            (case.id,),
        ).all()
    assert len(logged) == 1
    assert clean(tij) == [] and clean(mxl) == []
