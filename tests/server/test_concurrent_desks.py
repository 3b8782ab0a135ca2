"""Ten desks saving households on the office server at once (ten threads, each its own
connection, through the household save service, for a minute, under two logins): every
committed save is in the tables and in the change log exactly once, and none is lost (each
household's version went up by one per committed save, each save over a different version);
each login's device numbered its changes 1, 2, 3... with no gap and no repeat."""

from __future__ import annotations

import json
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

from legalaid.errors import ConflictError
from tests.core.helpers import family
from tests.server.desks import draft_of

DESKS = 10
SECONDS = 60.0  # a minute of ten desks, as an office morning might bring


def desk_loop(url: str, home: Path, case_ids: list[str], name: str, out: dict[str, Any]) -> None:
    import random

    from legalaid.server.context import open_server
    from legalaid.services.cases import get_case
    from legalaid.services.households import save_household

    ctx = open_server(url, home, ask=False)
    rng = random.Random(name)
    saved: list[tuple[str, int, str]] = []
    refused = 0
    failed: list[BaseException] = []
    try:
        end = time.monotonic() + SECONDS
        n = 0
        while time.monotonic() < end:
            n += 1
            detail = get_case(ctx, rng.choice(case_ids))
            note = f"{name}-{n}"
            result = save_household(ctx, draft_of(detail, note))
            if result.error is None:
                saved.append((detail.case.id, detail.case.version, note))
            elif isinstance(result.error, ConflictError):
                refused += 1  # another desk saved this household first: told, nothing written
            else:
                failed.append(result.error)
    except BaseException as error:  # reported by the test, not lost in the thread
        failed.append(error)
    finally:
        ctx.close()
    out[name] = {"saved": saved, "refused": refused, "failed": failed}


def test_ten_desks_at_once_lose_nothing_and_log_each_save_once(
    office: Any, server_ctx: Any, tmp_path: Path
) -> None:
    cases = [family(server_ctx, given=f"Persona{i}", a_number=None).case for i in range(12)]
    ids = [c.id for c in cases]
    with office.superuser() as conn:
        before = dict(conn.execute('SELECT id, version FROM "case"').fetchall())
    # Two logins: desks of one login share its device (their saves number in turn), desks of
    # the other login number under another, at the same time.
    urls = [office.url(office.lawyer if i % 2 else office.volunteer) for i in range(DESKS)]
    out: dict[str, Any] = {}
    threads = [
        threading.Thread(target=desk_loop, args=(urls[i], tmp_path / f"d{i}", ids, f"d{i}", out))
        for i in range(DESKS)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(out) == sorted(f"d{i}" for i in range(DESKS))
    assert [r["failed"] for r in out.values()] == [[]] * DESKS
    saved = [s for r in out.values() for s in r["saved"]]
    assert len(saved) >= 2 * DESKS  # every desk got through, not one at a time for long
    with office.superuser() as conn:
        after = {
            row[0]: row[1:]
            for row in conn.execute('SELECT id, version, notes, city FROM "case"').fetchall()
        }
        logged = conn.execute(
            "SELECT row_id, fields FROM change_log WHERE table_name = 'case' AND op = 'update'"
        ).fetchall()
    per_case: dict[str, list[tuple[int, str]]] = {}
    for case_id, version, note in saved:
        per_case.setdefault(case_id, []).append((version, note))
    for case_id in ids:
        mine = sorted(per_case.get(case_id, []))
        versions = [v for v, _note in mine]
        # No lost update: each committed save went over a different version, one after another.
        assert versions == list(range(before[case_id], before[case_id] + len(mine)))
        version, notes, city = after[case_id]
        assert version == before[case_id] + len(mine)
        if mine:  # the last save is what the household holds
            assert notes == mine[-1][1] and city == mine[-1][1]
    # Every committed save is in the change log once; nothing of a refused save is.
    notes_logged = Counter(
        json.loads(fields).get("notes") for row_id, fields in logged if row_id in before
    )
    notes_logged.pop(None, None)
    assert notes_logged == Counter(note for _c, _v, note in saved)
    assert max(notes_logged.values()) == 1
    with office.superuser() as conn:
        numbering = conn.execute(
            "SELECT device, count(*), count(DISTINCT seq), min(seq), max(seq) FROM change_log"
            " GROUP BY device"
        ).fetchall()
    assert len(numbering) == 2  # one device per login
    for _device, entries, distinct, first, last in numbering:
        assert entries == distinct == last and first == 1
