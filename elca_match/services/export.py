"""`export shortlist` and `export report`: the ranking or the saved mission plan, ready for meeting organisers.

Scores come from the rank service (:func:`elca_match.services.rank.rank`) or the saved
plan (``store.plans``); nothing is recomputed here. Sector, stage, material and
organisation-type labels are the questionnaire's, in the chosen language. Contact
details pass through the one consent filter (:func:`elca_match.export.release_contacts`).
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import markets
from ..errors import NotFoundError, Option, Options, UsageError, did_you_mean
from ..export import ContactRelease, Document, Heatmap, Section, release_contacts
from ..i18n import phrase, words
from ..questionnaire import Questionnaire, load_questionnaire
from ..store import session
from ..store import catalogue as catalogue_store
from ..store import survey as survey_store
from ..text import closest, fold
from . import plan_record
from .catalogue import citation_note_for
from .defaults import TOP

# Profile fields shown as labels in every shortlist row (question code, column title).
LABEL_COLUMNS = (("sectors", "sectors"), ("value_chain_stages", "value-chain stages"), ("materials", "materials"))
CLUSTER_FIT_DEPTH = 3  # a cluster's fit for an opportunity: the mean of its this-many best members


@dataclass
class ShortlistEntry:
    """One organisation on a shortlist: its fit, why, profile labels and (when released) contact."""

    rank: int
    org_key: str
    name: str
    cluster: str
    country: str
    org_type: str  # label in the chosen language
    score: float
    why: str
    consent: bool
    labels: dict[str, list[str]] = field(default_factory=dict)  # question code -> choice labels
    status: str = ""  # missions: assigned | alternate
    contact_name: str | None = None
    contact_email: str | None = None
    region: str = ""
    trl: int | None = None
    market_experience: list[str] = field(default_factory=list)  # alpha-2 codes with partners or customers


@dataclass
class Shortlist:
    """The organisations for one opportunity or one mission, best first."""

    kind: str  # opportunity | mission
    id: str
    title: str
    country: str
    facts: dict[str, Any] = field(default_factory=dict)
    entries: list[ShortlistEntry] = field(default_factory=list)


@dataclass
class ShortlistResult:
    """What `export shortlist` answers, with the facts the summary sheet shows."""

    query: str
    scope: str  # country | opportunity | mission
    lang: str
    top: int | None
    generated_at: str
    database: str
    model_version: str
    source: str  # which profile build or saved plan the scores come from
    with_contacts: bool
    contacts_shown: int
    contacts_withheld: int
    shortlists: list[Shortlist] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    organisations_per_cluster: dict[str, int] = field(default_factory=dict)  # distinct organisations listed
    catalogue_note: str | None = None  # opportunities to check before citing (see `opportunities check`)

    def members_per_cluster(self) -> dict[str, int]:
        """Distinct organisations listed, per cluster."""
        seen = {(e.org_key, e.cluster) for s in self.shortlists for e in s.entries}
        return dict(sorted(Counter(cluster for _, cluster in seen).items()))


@dataclass
class FitMatrix:
    """Fit by cluster (rows) and opportunity or stage (columns); None where a cluster has no member."""

    title: str
    rows: list[str]
    columns: list[str]
    values: list[list[float | None]]


@dataclass
class ReportResult:
    """What `export report` answers: fit pictures and the shortlists of one market."""

    country: str
    country_name: str
    shortlist: ShortlistResult
    fit: list[FitMatrix] = field(default_factory=list)


# --- use cases ----------------------------------------------------------------------------------

def shortlist(db_path: Path, *, country: str | None = None, opportunity: str | None = None,
              mission: str | None = None, top: int | None = None, lang: str = "en", with_contacts: bool = False,
              questionnaire: Questionnaire | None = None, plan_id: int | None = None) -> ShortlistResult:
    """Shortlists for one country, one opportunity or one mission of a saved plan (exactly one of them).

    A mission's shortlist comes from the plan of record, or the saved plan ``plan_id``.

    ``top`` is the number of organisations per shortlist (default :data:`~.defaults.TOP` for countries
    and opportunities; every assigned member and alternate for a mission).
    """
    questionnaire = questionnaire or load_questionnaire()
    lang = check_lang(lang, questionnaire)
    given = [name for name, value in (("country", country), ("opportunity", opportunity), ("mission", mission))
             if value]
    if len(given) != 1:
        raise UsageError.of("options_exactly_one", options=Options(["country", "opportunity", "mission"]),
                            got=Options(given, "and") if given else "none")
    if top is not None and top < 1:
        raise UsageError.of("option_out_of_range", value=top, option=Option("top"), allowed="at least 1")
    if plan_id is not None and not mission:
        raise UsageError.of("option_needs", option=Option("plan_id"), needed=Option("mission"))
    if mission:
        return _mission_shortlist(db_path, mission, top, lang, with_contacts, questionnaire, plan_id)
    from .rank import rank, resolve_query

    query = resolve_query(country=country, opportunity=opportunity, top=top or TOP, lang=lang,
                          questionnaire=questionnaire)
    result = rank(db_path, query, questionnaire)
    members, note = _members(db_path)
    scope = "country" if country else "opportunity"
    return _from_ranking(db_path, result, members, scope, top or TOP, lang, with_contacts, questionnaire, note)


def report(db_path: Path, *, country: str, top: int | None = None, lang: str = "en", with_contacts: bool = False,
           questionnaire: Questionnaire | None = None) -> ReportResult:
    """The market report: fit by cluster and opportunity (and by stage), plus each opportunity's shortlist.

    A cluster's fit for an opportunity is the mean score of its
    :data:`CLUSTER_FIT_DEPTH` best members (fewer when it has fewer).
    """
    from .rank import fit_scores, rank, resolve_query

    questionnaire = questionnaire or load_questionnaire()
    lang = check_lang(lang, questionnaire)
    top = TOP if top is None else top
    if top < 1:
        raise UsageError.of("option_out_of_range", value=top, option=Option("top"), allowed="at least 1")
    members, note = _members(db_path)
    # Every member's score is needed for the cluster picture (scores only); the tables keep the top.
    query = resolve_query(country=country, top=top, lang=lang, questionnaire=questionnaire)
    ranking = rank(db_path, query, questionnaire)
    scores = fit_scores(db_path, resolve_query(country=country, top=max(len(members), 1),
                                               questionnaire=questionnaire), questionnaire)
    codes = query.countries or []
    code = codes[0] if len(codes) == 1 else ", ".join(codes)
    # A region (latin-america) is named as typed; its countries are listed in the query.
    name = markets.country_name(code, lang) if len(codes) == 1 else country.replace("-", " ").strip().title()
    clusters = _cluster_order({m.cluster for m in members.values()}, questionnaire)
    fit = _cluster_fit(ranking, scores, members, clusters, questionnaire, lang)
    shortlists = _from_ranking(db_path, ranking, members, "country", top, lang, with_contacts, questionnaire, note)
    return ReportResult(code, name, shortlists, fit)


def check_lang(lang: str, questionnaire: Questionnaire) -> str:
    """``lang`` as one of the questionnaire's languages, or a UsageError with a suggestion."""
    value = fold(lang or "en")
    if value not in questionnaire.languages:
        raise UsageError.of("unknown_name", what="language", value=lang,
                            suggestion=did_you_mean(closest(value, questionnaire.languages)),
                            allowed=", ".join(questionnaire.languages))
    return value


