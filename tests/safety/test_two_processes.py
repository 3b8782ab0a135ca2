"""Two people saving the same case from two processes: the second save is refused."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from legalaid.context import AppContext
from legalaid.services.cases import get_case
from tests.core.helpers import family

SAVE = """
import sys
from legalaid.home import open_home
from legalaid.errors import ConflictError
from legalaid.services.cases import CaseInput, update_case
ctx = open_home(sys.argv[1], unencrypted=True)
ctx.settings.staff_name = sys.argv[4]
try:
    update_case(ctx, sys.argv[2], int(sys.argv[3]), CaseInput(crossing="SYS", shelter=sys.argv[4]))
    print("saved")
except ConflictError as error:
    print("refused:", error.message("es"))
"""


def _save(ctx: AppContext, case_id: str, version: int, who: str) -> str:
    result = subprocess.run(
        [sys.executable, "-c", SAVE, str(ctx.home.root), case_id, str(version), who],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return result.stdout.strip()


def test_second_process_saving_an_old_version_is_refused(ctx: AppContext) -> None:
    detail = family(ctx)
    version = detail.case.version  # both people opened the case at this version
    assert _save(ctx, detail.case.id, version, "Lupita") == "saved"
    answer = _save(ctx, detail.case.id, version, "Tomás")
    assert answer.startswith("refused: Otra persona guardó este registro")
    assert get_case(ctx, detail.case.id).case.shelter == "Lupita"


def test_the_refused_person_can_reload_and_save(ctx: AppContext, tmp_path: Path) -> None:
    detail = family(ctx)
    assert _save(ctx, detail.case.id, detail.case.version, "Lupita") == "saved"
    assert _save(ctx, detail.case.id, detail.case.version, "Tomás").startswith("refused:")
    fresh = get_case(ctx, detail.case.id).case.version
    assert fresh == detail.case.version + 1  # Lupita's save, and only hers
    assert _save(ctx, detail.case.id, fresh, "Tomás") == "saved"
    assert get_case(ctx, detail.case.id).case.shelter == "Tomás"
