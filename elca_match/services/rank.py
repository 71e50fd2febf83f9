"""`rank`: which members fit a market's opportunities best, and why.

Profiles are built once per content (members' profile answers, opportunities, model and
questionnaire files) and stored; `rank` on an unchanged database only loads them. The
planner gets the same matrices through :func:`ensure_profiles` and :func:`mission_fit`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
import json
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import markets
from ..errors import NotFoundError, Option, UsageError, did_you_mean
from ..profiles.labels import text_concept_implied, text_concept_labels
from ..profiles.model import ExplainGroup, model_fingerprint
from ..questionnaire import Questionnaire, load_questionnaire
from ..records import Mission, Opportunity, as_dict
from ..records.members import IDENTITY_FIELDS, MemberColumns, MemberIdentity, column_of, identity_of
from ..store import catalogue as catalogue_store
from ..store import session, transaction
from ..store import profiles as profile_store
from ..store import survey as survey_store
from ..store.profiles import ProfileBuild
from ..text import closest
from . import required
from .defaults import TOP

BY = ("opportunity", "member")
READER_LANGUAGES = ("en", "de", "it", "pl", "fr", "es")
# Profile matrices up to this many cells are used dense (numpy only; a demo-sized
# database has ~0.4 M): `rank` then answers without importing scipy.
DENSE_MAX_CELLS = 4_000_000
FITS_PER_MEMBER = 3  # opportunities listed for each member in --by member


@dataclass
class RankQuery:
    """What `rank` was asked, resolved to codes (None: no restriction)."""

    countries: list[str] | None = None
    opportunity_ids: list[str] | None = None
    sectors: list[str] | None = None
    stages: list[str] | None = None
    clusters: list[str] | None = None
    org_types: list[str] | None = None
    top: int = TOP
    min_score: float = 0.0
    consented_only: bool = False
    by: str = "opportunity"
    lang: str = "en"  # the reader's language: thesaurus concepts in a "why" are named in it

    def describe(self) -> str:
        """The filters in words, for titles and notes."""
        parts = [f"{name} {', '.join(values)}" for name, values in (
            ("countries", self.countries), ("opportunities", self.opportunity_ids), ("sectors", self.sectors),
            ("stages", self.stages), ("clusters", self.clusters), ("org types", self.org_types)) if values]
        if self.consented_only:
            parts.append("consenting members only")
        if self.min_score:
            parts.append(f"score >= {self.min_score:g}")
        return "; ".join(parts) or "all opportunities"


@dataclass
class BuildInfo:
    """Which stored profile build a result used, and whether this call built it."""

    id: int | None
    content_hash: str
    model_version: str
    built_at: str
    seconds: float
    members: int
    opportunities: int
    features: int
    rebuilt: bool

    def describe(self) -> str:
        how = f"built now in {self.seconds:.1f} s" if self.rebuilt else f"loaded, built {self.built_at}"
        return (f"profiles: build #{self.id} (model {self.model_version}, content {self.content_hash[:12]}, "
                f"{self.members} members x {self.opportunities} opportunities, {self.features} features; {how})")


@dataclass(frozen=True)
class Match(MemberIdentity):
    """One member's fit for one opportunity: score, per-block breakdown and why."""

    opportunity_id: str
    opportunity_title: str
    score: float
    breakdown: dict[str, float]
    why: str


@dataclass
class OpportunityRanking:
    """An opportunity and its best members (``--by opportunity``)."""

    id: str
    title: str
    country: str
    sector: str
    stage: str
    policy_driver: str
    trl: str
    matches: list[Match] = field(default_factory=list)
    # where the driver can be read (official first), how sure it is, and what to know before citing it
    sources: list[str] = field(default_factory=list)
    status: str = ""
    checked_on: str = ""
    valid_to: str = ""
    caveats: str = ""


@dataclass(frozen=True)
class MemberRanking(MemberIdentity):
    """A member, its best score over the selected opportunities and the ones it fits (``--by member``)."""

    score: float
    best: Match
    fits: list[Match] = field(default_factory=list)


