"""The one reader of typed dates and times (client fields and importer alike)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, time

import pytest

from legalaid import datetext
from legalaid.datetext import DateTextError, parse_date, parse_time
from legalaid.i18n import set_language, using_language
from legalaid.spreadsheets import parsing

TODAY = date(2026, 12, 4)
JAN_14 = date(2027, 1, 14)
# What people copy from papers (issue: "every date field accepts ..."), in both languages.
DATE_FORMATS = [
    "14/01/2027",
    "14/1/27",
    "14-01-2027",
    "14 ene 2027",
    "14 de enero de 2027",
    "2027-01-14",
    "Jan 14, 2027",
]
MORE_DATES = [
    "14.01.2027",
    "14 ene. 2027",
    "14 Enero 2027",
    "14-ene-2027",
    "jueves 14 de enero de 2027",
    "Jueves, 14 de Enero de 2027",
    "Thursday, January 14, 2027",
    "January 14 2027",
    "14 January 2027",
    "14th Jan 2027",
    "  14 / 01 / 2027 ",
    "2027-01-14 00:00:00",
    "14 01 2027",
]
TIME_FORMATS = {
    "8:30": time(8, 30),
    "08:30": time(8, 30),
    "8:30 a. m.": time(8, 30),
    "8:30 am": time(8, 30),
    "13:00": time(13, 0),
    "1 pm": time(13, 0),
}
MORE_TIMES = {
    "8:30 AM": time(8, 30),
    "8:30 a.m.": time(8, 30),
    "1:15 p.m.": time(13, 15),
    "1:15 p. m.": time(13, 15),
    "8.30": time(8, 30),
    "8h30": time(8, 30),
    "0830": time(8, 30),
    "13:00 h": time(13, 0),
    "13:00 hrs": time(13, 0),
    "8:30 de la mañana": time(8, 30),
    "8 de la noche": time(20, 0),
    "4 de la madrugada": time(4, 0),
    "12 pm": time(12, 0),
    "12 am": time(0, 0),
    "12 de la noche": time(0, 0),
    "a las 8": time(8, 0),
    "4": time(4, 0),
}


@pytest.mark.parametrize("lang", ["es", "en"])
@pytest.mark.parametrize("text", DATE_FORMATS + MORE_DATES)
def test_every_way_of_writing_a_date_reads_as_the_same_day(text: str, lang: str) -> None:
    set_language(lang)
    assert parse_date(text, today=TODAY) == JAN_14


@pytest.mark.parametrize("lang", ["es", "en"])
@pytest.mark.parametrize("text,expected", [*TIME_FORMATS.items(), *MORE_TIMES.items()])
def test_every_way_of_writing_a_time(text: str, expected: time, lang: str) -> None:
    set_language(lang)
    assert parse_time(text) == expected


def test_the_day_comes_first_the_mexican_way() -> None:
    assert parse_date("01/05/1988") == date(1988, 5, 1)  # 1 May, never 5 January
    assert parse_date("15 mar 1990") == date(1990, 3, 15)  # March, never December
    assert parse_date("3/4/2027") == date(2027, 4, 3)


def test_two_digit_years_are_the_nearest_sensible_year() -> None:
    assert parse_date("14/1/27", today=TODAY) == date(2027, 1, 14)  # the hearing, not 1927
    assert parse_date("15/3/90", today=TODAY) == date(1990, 3, 15)
    assert parse_date("1/1/45", today=TODAY) == date(2045, 1, 1)
    assert parse_date("1/1/47", today=TODAY) == date(1947, 1, 1)
    # a date of birth is never after this year
    assert parse_date("1/1/27", today=TODAY, past=True) == date(1927, 1, 1)
    assert parse_date("1/1/26", today=TODAY, past=True) == date(2026, 1, 1)
    assert parsing.parse_past_date("15/3/90") == date(1990, 3, 15)


def message(text: str, lang: str, reader: Callable[[str], object] = parse_date) -> str:
    with pytest.raises(DateTextError) as raised:
        reader(text)
    return raised.value.message(lang)


def test_a_day_that_does_not_exist_is_refused_never_moved() -> None:
    assert message("31/02/2027", "es") == "En febrero de 2027 hay 28 días, no 31: revise el día."
    assert message("31/02/2027", "en") == "February 2027 has 28 days, not 31: check the day."
    assert message("29/02/2027", "en").startswith("February 2027 has 28 days")
    assert parse_date("29/02/2028") == date(2028, 2, 29)
    assert message("31/04/2027", "es").startswith("En abril de 2027 hay 30 días")
    assert message("0/01/2027", "en").startswith("January 2027 has 31 days, not 0")


def test_a_date_without_its_year_is_refused() -> None:
    for text in ("31/02", "14/01", "14 ene", "14 de enero"):
        assert "no tiene año" in message(text, "es"), text
    assert message("14/01", "en") == (
        "“14/01” has no year: write the whole date, for example 14/01/2027."
    )


def test_month_first_is_explained() -> None:
    assert message("01/14/2027", "en") == (
        "There is no month 14: write the day first, then the month, as in 14/01/2027."
    )
    assert message("01/14/2027", "es").startswith("No existe el mes 14: escriba primero el día")
    assert message("13/13/2027", "es") == "No existe el mes 13: revise la fecha «13/13/2027»."


def test_years_out_of_range_and_words_that_are_not_dates() -> None:
    assert (
        message("14/01/1850", "es")
        == "El año 1850 no es posible aquí: revise la fecha «14/01/1850»."
    )
    assert "2150" in message("2150-01-14", "en")
    assert message("mañana", "es").startswith("«mañana» no es una fecha")
    assert message("14 foo 2027", "en").startswith("“14 foo 2027” is not a date")
    assert parse_date("") is None and parse_date("   ") is None and parse_date(None) is None


def test_a_weekday_that_does_not_match_the_date_is_refused() -> None:
    assert message("viernes 14 de enero de 2027", "es") == (
        "El 14 de enero de 2027 es jueves, no viernes: revise la fecha."
    )
    assert message("Friday, January 14, 2027", "en") == (
        "January 14, 2027 is a Thursday, not a Friday: check the date."
    )


def test_a_message_follows_the_language_it_is_read_in() -> None:
    with pytest.raises(DateTextError) as raised:
        parse_date("31/02/2027")
    error = raised.value
    set_language("es")
    assert error.message().startswith("En febrero de 2027")
    assert error.by_field() == {None: error.message()}
    set_language("en")
    assert error.message().startswith("February 2027")
    assert isinstance(error, ValueError)  # what the importer catches


def test_impossible_times() -> None:
    assert message("25:00", "es", parse_time) == (
        "No existe la hora 25: escriba la hora como 8:30, 8:30 a. m. o 13:00."
    )
    assert message("8:75", "en", parse_time).startswith("An hour has 60 minutes, not 75")
    assert message("13 pm", "en", parse_time).startswith("“13 pm” mixes two ways")
    assert message("0 am", "en", parse_time).startswith("“0 am” mixes two ways")
    assert message("las ocho", "es", parse_time).startswith("«las ocho» no es una hora")
    assert message("8:30 xm", "en", parse_time).startswith("“8:30 xm” is not a time")
    assert parse_time("") is None and parse_time(None) is None


@pytest.mark.parametrize("lang", ["es", "en"])
def test_what_a_field_shows_reads_back_as_the_same_value(lang: str) -> None:
    day = date(1950, 1, 1)
    while day < date(2040, 1, 1):
        shown = datetext.date_field_text(day, lang)
        assert parse_date(shown) == day, shown
        day = date.fromordinal(day.toordinal() + 37)
    assert datetext.date_field_text(JAN_14, "es") == "14 ene 2027"
    assert datetext.date_field_text(JAN_14, "en") == "Jan 14, 2027"
    for hour in range(24):
        for minute in (0, 5, 30, 59):
            value = time(hour, minute)
            assert parse_time(datetext.time_field_text(value)) == value
            with using_language(lang):
                assert parse_time(datetext.time_words(value)) == value


def test_read_back_in_words() -> None:
    with using_language("es"):
        assert datetext.format_date_words(JAN_14) == "jueves, 14 de enero de 2027"
        assert datetext.time_words(time(13, 0)) == "1:00 p. m."
    with using_language("en"):
        assert datetext.format_date_words(JAN_14) == "Thursday, January 14, 2027"
        assert datetext.time_words(time(8, 30)) == "8:30 AM"


def test_the_importer_reads_dates_and_times_with_the_same_reader() -> None:
    assert parsing.parse_date("14 ene 2027") == JAN_14
    assert parsing.parse_date("Jan 14, 2027") == JAN_14
    assert parsing.parse_date(date(2027, 1, 14)) == JAN_14
    with pytest.raises(ValueError, match="28"):
        parsing.parse_date("31/02/2027")
    with pytest.raises(ValueError):
        parsing.parse_date("14/01")
    assert parsing.parse_time("1 pm") == time(13, 0)
    with pytest.raises(ValueError):
        parsing.parse_time("25:00")
