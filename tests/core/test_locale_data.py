"""babel's merged locale data, saved at build time: the same answers as babel's own merge."""

from __future__ import annotations

import pickle
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import babel
import pytest
from babel import localedata

from legalaid import formatting, locale_data
from legalaid.i18n import BABEL_LOCALES

NAMES = tuple(BABEL_LOCALES.values())  # es_MX, en_US


@pytest.fixture
def fresh_babel() -> Iterator[None]:
    """babel's loader and ours as if the process had just started (restored afterwards)."""
    saved_cache, saved_primed = dict(localedata._cache), set(locale_data._primed)
    localedata._cache.clear()
    locale_data._primed.clear()
    yield
    localedata._cache.clear()
    localedata._cache.update(saved_cache)
    locale_data._primed.clear()
    locale_data._primed.update(saved_primed)


def _everything_formatted() -> list[str]:
    """What the papers and the window write with babel, in both languages."""
    hearing = datetime(2027, 1, 11, 14, 30, tzinfo=UTC)
    out: list[str] = []
    for lang in ("es", "en"):
        out += [
            formatting.long_date(date(2027, 1, 11), lang),
            formatting.medium_date(date(2026, 9, 1), lang),
            formatting.short_date(date(2026, 12, 24), lang),
            formatting.clock(hearing, "America/Tijuana", lang),
            formatting.zone_name(hearing, "America/Mexico_City", lang),
            formatting.country_name("HN", lang),
            formatting.language_name("pt", lang),
            formatting.number(100_000, lang),
            formatting.number(1234.5, lang),
        ]
    return out


def test_the_saved_data_gives_babel_s_own_answers(tmp_path: Path, fresh_babel: None) -> None:
    merged_by_babel = _everything_formatted()  # babel merged the files itself
    paths = {name: locale_data.save(name, tmp_path / f"{name}.pickle") for name in NAMES}
    localedata._cache.clear()
    locale_data._primed.clear()
    for name, path in paths.items():
        assert locale_data.prime(name, path)
        assert set(localedata._cache) == set(NAMES[: NAMES.index(name) + 1])  # nothing merged
    assert _everything_formatted() == merged_by_babel
    assert merged_by_babel[0] == "lunes, 11 de enero de 2027" and "100,000" in merged_by_babel


def test_data_saved_by_another_babel_is_not_used(tmp_path: Path, fresh_babel: None) -> None:
    path = locale_data.save("es_MX", tmp_path / "es_MX.pickle")
    saved = pickle.loads(path.read_bytes())
    path.write_bytes(pickle.dumps({**saved, "babel": "0.1"}))
    localedata._cache.clear()  # saving merged it
    assert not locale_data.prime("es_MX", path)
    assert "es_MX" not in localedata._cache  # babel merges as usual
    assert formatting.medium_date(date(2026, 9, 1), "es") == "1 de septiembre de 2026"


def test_missing_or_damaged_data_falls_back_to_babel(tmp_path: Path, fresh_babel: None) -> None:
    assert not locale_data.prime("es_MX", tmp_path / "nowhere.pickle")
    locale_data._primed.clear()
    damaged = tmp_path / "damaged.pickle"
    damaged.write_bytes(b"\x80\x05not a pickle")
    assert not locale_data.prime("es_MX", damaged)
    assert formatting.number(100_000, "es") == "100,000"


def test_the_build_saved_both_locales() -> None:
    """``make`` (tools/catalogs.py compile) wrote them where the app reads them."""
    for name in NAMES:
        saved = pickle.loads(locale_data.cache_path(name).read_bytes())
        assert saved["name"] == name and saved["babel"] == babel.__version__