@dataclass
class RankResult:
    """The answer of `rank`: rankings per opportunity or per member, and the build used."""

    query: RankQuery
    build: BuildInfo
    blocks: list[str]
    opportunities: list[OpportunityRanking] = field(default_factory=list)
    members: list[MemberRanking] = field(default_factory=list)
    members_considered: int = 0
    opportunities_considered: int = 0


# --- query ---------------------------------------------------------------------------------

def resolve_query(*, country: str | None = None, region: str | None = None, opportunity: str | None = None,
                  sector: str | None = None, stage: str | None = None, cluster: str | None = None,
                  org_type: str | None = None, top: int = TOP, min_score: float = 0.0,
                  consented_only: bool = False, by: str = "opportunity", lang: str = "en",
                  questionnaire: Questionnaire | None = None) -> RankQuery:
    """Check and resolve command-line filters (countries and regions in any spelling, codes or labels)."""
    from .catalogue import opportunity_query, resolve_choices

    questionnaire = questionnaire or load_questionnaire()
    if top < 1:
        raise UsageError.of("option_out_of_range", value=top, option=Option("top"), allowed="at least 1")
    if not 0.0 <= min_score <= 1.0:
        raise UsageError.of("option_out_of_range", value=f"{min_score:g}", option=Option("min_score"),
                            allowed="a score between 0 and 1")
    if by not in BY:
        raise UsageError.of("option_unknown_value", what="view", option=Option("by"), value=by,
                            suggestion=did_you_mean(closest(by, BY)), allowed=", ".join(BY))
    if lang not in READER_LANGUAGES:
        raise UsageError.of("option_unknown_value", what="language", option=Option("lang"), value=lang,
                            suggestion=did_you_mean(closest(lang, READER_LANGUAGES)), allowed=", ".join(READER_LANGUAGES))
    countries: list[str] | None = None
    for text in (country, region):
        if text is not None:
            countries = list(dict.fromkeys([*(countries or []), *markets.resolve_markets(text)]))
    opp = opportunity_query(None, sector, stage, questionnaire)
    ids = [part.strip() for part in str(opportunity).replace(";", ",").split(",") if part.strip()] \
        if opportunity is not None else None
    return RankQuery(
        countries=countries, opportunity_ids=ids, sectors=opp.sectors, stages=opp.stages,
        clusters=resolve_choices(cluster, "cluster", "cluster", questionnaire),
        org_types=resolve_choices(org_type, "org_type", "organisation type", questionnaire),
        top=int(top), min_score=float(min_score), consented_only=consented_only, by=by, lang=lang,
    )


# --- profiles ------------------------------------------------------------------------------

def content_hash(members: Sequence[Any], opportunities: Sequence[Opportunity], model_hash: str,
                 questionnaire: Questionnaire) -> str:
    """Hash of everything a profile build depends on: profile answers, opportunities, model files."""
    codes = sorted(code for questions in questionnaire.profile_blocks().values() for code, _ in questions)
    digest = hashlib.sha256(model_hash.encode())
    for m in sorted(members, key=lambda m: m.org_key):
        digest.update(json.dumps([m.org_key, [m.answers.get(c) for c in codes]], sort_keys=True, default=str,
                                 ensure_ascii=False).encode())
    _hash_opportunities(digest, opportunities)
    return digest.hexdigest()


def _hash_opportunities(digest: Any, opportunities: Sequence[Opportunity]) -> None:
    for o in sorted(opportunities, key=lambda o: o.id):
        digest.update(json.dumps(as_dict(o), sort_keys=True, default=str, ensure_ascii=False).encode())


