"""The hearing-reminder letter as the person receiving it reads it."""

from __future__ import annotations

import io
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

import pytest
from PIL import Image
from pypdf import PdfReader
from pypdf.generic import DictionaryObject
from sqlmodel import select

from legalaid.context import AppContext
from legalaid.documents import reminder_letter
from legalaid.errors import ValidationError
from legalaid.models import Crossing
from legalaid.services.hearings import cancel_hearing, mark_verified
from tests.documents.helpers import (
    EIGHT,
    HEARING_DAY,
    PRINTED_ON,
    font_names,
    hearing,
    household,
    ink_fraction,
    page_count,
    squashed,
    text_of,
    with_organisation,
)


@pytest.fixture
def letter_ctx(ctx: AppContext) -> AppContext:
    return with_organisation(ctx)


def test_dates_times_and_zone_in_spanish_and_english(letter_ctx: AppContext) -> None:
    case = household(letter_ctx)
    doc = reminder_letter(letter_ctx, hearing(letter_ctx, case.case.id), today=PRINTED_ON)
    text = text_of(doc.pdf)
    assert "Tijuana, B.C., 1 de junio de 2030" in text
    assert "Tijuana, B.C., June 1, 2030" in text
    assert "martes, 18 de junio de 2030" in text and "Tuesday, June 18, 2030" in text
    # the pre-dawn report time, in large type, both ways in Spanish
    assert "4:00 a. m." in text and "04:00 h · de madrugada" in text
    assert "4:00 AM" in text and "early morning, before dawn" in text
    assert "hora de verano del Pacífico" in text and "Pacific Daylight Time" in text
    assert "8:00 a. m." in text and "8:00 AM" in text  # the hearing itself
    assert "PRESÉNTESE EN LA GARITA" in text and "REPORT TO THE PORT OF ENTRY" in text
    assert "San Ysidro, CA" in text and "El Chaparral / PedWest" in text
    assert "Si llega tarde, pueden negarle la entrada." in text
    assert "If you arrive late you may be turned away." in text


def test_the_ten_points_are_on_the_letter(letter_ctx: AppContext) -> None:
    case = household(letter_ctx)
    text = text_of(reminder_letter(letter_ctx, hearing(letter_ctx, case.case.id)).pdf)
    for expected in (
        "Corte de Inmigración de San Diego, 880 Front St., Suite 4240",  # 3. court and address
        "Audiencia preliminar (master calendar)",  # 3. type
        "En persona, ante el juez.",  # 3. in person or by video
        "Notificación de Comparecencia (NTA, formulario I-862)",  # 5. what to bring
        "deportación en ausencia",  # 6. absence
        "puede decírselo al agente o al juez",  # 6. fear
        "1-800-898-7180",  # 7. how to check
        "Aún no se ha verificado con la corte.",  # 7. verification line
        "Not yet verified with the court.",
        "quédese cerca de la garita la noche anterior",  # 8. safety
        "Albergue Juventud 2000",  # 9. organisation
        "Tel. +52 664 123 4567 · WhatsApp +52 664 765 4321",
        "Lic. Rosa Martínez",  # 9. representative
        "EOIR-33 dentro de los 5 días",  # 10. moved
    ):
        assert expected in text, expected


def test_verification_line_names_who_and_when(letter_ctx: AppContext) -> None:
    case = household(letter_ctx, EIGHT[:1])
    hearing_id = hearing(letter_ctx, case.case.id)
    when = datetime(2026, 5, 20, 18, 0, tzinfo=UTC)
    mark_verified(letter_ctx, hearing_id, by="Rocío Ibáñez", when=when)
    text = text_of(reminder_letter(letter_ctx, hearing_id).pdf)
    assert "Verificada con la corte el 20 de mayo de 2026 por Rocío Ibáñez." in text
    assert "Verified on May 20, 2026 by Rocío Ibáñez." in text


@pytest.mark.parametrize("layout", ["columns", "stacked"])
def test_eight_person_household_nobody_missing(letter_ctx: AppContext, layout: str) -> None:
    case = household(letter_ctx)
    doc = reminder_letter(letter_ctx, hearing(letter_ctx, case.case.id), layout=layout)
    text = text_of(doc.pdf)
    for given, family, number in EIGHT:
        assert f"{given} {family}" in text
        assert number in text
    assert "8 personas citadas a esta audiencia" in text
    assert "8 people called to this hearing" in text
    assert page_count(doc.pdf) >= 2


def test_long_texts_flow_onto_more_pages_and_nothing_is_cut(letter_ctx: AppContext) -> None:
    long_address = " ".join(f"local {n} interior {n}" for n in range(1200))  # ~25,000 chars
    letter_ctx.settings.organisation.address = long_address
    representative = "Licenciada " + " ".join(["Guadalupe Íñiguez Ñáñez"] * 40)
    case = household(letter_ctx, representative=representative)
    doc = reminder_letter(letter_ctx, hearing(letter_ctx, case.case.id))
    text = text_of(doc.pdf)
    assert all(f"local {n} interior {n}" in text for n in (0, 600, 1199))
    assert text.count(" interior ") >= 1200
    assert squashed(text).count(squashed(representative)) == 2  # Spanish and English column
    assert page_count(doc.pdf) >= 5


