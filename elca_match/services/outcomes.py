"""Use cases of the action's outcomes: import a file, add one record, list them, and
compute the progress report's indicator tables.

A file is checked in full, inside the same write transaction that would store it, against
what the database knows (clusters, members, missions, stored outcomes); any problem
raises one ValidationError listing all of them and nothing is stored. Records with a
known id replace the stored ones, identical ones are left alone, so importing the same
file twice changes nothing.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import Option, Options, UsageError, ValidationError, did_you_mean
from ..outcomes import agreements, indicators, reader
from ..outcomes.action import Action, load_action, month_bounds
from ..outcomes.model import Directory, MemberRef
from ..outcomes.vocabulary import RECORD_KINDS, codes, lookup
from ..questionnaire import Questionnaire, load_questionnaire
from ..records.outcomes import LISTS, Outcomes, Party
from ..store import catalogue as missions_store
from ..store import session, survey, transaction
from ..store import outcomes as store
from ..tabular import read_table
from ..text import closest, parse_day

KINDS = tuple(codes(RECORD_KINDS))  # event, meeting, org, case, steps, dissemination ...
# Ids given to records added on the command line without --id (steps, milestones and
# deliverables name an existing case or planned item instead).
ID_PREFIX = {"event": "EV-", "meeting": "MT-", "org": "ORG-", "case": "CASE-", "dissemination": "DIS-",
             "consortium_meeting": "CM-", "partnership": "PS-", "contact": "CT-"}
COMMAND_LINE = "command line"


@dataclass
class OutcomeImportResult:
    """What an import or an `add` did, per record kind: ids added, updated and unchanged."""

    file: str
    sha256: str
    database: str
    added: dict[str, list[str]] = field(default_factory=dict)
    updated: dict[str, list[str]] = field(default_factory=dict)
    unchanged: dict[str, list[str]] = field(default_factory=dict)
    totals: dict[str, int] = field(default_factory=dict)  # records of each kind stored afterwards


def import_outcomes(db_path: Path, path: Path, questionnaire: Questionnaire | None = None) -> OutcomeImportResult:
    """Import a canonical outcome file (CSV or XLSX): all its records, or (on any problem) none."""
    questionnaire = questionnaire or load_questionnaire()
    table = read_table(path)
    return _store(db_path, table.source.name, table.source.sha256,
                  lambda directory: reader.check_outcomes(table, directory, questionnaire),
                  lambda key, row: f"{table.source.name} row {row}")


def add_outcome(db_path: Path, kind: str, values: dict[str, str],
                questionnaire: Questionnaire | None = None) -> OutcomeImportResult:
    """Record one event, meeting, organisation or case given as column -> text (``outcomes add``)."""
    questionnaire = questionnaire or load_questionnaire()
    code = lookup(RECORD_KINDS, kind)
    if code is None:
        raise UsageError.of("unknown_name", what="record kind", value=kind,
                            suggestion=did_you_mean(closest(kind, KINDS)), allowed=", ".join(KINDS))
    values = {k: ("" if v is None else str(v)) for k, v in values.items()}

    def check(directory: Directory):
        if not values.get("id", "").strip() and code in ID_PREFIX:
            values["id"] = _next_id(code, directory)
        return reader.check_record(code, values, directory, questionnaire)

    return _store(db_path, COMMAND_LINE, "", check, lambda key, row: COMMAND_LINE, what=f"the {code}")


def _next_id(kind: str, directory: Directory) -> str:
    """The next free id of the form EV-001, MT-001, ORG-001, CASE-001."""
    prefix = ID_PREFIX[kind]
    pattern = re.compile(re.escape(prefix.casefold()) + r"(\d+)")
    numbers = [int(m.group(1)) for i in directory.stored_ids.get(kind, ()) if (m := pattern.fullmatch(i))]
    return f"{prefix}{max(numbers, default=0) + 1:03d}"


def _store(db_path: Path, file: str, sha256: str, check, source_of, what: str | None = None) -> OutcomeImportResult:
    """Check (against the database's directory) and store, in one write transaction; ``what`` names a single record."""
    questionnaire_clusters = _cluster_labels(load_questionnaire())
    db_path = Path(db_path)
    if not db_path.exists():
        # Check against an empty directory first, so a rejected file creates no database.
        action = load_action()
        checked = check(Directory(clusters=questionnaire_clusters,
                                  excluded_countries=indicators.load_targets().excluded_countries,
                                  milestones={m.id: m.name for m in action.milestones},
                                  deliverables={d.id: d.name for d in action.deliverables}))
        if checked.problems:
            raise _rejected(what, file, checked.problems)
    with session(db_path) as opened:
        db = opened.db
        with transaction(db):
            stored = store.load(db)
            directory = build_directory(db, stored)
            checked = check(directory)
            if checked.problems:
                raise _rejected(what, file, checked.problems)
            result = _compare(checked.outcomes, stored, OutcomeImportResult(file, sha256, str(db_path)))
            changed = Outcomes(**{attr: [r for r in getattr(checked.outcomes, attr)
                                         if r.id in result.added.get(kind, []) + result.updated.get(kind, [])]
                                  for kind, attr in LISTS.items()})
            sources = {key: source_of(key, row) for key, row in checked.rows.items()}
            store.save(db, changed, sources, dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"))
            result.totals = store.counts(db)
    return result


def _rejected(what: str | None, file: str, problems) -> ValidationError:
    count = f"{len(problems)} problem" + ("s" if len(problems) != 1 else "")
    head = f"{what} was not recorded" if what else f"{file} rejected, nothing was stored"
    return ValidationError(f"{head}: {count} (fix them and run the command again).", problems)


def _compare(new: Outcomes, stored: Outcomes, result: OutcomeImportResult) -> OutcomeImportResult:
    # A case row without steps keeps the steps recorded for it before (by a steps record).
    steps = {c.id.casefold(): c for c in stored.cases}
    new.cases = [dataclasses.replace(c, main_steps=steps[c.id.casefold()].main_steps,
                                     next_steps=steps[c.id.casefold()].next_steps)
                 if not (c.main_steps or c.next_steps) and c.id.casefold() in steps else c for c in new.cases]
    for kind, attr in LISTS.items():
        old = {r.id.casefold(): r for r in getattr(stored, attr)}
        for record in getattr(new, attr):
            before = old.get(record.id.casefold())
            bucket = result.added if before is None else result.unchanged if before == record else result.updated
            bucket.setdefault(kind, []).append(record.id)
    return result


def _cluster_labels(questionnaire: Questionnaire) -> dict[str, str]:
    return {code: questionnaire.choice_label("cluster", code) for code in questionnaire.choice_codes("cluster")}


def build_directory(db, stored: Outcomes | None = None, questionnaire: Questionnaire | None = None) -> Directory:
    """What outcome records may name: clusters, current members, missions and stored outcomes."""
    questionnaire = questionnaire or load_questionnaire()
    stored = stored if stored is not None else store.load(db)
    clusters = _cluster_labels(questionnaire)
    action = load_action()
    by_key, _, _ = survey.organisation_index(db)
    members = []
    for member in survey.current_members(db):
        clusters.setdefault(member.cluster, member.cluster)  # clusters join over time: codes are data
        members.append(MemberRef(member.org_key, member.name, by_key.get(member.org_key, {}).get("org_id"),
                                 member.cluster, member.org_type))
    directory = Directory(
        clusters=clusters, members=members,
        missions={m.id: m for m in missions_store.list_missions(db)},
        orgs=list(stored.orgs), events={e.id: e for e in stored.events},
        excluded_countries=indicators.load_targets().excluded_countries,
        stored_ids={kind: frozenset(r.id.casefold() for r in getattr(stored, attr)) for kind, attr in LISTS.items()},
        cases=frozenset(c.id.casefold() for c in stored.cases),
        milestones={m.id: m.name for m in action.milestones},
        deliverables={d.id: d.name for d in action.deliverables},
    )
    return directory


def list_outcomes(db_path: Path, kind: str | None = None) -> Outcomes:
    """Stored outcome records, all kinds or one (``event``, ``meeting``, ``org``, ``case``)."""
    with session(db_path, create=False) as opened:
        db = opened.db
        stored = _current(db, store.load(db))
    if kind is None:
        return stored
    code = lookup(RECORD_KINDS, kind)
    if code is None:
        raise UsageError.of("unknown_name", what="record kind", value=kind,
                            suggestion=did_you_mean(closest(kind, KINDS)), allowed=", ".join(KINDS))
    return Outcomes(**{attr: getattr(stored, attr) if k == code else [] for k, attr in LISTS.items()})


def _current(db, outcomes: Outcomes) -> Outcomes:
    """Member parties with their current name and org type (the stored snapshot if forgotten)."""
    members = {m.org_key: m for m in survey.current_members(db)}

    def fresh(parties: tuple[Party, ...]) -> tuple[Party, ...]:
        return tuple(dataclasses.replace(p, name=members[p.ref].name, org_type=members[p.ref].org_type,
                                         cluster=members[p.ref].cluster)
                     if p.kind == "member" and p.ref in members else p for p in parties)

    current = dataclasses.replace(outcomes)
    for attr in ("events", "meetings", "cases", "consortium_meetings", "partnerships", "contacts"):
        setattr(current, attr, [dataclasses.replace(r, parties=fresh(r.parties)) for r in getattr(outcomes, attr)])
    return current


def parse_date(text: str | None, option: str, last: bool = False) -> str | None:
    """An ISO date from a command-line value (``2027-06-30``, ``30.06.2027`` or the month
    ``2027-06``: its first day, or with ``last`` its last day); None when empty."""
    if text is None or not str(text).strip():
        return None
    month = month_bounds(str(text))
    if month is not None:
        return month[1] if last else month[0]
    day = parse_day(str(text))
    if day is not None:
        return day
    raise UsageError.of("option_not_a_day_or_month", option=Option(option), given=text)


def report_window(start: str | None, end: str | None, period: int | None, action: Action,
                  today: dt.date | None = None) -> tuple[str | None, str, str]:
    """The days a report counts, and the period in words: ``--period N`` or ``--from``/``--to``
    (default: from the start of the action to today)."""
    if period is not None:
        if start or end:
            raise UsageError.of("options_conflict", option=Option("period"), other=Options(["start", "end"]))
        if not 1 <= period <= action.periods:
            raise UsageError.of("no_such_period", option=Option("period"), period=period, periods=action.periods,
                                months=action.period_months, start=action.start_date)
        first, last = action.period(period)
        months = f"months {(period - 1) * action.period_months + 1}-{period * action.period_months}"
        return first, last, f"from {first} to {last} (reporting period {period}, {months} of the action)"
    start_date = parse_date(start, "start")
    end_date = parse_date(end, "end", last=True)
    words_end = f"to {end_date}" if end_date else f"to today, {(today or dt.date.today()).isoformat()}"
    end_date = end_date or (today or dt.date.today()).isoformat()
    if start_date and start_date > end_date:
        raise UsageError.of("option_order", option=Option("start"), low=start_date, other=Option("end"),
                            high=end_date)
    words_start = f"from {start_date}" if start_date else f"from the start of the action ({action.start_date})"
    return start_date, end_date, f"{words_start} {words_end}"


def indicator_report(db_path: Path, start: str | None = None, end: str | None = None,
                     targets_path: Path | None = None, today: dt.date | None = None,
                     period: int | None = None) -> indicators.IndicatorReport:
    """The template's tables for records dated ``start``..``end`` (default: the start of the action to today),
    or for reporting period ``period``."""
    action = load_action()
    start_date, end_date, words = report_window(start, end, period, action, today)
    targets = indicators.load_targets(targets_path)
    questionnaire = load_questionnaire()
    with session(db_path, create=False) as opened:
        db = opened.db
        outcomes = _current(db, store.load(db))
        smes = [p.ref for c in outcomes.cases for p in c.parties if p.is_sme]
        measures = store.survey_measures(db, smes)
    labels = {code: questionnaire.choice_label("sectors", code) for code in questionnaire.choice_codes("sectors")}
    return indicators.compute_report(outcomes, targets, start_date, end_date, labels, action, measures, words)


def agreements_register(db_path: Path, start: str | None = None, end: str | None = None,
                        today: dt.date | None = None, period: int | None = None) -> agreements.AgreementRegister:
    """Deliverable D2.2's register: the cooperation and business agreements dated in the window."""
    action = load_action()
    start_date, end_date, words = report_window(start, end, period, action, today)
    questionnaire = load_questionnaire()
    with session(db_path, create=False) as opened:
        outcomes = _current(opened.db, store.load(opened.db))
    labels = {code: questionnaire.choice_label("sectors", code) for code in questionnaire.choice_codes("sectors")}
    return agreements.register(outcomes, start_date, end_date, labels, words)
