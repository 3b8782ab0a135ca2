from legalaid.i18n import (
    _,
    current_language,
    ngettext,
    normalize_language,
    pgettext,
    set_language,
    using_language,
)
from legalaid.labels import choices, label


def test_strings_are_looked_up_at_call_time() -> None:
    set_language("en")
    assert _("Write the given names.") == "Write the given names."
    set_language("es")
    assert _("Write the given names.") == "Escriba el nombre o los nombres."


def test_context_separates_words_spanish_translates_differently() -> None:
    set_language("es")
    assert pgettext("case status", "Open") == "Abierto"
    assert label("hearing_status", "missed") == "No asistió"
    assert label("flag", "missed") == "No se presentó"
    assert dict(choices("case_status"))["archived"] == "Archivado"
    set_language("en")
    assert label("hearing_kind", "master") == "Master calendar"


def test_spanish_plurals_use_the_catalog_rule() -> None:
    set_language("es")
    assert ngettext("%(count)d hearing", "%(count)d hearings", 1) % {"count": 1} == "1 audiencia"
    assert ngettext("%(count)d hearing", "%(count)d hearings", 3) % {"count": 3} == "3 audiencias"


def test_language_codes_normalise_and_default_to_spanish() -> None:
    assert normalize_language("en_US.UTF-8") == "en"
    assert normalize_language("es-MX") == "es"
    assert normalize_language("fr_FR") == "es"
    assert normalize_language(None) == "es"


def test_using_language_is_temporary() -> None:
    set_language("es")
    with using_language("en"):
        assert current_language() == "en"
        assert _("Write the family names.") == "Write the family names."
    assert current_language() == "es"
