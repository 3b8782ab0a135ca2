"""Two offices meet: identities exchanged, fingerprints compared, trust given and taken back."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest

from tests.cli.test_cli import run


def ok(*args: str, home: Path, lang: str = "en") -> str:
    result = run(*args, home=home, lang=lang)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    return result.stdout


def fails(*args: str, home: Path, lang: str = "en", code: int = 1) -> str:
    result = run(*args, home=home, lang=lang)
    assert result.returncode == code, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    return result.stderr


@pytest.fixture(scope="module")
def two_offices(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    root = tmp_path_factory.mktemp("offices")
    tij, mxl = root / "tijuana", root / "mexicali"
    out = ok("office", "init", "--name", "Albergue Juventud 2000", "--prefix", "tij", home=tij)
    assert "Albergue Juventud 2000" in out and "TIJ" in out
    ok("office", "init", "--name", "Casa del Migrante Mexicali", "--prefix", "MXL", home=mxl)
    return root, tij, mxl


def fingerprint_of(home: Path) -> str:
    return ok("office", "fingerprint", home=home).strip().splitlines()[-1]


def test_init_twice_is_refused_and_prefix_becomes_the_case_prefix(
    two_offices: tuple[Path, Path, Path],
) -> None:
    _root, tij, _mxl = two_offices
    message = fails("office", "init", "--name", "Otro", "--prefix", "OTR", home=tij)
    assert "already is the office Albergue Juventud 2000" in message
    settings = json.loads(ok("settings", "--json", home=tij))
    assert settings["office_prefix"] == "TIJ"


def test_bad_prefix_and_missing_identity(tmp_path: Path) -> None:
    home = tmp_path / "home"
    message = fails("office", "init", "--name", "X", "--prefix", "tijuana-1", home=home)
    assert "2 to 6 capital letters" in message
    message = fails("office", "fingerprint", home=home, lang="es")
    assert "legalaid office init" in message and "todavía" in message


def test_exchange_identities_compare_and_trust(two_offices: tuple[Path, Path, Path]) -> None:
    root, tij, mxl = two_offices
    card = root / "tijuana.identity"
    ok("office", "export-identity", "-o", str(card), home=tij)
    assert stat.S_IMODE(card.stat().st_mode) == 0o600
    assert b"private" not in card.read_bytes()

    added = ok("office", "add", str(card), home=mxl)
    tij_fp = fingerprint_of(tij)
    assert added.strip().splitlines()[-1] == tij_fp
    again = ok("office", "add", str(card), home=mxl)
    assert "already known" in again

    listed = json.loads(ok("office", "list", "--json", home=mxl))
    assert [o["state"] for o in listed] == ["self", "added"]
    assert listed[1]["fingerprint"] == tij_fp

    wrong = tij_fp[:-1] + ("0" if tij_fp[-1] != "0" else "1")
    message = fails("office", "trust", "TIJ", "--fingerprint", wrong, home=mxl)
    assert "does not match" in message
    assert json.loads(ok("office", "list", "--json", home=mxl))[1]["state"] == "added"
    message = fails("office", "trust", "TIJ", "--fingerprint", "12345", home=mxl)
    assert "30 digits" in message

    ok(
        "office",
        "trust",
        "Albergue Juventud 2000",
        "--fingerprint",
        tij_fp.replace(" ", "-"),
        home=mxl,
    )
    assert json.loads(ok("office", "list", "--json", home=mxl))[1]["state"] == "trusted"
    text = ok("office", "list", home=mxl, lang="es")
    assert "de confianza" in text and "esta oficina" in text

    ok("office", "revoke", "tij", home=mxl)
    assert json.loads(ok("office", "list", "--json", home=mxl))[1]["state"] == "revoked"
    history = ok("history", "--help", home=mxl)
    assert history


def test_own_identity_unknown_names_and_damaged_files(
    two_offices: tuple[Path, Path, Path],
) -> None:
    root, tij, mxl = two_offices
    own = root / "own.identity"
    ok("office", "export-identity", "-o", str(own), home=tij)
    assert "own" in fails("office", "add", str(own), home=tij)
    assert "no office called" in fails(
        "office", "trust", "Nadie", "--fingerprint", "1" * 30, home=mxl
    )
    damaged = root / "damaged.identity"
    damaged.write_bytes(own.read_bytes().replace(b"TIJ", b"TIX"))
    assert "not a LegalAid office identity" in fails("office", "add", str(damaged), home=mxl)
    missing = fails("office", "add", str(root / "nope.identity"), home=mxl)
    assert "nope.identity" in missing
    big = root / "big.identity"
    big.write_bytes(b"x" * 100_000)
    assert "too large" in fails("office", "add", str(big), home=mxl)
    assert fails("office", "frobnicate", home=mxl, code=2)


def test_same_id_with_other_keys_is_refused(two_offices: tuple[Path, Path, Path]) -> None:
    """An identity file re-made with the Tijuana office's id but other keys: an impersonation."""
    from legalaid.exchange.identity import OfficeKeys, PublicIdentity, export_identity

    root, tij, mxl = two_offices
    card = root / "t2.identity"
    ok("office", "export-identity", "-o", str(card), home=tij)
    real = json.loads(card.read_bytes())
    fake_keys = OfficeKeys.generate(real["name"], real["prefix"])
    impostor = OfficeKeys(
        PublicIdentity(
            real["office_id"],
            real["name"],
            real["prefix"],
            fake_keys.public.sign_public,
            fake_keys.public.kem_public,
        ),
        fake_keys.sign_private,
        fake_keys.kem_private,
    )
    forged = root / "forged.identity"
    forged.write_bytes(export_identity(impostor))
    message = fails("office", "add", str(forged), home=mxl)
    assert "impersonating" in message
