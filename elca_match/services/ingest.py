"""Use cases of the survey: ingest files and reprocess raw answers (members: :mod:`.members`).

Every file is read and validated before the database is opened for writing; all files
of one call are then stored in one transaction, so a rejected file changes nothing.
"""

from __future__ import annotations

import datetime as dt
import gc
import json
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import Problem, ValidationError
from ..ingest.adapters import read_with_adapter
from ..ingest.model import AdapterOutput, ColumnMapping
from ..ingest.validate import InvalidRow, ValidRow, organisation_keys, validate_rows
from ..questionnaire import Questionnaire, load_questionnaire
from ..store import session, survey, transaction
from ..tabular import Row, SourceInfo, Table, read_table

Progress = Callable[[str, int, int], None]


@dataclass
class FileResult:
    """What happened to one file."""

    file: str
    sha256: str
    adapter: str
    questionnaire_version: str
    status: str  # ingested | already ingested | dry run
    rows: int = 0
    accepted: int = 0
    new_organisations: int = 0
    updated_organisations: int = 0
    superseded: int = 0
    set_aside: int = 0
    per_cluster: dict[str, int] = field(default_factory=dict)
    mapping: list[ColumnMapping] = field(default_factory=list)
    set_aside_reasons: list[dict] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # read, but worth a look (ignored columns, no dates)


@dataclass
class IngestResult:
    """The outcome of one `ingest` call."""

    files: list[FileResult]
    database: str
    dry_run: bool = False

    @property
    def accepted(self) -> int:
        return sum(f.accepted for f in self.files)

    @property
    def set_aside(self) -> int:
        return sum(f.set_aside for f in self.files)


@dataclass
class _Analysed:
    output: AdapterOutput
    questionnaire: Questionnaire
    valid: list[ValidRow]
    invalid: list[InvalidRow]


def analyse_file(path: Path, adapter: str | None = None, ignore_unknown: bool = False,
                 questionnaire: Questionnaire | None = None) -> _Analysed:
    """Read, map and validate one file without touching any database."""
    questionnaire = questionnaire or load_questionnaire()
    table = read_table(path, lazy=True)  # a header the adapter refuses costs no row parsing
    output = read_with_adapter(table, questionnaire, adapter, ignore_unknown)
    output.warnings[:0] = table.warnings  # filled as the rows were read (repaired bytes, a foreign script)
    valid, invalid = validate_rows(output.rows, questionnaire, table.source.name)
    return _Analysed(output, questionnaire, valid, invalid)


