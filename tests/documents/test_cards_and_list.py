"""Wallet cards, the daily crossing list and the message text: the same facts as the letter."""

from __future__ import annotations

from datetime import date, time, timedelta

import pytest

from legalaid.context import AppContext
from legalaid.documents import crossing_list, message_text, next_hearing_id, wallet_cards
from legalaid.errors import NotFoundError, ValidationError
from tests.documents.helpers import (
    EIGHT,
    HEARING_DAY,
    hearing,
    household,
    ink_fraction,
    squashed,
    text_of,
    with_organisation,
)


def test_one_folded_card_per_person_for_the_next_hearing(ctx: AppContext) -> None:
    case = household(with_organisation(ctx))
    hearing(ctx, case.case.id, HEARING_DAY + timedelta(days=30), at=time(9, 0))
    next_id = hearing(ctx, case.case.id)
    assert next_hearing_id(ctx, case.case.case_number) == next_id
    doc = wallet_cards(ctx, case.case.case_number)
    text = text_of(doc.pdf)
    assert doc.hearing_ids == [next_id] and doc.kind == "wallet_cards"
    for given, family, number in EIGHT:
        assert text.count(f"{given} {family}") == 2  # the Spanish side and the English side
        assert text.count(number) == 2
    assert text.count("4:00 a. m. · 04:00 h · de madrugada") == 8
    assert text.count("4:00 AM · 04:00 · early morning, before dawn") == 8
    assert "martes, 18 de junio de 2030" in text and "Tuesday, June 18, 2030" in text
    assert text.count("1-800-898-7180") == 16
    assert ink_fraction(doc.pdf) > 0.02


def test_a_very_long_name_shrinks_or_grows_the_card_never_cut(ctx: AppContext) -> None:
    given = "María de los Ángeles Guadalupe Concepción Inmaculada"
    family = " ".join(["Hernández-Íñiguez de la Peña y Ñúñez"] * 4)
    case = household(ctx, [(given, family, "A 600-000-001")])
    hearing(ctx, case.case.id)
    text = squashed(text_of(wallet_cards(ctx, case.case.id).pdf))
    assert text.count(squashed(f"{given} {family}")) == 2


def test_cards_need_a_scheduled_hearing(ctx: AppContext) -> None:
    case = household(ctx, EIGHT[:1])
    with pytest.raises(NotFoundError) as caught:
        wallet_cards(ctx, case.case.id)
    assert "no tiene audiencias programadas" in caught.value.message()


def test_crossing_list_by_crossing_and_report_time(ctx: AppContext) -> None:
    late = household(ctx, [("Luis", "Pérez Ñique", "A 400-000-001")], phone="+52 664 000 1111")
    big = household(ctx, phone="+52 664 111 2222")
    bro = household(
        ctx, [("Rosa", "Ñáñez Úrsula", "A 400-000-002")], crossing="BRO", phone="+52 868 555 0101"
    )
    hearing(ctx, late.case.id, at=time(13, 0))  # reports 9:00
    hearing(ctx, big.case.id)  # reports 4:00
    hearing(ctx, bro.case.id, crossing="BRO", court="BRO-MPP")
    hearing(ctx, big.case.id, HEARING_DAY + timedelta(days=1))  # another day: not listed
    doc = crossing_list(ctx, HEARING_DAY)
    text = text_of(doc.pdf)
    assert "18 de junio de 2030 / June 18, 2030" in text
    assert text.index("Brownsville (BRO)") < text.index("San Ysidro (SYS)")
    assert text.index("José Ángel Hernández Núñez") < text.index("Luis Pérez Ñique")
    assert "2 familias, 9 personas / 2 households, 9 people" in text
    assert "+52 664 111 2222" in text and "+52 868 555 0101" in text
    assert all(f"{given} {family}" in text for given, family, _n in EIGHT)
    assert len(doc.hearing_ids) == 3 and doc.meta["day"] == "2030-06-18"
    only_sys = text_of(crossing_list(ctx, HEARING_DAY, "sys").pdf)
    assert "Rosa Ñáñez Úrsula" not in only_sys and "Luis Pérez Ñique" in only_sys


def test_crossing_list_for_an_empty_day(ctx: AppContext) -> None:
    with pytest.raises(NotFoundError) as caught:
        crossing_list(ctx, date(2030, 1, 1))
    assert caught.value.message() == "Nadie tiene que presentarse en una garita el 2030-01-01."


def test_message_in_spanish_and_english_fits_a_text_message(ctx: AppContext) -> None:
    case = household(with_organisation(ctx))
    hearing_id = hearing(ctx, case.case.id)
    spanish = message_text(ctx, hearing_id, "es")
    english = message_text(ctx, hearing_id, "en")
    assert "José Ángel Hernández Núñez y 7 personas más" in spanish
    assert "martes, 18 de junio de 2030 a las 8:00 a. m., hora de verano del Pacífico" in spanish
    assert "a las 4:00 a. m., hora de verano del Pacífico (04:00 h, de madrugada)" in spanish
    assert "José Ángel Hernández Núñez and 7 more people" in english
    assert "at 4:00 AM, Pacific Daylight Time (04:00, early morning, before dawn)" in english
    assert "1-800-898-7180" in spanish and "1-800-898-7180" in english
    for text in (spanish, english):
        assert len(text) < 700 and "\u00a0" not in text and "\u202f" not in text
    with pytest.raises(ValidationError):
        message_text(ctx, hearing_id, "fr")
