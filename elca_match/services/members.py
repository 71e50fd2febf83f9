"""Use cases about member organisations: find one by any name it had, list, show, and forget.

`forget` is the GDPR erasure. It finds the organisation by key, by its VAT/PIC id in any
spelling ingest accepts, or by any name it ever answered under; deletes its answers, raw
rows and set-aside rows (also those under another spelling of its name); erases its names
and contact data from the free text that involves it or quotes its contact data (whole
words only); then rewrites the database file so the deleted bytes are gone, and says
truthfully when that last step could not complete.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import NotFoundError, UsageError, did_you_mean
from ..store import erasure, secure_delete, session, survey, transaction
from ..text import closest, name_slug

if TYPE_CHECKING:
    from ..questionnaire import Questionnaire

# ingest.validate (markets, pycountry) and the questionnaire are imported by the use cases that
# need them: `members list` runs without either.

# --- find ----------------------------------------------------------------------------------


def find_member(db, text: str) -> dict:
    """The one organisation named by key, org_id (any spelling) or any name it had; a clear error otherwise."""
    hits = _matches(db, text)
    if len(hits) == 1:
        return hits[0]
    if not hits:
        names = survey.organisation_names(db) + [name for _, name in survey.former_names(db)]
        raise NotFoundError.of("not_found", what="organisation", value=text,
                               suggestion=did_you_mean(closest(text, names)), hint="elca-match members list")
    raise UsageError.of("ambiguous", what="organisation", value=text,
                        allowed=", ".join(f"{h['name']} ({h['key']})" for h in hits))


def _matches(db, text: str) -> list[dict]:
    from ..ingest.validate import org_id_of

    wanted = name_slug(text)
    hits = {row["key"]: row for row in survey.find_organisations(db, text, org_id_of(text), wanted)}
    keys = {key for key, name in survey.former_names(db) if name_slug(name) == wanted}
    if not hits and not keys:
        # a spelling only a set-aside row used, filed under the organisation's id
        keys = {row["org_key"] for row in survey.set_aside_rows(db)
                if row["org_key"] and row["org_name"] and name_slug(row["org_name"]) == wanted}
    for key in keys - set(hits):
        row = survey.organisation(db, key)
        if row is not None:
            hits[key] = row
    return [hits[key] for key in sorted(hits)]


# --- list and show -------------------------------------------------------------------------


def member_filter(members: list[survey.Member], *, clusters: list[str] | None = None,
                  countries: list[str] | None = None, sectors: list[str] | None = None,
                  stages: list[str] | None = None, markets: list[str] | None = None) -> list[survey.Member]:
    """Members matching every given filter (each filter: any of its values)."""
    def has(member: survey.Member, code: str, wanted: list[str] | None) -> bool:
        if not wanted:
            return True
        value = member.answers.get(code)
        values = value if isinstance(value, list) else [value]
        return any(v in wanted for v in values)

    result = []
    for m in members:
        if clusters and m.cluster not in clusters:
            continue
        if countries and m.country not in countries:
            continue
        if not (has(m, "sectors", sectors) and has(m, "value_chain_stages", stages)):
            continue
        if markets and not any(c in markets for c in
                               (m.answers.get("target_markets") or []) + (m.answers.get("market_experience") or [])):
            continue
        result.append(m)
    return result


def summary_of(members: list[Any]) -> dict[str, int]:
    """Members per cluster, clusters in order."""
    return dict(sorted(Counter(m.cluster for m in members).items()))


@dataclass
class Submission:
    """One submission of an organisation and where it came from."""

    id: int
    status: str
    submitted_at: str | None
    file_name: str
    sha256: str
    row_number: int
    adapter: str
    questionnaire_version: str


@dataclass
class MemberDetail:
    """One organisation: its current answers (contact data only on request) and every submission."""

    key: str
    name: str
    cluster: str
    answers: dict[str, Any]
    submissions: list[Submission]
    contacts_hidden: bool


def member_detail(db, text: str, with_contacts: bool = False,
                  questionnaire: Questionnaire | None = None) -> MemberDetail:
    """Find an organisation and return its current answers and submission history."""
    from ..questionnaire import load_questionnaire

    questionnaire = questionnaire or load_questionnaire()
    org = find_member(db, text)
    history = survey.submission_rows(db, org["key"])
    current = next((h for h in history if h["id"] == org["current_submission"]), history[-1])
    hidden = set() if with_contacts else set(questionnaire.personal_codes())
    answers = {code: value for code, value in current["answers"].items() if code not in hidden}
    submissions = [Submission(h["id"], h["status"], h["submitted_at"], h["file_name"], h["sha256"], h["row_number"],
                              h["adapter"], h["questionnaire_version"]) for h in history]
    return MemberDetail(org["key"], org["name"], org["cluster"], answers, submissions, not with_contacts)


def list_members(db_path: Path, **filters: list[str] | None) -> list[survey.Member]:
    """Current members matching every given filter (see :func:`member_filter`); an error when none are stored."""
    from . import required

    with session(db_path, create=False) as opened:
        return member_filter(required.members(opened.db), **filters)


def show_member(db_path: Path, text: str, with_contacts: bool = False) -> MemberDetail:
    """The organisation ``text`` names, as :func:`member_detail` gives it."""
    with session(db_path, create=False) as opened:
        return member_detail(opened.db, text, with_contacts)


def member_name(db_path: Path, text: str) -> str:
    """The name of the organisation ``text`` names; ``text`` itself when none does (it may have only set-aside rows)."""
    with session(db_path, create=False) as opened:
        try:
            return find_member(opened.db, text)["name"]
        except NotFoundError:
            return text


# --- forget --------------------------------------------------------------------------------


@dataclass
class ForgetResult:
    """What `forget` erased, where, and whether the deleted bytes are gone from the file."""

    org_key: str
    name: str
    deleted: dict[str, int]
    scrubbed: dict[str, int] = field(default_factory=dict)
    finished: bool = True
    unfinished_reason: str = ""


def forget(db_path: Path, text: str, questionnaire: Questionnaire | None = None) -> ForgetResult:
    """Erase an organisation everywhere, and nothing else; then rewrite the file (see :func:`finish`)."""
    from ..questionnaire import load_questionnaire

    questionnaire = questionnaire or load_questionnaire()
    with session(db_path, create=False) as opened:
        db = opened.db
        org, not_found = None, None
        try:
            org = find_member(db, text)
        except NotFoundError as missing:
            not_found = missing
        secure_delete(db)
        with transaction(db):
            if org is not None:
                key, name = org["key"], org["name"]
                names, contacts, countries = _identity(db, org, questionnaire)
            else:
                # an organisation whose every row was set aside still has its answers stored there
                key, name = f"set aside: {text.strip()}", text.strip()
                names, contacts, countries = {text.strip()}, set(), set()
            claimed = _set_aside_of(db, key, names, contacts, countries)
            partner = None
            if org is None and not claimed:
                from .partners import forget_partner

                partner = forget_partner(db, text)  # a third-country partner: the same rules as members
                if partner is None:
                    raise not_found
                key, name, deleted, scrubbed = f"partner {partner[0].id}", partner[0].name, partner[1], {}
            if partner is None:
                survey.claim_set_aside(db, [r["id"] for r in claimed], key)
                names |= {r["org_name"] for r in claimed if r["org_name"]}
                rows = erasure.involved(db, key)
                deleted = survey.forget_organisation(db, key)
                scrubbed = erasure.scrub(db, rows, names, contacts)
            if org is not None:
                from ..store import schema  # every store module: only an erasure needs them all

                for module in schema.SCHEMA_MODULES:
                    hook = getattr(module, "forget", None)
                    if hook is not None and module is not survey:
                        deleted.update(hook(db, key) or {})
        done = erasure.finish(db)
    return ForgetResult(key, name, {k: v for k, v in deleted.items() if v}, scrubbed, done.complete, done.reason)


def finish(db_path: Path) -> erasure.Finish:
    """Rewrite the database file and empty its write-ahead log, so bytes an earlier `forget` deleted are gone."""
    with session(db_path, create=False) as opened:
        db = opened.db
        return erasure.finish(db)


def _identity(db, org: dict, questionnaire: Questionnaire) -> tuple[set[str], set[str], set[str]]:
    """Every name and id the organisation answered under, its contacts' data, and its countries."""
    names, contacts, countries = {org["name"]}, set(), {org["country"]}
    key_code = questionnaire.key_code()
    if org["org_id"]:
        names.add(org["org_id"])
    for answers in survey.submitted_answers(db, org["key"]):
        names.add(str(answers.get("org_name") or ""))
        if key_code and answers.get(key_code):
            names.add(str(answers[key_code]))
        countries.add(str(answers.get("country") or ""))
        contacts |= {str(answers[code]) for code in questionnaire.personal_codes() if answers.get(code)}
    return {n for n in names if n.strip()}, contacts, {c for c in countries if c}


def _set_aside_of(db, key: str, names: set[str], contacts: set[str], countries: set[str]) -> list[dict]:
    """The set-aside rows that are this organisation's: by key, by any of its names, or by one of its e-mails.

    A row keyed to another organisation (another id, or the same name in its country) stays.
    """
    from ..ingest.validate import org_id_of

    slugs = {name_slug(n) for n in names}
    # names include the ids the organisation gave, so their id keys are among these
    keys = {key} | {f"name:{s}|{c}" for s in slugs for c in countries} | {f"id:{org_id_of(n)}" for n in names}
    others = survey.organisation_keys(db) - keys
    emails = {c.strip().casefold() for c in contacts if "@" in c}

    def by_name(row: dict) -> bool:
        owner = row["org_key"] or ""
        return (bool(row["org_name"]) and name_slug(row["org_name"]) in slugs
                and owner not in others and not owner.startswith("id:"))

    return [row for row in survey.set_aside_rows(db)
            if row["org_key"] in keys or by_name(row)
            or any(str(cell).strip().casefold() in emails for cell in row["cells"].values())]
