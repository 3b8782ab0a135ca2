"""Gettext catalogs for every domain: extract, update, fill English, compile, check.

Domains keep parts of the program apart so they can be translated independently:
``legalaid`` (core and command line), ``documents`` (the printed papers), ``ui`` (the client).

    python tools/catalogs.py update [DOMAIN...]  # extract, merge into es/en .po, fill English
    python tools/catalogs.py compile             # .po -> .mo
    python tools/catalogs.py check [DOMAIN...]   # fail on stale, empty, fuzzy, mismatched
"""

from __future__ import annotations

import sys
from io import BytesIO
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

from legalaid import locale_data

ROOT = Path(__file__).resolve().parent.parent
LOCALES = ROOT / "locales"
LANGUAGES = ("es", "en")
KEYWORDS = {
    "_": None,
    "gettext": None,
    "ngettext": (1, 2),
    "pgettext": ((1, "c"), 2),
    "npgettext": ((1, "c"), 2, 3),
    "N_": None,
    "NP_": ((1, "c"), 2),
}
# domain -> (folder, path prefixes inside it to skip)
DOMAINS: dict[str, tuple[str, tuple[str, ...]]] = {
    "legalaid": ("legalaid", ("documents/", "migrations/")),
    "documents": ("legalaid/documents", ()),
    "ui": ("ui", ()),
}


def extract(domain: str) -> Catalog:
    folder, skip = DOMAINS[domain]
    catalog = Catalog(project="LegalAid", domain=domain, charset="utf-8")
    base = ROOT / folder
    if not base.exists():
        return catalog
    method_map = [("**.py", "python")]

    def callback(filename: str, method: str, options: dict[str, str]) -> None:
        return None

    for filename, lineno, message, comments, context in extract_from_dir(
        str(base),
        method_map,
        keywords=KEYWORDS,
        comment_tags=("TRANSLATORS:",),
        callback=callback,
        strip_comment_tags=True,
    ):
        if any(filename.replace("\\", "/").startswith(s) for s in skip):
            continue
        catalog.add(
            message,
            None,
            [(f"{folder}/{filename}", lineno)],
            auto_comments=comments,
            context=context,
        )
    return catalog


def po_path(lang: str, domain: str) -> Path:
    return LOCALES / lang / "LC_MESSAGES" / f"{domain}.po"


def read(path: Path) -> Catalog:
    with path.open("rb") as handle:
        return read_po(handle)


def write(path: Path, catalog: Catalog) -> None:
    buffer = BytesIO()
    write_po(
        buffer, catalog, width=100, omit_header=False, sort_output=True, include_previous=False
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(buffer.getvalue())


def update(domains: list[str]) -> None:
    for domain in domains:
        template = extract(domain)
        write(LOCALES / f"{domain}.pot", template)
        for lang in LANGUAGES:
            path = po_path(lang, domain)
            catalog = read(path) if path.exists() else Catalog(locale=lang, domain=domain)
            catalog.update(template, no_fuzzy_matching=True)
            catalog.obsolete.clear()
            catalog.project, catalog.version = "LegalAid", ""
            catalog.copyright_holder = "LegalAid contributors"
            catalog.msgid_bugs_address = ""
            catalog.last_translator = "LegalAid translators"
            catalog.language_team = "LegalAid"
            catalog.fuzzy = False
            if lang == "en":
                fill_english(catalog)
            write(path, catalog)


def fill_english(catalog: Catalog) -> None:
    """English is the source language: an empty English entry takes its msgid."""
    for message in catalog:
        if not message.id:
            continue
        if isinstance(message.id, tuple | list):
            if not any(message.string or ()):
                message.string = (message.id[0], message.id[1])
        elif not message.string:
            message.string = message.id
        message.flags.discard("fuzzy")


def compile_all() -> None:
    for path in LOCALES.glob("*/LC_MESSAGES/*.po"):
        with path.with_suffix(".mo").open("wb") as handle:
            write_mo(handle, read(path))
    locale_data.save_all(LOCALES)  # babel's data for each locale, merged once (a faster start)


def problems(domains: list[str] | None = None) -> list[str]:
    found: list[str] = []
    for domain in domains or list(DOMAINS):
        fresh = {
            (m.id if isinstance(m.id, str) else m.id[0], m.context) for m in extract(domain) if m.id
        }
        for lang in LANGUAGES:
            path = po_path(lang, domain)
            if not path.exists():
                found.append(f"{path}: missing")
                continue
            catalog = read(path)
            have = {
                (m.id if isinstance(m.id, str) else m.id[0], m.context) for m in catalog if m.id
            }
            for msgid, ctx in sorted(fresh - have, key=str):
                found.append(
                    f"{path.name} [{lang}]: not in catalog (run update): {ctx!r} {msgid!r}"
                )
            for msgid, ctx in sorted(have - fresh, key=str):
                found.append(f"{path.name} [{lang}]: no longer in the code: {ctx!r} {msgid!r}")
            found.extend(_entry_problems(catalog, f"{domain}.po [{lang}]"))
    return found


def _entry_problems(catalog: Catalog, where: str) -> list[str]:
    out = [f"{where}: the header is marked fuzzy"] if catalog.fuzzy else []
    for message in catalog:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple | list) else [message.string]
        if not all(strings):
            out.append(f"{where}: untranslated: {message.id!r}")
        if message.fuzzy:
            out.append(f"{where}: fuzzy: {message.id!r}")
    for message, errors in catalog.check():
        for error in errors:
            out.append(f"{where}: {message.id!r}: {error}")
    return out


def main(argv: list[str]) -> int:
    command = argv[0] if argv else "check"
    domains = argv[1:] or list(DOMAINS)
    if any(d not in DOMAINS for d in domains):
        print(f"unknown domain; use one of {', '.join(DOMAINS)}")
        return 2
    if command == "update":
        update(domains)
    elif command == "compile":
        compile_all()
    elif command == "check":
        issues = problems(domains)
        for line in issues:
            print(line)
        return 1 if issues else 0
    else:
        print(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
