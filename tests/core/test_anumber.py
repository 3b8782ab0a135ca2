import pytest

from legalaid.anumber import format_anumber, parse_anumber, parse_optional_anumber
from legalaid.errors import ValidationError
from legalaid.i18n import set_language


@pytest.mark.parametrize(
    "text",
    [
        "A 012-345-678",
        "A012345678",
        "012345678",
        "A12345678",
        "12345678",
        "a# 012 345 678",
        " A-012.345.678 ",
        "A 12 345 678",
    ],
)
def test_common_writings_normalise_to_nine_digits(text: str) -> None:
    assert parse_anumber(text) == "012345678"


def test_shown_one_way_everywhere() -> None:
    assert format_anumber("012345678") == "A 012-345-678"
    assert format_anumber(None) == ""


@pytest.mark.parametrize(
    "text",
    [
        "A 1234567",
        "A 1234567890",
        "B012345678",
        "A01234567X",
        "'; DROP TABLE person; --",
        "٠١٢٣٤٥٦٧٨",
        "A 000-000-000",
    ],
)
def test_bad_numbers_are_refused_with_a_message_that_says_what_to_fix(text: str) -> None:
    with pytest.raises(ValidationError) as caught:
        parse_anumber(text)
    assert caught.value.problems[0].field == "a_number"
    message = caught.value.message()
    assert "A 012-345-678" in message or "ceros" in message


def test_message_in_each_language() -> None:
    with pytest.raises(ValidationError) as caught:
        parse_anumber("A 123")
    set_language("es")
    assert caught.value.message().startswith("El número A «A 123» no es válido")
    set_language("en")
    assert caught.value.message().startswith("The A-number “A 123” is not valid")
    assert caught.value.message("es").startswith("El número A")


def test_empty_is_allowed_when_optional() -> None:
    assert parse_optional_anumber("   ") is None
    assert parse_optional_anumber(None) is None
