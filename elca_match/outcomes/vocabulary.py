"""The progress report's vocabulary: record kinds, event kinds, case types, objective types.

Codes are lower-case ASCII; the numbers and labels are the reporting template's own
(part II of the progress report), so the tables can print "1, 13" exactly as the
agency's form asks. Each entry also lists the spellings a person may type.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..text import slug


@dataclass(frozen=True)
class Term:
    """One code with its template number (if any), its label and the other spellings accepted."""

    code: str
    label: str
    number: int | None = None
    aliases: tuple[str, ...] = ()

    def spellings(self) -> tuple[str, ...]:
        extra = (str(self.number), f"{self.number})") if self.number is not None else ()
        return (self.code, self.label, *extra, *self.aliases)


# The record kinds of the outcome file (its `record` column).
RECORD_KINDS: tuple[Term, ...] = (
    Term("event", "Event", aliases=("events",)),
    Term("meeting", "Matchmaking meeting", aliases=("meetings",)),
    Term("org", "Third-country organisation", aliases=("organisation", "organization", "partner")),
    Term("case", "Cooperation case", aliases=("cases", "cooperation")),
    Term("steps", "Main and next steps of a cooperation case", aliases=("step", "case steps")),
    Term("dissemination", "Dissemination", aliases=("communication", "publication")),
    Term("consortium_meeting", "Consortium participants meeting",
         aliases=("consortium meeting", "partner meeting", "jour fixe", "kick-off")),
    Term("partnership", "Cross-fertilised partnership",
         aliases=("cross-fertilisation", "cross fertilisation", "cross-fertilised partnership")),
    Term("contact", "Contact with a third-country association or cluster", aliases=("contacts",)),
    Term("milestone", "Milestone status", aliases=("milestones",)),
    Term("deliverable", "Deliverable status", aliases=("deliverables",)),
)

# Events in the targeted third countries (work package 2, table 2: the first three) and the
# European events of work package 3 ("events for cross-fertilisation and monitoring").
EVENT_KINDS: tuple[Term, ...] = (
    Term("preparatory", "Preparatory event (workshop, seminar, visit)",
         aliases=("preparatory event", "workshop", "seminar", "visit")),
    Term("c2c", "C2C event", aliases=("c2c event", "cluster to cluster")),
    Term("b2b", "B2B event", aliases=("b2b event", "business to business")),
    Term("national_workshop", "National workshop (WP 3)", aliases=("national workshop",)),
    Term("international_meeting", "International meeting with other clusters, intermediary organisations (WP 3)",
         aliases=("international meeting", "international meeting with other clusters")),
    Term("international_event",
         "Other international event with clusters not initially included in the consortium (WP 3)",
         aliases=("other international event", "international event")),
)

# Dissemination channels (work package 4); an article or press release counts towards
# "Articles, press releases".
DISSEMINATION_CHANNELS: tuple[Term, ...] = (
    Term("event", "Event", aliases=("events", "conference", "fair")),
    Term("website", "Website", aliases=("web", "eccp")),
    Term("social_media", "Social media", aliases=("linkedin", "twitter", "researchgate")),
    Term("newsletter", "Newsletter", aliases=("mailing", "e-mail campaign")),
    Term("article", "Article/press release", aliases=("press release", "article or press release", "press",
                                                      "articles")),
)

# Section 6 c) of the template: other relevant cooperation cases.
PARTNERSHIP_KINDS: tuple[Term, ...] = (
    Term("cluster_partnership", "Cooperation with other cluster partnerships", 1,
         aliases=("cluster partnership", "other cluster partnership", "escp")),
    Term("eu_initiative", "Cooperation with other EU initiatives", 2,
         aliases=("eu initiative", "other eu initiative")),
    Term("other", "Other relevant cooperation cases", 3, aliases=("other relevant", "others")),
)

MEETING_KINDS: tuple[Term, ...] = (
    Term("c2c", "C2C meeting", aliases=("c2c meeting", "cluster to cluster")),
    Term("b2b", "B2B meeting", aliases=("b2b meeting", "business to business")),
)

# Third-country organisations. The stakeholder table has two third-country columns:
# clusters and other intermediaries, and SMEs and businesses (records.outcomes.BUSINESS_TYPES).
PARTNER_TYPES: tuple[Term, ...] = (
    Term("cluster", "Cluster", aliases=("cluster organisation", "network")),
    Term("intermediary", "Intermediary organisation",
         aliases=("intermediary organisation", "association", "chamber", "agency")),
    Term("sme", "SME", aliases=("small and medium enterprise",)),
    Term("large", "Large company", aliases=("large enterprise", "corporation")),
    Term("rto", "Research and technology organisation", aliases=("research organisation",)),
    Term("university", "University"),
    Term("public", "Public agency", aliases=("public body", "government agency", "public authority")),
    Term("other", "Other"),
)

# Template: "1) Collaboration project (e.g. exchange visits), 2) Formal agreements signed
# (e.g. MoUs) 3) Representation office/role appointed by the consortium 4) Other".
CASE_TYPES: tuple[Term, ...] = (
    Term("collaboration_project", "Collaboration project (e.g. exchange visits)", 1,
         aliases=("collaboration project", "collaboration")),
    Term("formal_agreement", "Formal agreements signed (e.g. MoUs)", 2,
         aliases=("formal agreement", "mou", "agreement")),
    Term("representation_office", "Representation office/role appointed by the consortium", 3,
         aliases=("representation office", "representation")),
    Term("other", "Other", 4),
)

# The template's 14 cooperation objective types plus other (brief, vocabulary).
OBJECTIVES: tuple[Term, ...] = (
    Term("rd", "Research & Development", 1, aliases=("research and development", "r&d", "research")),
    Term("technology_transfer", "Technology transfer", 2),
    Term("exports", "Exports", 3, aliases=("export",)),
    Term("imports", "Imports", 4, aliases=("import",)),
    Term("sales_office", "Sales office representation", 5, aliases=("sales office",)),
    Term("joint_venture", "Joint venture", 6),
    Term("mna", "Merger and Acquisition", 7, aliases=("m&a", "merger", "acquisition", "mergers and acquisitions")),
    Term("soft_landing", "Soft Landing services", 8, aliases=("soft landing",)),
    Term("staff_exchange", "Staff exchange", 9),
    Term("academic", "Academic", 10),
    Term("fdi", "Foreign Direct Investment(s) (FDIs): Inward/outward", 11,
         aliases=("foreign direct investment", "fdis")),
    Term("joint_events", "Organisation of joint business events", 12, aliases=("joint events", "joint business events")),
    Term("knowledge_sharing", "Knowledge sharing & information exchange", 13,
         aliases=("knowledge sharing", "information exchange")),
    Term("business_contacts", "Establishment of business contacts among members", 14,
         aliases=("business contacts",)),
    Term("other", "Other (specify)", aliases=("other",)),
)

# What kind of agreement a case is, for call indicators 2 and 3 (footnotes 3 and 4).
AGREEMENTS: tuple[Term, ...] = (
    Term("cooperation", "Cooperation agreement (e.g. MoU)", aliases=("cooperation agreement", "mou")),
    Term("business", "Business agreement (legally enforceable)", aliases=("business agreement", "contract")),
)

CASE_STATUSES: tuple[Term, ...] = (
    Term("planned", "Planned", aliases=("envisaged",)),
    Term("ongoing", "Ongoing", aliases=("initiated", "in progress", "started")),
    Term("signed", "Signed"),
    Term("completed", "Completed", aliases=("done", "finished")),
    Term("stopped", "Stopped", aliases=("abandoned", "cancelled", "canceled")),
)
# An agreement counts towards the call indicators once it has been signed.
SIGNED_STATUSES = frozenset({"signed", "completed"})


def codes(terms: tuple[Term, ...]) -> list[str]:
    """The codes of ``terms`` in order."""
    return [t.code for t in terms]


def lookup(terms: tuple[Term, ...], raw: str) -> str | None:
    """The code of the term that ``raw`` spells (code, label, number or alias; case, accents, ``_`` ignored)."""
    key = slug(raw)
    for term in terms:
        if any(slug(spelling) == key for spelling in term.spellings()):
            return term.code
    return None


def term(terms: tuple[Term, ...], code: str) -> Term:
    """The term with ``code`` (a KeyError for an unknown code is a bug, not a user error)."""
    for item in terms:
        if item.code == code:
            return item
    raise KeyError(code)


def objective_number(code: str) -> str:
    """The template's category number of an objective (``'rd'`` -> ``'1'``; ``'other'`` -> ``'Other'``)."""
    number = term(OBJECTIVES, code).number
    return str(number) if number is not None else "Other"


def case_type_number(code: str) -> int:
    """The template's number 1-4 of a case type."""
    number = term(CASE_TYPES, code).number
    assert number is not None
    return number
