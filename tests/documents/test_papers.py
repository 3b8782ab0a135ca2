"""The papers' facts: every paper counts for "reminder out of date", the document log can be
read, Calexico's households report at San Ysidro, the message states the letter's facts, and
what the person must know before printing. Real files, real PDFs, real processes."""

from __future__ import annotations

import io
import json
import os
import re
import sqlite3
import subprocess
import sys
import unicodedata
from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pypdfium2
import pytest
from pypdf import PdfReader

from legalaid.context import AppContext
from legalaid.db import Database
from legalaid.documents import (
    crossing_list,
    log_document,
    outdated_reminders,
    reminder_letter,
    wallet_cards,
)
from legalaid.documents.facts import load_hearings
from legalaid.documents.log import document_rows
from legalaid.documents.message import message_document, message_text
from legalaid.formatting import clock, local_time, long_date, zone_name
from legalaid.home import open_home
from legalaid.i18n import using_language
from legalaid.services.hearings import HearingInput, reschedule_hearing
from legalaid.services.upcoming import upcoming
from tests.documents.helpers import (
    EIGHT,
    HEARING_DAY,
    hearing,
    household,
    text_of,
    with_organisation,
)

LATER = HearingInput(court="SDG", crossing="SYS", day=HEARING_DAY, at=time(13, 0))


def cli(ctx: AppContext, *args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "LANG": "es_MX.UTF-8", "LC_ALL": "", "LC_MESSAGES": ""}
    env.pop("LEGALAID_HOME", None)
    command = [sys.executable, "-m", "legalaid", "--home", str(ctx.home.root), "--unencrypted"]
    return subprocess.run(
        [*command, *args], capture_output=True, text=True, env=env, timeout=120, cwd=cwd
    )


# --- "reminder out of date": every paper that states the hearing ----------------------------


@pytest.mark.parametrize("kind", ["wallet_cards", "crossing_list", "message"])
def test_cards_crossing_lists_and_messages_count_for_out_of_date(
    ctx: AppContext, kind: str
) -> None:
    case = household(ctx, EIGHT[:1])
    old = hearing(ctx, case.case.id)

    def paper(hearing_id: str) -> object:
        if kind == "wallet_cards":
            return wallet_cards(ctx, case.case.id)
        if kind == "crossing_list":
            return crossing_list(ctx, HEARING_DAY, "SYS")
        return message_document(ctx, hearing_id, "es")

    log_document(ctx, paper(old))  # type: ignore[arg-type]
    assert outdated_reminders(ctx, [old]) == set()
    new = reschedule_hearing(ctx, old, None, LATER).record.id
    assert outdated_reminders(ctx, [new]) == {new}  # the paper said 8:00
    log_document(ctx, paper(new))  # type: ignore[arg-type]
    assert outdated_reminders(ctx, [new]) == set()


def test_a_new_letter_does_not_cover_the_old_cards_the_household_carries(ctx: AppContext) -> None:
    case = household(ctx, EIGHT[:1])
    old = hearing(ctx, case.case.id)
    log_document(ctx, wallet_cards(ctx, case.case.id))
    new = reschedule_hearing(ctx, old, None, LATER).record.id
    log_document(ctx, reminder_letter(ctx, new))
    assert outdated_reminders(ctx, [new]) == {new}  # the cards still say 8:00
    log_document(ctx, wallet_cards(ctx, case.case.id))
    assert outdated_reminders(ctx, [new]) == set()


def test_cards_printed_then_a_reschedule_flag_upcoming_json(
    ctx: AppContext, tmp_path: Path
) -> None:
    """As a person does it: cards printed from the command line, the hearing rescheduled,
    then ``legalaid upcoming --json`` (a real process)."""
    with_organisation(ctx).save_settings()
    case = household(ctx, EIGHT[:1])
    old = hearing(ctx, case.case.id, date.today() + timedelta(days=3))
    printed = cli(ctx, "cards", case.case.case_number, "-o", str(tmp_path / "cards.pdf"))
    assert printed.returncode == 0, printed.stderr
    listed = json.loads(cli(ctx, "upcoming", "--json").stdout)
    assert [row["reminder_outdated"] for row in listed] == [False]
    moved = HearingInput(court="SDG", crossing="SYS", day=date.today() + timedelta(days=4))
    moved.at = time(9, 0)
    reschedule_hearing(ctx, old, None, moved)
    listed = json.loads(cli(ctx, "upcoming", "--json").stdout)
    assert [(row["reminder_outdated"], row["flags"][-1]) for row in listed] == [
        (True, "reminder_outdated")
    ]


# --- the document log, read -----------------------------------------------------------------