# --- documents ---------------------------------------------------------------------------------

def shortlist_document(result: ShortlistResult, title: str | None = None) -> Document:
    """A shortlist result as a Document: a summary, then one table per opportunity or mission.

    Every word a reader sees comes from the message catalogue in the result's language;
    a workbook also opens on an invitation list (:func:`invite_section`).
    """
    lang = result.lang
    sections = [_section(s, result) for s in result.shortlists]
    summary: dict[str, Any] = {
        phrase("sum.query", lang): result.query,
        phrase("sum.date", lang): result.generated_at,
        phrase("sum.database", lang): result.database,
        phrase("sum.model_version", lang): result.model_version,
        phrase("sum.scores_from", lang): result.source,
        phrase("sum.labels_language", lang): result.lang,
        phrase("sum.top", lang): result.top if result.top is not None else phrase("word.all", lang),
        phrase("sum.shortlists", lang): len(result.shortlists),
        phrase("sum.organisations_listed", lang): len({e.org_key for s in result.shortlists for e in s.entries}),
        phrase("sum.organisations_per_cluster", lang): result.members_per_cluster() or {phrase("word.none", lang): 0},
        phrase("sum.contacts", lang): _contacts_line(result),
    }
    if result.catalogue_note:
        summary[phrase("sum.catalogue", lang)] = result.catalogue_note
    document = Document(title or phrase("title.shortlist", lang, query=result.query), sections, summary=summary,
                        notes=list(result.notes), data=result, lang=lang,
                        words=words(("sheet.summary", "word.notes", "word.sheet", "word.about", "word.rows"), lang))
    if any(s.entries for s in result.shortlists):
        document.workbook_front = [invite_section(result)]
    return document


