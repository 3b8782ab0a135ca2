"""Exchange figures: sealing and opening an exchange file of 10,000 changed records, the
possible-duplicates finder over a home's people, signing and verifying changes, and importing
a file of 10,000 changed records on the office's PostgreSQL server beside the same file on a
SQLite home, each beside a same-run baseline.

    .venv/bin/python tests/benchmarks/bench_exchange.py [--records 10000] [--people 20000]
        [--no-pg]
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
import zlib
from collections.abc import Callable
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from legalaid.exchange import container  # noqa: E402
from legalaid.exchange.identity import OfficeKeys, PublicIdentity  # noqa: E402
from legalaid.matching import Someone, find, words  # noqa: E402
from tests.benchmarks.figures import row  # noqa: E402

GIVEN = [
    "José",
    "María",
    "Juan",
    "Ana",
    "Luis",
    "Rosa",
    "Carlos",
    "Lucía",
    "Pedro",
    "Elena",
    "Yesenia",
    "Wilmer",
    "Kevin",
    "Dayana",
    "Brayan",
    "Heidy",
    "Óscar",
    "Ángel",
    "Iris",
]
FAMILY = [
    "Hernández",
    "García",
    "López",
    "Martínez",
    "Pérez",
    "Gómez",
    "Ruiz",
    "Díaz",
    "Reyes",
    "Cruz",
    "Morales",
    "Ortiz",
    "Ramos",
    "Flores",
    "Castillo",
    "Mejía",
    "Aguilar",
    "Chávez",
    "Vásquez",
    "Romero",
    "Alvarado",
    "Zelaya",
    "Orellana",
    "Cabrera",
]


def payload(records: int) -> bytes:
    rng = random.Random(3)
    lines = []
    for i in range(records):
        lines.append(
            json.dumps(
                {
                    "id": f"7f3a9c2e-0000-4000-8000-{i:012d}:{i}",
                    "table": "person",
                    "row": f"{rng.getrandbits(128):032x}",
                    "fields": {
                        "given_names": rng.choice(GIVEN),
                        "family_names": f"{rng.choice(FAMILY)} {rng.choice(FAMILY)}",
                        "birth_date": f"19{rng.randrange(50, 99)}-0{rng.randrange(1, 9)}-1{i % 9}",
                    },
                    "bases": {"given_names": None, "family_names": None, "birth_date": None},
                    "hlc": f"{1764900000000 + i:015d}-0000",
                },
                ensure_ascii=False,
            )
        )
    return "\n".join(lines).encode()


def best(fn: Callable[[], object], repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return min(times)


def people(count: int) -> list[Someone]:
    rng = random.Random(9)
    out = []
    for i in range(count):
        out.append(
            Someone(
                f"p{i}",
                f"c{i // 3}",
                rng.choice(GIVEN),
                f"{rng.choice(FAMILY)} {rng.choice(FAMILY)}",
                date(1960 + rng.randrange(60), 1 + rng.randrange(12), 1 + rng.randrange(28)),
            )
        )
    return out


def exchange_figures(households: int, conflicts: int) -> list[dict[str, object]]:
    """Two encrypted homes: export, import, re-import, and conflicts found."""
    import tempfile

    from legalaid.exchange import sync
    from legalaid.home import open_home
    from legalaid.services.case_edit import edit_case
    from legalaid.services.demo import generate_demo
    from legalaid.services.offices import add_office, identity_file, init_office, trust_office

    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        tij = open_home(root / "tij", passphrase="correct horse battery staple 2026")
        mxl = open_home(root / "mxl", passphrase="correct horse battery staple 2026")
        for ctx, name, prefix in ((tij, "Tijuana", "TIJ"), (mxl, "Mexicali", "MXL")):
            ctx.settings.staff_name = name
            init_office(ctx, name, prefix)
        for one, other in ((tij, mxl), (mxl, tij)):
            info, _new = add_office(one, identity_file(other))
            trust_office(one, info.name, info.fingerprint)
        generate_demo(tij, households, seed=11)
        with tij.db.write() as session:
            office_id = add_office(tij, identity_file(mxl))[0].office_id
            session.connection().exec_driver_sql(
                "INSERT INTO case_share (case_id, office_id, shared_at, shared_by)"
                " SELECT id, ?, CURRENT_TIMESTAMP, 'bench' FROM \"case\"",
                (office_id,),
            )
        path = root / "envio.bin"
        started = time.perf_counter()
        exported = sync.export_for(tij, "Mexicali", path)
        export_s = time.perf_counter() - started
        started = time.perf_counter()
        summary = sync.import_file(mxl, path)
        import_s = time.perf_counter() - started
        started = time.perf_counter()
        again = sync.import_file(mxl, path)
        reimport_s = time.perf_counter() - started
        assert again.already and summary.changes == exported.changes
        started = time.perf_counter()
        generate_demo(mxl, households // 4, seed=12)  # baseline: writing rows of its own
        baseline_s = time.perf_counter() - started
        # Concurrent edits of one field at both offices: every one must be a conflict.
        with tij.db.read() as session:
            numbers = [
                r[0]
                for r in session.connection().exec_driver_sql(
                    'SELECT case_number FROM "case" ORDER BY case_number LIMIT ?', (conflicts,)
                )
            ]
        for number in numbers:
            edit_case(tij, number, ["notes=visto en Tijuana"])
            edit_case(mxl, number, ["notes=visto en Mexicali"])
        sync.export_for(tij, "Mexicali", root / "a.bin")
        found = sync.import_file(mxl, root / "a.bin").conflicts
        sync.export_for(mxl, "Tijuana", root / "b.bin")
        sync.import_file(tij, root / "b.bin")
        # Sequential edits (each after the other's file arrived): none may be a conflict.
        for number in numbers:
            edit_case(tij, number, ["phone=+52 664 000"])
        sync.export_for(tij, "Mexicali", root / "c.bin")
        sync.import_file(mxl, root / "c.bin")
        for number in numbers:
            edit_case(mxl, number, ["phone=+52 686 000"])
        sync.export_for(mxl, "Tijuana", root / "d.bin")
        false = sync.import_file(tij, root / "d.bin").conflicts
        tij.close()
        mxl.close()
    return [
        row(
            f"export {exported.changes:,} changes ({households:,} households, encrypted)",
            export_s,
            "s",
            baseline_s,
            f"demo of {households // 4:,} households",
            "≤ 3 s",
            export_s <= 3,
        ),
        row(
            "import them (encrypted home)",
            import_s,
            "s",
            baseline_s,
            f"demo of {households // 4:,} households",
            "≤ 5 s",
            import_s <= 5,
        ),
        row(
            "import the same file again",
            reimport_s,
            "s",
            import_s,
            "the first import",
            "≤ 0.5 s",
            reimport_s <= 0.5,
        ),
        row(
            f"conflicts found among {len(numbers):,} concurrent edits",
            found,
            "conflicts",
            len(numbers),
            "concurrent edits",
            "100%",
            found == len(numbers),
        ),
        row(
            f"false conflicts among {len(numbers):,} sequential edits",
            false,
            "conflicts",
            None,
            "",
            "0",
            false == 0,
        ),
    ]


def signing_figures(records: int) -> list[dict[str, object]]:
    """Ed25519 over the canonical encoding of ``records`` change entries: signing (once, when
    a change first leaves its home) and verifying (every import)."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from legalaid.exchange.identity import canonical
    from legalaid.exchange.signing import change_message

    entries = [json.loads(line) for line in payload(records).decode().split("\n")]
    key = Ed25519PrivateKey.generate()
    public = key.public_key()
    encode_s = best(lambda: [canonical(e) for e in entries])
    signatures = [key.sign(change_message(e)) for e in entries]
    sign_s = best(lambda: [key.sign(change_message(e)) for e in entries])
    verify_s = best(
        lambda: [
            public.verify(sig, change_message(e))
            for sig, e in zip(signatures, entries, strict=True)
        ]
    )
    return [
        row(
            f"sign {records:,} change entries (Ed25519, canonical JSON)",
            sign_s,
            "s",
            encode_s,
            "the canonical encoding alone",
            "",
            None,
        ),
        row(
            f"verify {records:,} change entries",
            verify_s,
            "s",
            encode_s,
            "the canonical encoding alone",
            "",
            None,
        ),
    ]


