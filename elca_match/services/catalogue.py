"""Use cases of the opportunity catalogue (D1.1) and the missions calendar.

A file is read and checked in full before anything is written; a file with any
problem raises one ValidationError listing them all and leaves the database untouched.
An accepted file is stored in one transaction: new ids are added, changed ones updated,
identical ones left alone (so re-importing the same file writes nothing).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .. import markets
from ..catalogue import check_missions, check_opportunities
from ..catalogue.fields import Checked
from ..catalogue.staleness import CatalogueWarning, catalogue_warnings
from ..errors import NotFoundError, Options, StateError, UsageError, ValidationError, did_you_mean
from ..questionnaire import Questionnaire, load_questionnaire
from ..records import MISSION_FIELDS, OPPORTUNITY_FIELDS, Mission, Opportunity, Provenance
from ..resources import builtin_path
from ..store import catalogue as store
from ..store import session, transaction
from ..tabular import Table, read_table
from ..text import closest, split_multi

BUILTIN_OPPORTUNITIES = "opportunities.csv"
BUILTIN_MISSIONS = "missions.csv"


@dataclass
class ImportResult:
    """What an import did: ids added, updated (with the fields that changed) and unchanged."""

    what: str  # opportunities | missions
    file: str
    sha256: str
    database: str
    added: list[str] = field(default_factory=list)
    updated: dict[str, list[str]] = field(default_factory=dict)
    unchanged: list[str] = field(default_factory=list)
    total: int = 0  # how many the database holds afterwards


def source_path(path: Path | None, builtin: bool, builtin_name: str) -> Path:
    """The file to import: the given one, or the one shipped with the package (exactly one of them)."""
    if builtin == (path is not None):
        raise UsageError.of("options_exactly_one", options=Options(["file", "builtin"]),
                            got=Options(["file", "builtin"], "and") if builtin else "none")
    if builtin:
        return builtin_path(builtin_name)
    return Path(path)


def import_opportunities(db_path: Path, path: Path | None = None, *, builtin: bool = False,
                         questionnaire: Questionnaire | None = None) -> ImportResult:
    """Import an opportunity catalogue file (CSV or XLSX), or the built-in one; all rows or none."""
    questionnaire = questionnaire or load_questionnaire()
    table = read_table(source_path(path, builtin, BUILTIN_OPPORTUNITIES))
    checked = check_opportunities(table, questionnaire)
    _raise_if_problems(checked)
    with session(db_path) as opened:
        db = opened.db
        with transaction(db):
            existing = {r.id.casefold(): r for r in store.list_opportunities(db)}
            result = _apply(checked, existing, OPPORTUNITY_FIELDS, table, db_path, "opportunities",
                            lambda records, rows, **kw: store.save_opportunities(db, records, rows, **kw))
            result.total = store.count_opportunities(db)
    return result


def import_missions(db_path: Path, path: Path | None = None, *, builtin: bool = False,
                    questionnaire: Questionnaire | None = None) -> ImportResult:
    """Import a missions file (CSV or XLSX), or the built-in calendar; all rows or none.

    Opportunity ids a mission names must already be in the database.
    """
    questionnaire = questionnaire or load_questionnaire()
    table = read_table(source_path(path, builtin, BUILTIN_MISSIONS))
    known = _opportunity_ids(db_path)
    checked = check_missions(table, questionnaire, known)
    if not known and any(p.code == "unknown_reference" for p in checked.problems):
        raise StateError.of("empty_database", what="opportunities for the missions to refer to",
                            hint="import them first with `elca-match opportunities import FILE` (or `--builtin`)")
    _raise_if_problems(checked)
    with session(db_path) as opened:
        db = opened.db
        with transaction(db):
            existing = {r.id.casefold(): r for r in store.list_missions(db)}
            result = _apply(checked, existing, MISSION_FIELDS, table, db_path, "missions",
                            lambda records, rows, **kw: store.save_missions(db, records, rows, **kw))
            result.total = store.count_missions(db)
    return result


def _opportunity_ids(db_path: Path) -> list[str]:
    """Known opportunity ids, without creating a database that does not exist yet."""
    if not Path(db_path).exists():
        return []
    with session(db_path) as opened:
        db = opened.db
        return store.opportunity_ids(db)


def _raise_if_problems(checked: Checked) -> None:
    if checked.problems:
        raise ValidationError(problems=checked.problems)


def _apply(checked: Checked, existing: dict[str, Opportunity] | dict[str, Mission], fields: tuple[str, ...],
           table: Table, db_path: Path, what: str, save: Callable[..., None]) -> ImportResult:
    result = ImportResult(what, table.source.name, table.source.sha256, str(db_path))
    changed_records: list[Opportunity | Mission] = []
    changed_rows: list[int] = []
    for record, row in zip(checked.records, checked.rows):
        old = existing.get(record.id.casefold())
        if old is None:
            result.added.append(record.id)
        else:
            diff = [f for f in fields if getattr(old, f) != getattr(record, f)]
            if not diff:
                result.unchanged.append(record.id)
                continue
            result.updated[record.id] = diff
        changed_records.append(record)
        changed_rows.append(row)
    if changed_records:
        save(changed_records, changed_rows, source_file=table.source.name, sha256=table.source.sha256,
             imported_at=dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"))
    return result


# --- reading -----------------------------------------------------------------------------

@dataclass
class OpportunityQuery:
    """What `opportunities list` asked for, resolved to codes (None: no restriction)."""

    countries: list[str] | None = None
    sectors: list[str] | None = None
    stages: list[str] | None = None


def resolve_choices(text: str | None, question: str, what: str,
                    questionnaire: Questionnaire | None = None) -> list[str] | None:
    """Choice codes for a command-line value (``;`` or ``,`` separated, codes or labels in any language)."""
    if text is None or not str(text).strip():
        return None
    questionnaire = questionnaire or load_questionnaire()
    whole = questionnaire.match_choice(question, str(text).strip())
    if whole is not None:  # labels may hold commas: "Testing, repair, recycling, end of life"
        return [whole]
    codes: list[str] = []
    for part in split_multi(str(text).replace(",", ";")):
        code = questionnaire.match_choice(question, part)
        if code is None:
            raise UsageError.of("unknown_name", what=what, value=part,
                                suggestion=did_you_mean(questionnaire.suggest_choice(question, part)),
                                allowed=", ".join(questionnaire.choice_codes(question)))
        if code not in codes:
            codes.append(code)
    return codes


def opportunity_query(country: str | None = None, sector: str | None = None, stage: str | None = None,
                      questionnaire: Questionnaire | None = None) -> OpportunityQuery:
    """Resolve command-line filters: countries and regions in any spelling, sector and stage codes or labels."""
    from ..catalogue.opportunities import VOCABULARY

    return OpportunityQuery(
        countries=markets.resolve_markets(country) if country is not None else None,
        sectors=resolve_choices(sector, VOCABULARY["sector"], "sector", questionnaire),
        stages=resolve_choices(stage, VOCABULARY["value_chain_stage"], "value-chain stage", questionnaire),
    )


def list_opportunities(db_path: Path, country: str | None = None, sector: str | None = None,
                       stage: str | None = None) -> tuple[OpportunityQuery, list[Opportunity]]:
    """The opportunities matching the filters; StateError when the catalogue is empty."""
    query = opportunity_query(country, sector, stage)
    with session(db_path, create=False) as opened:
        db = opened.db
        _require(store.count_opportunities(db), "opportunities", "import the D1.1 catalogue with "
                 "`elca-match opportunities import FILE` or `elca-match opportunities import --builtin`")
        return query, store.list_opportunities(db, query.countries, query.sectors, query.stages)


def show_opportunity(db_path: Path, opportunity_id: str) -> tuple[Opportunity, Provenance]:
    """One opportunity with its provenance; NotFoundError (with the closest id) when there is none."""
    with session(db_path, create=False) as opened:
        db = opened.db
        found = store.get_opportunity(db, opportunity_id)
        if found is None:
            ids = store.opportunity_ids(db)
            raise NotFoundError.of("not_found", what="opportunity", value=opportunity_id,
                                   suggestion=did_you_mean(closest(opportunity_id, ids)),
                                   hint="elca-match opportunities list")
        return found


def list_missions(db_path: Path, country: str | None = None) -> tuple[list[str] | None, list[Mission]]:
    """The missions to the given countries or regions (all when None); StateError when there are none."""
    countries = markets.resolve_markets(country) if country is not None else None
    with session(db_path, create=False) as opened:
        db = opened.db
        _require(store.count_missions(db), "missions", "import the calendar with `elca-match missions import "
                 "FILE` or `elca-match missions import --builtin`")
        return countries, store.list_missions(db, countries)


def _require(count: int, what: str, hint: str) -> None:
    if not count:
        raise StateError.of("empty_database", what=what, hint=hint)


@dataclass
class CatalogueCheck:
    """`opportunities check`: what to re-check before citing the catalogue, and as of when."""

    today: str
    opportunities: int
    warnings: list[CatalogueWarning]

    @property
    def flagged(self) -> list[str]:
        """The ids with at least one warning, each once, in order."""
        return list(dict.fromkeys(w.opportunity for w in self.warnings))


def check_catalogue(db_path: Path, today: dt.date | None = None) -> CatalogueCheck:
    """Opportunities whose driver ends before the missions to their country, or that are not
    verified, never checked, or checked more than a year ago."""
    today = today or dt.date.today()
    with session(db_path, create=False) as opened:
        _require(store.count_opportunities(opened.db), "opportunities", "import the D1.1 catalogue with "
                 "`elca-match opportunities import FILE` or `elca-match opportunities import --builtin`")
        records = store.list_opportunities(opened.db)
        missions = store.list_missions(opened.db)
    return CatalogueCheck(today.isoformat(), len(records), catalogue_warnings(records, missions, today))


def citation_note_for(opportunities: Sequence[Opportunity], missions: Sequence[Mission],
                      today: dt.date | None = None) -> str | None:
    """One line for `plan` and `export` when some opportunities need checking before they are cited.

    Takes the records the command has already read, so it costs no second database session.
    """
    if not opportunities:
        return None
    today = today or dt.date.today()
    return _citation_line(CatalogueCheck(today.isoformat(), len(opportunities),
                                         catalogue_warnings(opportunities, missions, today)))


def _citation_line(check: CatalogueCheck) -> str | None:
    if not check.warnings:
        return None
    expired = sorted({w.opportunity for w in check.warnings if w.kind == "expired"})
    line = f"{len(check.flagged)} of {check.opportunities} opportunities need checking before they are cited"
    if expired:
        line += f" ({', '.join(expired)}: driver ends before a mission)"
    return line + "; see `elca-match opportunities check`."