def test_documents_command_lists_what_was_saved_printed_and_shown(
    ctx: AppContext, tmp_path: Path
) -> None:
    with_organisation(ctx).save_settings()
    case = household(ctx, EIGHT[:1])
    number = case.case.case_number
    hearing(ctx, case.case.id, date.today() + timedelta(days=3))
    work = tmp_path / "work"
    work.mkdir()
    assert cli(ctx, "cards", number, "-o", "tarjetas.pdf", cwd=work).returncode == 0
    shown = cli(ctx, "message", number, "--lang", "es")
    assert shown.returncode == 0 and "Preséntese en" in shown.stdout
    log_document(ctx, reminder_letter(ctx, case.case.id and hearing_of(ctx, number)))
    listed = cli(ctx, "documents", number, "--json")
    assert listed.returncode == 0, listed.stderr
    rows = json.loads(listed.stdout)
    assert [(r["kind"], r["action"]) for r in rows] == [
        ("reminder", "printed"),
        ("message", "shown"),
        ("wallet_cards", "saved"),
    ]
    assert rows[2]["file"] == str(work / "tarjetas.pdf")  # stored absolute, not "tarjetas.pdf"
    assert all(r["by"] == "Ana Tester" and not r["outdated"] for r in rows)
    text = cli(ctx, "documents", number).stdout
    assert f"Guardado en {work / 'tarjetas.pdf'}" in text and "Impreso" in text
    assert "Mostrado en la línea de comandos" in text and "3 documentos" in text


def hearing_of(ctx: AppContext, number: str) -> str:
    from legalaid.documents.facts import next_hearing_id

    return next_hearing_id(ctx, number)


def test_the_log_rows_say_which_paper_is_out_of_date(ctx: AppContext) -> None:
    case = household(ctx, EIGHT[:1])
    old = hearing(ctx, case.case.id)
    log_document(ctx, reminder_letter(ctx, old))
    assert [r.outdated for r in document_rows(ctx, case.case.id)] == [False]
    new = reschedule_hearing(ctx, old, None, LATER).record.id
    assert [r.outdated for r in document_rows(ctx, case.case.id)] == [True]
    log_document(ctx, reminder_letter(ctx, new))
    assert [r.outdated for r in document_rows(ctx, case.case.id)] == [False, True]
    with using_language("en"):
        assert "OUT OF DATE" in document_rows(ctx, case.case.id)[1].line()


# --- Calexico's households report at San Ysidro --------------------------------------------


def spans(pdf: bytes) -> list[tuple[str, float]]:
    """Every piece of text on the first page with its font size in points."""
    reader = PdfReader(io.BytesIO(pdf))
    found: list[tuple[str, float]] = []

    def keep(text: str, cm: list[float], tm: list[float], font: object, size: float) -> None:
        if text.strip():
            found.append((text.strip(), size * abs(tm[3] or 1) * abs(cm[3] or 1)))

    reader.pages[0].extract_text(visitor_text=keep)
    return found


def size_of(pdf: bytes, needle: str) -> float:
    return max(size for text, size in spans(pdf) if needle in text)


def test_calexico_households_report_at_san_ysidro_on_every_paper(ctx: AppContext) -> None:
    mexicali = household(ctx, EIGHT[:1], crossing="CAL", city="Mexicali, B.C.")
    tijuana = household(ctx, [("Luis", "Pérez Ñique", "A 400-000-001")])
    hearing_id = hearing(ctx, mexicali.case.id, crossing="CAL")
    hearing(ctx, tijuana.case.id, at=time(9, 0))

    letter = reminder_letter(ctx, hearing_id).pdf
    text = text_of(letter)
    assert "PRESÉNTESE EN LA GARITA" in text
    assert "San Ysidro, CA" in text and "El Chaparral / PedWest" in text
    assert "Garita de regreso: Calexico (Mexicali, B.C.)" in text
    assert "Crossing of return: Calexico (Mexicali, B.C.)" in text
    assert size_of(letter, "San Ysidro, CA") >= 15  # large
    assert size_of(letter, "Garita de regreso") <= 8  # small type

    cards = wallet_cards(ctx, mexicali.case.id).pdf
    card_text = text_of(cards)
    assert "San Ysidro, CA · El Chaparral / PedWest" in card_text
    assert size_of(cards, "Garita de regreso") < size_of(cards, "San Ysidro, CA")
    assert "Calexico, CA" not in card_text

    spanish = message_text(ctx, hearing_id, "es")
    assert spanish.index("Preséntese en San Ysidro, CA (El Chaparral / PedWest)") < spanish.index(
        "Garita de regreso: Calexico"
    )

    listing = crossing_list(ctx, HEARING_DAY, "SYS")
    listed = text_of(listing.pdf)
    assert "San Ysidro (SYS)" in listed and "Calexico (CAL)" not in listed
    assert "José Ángel Hernández Núñez" in listed and "Luis Pérez Ñique" in listed
    assert "Regresa por Calexico" in listed and "Returns through Calexico" in listed
    assert text_of(crossing_list(ctx, HEARING_DAY, "CAL").pdf) == listed  # same place to stand
    rows = upcoming(ctx, 1, start=HEARING_DAY, crossing="SYS")
    assert {r.case_number for r in rows} == {mexicali.case.case_number, tijuana.case.case_number}
    assert {r.report_crossing for r in rows} == {"SYS"}