def ensure_profiles(db: Any, questionnaire: Questionnaire | None = None, members: Sequence[Any] | None = None,
                    opportunities: Sequence[Opportunity] | None = None) -> tuple[ProfileBuild, BuildInfo]:
    """The profile build for the database's current content: loaded when stored, else built and stored.

    Rows follow ``store.survey.current_members`` (by key) and
    ``store.catalogue.list_opportunities`` (by country, id). Writes in its own
    transaction (a savepoint inside the caller's, if it holds one).
    """
    questionnaire = questionnaire or load_questionnaire()
    state = survey_store.members_state(db)
    members = survey_store.current_members(db) if members is None else members
    opportunities = catalogue_store.list_opportunities(db) if opportunities is None else opportunities
    version, model_hash = model_fingerprint(questionnaire)
    digest = content_hash(members, opportunities, model_hash, questionnaire)
    build = profile_store.load_build(db, digest, dense_max_cells=DENSE_MAX_CELLS)
    if build is not None and build.member_keys == [m.org_key for m in members] \
            and build.opportunity_ids == [o.id for o in opportunities]:
        return build, _info(build, rebuilt=False)
    build = build_profiles(members, opportunities, questionnaire)
    build.content_hash = digest
    with transaction(db):
        # another process may have ingested or forgotten members meanwhile: a build of
        # what is no longer there must not be stored (it could hold a forgotten member)
        if survey_store.members_state(db) == state:
            profile_store.save_build(db, build)
    return build, _info(build, rebuilt=True)


def build_profiles(members: Sequence[Any], opportunities: Sequence[Any],
                   questionnaire: Questionnaire | None = None) -> ProfileBuild:
    """Fit the vectoriser on members and opportunities together and return the (unsaved) build.

    ``opportunities`` are :class:`~elca_match.records.Opportunity` records or records shaped like
    them (the fields the model's ``opportunity_fields`` name, e.g. a partner's profile).
    """
    from ..profiles import load_model, member_inputs, opportunity_inputs
    from ..profiles.vectoriser import Vectoriser

    started = time.perf_counter()
    questionnaire = questionnaire or load_questionnaire()
    model = load_model(questionnaire)
    m_inputs = member_inputs(members, questionnaire, model)
    o_inputs = opportunity_inputs(opportunities, model)
    vectoriser = Vectoriser(model)
    X = vectoriser.fit_transform([*m_inputs, *o_inputs])
    n = len(m_inputs)
    return ProfileBuild(
        content_hash=model.content_hash,
        model_version=model.version,
        built_at=dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        seconds=time.perf_counter() - started,
        member_keys=[x.key for x in m_inputs],
        opportunity_ids=[x.key for x in o_inputs],
        feature_names=[str(name) for name in vectoriser.get_feature_names_out()],
        member_X=X[:n].tocsr(),
        opportunity_X=X[n:].tocsr(),
        member_trl=[x.trl for x in m_inputs],
        opportunity_trl=[x.trl for x in o_inputs],
        settings={"explain": [{"blocks": list(g.blocks), "prefix": g.prefix} for g in model.explain],
                  "why_terms": model.text.why_terms, "blocks": list(vectoriser.blocks_),
                  "concepts": text_concept_labels(vectoriser.concepts_, model.glossary),
                  "implied": text_concept_implied(vectoriser.concepts_, model.glossary)},
    )


def concept_labels(settings: dict[str, Any], lang: str) -> dict[str, str]:
    """Text feature -> how a reader of ``lang`` sees it, for the thesaurus concepts of a build."""
    return {code: names.get(lang) or names.get("en") or code for code, names in (settings.get("concepts") or {}).items()}


def _info(build: ProfileBuild, rebuilt: bool) -> BuildInfo:
    return BuildInfo(build.id, build.content_hash, build.model_version, build.built_at, build.seconds,
                     build.member_X.shape[0], build.opportunity_X.shape[0], build.member_X.shape[1], rebuilt)


