"""`check`: verify that the database is whole and that every stored answer is what its raw answers give.

Five checks, each listing what it found:

- **integrity**: SQLite's own ``integrity_check`` (damaged pages, broken indexes);
- **schema**: the tables and columns are those this version creates (a database of an
  older schema version is compared as its upgrade will leave it);
- **foreign keys**: no row points at a row that does not exist;
- **orphans**: no raw answers, plans, outcome parties or profile builds left behind
  for an organisation that is gone (personal data `forget` should have erased), and
  every organisation has exactly its one current submission;
- **re-derivable**: on a copy of the database, ``reprocess`` (the very code path the
  command runs) re-derives every submission from its raw answers under the
  questionnaire version it was stored with, and the result must equal what is stored.

The database itself is only read.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import ElcaError
from ..questionnaire import load_questionnaire
from ..store import session
from ..store import check as store_check
from ..store.check import Finding
from .ingest import reprocess

CHECKS: dict[str, str] = {
    "integrity": "SQLite integrity_check: pages and indexes are sound",
    "schema": "the tables and columns are the ones this version expects",
    "foreign_keys": "every reference points at an existing row",
    "orphans": "no data outlives its organisation; one current submission per organisation",
    "rederivable": "every normalised answer is re-derived from its raw answers unchanged",
}


@dataclass
class CheckOutcome:
    """One check: whether it passed, and what it found."""

    name: str
    description: str
    status: str  # passed | failed | skipped
    findings: list[Finding] = field(default_factory=list)
    note: str = ""


@dataclass
class CheckResult:
    """The outcome of `check` on one database."""

    database: str
    checks: list[CheckOutcome]
    submissions: int = 0
    ok: bool = field(init=False)  # no check failed (a field, so that --format json carries it)

    def __post_init__(self) -> None:
        self.ok = all(c.status != "failed" for c in self.checks)

    @property
    def findings(self) -> list[Finding]:
        return [f for c in self.checks for f in c.findings]


def check_database(db_path: Path, *, rederive: bool = True) -> CheckResult:
    """Run every check on the database at ``db_path`` (which must exist); never writes to it."""
    outcomes: list[CheckOutcome] = []
    with session(db_path, create=False, upgrade=False) as opened:
        db = opened.db
        outcomes.append(_outcome("integrity", store_check.integrity(db)))
        if outcomes[0].findings:
            # a damaged file gives misleading answers to every later query
            outcomes += [CheckOutcome(name, CHECKS[name], "skipped", note="the file is damaged")
                         for name in ("schema", "foreign_keys", "orphans", "rederivable")]
            return CheckResult(str(db_path), outcomes)
        findings, note = store_check.schema(db)
        outcomes.append(_outcome("schema", findings))
        outcomes[-1].note = note
        with store_check.snapshot(db):
            outcomes.append(_outcome("foreign_keys", store_check.foreign_keys(db)))
            outcomes.append(_outcome("orphans", store_check.orphans(db)))
        submissions = 0
        if not rederive:
            outcomes.append(CheckOutcome("rederivable", CHECKS["rederivable"], "skipped", note="--quick"))
        elif findings:
            # re-deriving runs the ingest code, which needs the expected tables
            outcomes.append(CheckOutcome("rederivable", CHECKS["rederivable"], "skipped",
                                         note="the tables are not the expected ones"))
        else:
            found, submissions = rederivation_findings(db)
            outcomes.append(_outcome("rederivable", found))
            outcomes[-1].note = f"{submissions} submissions re-derived"
    return CheckResult(str(db_path), outcomes, submissions)


def _outcome(name: str, findings: list[Finding]) -> CheckOutcome:
    return CheckOutcome(name, CHECKS[name], "failed" if findings else "passed", findings)


def rederivation_findings(db) -> tuple[list[Finding], int]:
    """Re-derive every submission on a copy of ``db`` and list those whose answers differ.

    Each questionnaire version present is re-derived under that same version, so answers
    stored under an older definition are compared with what that definition gives.
    """
    findings: list[Finding] = []
    with tempfile.TemporaryDirectory(prefix="elca-check-") as tmp:
        snapshot = Path(tmp) / "snapshot.db"
        store_check.copy_database(db, snapshot)
        with session(snapshot, create=False) as copy:
            versions, submissions = store_check.versions_and_count(copy.db)
        for number, version in enumerate(versions):
            try:
                questionnaire = load_questionnaire(version)
            except ElcaError as exc:
                findings.append(Finding("rederivable", "submissions", None,
                                        f"submissions stored under questionnaire {version} cannot be re-derived: {exc}"))
                continue
            work = Path(tmp) / f"rederived-{number}.db"
            shutil.copyfile(snapshot, work)
            with session(work, create=False) as copy:
                store_check.clear_answers(copy.db, version)
            result = reprocess(work, questionnaire)
            reasons = {(f["file"], f["row"]): " ".join(f["reasons"]) for f in result.failed}
            with session(work, create=False) as copy:
                for difference in store_check.rederived_differences(copy.db, snapshot, version):
                    findings += _compare(difference, reasons)
    return findings, submissions


def _compare(found: store_check.Rederived, reasons: dict[tuple[str, int], str]) -> list[Finding]:
    where = f"submission {found.id} ({found.file} row {found.row_number})"
    if found.after is None or found.after == "null":
        why = reasons.get((found.file, found.row_number), "its raw answers could not be read")
        return [Finding("rederivable", "submissions", found.id,
                        f"{where} no longer validates under {found.questionnaire_version}: {why}")]
    try:
        old = json.loads(found.before)
    except ValueError:
        old = None
    new = json.loads(found.after)
    if old == new:
        return []  # the same answers written differently (key order, spacing)
    if not isinstance(old, dict):
        return [Finding("rederivable", "submissions", found.id, f"{where} has stored answers that are not a JSON object")]
    differ = sorted(k for k in set(old) | set(new) if old.get(k) != new.get(k))
    shown = ", ".join(f"{k} stored {old.get(k)!r} but raw answers give {new.get(k)!r}" for k in differ[:3])
    more = f" and {len(differ) - 3} more" if len(differ) > 3 else ""
    return [Finding("rederivable", "submissions", found.id, f"{where}: {shown}{more}")]