def test_an_existing_home_learns_where_calexico_reports(tmp_path: Path) -> None:
    """A home made before the column existed: the upgrade fills it from the shipped data."""
    path = tmp_path / "home" / "legalaid.db"
    path.parent.mkdir()
    Database(path).upgrade("0004")
    conn = sqlite3.connect(path)
    for code, name in (("SYS", "San Ysidro"), ("CAL", "Calexico")):
        conn.execute(
            """INSERT INTO crossing(id, created_at, updated_at, version, code, name_es, name_en,
            mx_city, us_city, reporting_point_es, reporting_point_en, address, zone, mx_zone,
            default_court_code, report_hours_before, active) VALUES (?, '2026-01-01',
            '2026-01-01', 1, ?, ?, ?, '', '', '', '', '', 'America/Los_Angeles',
            'America/Tijuana', 'SDG', 4.0, 1)""",
            (code.lower(), code, name, name),
        )
    conn.commit()
    conn.close()
    ctx = open_home(path.parent, unencrypted=True)
    ctx.close()
    with sqlite3.connect(path) as check:
        found = dict(check.execute("SELECT code, report_at_code FROM crossing").fetchall())
    assert found["CAL"] == "SYS" and found["SYS"] is None


# --- the message, the letter, the card: the same facts -------------------------------------


def test_message_puts_the_report_time_first_and_states_the_letters_facts(ctx: AppContext) -> None:
    case = household(with_organisation(ctx), EIGHT[:2])
    hearing_id = hearing(ctx, case.case.id)
    [facts] = load_hearings(ctx, [hearing_id])
    letter = text_of(reminder_letter(ctx, hearing_id).pdf)
    for lang, at in (("es", "a las"), ("en", "at")):
        message = message_text(ctx, hearing_id, lang)
        lines = message.splitlines()
        with using_language(lang):
            report_day = long_date(local_time(facts.report_at, "America/Los_Angeles").date())
            report = clock(facts.report_at, "America/Los_Angeles")
            report_zone = zone_name(facts.report_at, "America/Los_Angeles")
            hearing_day = long_date(local_time(facts.starts_at, facts.zone).date())
            hearing_at = clock(facts.starts_at, facts.zone)
            court = facts.court.name_es if lang == "es" else facts.court.name_en
        assert f"{report_day} {at} {report}, {report_zone}" in lines[1]  # report first
        assert hearing_at in lines[3] and court in lines[3]  # then the hearing
        # the letter states each of these facts too
        for fact in (report_day, report, report_zone, hearing_day, hearing_at, court):
            assert fact.replace("\u00a0", " ") in letter, fact
        assert "San Ysidro" in lines[1] and "El Chaparral / PedWest" in letter


def test_without_an_a_number_no_paper_says_to_call_with_it(ctx: AppContext) -> None:
    with_organisation(ctx)
    nobody = household(ctx, [("Rosa", "Ñáñez Úrsula", "")])
    hearing_id = hearing(ctx, nobody.case.id)
    letter = text_of(reminder_letter(ctx, hearing_id).pdf)
    cards = text_of(wallet_cards(ctx, nobody.case.id).pdf)
    message = message_text(ctx, hearing_id, "es") + message_text(ctx, hearing_id, "en")
    for text in (letter, cards, message):
        assert "nueve dígitos" not in text and "nine-digit" not in text
        assert "1-800-898-7180" not in text.replace("Tel.", "")
    assert "No tenemos registrado su número A" in letter
    assert "Para verificar su fecha, pregunte a Albergue Juventud 2000" in cards
    assert "Para verificar su fecha, pregunte a Albergue Juventud 2000" in message
    numbered = household(ctx, EIGHT[:1])
    with_number = text_of(reminder_letter(ctx, hearing(ctx, numbered.case.id)).pdf)
    assert "número A de nueve dígitos" in with_number


# --- before printing --------------------------------------------------------------------------


