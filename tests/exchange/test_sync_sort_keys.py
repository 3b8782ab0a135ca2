"""A household received from another office, and its hearings changed there, get their sort
keys written on the receiving desk (the sync import writes rows without the ORM)."""

from __future__ import annotations

from pathlib import Path

from legalaid.context import AppContext
from legalaid.exchange import sync
from legalaid.services.cases import get_case
from legalaid.services.hearings import cancel_hearing
from tests.core.helpers import family, hearing_in
from tests.core.test_sort_keys_orders import keys_are_right, numbers
from tests.exchange.test_sync import offices, send  # noqa: F401  (the two offices' fixture)


def test_received_households_and_hearings_get_their_keys(
    offices: tuple[AppContext, AppContext],  # noqa: F811
    tmp_path: Path,
) -> None:
    tij, mxl = offices
    late = family(mxl, given="Local", a_number=None).case
    hearing_in(mxl, late.id, 30)
    shared = family(tij, given="Viajera", a_number=None).case
    first = hearing_in(tij, shared.id, 10)
    hearing_in(tij, shared.id, 40)
    sync.share_case(tij, shared.case_number, "Casa del Migrante Mexicali")
    send(tij, mxl, tmp_path, "one")
    keys_are_right(mxl)
    assert numbers(mxl, "next_hearing") == [shared.case_number, late.case_number]
    hearing = next(h for h in get_case(tij, shared.id).hearings if h.id == first)
    cancel_hearing(tij, hearing.id, hearing.version)
    send(tij, mxl, tmp_path, "two")
    keys_are_right(mxl)  # its next hearing is the 40-day one now, after the local 30-day one
    assert numbers(mxl, "next_hearing") == [late.case_number, shared.case_number]