def invite_section(result: ShortlistResult) -> Section:
    """Each organisation once, best fit first, with columns the organisers fill in (drop-down for the invitation)."""
    lang = result.lang
    countries = list(dict.fromkeys(s.country for s in result.shortlists))
    where = ", ".join(_country(c, lang) for c in countries)
    best: dict[str, list[tuple[ShortlistEntry, Shortlist]]] = {}
    for s in result.shortlists:
        for e in s.entries:
            best.setdefault(e.org_key, []).append((e, s))
    columns = [phrase(k, lang) for k in ("col.organisation", "col.cluster", "col.type", "col.region", "col.country",
                                         "col.trl")]
    columns += [phrase("col.market_experience", lang, country=where),
                *(phrase(k, lang) for k in ("col.best_opportunities", "col.best_fit", "col.why_best",
                                            "col.consent"))]
    if result.with_contacts:
        columns += [phrase("col.contact_name", lang), phrase("col.contact_email", lang)]
    organiser = [phrase(k, lang) for k in ("col.invitation", "col.meeting_slot", "col.notes")]
    columns += organiser
    rows = []
    ordered = sorted(best.values(), key=lambda fits: (-max(e.score for e, _ in fits), fits[0][0].name))
    for fits in ordered:
        fits.sort(key=lambda fs: -fs[0].score)
        top, _ = fits[0]
        experience = [_country(c, lang) for c in countries if c in top.market_experience]
        row: list[Any] = [top.name, top.cluster, top.org_type, top.region, top.country, top.trl,
                          ", ".join(experience) or phrase("word.no", lang),
                          "; ".join(f"{s.id} {e.score:.2f}" for e, s in fits[:3]), round(top.score, 6), top.why,
                          phrase("word.yes" if top.consent else "word.no", lang)]
        if result.with_contacts:
            row += [top.contact_name or "", top.contact_email or ""]
        rows.append(row + ["", "", ""])
    email = phrase("col.contact_email", lang)
    return Section(phrase("title.invite", lang), columns, rows, notes=[phrase("note.invite", lang)],
                   table="invite", sheet=phrase("sheet.invite", lang),
                   wrap_columns=(phrase("col.why_best", lang), phrase("col.best_opportunities", lang),
                                 phrase("col.notes", lang)),
                   number_formats={phrase("col.best_fit", lang): "0.000"},
                   choices={organiser[0]: [phrase(k, lang) for k in ("status.invited", "status.confirmed",
                                                                        "status.declined")]},
                   links={email: "mailto:"} if result.with_contacts else {})


def report_document(result: ReportResult) -> Document:
    """A report result as a Document with heatmaps (drawn by the html writer) and the shortlist tables."""
    lang = result.shortlist.lang
    document = shortlist_document(result.shortlist, title=phrase("title.report", lang, country=result.country_name))
    document.heatmaps = [Heatmap(m.title, list(m.rows), list(m.columns),
                                 [[float("nan") if v is None else v for v in row] for row in m.values],
                                 explanation=phrase("heat.explain", lang, depth=CLUSTER_FIT_DEPTH),
                                 reading=reading(m, lang))
                         for m in result.fit]
    document.words.update(words(("heat.fit", "heat.weak", "heat.strong", "heat.no_data", "word.contents"), lang))
    document.notes = [phrase("note.cluster_fit", lang, depth=CLUSTER_FIT_DEPTH), *document.notes]
    document.data = result
    return document


