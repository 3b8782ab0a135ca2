from __future__ import annotations

import pytest

from legalaid.context import AppContext
from legalaid.errors import ValidationError
from legalaid.services.audit import case_history
from legalaid.services.reference import (
    list_courts,
    list_crossings,
    reference_data,
    update_court,
    update_crossing,
)


def test_every_crossing_and_court_from_the_facts_is_seeded(ctx: AppContext) -> None:
    crossings = {c.code: c for c in list_crossings(ctx)}
    assert set(crossings) == {"SYS", "CAL", "ELP", "LRD", "BRO", "EGP", "NOG"}
    assert crossings["ELP"].zone == "America/Denver"
    assert crossings["ELP"].mx_city == "Ciudad Juárez, Chih."
    assert crossings["BRO"].mx_zone == "America/Matamoros"
    courts = {c.code: c for c in list_courts(ctx)}
    assert courts["SDG"].address.startswith("880 Front St.")
    assert courts["LRD"].phone == "210-230-9550"
    assert len(courts) == len(reference_data()["courts"])


def test_the_organisation_can_correct_reference_data(ctx: AppContext) -> None:
    court = update_court(
        ctx, "ELP", address="700 E. San Antonio Ave., Suite 750, El Paso, TX", confirmed=True
    ).record
    assert court.confirmed and court.version == 2
    crossing = update_crossing(
        ctx, "sys", reporting_point_es="PedWest, carril 3", report_hours_before=3.5
    ).record
    assert crossing.reporting_point_es == "PedWest, carril 3"
    with pytest.raises(ValidationError, match="entre 0 y 12"):
        update_crossing(ctx, "SYS", report_hours_before=30)
    with pytest.raises(ValidationError, match="Garita desconocida"):
        update_crossing(ctx, "ZZZ", address="x")
    assert case_history(ctx, "none") == []