def test_a_report_time_already_past_warns_on_every_paper(ctx: AppContext) -> None:
    with_organisation(ctx)
    case = household(ctx, EIGHT[:1])
    # A hearing an hour from now at the court (San Diego): its report time, hours before it,
    # is past whatever the time of day the test runs.
    court_now = datetime.now(ZoneInfo("America/Los_Angeles")) + timedelta(hours=1)
    soon = hearing(ctx, case.case.id, court_now.date(), time(court_now.hour, court_now.minute))
    for doc in (
        reminder_letter(ctx, soon),
        wallet_cards(ctx, case.case.id),
        message_document(ctx, soon, "es"),
    ):
        messages = [w.message() for w in doc.warnings]
        assert messages == [
            f"La hora de presentación en la garita ya pasó para {case.case.case_number}: "
            "revise la fecha y la hora de la audiencia antes de imprimir."
        ], doc.kind
    later = household(ctx, EIGHT[1:2])
    assert reminder_letter(ctx, hearing(ctx, later.case.id)).warnings == []


def test_letters_without_the_organisations_phone_warn_first(
    ctx: AppContext, tmp_path: Path
) -> None:
    case = household(ctx, EIGHT[:1])
    hearing_id = hearing(ctx, case.case.id)
    ctx.settings.organisation.name = "Albergue Juventud 2000"
    ctx.save_settings()
    [warning] = reminder_letter(ctx, hearing_id).warnings
    assert warning.field == "org_phone"
    day = HEARING_DAY.isoformat()
    out = tmp_path / "cartas.pdf"
    result = cli(ctx, "reminders", "--from", day, "--to", day, "-o", str(out))
    assert result.returncode == 0 and out.exists()
    assert result.stderr.startswith(
        "legalaid: aviso: No se han puesto el teléfono ni el WhatsApp de la organización"
    )
    set_phone = cli(ctx, "settings", "--set", "org_whatsapp=+52 664 765 4321")
    assert set_phone.returncode == 0, set_phone.stderr
    again = cli(ctx, "reminders", "--from", day, "--to", day, "-o", str(out))
    assert again.returncode == 0 and again.stderr == ""
    assert "WhatsApp +52 664 765 4321" in text_of(out.read_bytes())


def test_warnings_are_kept_in_the_document_log(ctx: AppContext) -> None:
    case = household(ctx, EIGHT[:1])
    hearing_id = hearing(ctx, case.case.id)
    log_document(ctx, reminder_letter(ctx, hearing_id))
    [row] = document_rows(ctx, case.case.id)
    assert [w.field for w in row.warnings] == ["org_phone"]  # read back from the log
    assert re.search("teléfono", row.warnings[0].message())


# --- names in any script ----------------------------------------------------------------------

ARABIC = ("محمد", "عبد الله الأحمد")


def test_an_arabic_name_prints_shaped_and_right_to_left(ctx: AppContext) -> None:
    with_organisation(ctx)
    case = household(ctx, [(*ARABIC, "A 012-345-678"), ("Luis", "Pérez Ñique", "")])
    doc = reminder_letter(ctx, hearing(ctx, case.case.id))
    name = " ".join(ARABIC)
    text = text_of(doc.pdf)
    runs = re.findall("[\u0600-\u06ff\ufb50-\ufdff\ufe70-\ufeff][^A-Za-z0-9]*", text)
    assert [unicodedata.normalize("NFKC", run).strip() for run in runs] == [name]
    assert "\ufee3" in runs[0] and "\ufeaa" in runs[0]  # meem joined to what follows, dal final
    assert not (set(name) - {" "}) & set(runs[0])  # every letter in its joined form
    page = pypdfium2.PdfDocument(doc.pdf)[0]
    chars = page.get_textpage()
    start = chars.get_text_range().index(name)  # pdfium gives the letters in reading order
    first, last = chars.get_charbox(start), chars.get_charbox(start + len(name) - 1)
    assert first[0] > last[0]  # the first letter is drawn rightmost: right to left
    assert doc.warnings == []  # the font has every glyph
    rendered = page.render(scale=1).to_pil().convert("L")
    assert rendered.getextrema()[0] < 100  # the page has ink (looked at: docs in the report)


def test_characters_the_font_lacks_print_as_question_marks_and_warn(ctx: AppContext) -> None:
    with_organisation(ctx)
    case = household(ctx, [("ሰላም", "Tesfaye", "A 012-345-678")])
    hearing_id = hearing(ctx, case.case.id)
    for doc in (reminder_letter(ctx, hearing_id), wallet_cards(ctx, case.case.id)):
        text = text_of(doc.pdf)
        assert "??? Tesfaye" in text and "ሰ" not in text  # no empty boxes
        [warning] = doc.warnings
        assert "ሰ (U+1230)" in warning.message() and "Tesfaye" in warning.message()
    log_document(ctx, reminder_letter(ctx, hearing_id))
    assert "U+1230" in document_rows(ctx, case.case.id)[0].warnings[0].message()
