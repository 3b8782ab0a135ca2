"""Shared fixtures: offscreen Qt, a fresh LegalAid home per test, the language reset after."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from legalaid.context import AppContext
from legalaid.home import open_home
from legalaid.i18n import set_language

SCREENS = Path(__file__).resolve().parent / "screens"


def pytest_configure(config: pytest.Config) -> None:
    """Offscreen Qt on a laptop's screen: 1366x768, the shelters' old laptops (the offscreen
    platform's own screen is 800x600). tests/screens/ holds the screens' descriptions; the
    QApplication is made later, by the first test that needs it."""
    if os.environ["QT_QPA_PLATFORM"] == "offscreen":
        os.environ["QT_QPA_PLATFORM"] = f"offscreen:configfile={SCREENS / '1366x768.json'}"


@pytest.fixture(autouse=True)
def _spanish_by_default() -> Iterator[None]:
    set_language("es")
    yield
    set_language("es")


@pytest.fixture
def home(tmp_path: Path) -> Path:
    return tmp_path / "home"


@pytest.fixture
def ctx(home: Path) -> Iterator[AppContext]:
    context = open_home(home, unencrypted=True)
    context.settings.staff_name = "Ana Tester"
    yield context
    context.close()


# --- PostgreSQL (tests/postgres.py) ---------------------------------------------------------
@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[Any]:
    """A throw-away PostgreSQL cluster for the session. Skips when PostgreSQL is not installed,
    unless LEGALAID_REQUIRE_PG=1 (CI), where a missing server fails the test."""
    from tests.postgres import Cluster, bindir

    folder = bindir()
    if folder is None:
        if os.environ.get("LEGALAID_REQUIRE_PG") == "1":
            pytest.fail("PostgreSQL is not installed and LEGALAID_REQUIRE_PG=1")
        pytest.skip("PostgreSQL is not installed (tools/system-deps.sh installs it)")
    cluster = Cluster(folder)
    try:
        yield cluster.start()
    finally:
        cluster.stop()


@pytest.fixture
def pg_database(pg_cluster: Any) -> Iterator[str]:
    """A fresh empty database in the session's cluster; its libpq URL (superuser la_super)."""
    name = pg_cluster.create_database()
    yield pg_cluster.url(name)
    pg_cluster.drop_database(name)
