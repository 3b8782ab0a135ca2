"""Three offices edit one household at random while files are lost, duplicated and reordered.
Once every file arrives: the three hold the same data and the same open conflicts, the change
record accounts for every row, and no edit was lost silently: each is the current value, was
built on by a later edit, or is in a conflict a person sees."""

from __future__ import annotations

import contextlib
import json
import os
import random
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from legalaid.context import AppContext
from legalaid.errors import NotFoundError
from legalaid.exchange import sync
from legalaid.services.case_edit import edit_case
from tests.core.helpers import family
from tests.exchange.test_sync import clean, meet, office, rows

FIELDS = ("city", "phone", "notes")
VALUES = ("uno", "dos", "tres")
NAMES = ("TIJ", "MXL", "CJS")

action = st.one_of(
    st.tuples(st.just("edit"), st.integers(0, 2), st.sampled_from(FIELDS), st.sampled_from(VALUES)),
    st.tuples(st.just("send"), st.integers(0, 2), st.integers(0, 2)),
    st.tuples(st.just("deliver"), st.integers(0, 50)),
    st.tuples(st.just("lose"), st.integers(0, 50)),
    st.tuples(st.just("resolve"), st.integers(0, 2)),
)


def _offices(root: Path) -> list[AppContext]:
    made = [office(root, f"Oficina {name}", name, f"staff {name}") for name in NAMES]
    for i in range(3):
        for j in range(i + 1, 3):
            meet(made[i], made[j])
    return made


@settings(
    # A handful in the suite; LEGALAID_PROPERTY_EXAMPLES=200 for a longer search.
    max_examples=int(os.environ.get("LEGALAID_PROPERTY_EXAMPLES", "8")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(actions=st.lists(action, min_size=4, max_size=24), seed=st.integers(0, 1000))
def test_three_offices_converge_whatever_happens_to_the_files(
    tmp_path_factory: Any, actions: list[tuple[Any, ...]], seed: int
) -> None:
    root = tmp_path_factory.mktemp("three")
    offices = _offices(root)
    rng = random.Random(seed)
    number = family(offices[0]).case.case_number
    for other in NAMES[1:]:
        sync.share_case(offices[0], number, f"Oficina {other}")
    counter = [0]

    def export(src: int, dst: int) -> Path:
        counter[0] += 1
        path = root / f"f{counter[0]}.bin"
        sync.export_for(offices[src], f"Oficina {NAMES[dst]}", path)
        return path

    def deliver(path: Path, dst: int) -> None:
        sync.import_file(offices[dst], path)
        # an office that has the case shares it on with the third office
        for k, name in enumerate(NAMES):
            if k != dst:
                with contextlib.suppress(NotFoundError):  # the case has not reached it yet
                    sync.share_case(offices[dst], number, f"Oficina {name}")

    for k in (1, 2):
        deliver(export(0, k), k)
    pool: list[tuple[Path, int]] = []
    for act in actions:
        if act[0] == "edit":
            edit_case(offices[act[1]], number, [f"{act[2]}={act[3]}"])
        elif act[0] == "send" and act[1] != act[2]:
            pool.append((export(act[1], act[2]), act[2]))
        elif act[0] == "deliver" and pool:
            path, dst = pool[act[1] % len(pool)]  # possibly again, possibly out of order
            deliver(path, dst)
        elif act[0] == "lose" and pool:
            pool.pop(act[1] % len(pool))
        elif act[0] == "resolve":
            found = sync.open_conflicts(offices[act[1]])
            if found:
                sync.resolve(offices[act[1]], found[0].id, keep=1)
    rng.shuffle(pool)
    for path, dst in pool:  # the files still travelling arrive, in any order
        deliver(path, dst)
    for _round in range(3):  # then every office sends to every other until all is told
        for i in range(3):
            for j in range(3):
                if i != j:
                    deliver(export(i, j), j)

    first = rows(offices[0])
    for later in offices[1:]:
        assert rows(later) == first
    opened = [sorted(c.id for c in sync.open_conflicts(o)) for o in offices]
    assert opened[0] == opened[1] == opened[2]
    for o in offices:
        assert clean(o) == []
    _nothing_lost(offices[0])
    for o in offices:
        o.close()


def _nothing_lost(ctx: AppContext) -> None:
    with ctx.db.connect() as conn:
        entries = conn.exec_driver_sql(
            "SELECT device, seq, fields, bases FROM change_log"
            " WHERE table_name = 'case' AND op = 'update'"
        ).all()
        heads_row = conn.exec_driver_sql(
            "SELECT heads FROM change_head WHERE table_name = 'case'"
        ).first()
        in_conflict = {
            tip["change"]
            for (tips,) in conn.exec_driver_sql("SELECT tips FROM conflict")
            for tip in json.loads(tips)
        }
        current = conn.exec_driver_sql('SELECT city, phone, notes FROM "case"').first()
    assert current is not None
    heads = json.loads(heads_row[0]) if heads_row else {}
    built_on: set[tuple[str, str]] = set()
    for _device, _seq, _fields, bases in entries:
        for name, base in json.loads(bases).items():
            for member in (base or "").split("+"):  # a merge is built on both its members
                built_on.add((name, member))
    for device, seq, fields, _bases in entries:
        ident = f"{device}:{seq}"
        for name in json.loads(fields):
            if name not in FIELDS:
                continue
            now = dict(zip(FIELDS, current, strict=True))[name]
            assert (
                heads.get(name) == ident
                or (name, ident) in built_on
                or ident in in_conflict
                or json.loads(fields)[name] == now  # the same value as the one kept
            ), f"the edit {ident} of {name} was lost"