def reading(matrix: FitMatrix, lang: str) -> str:
    """One line that reads a fit matrix: where the strongest fit is, and which cluster fits best on average."""
    cells = [(v, r, c) for r, row in zip(matrix.rows, matrix.values) for c, v in zip(matrix.columns, row)
             if v is not None]
    if not cells or max(v for v, _, _ in cells) <= 0:
        return phrase("heat.reading_none", lang)
    value, row, column = max(cells, key=lambda cell: cell[0])
    means = {r: sum(v for v in vs if v is not None) / max(1, sum(v is not None for v in vs))
             for r, vs in zip(matrix.rows, matrix.values)}
    best = max(means, key=lambda r: means[r])
    return phrase("heat.reading", lang, row=row, column=column, value=f"{value:.2f}", best=best,
                  mean=f"{means[best]:.2f}")


# --- internals ----------------------------------------------------------------------------------

def _members(db_path: Path) -> tuple[dict[str, Any], str | None]:
    """The current members by key, and the catalogue's citation note, read in one session."""
    with session(db_path, create=False) as opened:
        db = opened.db
        return {m.org_key: m for m in survey_store.current_members(db)}, _citation_note(db)


def _citation_note(db) -> str | None:
    return citation_note_for(catalogue_store.list_opportunities(db), catalogue_store.list_missions(db))


def driver_provenance(o: Any, lang: str = "en") -> dict[str, str]:
    """What a reader needs next to a policy driver before citing it: its sources (official first),
    how sure it is and since when, its end date and caveats; empty entries left out."""
    facts = {"fact.sources": "; ".join(o.sources),
             "fact.status": phrase("fact.status_checked", lang, status=o.status, date=o.checked_on)
             if o.status and o.checked_on else o.status,
             "fact.valid_to": o.valid_to, "fact.caveats": o.caveats}
    return {phrase(k, lang): v for k, v in facts.items() if v}


def _from_ranking(db_path: Path, result: Any, members: dict[str, Any], scope: str, top: int, lang: str,
                  with_contacts: bool, questionnaire: Questionnaire, note: str | None) -> ShortlistResult:
    shortlists = []
    for o in result.opportunities:
        facts = {
            phrase("fact.country", lang): _country(o.country, lang),
            phrase("fact.sector", lang): questionnaire.choice_label("sectors", o.sector, lang),
            phrase("fact.stage", lang): questionnaire.choice_label("value_chain_stages", o.stage, lang),
            phrase("fact.trl", lang): o.trl,
            phrase("fact.policy_driver", lang): o.policy_driver,
            **driver_provenance(o, lang),
        }
        entries = [_entry(i, members.get(m.org_key), m, m.score, m.why, "", lang, questionnaire)
                   for i, m in enumerate(o.matches[:top], 1)]
        shortlists.append(Shortlist("opportunity", o.id, o.title, o.country, facts, entries))
    query = result.query.describe()
    if scope == "country" and result.query.countries:
        query = phrase("query.country", lang,
                       countries=", ".join(f"{c} ({_country(c, lang)})" for c in result.query.countries))
    # the build's number, model and date say where scores come from; its content hash is internal
    build = result.build
    source = phrase("source.build", lang, id=build.id, model=build.model_version, at=build.built_at)
    out = _finish(shortlists, members, query, scope, top, lang, with_contacts, db_path,
                  build.model_version, source, note)
    if not result.members_considered:
        out.notes.append(phrase("note.no_filter", lang))
    return out