def mission_fit(db: Any, missions: Sequence[Mission] | None = None,
                questionnaire: Questionnaire | None = None, *, members: Sequence[Any] | None = None,
                opportunities: Sequence[Opportunity] | None = None,
                ) -> tuple[ProfileBuild, list[str], Any, BuildInfo]:
    """Member x mission fit for the planner: (the profile build used, mission ids, ``MissionScores``, build info).

    ``missions`` and ``opportunities`` default to every stored one, ``members`` to the current
    members. See ``matching.mission_scores``.
    """
    from ..matching import mission_scores

    opportunities = catalogue_store.list_opportunities(db) if opportunities is None else opportunities
    build, info = ensure_profiles(db, questionnaire, members, opportunities)
    missions = catalogue_store.list_missions(db) if missions is None else list(missions)
    fit = mission_scores(build.member_X, build.opportunity_X, opportunities, missions)
    return build, [m.id for m in missions], fit, info


# --- ranking -------------------------------------------------------------------------------

def rank(db_path: Path, query: RankQuery, questionnaire: Questionnaire | None = None) -> RankResult:
    """Rank members against the selected opportunities (see :class:`RankQuery`)."""
    build, info, chosen, selected = _profiles_for(db_path, query, questionnaire)
    return _rank(build, info, chosen, selected, query)


def inputs_key(members_digest: str, opportunities: Sequence[Opportunity], model_hash: str) -> str:
    """A digest of a build's inputs as stored (``store.survey.members_digest``, the opportunities, the
    model): cheap to compute without decoding the answers, and equal only when the inputs are."""
    digest = hashlib.sha256(f"{model_hash}\x1e{members_digest}\x1e".encode())
    _hash_opportunities(digest, opportunities)
    return digest.hexdigest()


def _profiles_for(db_path: Path, query: RankQuery, questionnaire: Questionnaire | None):
    """The profile build, the members the query wants and the selected opportunities.

    On a database unchanged since the build was stored, its members come with it (their heads, as
    columns): the answers are neither read nor decoded, which was most of ranking a large database.
    """
    questionnaire = questionnaire or load_questionnaire()
    with session(db_path, create=False) as opened:
        db = opened.db
        if not survey_store.has_members(db):
            required.members(db)  # the error saying to ingest first
        opportunities = required.opportunities(db)
        selected = _select_opportunities(opportunities, query)
        _, model_hash = model_fingerprint(questionnaire)
        digest = survey_store.members_digest(db)
        stored = None if digest is None else _stored_build(db, inputs_key(digest, opportunities, model_hash),
                                                           opportunities)
        if stored is not None:
            build, members = stored
            info = _info(build, rebuilt=False)
        else:
            members, digest = survey_store.current_members_and_digest(db)
            build, info = ensure_profiles(db, questionnaire, members, opportunities)
            if digest is not None:
                _remember_inputs(db, build, members, inputs_key(digest, opportunities, model_hash))
    return build, info, _wanted(members, query), selected


def _stored_build(db: Any, key: str, opportunities: Sequence[Opportunity]
                  ) -> tuple[ProfileBuild, MemberColumns] | None:
    build = profile_store.load_by_inputs(db, key, dense_max_cells=DENSE_MAX_CELLS)
    if build is None or not build.member_keys or len(build.member_heads) != len(IDENTITY_FIELDS) - 1 \
            or any(len(column) != len(build.member_keys) for column in build.member_heads) \
            or build.opportunity_ids != [o.id for o in opportunities]:
        return None
    return build, MemberColumns([build.member_keys, *build.member_heads])


def _remember_inputs(db: Any, build: ProfileBuild, members: Sequence[Any], key: str) -> None:
    """Record the inputs' digest and the members' heads on the stored build, for the next ranking."""
    if build.id is None or build.member_keys != [m.org_key for m in members]:
        return
    # the identity's fields after the key, a column each
    heads = [[getattr(m, name) for m in members] for name in IDENTITY_FIELDS[1:]]
    if profile_store.remember_inputs(db, build.id, key, heads):
        build.inputs_key, build.member_heads = key, heads