def test_fonts_embedded_metadata_and_a_page_that_is_not_blank(letter_ctx: AppContext) -> None:
    case = household(letter_ctx, EIGHT[:2])
    doc = reminder_letter(letter_ctx, hearing(letter_ctx, case.case.id))
    fonts = font_names(doc.pdf)
    assert fonts and all("DejaVuSans" in name and "not embedded" not in name for name in fonts)
    reader = PdfReader(io.BytesIO(doc.pdf))
    assert reader.metadata is not None and case.case.case_number in (reader.metadata.title or "")
    assert "Recordatorio de audiencia / Hearing reminder" in (reader.metadata.title or "")
    root = reader.trailer["/Root"]
    assert isinstance(root, DictionaryObject)
    assert root["/Lang"] == "es-MX"
    assert [round(float(x)) for x in reader.pages[0].mediabox[2:]] == [612, 792]  # US Letter
    assert ink_fraction(doc.pdf) > 0.02


def test_a4_paper_from_the_settings(letter_ctx: AppContext) -> None:
    letter_ctx.settings.paper_size = "a4"
    case = household(letter_ctx, EIGHT[:1])
    doc = reminder_letter(letter_ctx, hearing(letter_ctx, case.case.id))
    box = PdfReader(io.BytesIO(doc.pdf)).pages[0].mediabox
    assert [round(float(x)) for x in box[2:]] == [595, 842]


def test_deterministic_mode_gives_the_same_bytes(letter_ctx: AppContext) -> None:
    case = household(letter_ctx, EIGHT[:3])
    hearing_id = hearing(letter_ctx, case.case.id)
    first = reminder_letter(letter_ctx, hearing_id, deterministic=True, today=PRINTED_ON)
    again = reminder_letter(letter_ctx, hearing_id, deterministic=True, today=PRINTED_ON)
    assert first.pdf == again.pdf
    assert first.kind == "reminder" and first.hearing_ids == [hearing_id]
    assert first.case_id == case.case.id


def test_afternoon_hearing_reports_in_the_morning(letter_ctx: AppContext) -> None:
    case = household(letter_ctx, EIGHT[:1])
    doc = reminder_letter(letter_ctx, hearing(letter_ctx, case.case.id, at=time(13, 0)))
    text = text_of(doc.pdf)
    assert "9:00 a. m." in text and "09:00 h · de la mañana" in text
    assert "1:00 p. m." in text and "1:00 PM" in text


def test_a_cancelled_hearing_or_a_bad_layout_is_refused(letter_ctx: AppContext) -> None:
    case = household(letter_ctx, EIGHT[:1])
    hearing_id = hearing(letter_ctx, case.case.id)
    with pytest.raises(ValidationError) as bad_layout:
        reminder_letter(letter_ctx, hearing_id, layout="sideways")
    assert "«sideways»" in bad_layout.value.message()
    cancel_hearing(letter_ctx, hearing_id, None)
    with pytest.raises(ValidationError) as caught:
        reminder_letter(letter_ctx, hearing_id)
    assert "no está programada" in caught.value.message()


def test_builders_are_safe_on_worker_threads(letter_ctx: AppContext) -> None:
    case = household(letter_ctx, EIGHT[:2])
    ids = [hearing(letter_ctx, case.case.id, HEARING_DAY + timedelta(days=n)) for n in range(4)]

    def build(hearing_id: str) -> bytes:
        return reminder_letter(letter_ctx, hearing_id, deterministic=True, today=PRINTED_ON).pdf

    alone = [build(h) for h in ids]
    with ThreadPoolExecutor(max_workers=4) as pool:
        together = list(pool.map(build, ids))
    assert together == alone


def test_logo_missing_a_number_and_a_clock_that_differs_across_the_border(
    letter_ctx: AppContext, tmp_path: Path
) -> None:
    logo = tmp_path / "logo.png"
    Image.new("RGB", (120, 60), "navy").save(logo)
    letter_ctx.settings.organisation.logo = str(logo)
    case = household(letter_ctx, [("Rosa", "Ñáñez", "")])
    with letter_ctx.db.write() as session:  # a Mexican city whose clock differs from the port
        crossing = session.exec(select(Crossing).where(Crossing.code == "SYS")).one()
        crossing.mx_zone = "America/Mexico_City"
    doc = reminder_letter(letter_ctx, hearing(letter_ctx, case.case.id))
    text = text_of(doc.pdf)
    assert "Rosa Ñáñez —" in text  # no A-number on record: a dash, never a blank
    assert "Atención: en Tijuana, B.C. el reloj marca 5:00 a. m." in text
    assert "Careful: on the clock in Tijuana, B.C. that is 5:00 AM." in text
    assert b"/Subtype /Image" in doc.pdf
    letter_ctx.settings.organisation.logo = str(tmp_path / "missing.png")
    assert reminder_letter(letter_ctx, hearing(letter_ctx, case.case.id, at=time(9, 0))).pdf