def _mission_shortlist(db_path: Path, mission: str, top: int | None, lang: str, with_contacts: bool,
                       questionnaire: Questionnaire, plan_id: int | None) -> ShortlistResult:
    # The saved plan is read as stored (``Plan.as_dict()``): rebuilding the dataclass
    # would import the planner and scipy, seconds a shortlist should not cost.
    with session(db_path, create=False) as opened:
        db = opened.db
        saved = plan_record.saved_plan(db, plan_id)
        members = {m.org_key: m for m in survey_store.current_members(db)}
        note = _citation_note(db)
    plan = saved.plan
    missions = plan_record.plan_missions(plan)
    ids = [m.id for m in missions]
    chosen = next((m for m in missions if fold(m.id) == fold(mission)), None)
    if chosen is None:
        raise NotFoundError.of("not_found", what="mission in the saved plan", value=mission,
                               suggestion=did_you_mean(closest(mission, ids)), hint="elca-match plan")
    mission_id = chosen.id
    # Stored order is the plan's: best first within a mission.
    rows = [(a["member"], a["score"], a.get("why", ""), "assigned", "")
            for a in plan["assignments"] if a["mission"] == mission_id]
    # an alternate: why it fits, then whether it is free to step in (plans saved before alternates had a why:
    # the note alone)
    rows += [(w["member"], w["score"], w.get("why", ""), "alternate", w.get("note", ""))
             for w in sorted((w for w in plan["waitlist"] if w["mission"] == mission_id), key=lambda w: w["rank"])]
    rows = rows[:top] if top is not None else rows
    entries = [_entry(i, members.get(key), None, score, why, status, lang, questionnaire, note)
               for i, (key, score, why, status, note) in enumerate((r for r in rows if r[0] in members), 1)]
    kind, country = chosen.type or "", chosen.country
    facts = {
        phrase("fact.country", lang): _country(country, lang),
        phrase("fact.type", lang): kind,
        phrase("fact.dates", lang): " – ".join(d for d in (chosen.start_date, chosen.end_date) if d),
        phrase("fact.seats", lang): chosen.seats,
        phrase("fact.lead_cluster", lang): chosen.lead_cluster or "",
        phrase("fact.sectors", lang): ", ".join(questionnaire.choice_label("sectors", s, lang)
                                                for s in chosen.sectors),
        phrase("fact.who_may_join", lang): plan.get("rules", {}).get(mission_id, ""),
    }
    title = f"{kind.replace('_', ' ')} mission to {_country(country, 'en')}".strip()
    shortlists = [Shortlist("mission", mission_id, title, country, facts, entries)]
    source = f"{plan_record.describe(saved)}; {saved.meta.get('profiles', '')}".rstrip("; ")
    out = _finish(shortlists, members, f"mission {mission_id} ({plan_record.describe(saved)})", "mission", top, lang,
                  with_contacts, db_path, str(saved.meta.get("model_version", "")), source, note)
    unfilled = sum(int(u["count"]) for u in plan.get("unfilled", ()) if u["mission"] == mission_id)
    if unfilled:
        out.notes.append(f"{unfilled} of {chosen.seats} seats stay empty in plan #{saved.id}.")
    return out


def _entry(rank: int, member: Any, match: Any, score: float, why: str, status: str, lang: str,
           questionnaire: Questionnaire, note: str = "") -> ShortlistEntry:
    answers = member.answers if member is not None else {}
    source = member if member is not None else match
    labels = {code: [questionnaire.choice_label(code, c, lang) for c in (answers.get(code) or [])]
              for code, _ in LABEL_COLUMNS}
    trl = answers.get("trl")
    return ShortlistEntry(
        rank=rank, org_key=source.org_key, name=source.name, cluster=source.cluster, country=source.country,
        org_type=questionnaire.choice_label("org_type", source.org_type, lang), score=float(score),
        why="; ".join(p for p in (why_labels(why or "", lang, questionnaire), waitlist_note(note, lang)) if p),
        consent=bool(source.consent), labels=labels, status=status,
        region=str(answers.get("region") or ""), trl=int(trl) if isinstance(trl, (int, float)) else None,
        market_experience=[str(c) for c in (answers.get("market_experience") or [])],
    )


# Questions whose choice codes a "why" names, and the model's prefixes of the other parts (models/default.yaml).
_WHY_QUESTIONS = ("sectors", "value_chain_stages", "materials", "technologies", "certifications",
                  "cooperation_types")
_WHY_PREFIXES = {"certified ": "why.certified", "market ": "why.market", "cooperation: ": "why.cooperation",
                 "text: ": "why.text"}
_TRL_WHY = re.compile(r"TRL (?P<level>[\d-]+) (?P<how>in|near) (?P<band>[\d-]+)")
# A plan's "why" leads with the opportunity it is about ("JP-AUT-02: automotive, ..."); the codes follow it.
_WHY_SOURCE = re.compile(r"(?P<source>[A-Z][A-Z0-9_.-]*: )(?P<rest>.*)")