def fit_scores(db_path: Path, query: RankQuery, questionnaire: Questionnaire | None = None
               ) -> dict[str, list[tuple[str, float]]]:
    """Each selected opportunity's members and scores, best first, without the "why" (for pictures).

    The same members, order and ties as :func:`rank`, at a fraction of its cost: explaining
    thousands of pairs is what a ranking spends its time on.
    """
    from ..matching import top_k

    build, _, chosen, selected = _profiles_for(db_path, query, questionnaire)
    if not chosen:
        return {o.id: [] for o in selected}
    m_rows, o_rows, member_rank = _rows(build, chosen, selected)
    best = top_k(build.opportunity_X[o_rows], build.member_X[m_rows], query.top,
                 min_score=max(query.min_score - 1e-12, 0.0), tiebreak=member_rank)
    keys = column_of(chosen, "org_key")
    return {o.id: [(keys[j], float(score)) for j, score in best.pairs(i)]
            for i, o in enumerate(selected)}


def _select_opportunities(opportunities: list[Opportunity], query: RankQuery) -> list[Opportunity]:
    by_id = {o.id.casefold(): o for o in opportunities}
    chosen = opportunities
    if query.opportunity_ids is not None:
        chosen = []
        for wanted in query.opportunity_ids:
            hit = by_id.get(wanted.casefold())
            if hit is None:
                raise NotFoundError.of("not_found", what="opportunity", value=wanted,
                                       suggestion=did_you_mean(closest(wanted, [o.id for o in opportunities])),
                                       hint="elca-match opportunities list")
            if hit not in chosen:
                chosen.append(hit)
    chosen = [o for o in chosen
              if (query.countries is None or o.country in query.countries)
              and (query.sectors is None or o.sector in query.sectors)
              and (query.stages is None or o.value_chain_stage in query.stages)]
    if not chosen:
        raise UsageError.of("no_opportunities", value=query.describe(), allowed=_coverage(opportunities, query))
    return chosen


def _coverage(opportunities: list[Opportunity], query: RankQuery) -> str:
    """What the catalogue does have, in the dimension the query restricted."""
    if query.countries is not None:
        values = sorted({o.country for o in opportunities})
        return "countries " + ", ".join(f"{c} ({markets.country_name(c)})" for c in values)
    if query.sectors is not None:
        return "sectors " + ", ".join(sorted({o.sector for o in opportunities}))
    return "stages " + ", ".join(sorted({o.value_chain_stage for o in opportunities}))


def _wanted(members: Sequence[Any], query: RankQuery) -> Sequence[Any]:
    """The members the query's cluster, organisation type and consent options keep, in order."""
    if query.clusters is None and query.org_types is None and not query.consented_only:
        return members
    keep = [(query.clusters is None or cluster in query.clusters)
            and (query.org_types is None or org_type in query.org_types)
            and (consent or not query.consented_only)
            for cluster, org_type, consent in zip(*(column_of(members, name)
                                                    for name in ("cluster", "org_type", "consent")))]
    if isinstance(members, MemberColumns):
        return members.where(keep)
    return list(itertools.compress(members, keep))


def explain_pairs(build: ProfileBuild, pairs: list[tuple[int, int]], lang: str = "en",
                  space: Any = None) -> list[Any]:
    """Each (member row, opportunity row) pair of ``build`` scored and explained as `rank` does, shared
    concepts named in ``lang`` (plans and agendas store English; exports translate, see export.why_labels)."""
    from ..matching import FeatureSpace, contributions

    groups = [ExplainGroup(tuple(g["blocks"]), g.get("prefix", "")) for g in build.settings.get("explain", [])]
    return contributions(build.member_X, build.opportunity_X, pairs,
                         space or FeatureSpace.from_names(build.feature_names),
                         member_trl=build.member_trl, opp_trl=build.opportunity_trl, groups=groups,
                         why_terms=int(build.settings.get("why_terms", 3)),
                         labels=concept_labels(build.settings, lang), implied=build.settings.get("implied") or {})


