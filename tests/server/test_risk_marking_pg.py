"""On the office server only a lawyer marks an office to receive risk data: a volunteer and an
administrator are refused in one clear line (before PostgreSQL would refuse them), a lawyer's
mark is stored and audited under the lawyer's login."""

from __future__ import annotations

from pathlib import Path

import pytest

from legalaid.errors import ValidationError
from legalaid.home import open_home
from legalaid.server.context import open_server
from legalaid.services.offices import (
    add_office,
    identity_file,
    init_office,
    list_offices,
    set_receives_risk,
    trust_office,
)
from tests.server.conftest import Office

MXL = "Casa del Migrante Mexicali"


def test_only_a_lawyer_marks_an_office_for_risk_data(office: Office, tmp_path: Path) -> None:
    other = open_home(tmp_path / "mxl", unencrypted=True)
    init_office(other, MXL, "MXL")
    card = identity_file(other)
    other.close()
    admin = open_server(office.url(office.admin), tmp_path / "admin", ask=False)
    volunteer = open_server(office.url(office.volunteer), tmp_path / "vol", ask=False)
    lawyer = open_server(office.url(office.lawyer), tmp_path / "law", ask=False)
    try:
        init_office(admin, "Albergue Juventud 2000", "TIJ")
        info, _new = add_office(admin, card)
        trust_office(admin, MXL, info.fingerprint)
        for login, ctx in ((office.volunteer, volunteer), (office.admin, admin)):
            with pytest.raises(ValidationError) as refused:
                set_receives_risk(ctx, MXL, True)
            said = refused.value.message("en")
            assert "Only a lawyer" in said and login in said
        assert set_receives_risk(lawyer, MXL, True).receives_risk
        assert [o.receives_risk for o in list_offices(volunteer) if o.name == MXL] == [True]
        with admin.db.connect() as conn:
            actors = conn.exec_driver_sql(
                "SELECT actor FROM audit_entry WHERE entity = 'office' AND action = 'risk'"
            ).all()
        assert [a[0] for a in actors] == [office.lawyer]
        assert not set_receives_risk(lawyer, MXL, False).receives_risk
    finally:
        for ctx in (admin, volunteer, lawyer):
            ctx.close()