# The waitlist notes the planner writes (planning/explain.py).
_NOW_ON = re.compile(r"now on (?P<missions>.*)")
_QUOTA = re.compile(r"(?P<cluster>\S+) is at its quota here: can only replace a (?P=cluster) member")


def waitlist_note(text: str, lang: str) -> str:
    """A waitlist note (``now on M07; AMZ is at its quota here: ...``, ``free``) in the reader's language."""
    parts = []
    for part in text.split("; ") if text else []:
        now_on, quota = _NOW_ON.fullmatch(part), _QUOTA.fullmatch(part)
        if now_on:
            parts.append(phrase("plan.note.now_on", lang, missions=now_on["missions"]))
        elif quota:
            parts.append(phrase("plan.note.quota", lang, cluster=quota["cluster"]))
        else:
            parts.append(phrase("plan.note.free", lang) if part == "free" else part)
    return "; ".join(parts)


def why_labels(why: str, lang: str, questionnaire: Questionnaire) -> str:
    """A ranking's "why" for readers: choice codes as the questionnaire's labels, countries and phrases in ``lang``.

    ``production; cfrp; market JP`` -> ``Production of parts; CFRP; market Japan``. After
    ``text:``, thesaurus concepts named by their English label (as plans and agendas store
    them) are named in ``lang``; other words stay as they are.
    """
    parts = []
    for part in why.split("; ") if why else []:
        source = _WHY_SOURCE.fullmatch(part)
        lead, part = (source["source"], source["rest"]) if source else ("", part)
        prefix = next((p for p in _WHY_PREFIXES if part.startswith(p)), "")
        body = part[len(prefix):]
        trl = _TRL_WHY.fullmatch(body)
        if trl:
            key = "why.trl_in" if trl["how"] == "in" else "why.trl_near"
            parts.append(lead + phrase(key, lang, level=trl["level"], band=trl["band"]))
            continue
        if prefix == "text: ":
            terms = body if lang == "en" else ", ".join(_concept_in(lang).get(t, t) for t in body.split(", "))
        elif prefix == "market ":
            terms = ", ".join(_country(c, lang) for c in body.split(", "))
        else:
            terms = ", ".join(_choice_label(t, lang, questionnaire) for t in body.split(", "))
        parts.append(lead + (phrase(_WHY_PREFIXES[prefix], lang) if prefix else "") + terms)
    return "; ".join(parts)


@functools.lru_cache(maxsize=8)
def _concept_in(lang: str) -> dict[str, str]:
    """A thesaurus concept's English label (as stored in plan and agenda whys) -> its display label in ``lang``."""
    from ..profiles.labels import concept_label
    from ..profiles.model import load_model

    glossary = load_model().glossary
    return {glossary.label(code, "en"): concept_label(glossary, code, lang) for code in glossary.concepts}


def _choice_label(code: str, lang: str, questionnaire: Questionnaire) -> str:
    for question in _WHY_QUESTIONS:
        if code in questionnaire.choice_codes(question):
            return questionnaire.choice_label(question, code, lang)
    return code


def _finish(shortlists: list[Shortlist], members: dict[str, Any], query: str, scope: str, top: int | None,
            lang: str, with_contacts: bool, db_path: Path, model_version: str, source: str,
            note: str | None) -> ShortlistResult:
    listed = [members[e.org_key] for s in shortlists for e in s.entries if e.org_key in members]
    release: ContactRelease = release_contacts(listed, requested=with_contacts)
    for s in shortlists:
        for e in s.entries:
            contact = release.contact(e.org_key)
            if contact is not None:
                e.contact_name, e.contact_email = contact.name, contact.email
    notes = [phrase("note.fit", lang)]
    if with_contacts:
        notes.append(phrase("note.contacts_consent", lang))
    return ShortlistResult(
        query=query, scope=scope, lang=lang, top=top,
        generated_at=dt.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z"),
        database=str(db_path), model_version=model_version, source=source, with_contacts=with_contacts,
        contacts_shown=len(release.contacts), contacts_withheld=release.withheld,
        shortlists=shortlists, notes=notes,
        organisations_per_cluster=dict(sorted(Counter(members[k].cluster for k in {m.org_key for m in listed}).items())),
        catalogue_note=note,
    )