def _rows(build: ProfileBuild, chosen: Sequence[Any], selected: Sequence[Opportunity]):
    """The build's rows of the chosen members and selected opportunities, and each member's rank by key
    (ties go to the smaller key, whatever order the rows are in)."""
    import numpy as np

    keys = list(column_of(chosen, "org_key"))
    if keys == build.member_keys:  # every member, in the build's order (the usual case)
        m_rows = np.arange(len(keys), dtype=np.int64)
    else:
        member_row = {key: i for i, key in enumerate(build.member_keys)}
        m_rows = np.array([member_row[key] for key in keys], dtype=np.int64)
    opp_row = {key: i for i, key in enumerate(build.opportunity_ids)}
    o_rows = np.array([opp_row[o.id] for o in selected], dtype=np.int64)
    # Python's sort: linear on keys already in order, as members are read (numpy sorts objects slowly)
    member_rank = np.empty(len(keys), dtype=np.int64)
    member_rank[sorted(range(len(keys)), key=keys.__getitem__)] = np.arange(len(keys))
    return m_rows, o_rows, member_rank


def _rank(build: ProfileBuild, info: BuildInfo, chosen: Sequence[Any], selected: list[Opportunity],
          query: RankQuery) -> RankResult:
    import numpy as np

    from ..matching import FeatureSpace, top_k

    space = FeatureSpace.from_names(build.feature_names)
    blocks = list(build.settings.get("blocks") or space.blocks)
    result = RankResult(query, info, blocks, members_considered=len(chosen), opportunities_considered=len(selected))
    if not chosen:
        if query.by == "opportunity":
            result.opportunities = [_opportunity_ranking(o, []) for o in selected]
        return result
    m_rows, o_rows, member_rank = _rows(build, chosen, selected)
    threshold = max(query.min_score - 1e-12, 0.0)

    def explain(pairs: list[tuple[int, int]]):
        return explain_pairs(build, pairs, query.lang, space)

    def match(c, m) -> Match:
        o = selected_by_row[c.opportunity]
        breakdown = {b: c.breakdown.get(b, 0.0) for b in blocks}
        return Match(**identity_of(m), opportunity_id=o.id, opportunity_title=o.title, score=c.score,
                     breakdown=breakdown, why=c.why)

    selected_by_row = {int(r): o for r, o in zip(o_rows, selected)}
    every_row = np.array_equal(m_rows, np.arange(build.member_X.shape[0]))
    M = build.member_X if every_row else build.member_X[m_rows]  # not a copy of every row
    O = build.opportunity_X[o_rows]
    if query.by == "opportunity":
        best = top_k(O, M, query.top, min_score=threshold, tiebreak=member_rank)
        pairs = [(int(m_rows[j]), int(o_rows[i])) for i in range(len(o_rows)) for j, _ in best.pairs(i)]
        explained = iter(explain(pairs))
        for i, o in enumerate(selected):
            ranking = _opportunity_ranking(o, [match(next(explained), chosen[j]) for j, _ in best.pairs(i)])
            result.opportunities.append(ranking)
        return result
    fits = top_k(M, O, FITS_PER_MEMBER, min_score=threshold, tiebreak=np.arange(len(o_rows)))
    fitting = np.flatnonzero(fits.indices[:, 0] >= 0)
    # best first, equal scores by key (member_rank is the rank of each member's key)
    order = fitting[np.lexsort((member_rank[fitting], -fits.scores[fitting, 0]))][: query.top].tolist()
    pairs = [(int(m_rows[j]), int(o_rows[i])) for j in order for i, _ in fits.pairs(j)]
    explained = iter(explain(pairs))
    for j in order:
        m = chosen[j]
        listed = [match(next(explained), m) for _ in fits.pairs(j)]
        result.members.append(MemberRanking(**identity_of(m), score=listed[0].score, best=listed[0], fits=listed))
    return result


def _opportunity_ranking(o: Opportunity, matches: list[Match]) -> OpportunityRanking:
    low, high = o.trl_min, o.trl_max
    trl = "" if low is None and high is None else f"{low if low is not None else 1}-{high if high is not None else 9}"
    return OpportunityRanking(o.id, o.title, o.country, o.sector, o.value_chain_stage, o.policy_driver or "", trl,
                              matches, list(o.sources), o.status or "", o.checked_on or "", o.valid_to or "",
                              o.caveats or "")
