"""Exchange figures: sealing and opening an exchange file of 10,000 changed records, and the
possible-duplicates finder over a home's people, each beside a same-run baseline.

    .venv/bin/python tests/benchmarks/bench_exchange.py [--records 10000] [--people 20000]
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
import zlib
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from legalaid.exchange import container  # noqa: E402
from legalaid.exchange.identity import OfficeKeys  # noqa: E402
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


def best(fn, repeat: int = 3) -> float:  # type: ignore[no-untyped-def]
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


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--records", type=int, default=10_000)
    parser.add_argument("--people", type=int, default=20_000)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    sender = OfficeKeys.generate("Tijuana", "TIJ")
    receiver = OfficeKeys.generate("Mexicali", "MXL")
    data = payload(args.records)
    header = {"schema": "head", "seen": {}}
    sealed = container.seal(header, data, sender, [receiver.public])

    def lookup(_office: str):  # type: ignore[no-untyped-def]
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
    for r in rows:
        print(f"{r['figure']:<70} {r['value']:>8.3f} s  (baseline {r['baseline']:.3f} s)")
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