def _contacts_line(result: ShortlistResult) -> str:
    if not result.with_contacts:
        return phrase("contacts.not_included", result.lang, withheld=result.contacts_withheld)
    return phrase("contacts.shown", result.lang, shown=result.contacts_shown, withheld=result.contacts_withheld)


def _section(s: Shortlist, result: ShortlistResult) -> Section:
    lang = result.lang
    col = {k: phrase(f"col.{k}", lang) for k in ("rank", "status", "organisation", "cluster", "country", "type",
                                                  "fit", "why", "sectors", "stages", "materials", "consent",
                                                  "contact_name", "contact_email")}
    labels = {"sectors": col["sectors"], "value_chain_stages": col["stages"], "materials": col["materials"]}
    columns = [col["rank"], *([col["status"]] if s.kind == "mission" else []), col["organisation"], col["cluster"],
               col["country"], col["type"], col["fit"], col["why"], *(labels[code] for code, _ in LABEL_COLUMNS),
               col["consent"], *([col["contact_name"], col["contact_email"]] if result.with_contacts else [])]
    rows = []
    for e in s.entries:
        status = phrase(f"status.{e.status}", lang) if e.status else ""
        row: list[Any] = [e.rank, *([status] if s.kind == "mission" else []), e.name, e.cluster, e.country,
                          e.org_type, round(e.score, 6), e.why,
                          *(e.labels.get(code, []) for code, _ in LABEL_COLUMNS),
                          phrase("word.yes" if e.consent else "word.no", lang)]
        if result.with_contacts:
            row += [e.contact_name or "", e.contact_email or ""]
        rows.append(row)
    notes = [] if s.entries else [phrase("note.no_member", lang, kind=phrase(f"kind.{s.kind}", lang))]
    meta = {"id": s.id, "title": s.title, **s.facts}
    return Section(f"{s.id} {s.title}", columns, rows, notes=notes, meta=meta,
                   wrap_columns=(col["why"], col["materials"], col["stages"], col["sectors"]),
                   number_formats={col["fit"]: "0.000"},
                   links={col["contact_email"]: "mailto:"} if result.with_contacts else {})


def _country(code: str, lang: str) -> str:
    try:
        return markets.country_name(code, lang)
    except UsageError:
        return str(code)


def _cluster_order(clusters: set[str], questionnaire: Questionnaire) -> list[str]:
    known = [c for c in questionnaire.choice_codes("cluster") if c in clusters]
    return known + sorted(clusters - set(known))


def _cluster_fit(ranking: Any, fits: dict[str, list[tuple[str, float]]], members: dict[str, Any],
                 clusters: list[str], questionnaire: Questionnaire, lang: str) -> list[FitMatrix]:
    by_opp: list[list[float | None]] = []
    for o in ranking.opportunities:
        scores: dict[str, list[float]] = {c: [] for c in clusters}
        for key, score in fits.get(o.id, []):  # best first, so the first few per cluster are its best
            cluster = members[key].cluster if key in members else None
            if cluster in scores and len(scores[cluster]) < CLUSTER_FIT_DEPTH:
                scores[cluster].append(score)
        by_opp.append([sum(v) / len(v) if v else 0.0 for v in (scores[c] for c in clusters)])
    # A cluster with members but no match for an opportunity shares nothing with it: fit 0.
    values: list[list[float | None]] = [[by_opp[j][i] for j in range(len(by_opp))] for i in range(len(clusters))]
    opportunity = FitMatrix(phrase("heat.by_opportunity", lang), clusters,
                            [f"{o.id} {o.title}" for o in ranking.opportunities], values)
    stages = [s for s in questionnaire.choice_codes("value_chain_stages")
              if any(o.stage == s for o in ranking.opportunities)]
    stage_values = []
    for i, _ in enumerate(clusters):
        row: list[float | None] = []
        for s in stages:
            cells = [values[i][j] for j, o in enumerate(ranking.opportunities) if o.stage == s]
            known = [v for v in cells if v is not None]
            row.append(sum(known) / len(known) if known else None)
        stage_values.append(row)
    stage = FitMatrix(phrase("heat.by_stage", lang), clusters,
                      [questionnaire.choice_label("value_chain_stages", s, lang) for s in stages], stage_values)
    return [opportunity, stage]