@contextmanager
def _bulk() -> Iterator[None]:
    """Pause the cyclic garbage collector while millions of short-lived cells are made.

    Ingest creates no reference cycles worth collecting, yet the collector kept rescanning
    the growing heap: a quarter of a 100,000-row ingest's time.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def ingest_files(db_path: Path, paths: list[Path], *, skip_invalid: bool = False, dry_run: bool = False,
                 adapter: str | None = None, ignore_unknown: bool = False,
                 progress: Progress | None = None) -> IngestResult:
    """Ingest survey exports: all of them, or (on any rejection) none of them."""
    with _bulk():
        return _ingest_files(db_path, paths, skip_invalid=skip_invalid, dry_run=dry_run, adapter=adapter,
                             ignore_unknown=ignore_unknown, progress=progress)


def _ingest_files(db_path: Path, paths: list[Path], *, skip_invalid: bool, dry_run: bool,
                  adapter: str | None, ignore_unknown: bool, progress: Progress | None) -> IngestResult:
    analysed: list[_Analysed] = []
    problems: list[Problem] = []
    for index, path in enumerate(paths, 1):
        if progress:
            progress(f"reading {Path(path).name}", index - 1, len(paths))
        item = analyse_file(Path(path), adapter, ignore_unknown)
        if item.invalid and not skip_invalid:
            problems.extend(p for bad in item.invalid for p in bad.problems)
        analysed.append(item)
    if problems:
        files = ", ".join(sorted({p.file for p in problems if p.file}))
        raise ValidationError.headed(Problem("files_rejected", params={"files": files, "count": len(problems)}),
                                     problems)
    if dry_run:
        return IngestResult([_dry_result(a) for a in analysed], str(db_path), dry_run=True)
    with session(db_path) as opened:
        db = opened.db
        with transaction(db):
            results = [_store(db, item, progress) for item in analysed]
    return IngestResult(results, str(db_path))


def _dry_result(item: _Analysed) -> FileResult:
    source = item.output.table.source
    return FileResult(source.name, source.sha256, item.output.adapter, item.questionnaire.version, "dry run",
                      rows=len(item.output.rows), accepted=len(item.valid), set_aside=len(item.invalid),
                      per_cluster=dict(Counter(v.answers["cluster"] for v in item.valid)),
                      mapping=item.output.mapping,
                      set_aside_reasons=[{"row": bad.row.number, "reasons": [p.message() for p in bad.problems]}
                                         for bad in item.invalid],
                      warnings=[p.message() for p in item.output.warnings])


def _store(db, item: _Analysed, progress: Progress | None) -> FileResult:
    source: SourceInfo = item.output.table.source
    result = _dry_result(item)
    if survey.source_by_hash(db, source.sha256):
        result.status, result.accepted, result.set_aside = "already ingested", 0, 0
        result.per_cluster = {}
        return result
    result.status = "ingested"
    source_id = survey.insert_source(db, {
        "sha256": source.sha256, "file_name": source.name, "format": source.format, "encoding": source.encoding,
        "delimiter": source.delimiter, "adapter": item.output.adapter,
        "questionnaire_version": item.questionnaire.version, "header": item.output.table.header,
        "ingested_at": dt.datetime.now().isoformat(timespec="seconds"),
        "rows_accepted": len(item.valid), "rows_set_aside": len(item.invalid),
    })
    raw_ids = survey.insert_raw_rows(db, source_id, source.sha256, [
        (v.row.number, v.org_key, v.row.raw, v.row.metadata) for v in item.valid])
    survey.insert_set_aside(db, source_id, [
        (bad.row.number, _guess_key(bad, item.questionnaire), bad.row.values.get("org_name"), bad.row.raw,
         [p.as_dict() for p in bad.problems]) for bad in item.invalid])
    _attach_submissions(db, item, raw_ids, result, progress)
    return result


def _guess_key(bad: InvalidRow, questionnaire: Questionnaire) -> str | None:
    """The organisation key of a set-aside row where its answers allow one (so forget finds it)."""
    values = bad.row.values
    if not values.get("org_name") and not values.get(questionnaire.key_code() or ""):
        return None
    answers = {"org_name": values.get("org_name", ""), "country": values.get("country", "").strip().upper()}
    if questionnaire.key_code():
        answers[questionnaire.key_code()] = values.get(questionnaire.key_code(), "").strip()
    return organisation_keys(answers, questionnaire)[0]


def _attach_submissions(db, item: _Analysed, raw_ids: list[int], result: FileResult,
                        progress: Progress | None) -> None:
    """Link each accepted row to its organisation; a newer submission supersedes the current one."""
    by_key, by_id, by_name = survey.organisation_index(db)
    new_rows, superseded_ids, touched = [], [], {}
    next_id = survey.next_submission_id(db)
    total = len(item.valid)
    for position, (valid, raw_id) in enumerate(zip(item.valid, raw_ids)):
        if progress and position % 5000 == 0:
            progress(f"storing {result.file}", position, total)
        answers = valid.answers
        key = (by_id.get(valid.org_id) if valid.org_id else None) or by_name.get(valid.name_key) or valid.org_key
        existing = by_key.get(key)
        submitted = answers.get("submitted_at")
        submission_id = next_id + position
        is_current = existing is None or _newer(submitted, existing.get("submitted_at"))
        status = "current" if is_current else "superseded"
        new_rows.append((key, raw_id, submitted, status, item.questionnaire.version, answers))
        if existing is None:
            result.new_organisations += 1
        elif is_current:
            result.superseded += 1
            if existing.get("current_submission"):
                superseded_ids.append(existing["current_submission"])
            if key not in touched:
                result.updated_organisations += 1
        else:
            result.superseded += 1
        if is_current:
            record = {"key": key, "org_id": valid.org_id or (existing or {}).get("org_id"),
                      "name_key": valid.name_key, "name": answers["org_name"], "cluster": answers["cluster"],
                      "country": answers["country"], "current_submission": submission_id,
                      "submitted_at": submitted}
            by_key[key] = record
            touched[key] = record
            if record["org_id"]:
                by_id[record["org_id"]] = key
            by_name[valid.name_key] = key
    survey.upsert_organisations(db, list(touched.values()))  # their submitted_at is left out there
    survey.insert_submissions(db, new_rows)
    # after the insert: an organisation answering twice in one file supersedes a row of this file
    survey.mark_superseded(db, superseded_ids)


def _newer(new: str | None, old: str | None) -> bool:
    """Does a submission dated ``new`` supersede one dated ``old``? Undated: the later ingest wins."""
    if new and old:
        return new >= old
    return True


# --- reprocess -------------------------------------------------------------------------

@dataclass
class ReprocessResult:
    """The outcome of re-deriving normalised answers from raw answers."""

    submissions: int
    changed: int
    questionnaire_version: str
    failed: list[dict] = field(default_factory=list)


def reprocess(db_path: Path, questionnaire: Questionnaire | None = None) -> ReprocessResult:
    """Re-derive every submission's answers from its raw row under the current definition."""
    from ..ingest.adapters import ADAPTERS

    questionnaire = questionnaire or load_questionnaire()
    with session(db_path, create=False) as opened:
        db = opened.db
        with _bulk(), transaction(db):
            rows = survey.all_raw_rows(db)
            by_source: dict[int, list[dict]] = {}
            for row in rows:
                by_source.setdefault(row["source_id"], []).append(row)
            updates, failed, changed = [], [], 0
            for group in by_source.values():
                first = group[0]
                header = json.loads(first["header"])
                table = Table(SourceInfo(first["file_name"], first["file_name"], first["sha256"], first["format"],
                                         first["encoding"], first["delimiter"]), header,
                              [Row(r["row_number"], [cells.get(h, "") for h in header])
                               for r in group for cells in (json.loads(r["cells"]),)])
                adapter = ADAPTERS.get(first["adapter"], ADAPTERS["canonical"])
                output = adapter.read(table, questionnaire, True)
                old = {r["row_number"]: r for r in group}
                for canonical, meta_row in zip(output.rows, group):
                    canonical.metadata = json.loads(meta_row["metadata"])
                valid, invalid = validate_rows(output.rows, questionnaire, first["file_name"])
                for v in valid:
                    source_row = old[v.row.number]
                    updates.append((json.dumps(v.answers, ensure_ascii=False), questionnaire.version,
                                    source_row["submission_id"]))
                    changed += 1
                for bad in invalid:
                    failed.append({"file": first["file_name"], "row": bad.row.number,
                                   "reasons": [p.message() for p in bad.problems]})
            survey.update_answers(db, updates)
    return ReprocessResult(len(rows), changed, questionnaire.version, failed)