def pg_figures(households: int) -> list[dict[str, object]]:
    """One exchange file of a SQLite office's households, imported by an office whose data is
    on a PostgreSQL server and by an office on a SQLite home, in the same run."""
    import tempfile

    from legalaid.exchange import sync
    from legalaid.home import open_home
    from legalaid.server.context import open_server
    from legalaid.server.users import init_server
    from legalaid.services.demo import generate_demo
    from legalaid.services.offices import add_office, identity_file, init_office, trust_office
    from tests.postgres import Cluster, bindir

    folder = bindir()
    if folder is None:
        print("PostgreSQL is not installed: no server figures", file=sys.stderr)
        return []
    cluster = Cluster(folder).start()
    try:
        dbname = cluster.create_database()
        init_server(cluster.url(dbname), admin="bench_admin", password="una clave de prueba 1")
        url = cluster.url(dbname, "bench_admin") + "&password=una%20clave%20de%20prueba%201"
        with tempfile.TemporaryDirectory() as temp:
            root = Path(temp)
            mxl = open_home(root / "mxl", unencrypted=True)
            sqlite_tij = open_home(root / "tij", unencrypted=True)
            server = open_server(url, root / "desk", ask=False)
            names = {}
            for ctx, name, prefix in (
                (mxl, "Mexicali", "MXL"),
                (sqlite_tij, "Tijuana SQLite", "TIJ"),
                (server, "Tijuana servidor", "TIJS"),
            ):
                ctx.settings.staff_name = name
                init_office(ctx, name, prefix)
                names[id(ctx)] = name
            for other in (sqlite_tij, server):
                for one, two in ((mxl, other), (other, mxl)):
                    info, _new = add_office(one, identity_file(two))
                    trust_office(one, info.name, info.fingerprint)
            generate_demo(mxl, households, seed=21)
            with mxl.db.write() as session:
                session.connection().exec_driver_sql(
                    "INSERT INTO case_share (case_id, office_id, shared_at, shared_by)"
                    " SELECT c.id, o.id, CURRENT_TIMESTAMP, 'bench' FROM \"case\" c, office o"
                    " WHERE o.state = 'trusted'"
                )
            to_sqlite, to_server = root / "sqlite.bin", root / "server.bin"
            started = time.perf_counter()
            exported = sync.export_for(mxl, "Tijuana SQLite", to_sqlite)
            export_s = time.perf_counter() - started  # signs every change: the first time out
            sync.export_for(mxl, "Tijuana servidor", to_server)
            started = time.perf_counter()
            on_sqlite = sync.import_file(sqlite_tij, to_sqlite)
            sqlite_s = time.perf_counter() - started
            started = time.perf_counter()
            on_server = sync.import_file(server, to_server)
            server_s = time.perf_counter() - started
            assert on_sqlite.changes == on_server.changes == exported.changes
            for ctx in (mxl, sqlite_tij, server):
                ctx.close()
    finally:
        cluster.stop()
    return [
        row(
            f"export {exported.changes:,} changes, each signed the first time",
            export_s,
            "s",
            None,
            "",
            "",
            None,
        ),
        row(
            f"import {exported.changes:,} changes on the PostgreSQL server",
            server_s,
            "s",
            sqlite_s,
            "the same file imported on a SQLite home",
            "≤ 10 s",
            server_s <= 10,
        ),
        row(
            f"import {exported.changes:,} changes on a SQLite home (unencrypted)",
            sqlite_s,
            "s",
            None,
            "",
            "",
            None,
        ),
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--records", type=int, default=10_000)
    parser.add_argument("--people", type=int, default=20_000)
    parser.add_argument("--households", type=int, default=1_000)  # ~10,700 records
    parser.add_argument("--conflicts", type=int, default=1_000)
    parser.add_argument("--json", type=Path)
    parser.add_argument("--pg-households", type=int, default=920)
    parser.add_argument("--no-pg", action="store_true", help="leave out the server figures")
    parser.add_argument("--only-pg", action="store_true", help="the signing and server figures")
    args = parser.parse_args()
    if args.only_pg:
        rows = signing_figures(args.records) + pg_figures(args.pg_households)
        for r in rows:
            print(f"{r['figure']:<70} {r['value']:>10.3f} {r['unit']}  (baseline {r['baseline']})")
        if args.json:
            args.json.write_text(json.dumps(rows, indent=2))
        return 0
    sender = OfficeKeys.generate("Tijuana", "TIJ")
    receiver = OfficeKeys.generate("Mexicali", "MXL")
    data = payload(args.records)
    header = {"schema": "head", "seen": {}}
    sealed = container.seal(header, data, sender, [receiver.public])

    def lookup(_office: str) -> tuple[PublicIdentity, str]:
        return (sender.public, "trusted")

    seal_s = best(lambda: container.seal(header, data, sender, [receiver.public]))
    open_s = best(lambda: container.open_sealed(sealed, receiver, lookup))
    zlib_s = best(lambda: zlib.decompress(zlib.compress(data, 6)))
    crowd = people(args.people)
    fold_s = best(
        lambda: [words(p.given_names + " " + p.family_names) for p in people(args.people)], 1
    )
    find_s = best(lambda: find(people(args.people)), 1)
    pairs = len(find(crowd))
    rows = [
        row(
            f"seal an exchange file of {args.records:,} records ({len(data) / 1e6:.1f} MB)",
            seal_s,
            "s",
            zlib_s,
            "zlib compress+decompress of the same bytes",
            "≤ 3 s",
            seal_s <= 3,
        ),
        row(
            f"open and verify it ({len(sealed) / 1e6:.2f} MB sealed)",
            open_s,
            "s",
            zlib_s,
            "zlib compress+decompress of the same bytes",
            "part of import ≤ 5 s",
            open_s <= 5,
        ),
        row(
            f"possible duplicates among {args.people:,} people ({pairs} pairs)",
            find_s,
            "s",
            fold_s,
            "folding every name once",
            "",
            None,
        ),
    ]
    rows += exchange_figures(args.households, args.conflicts)
    rows += signing_figures(args.records)
    if not args.no_pg:
        rows += pg_figures(args.pg_households)
    for r in rows:
        print(f"{r['figure']:<70} {r['value']:>10.3f} {r['unit']}  (baseline {r['baseline']})")
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
