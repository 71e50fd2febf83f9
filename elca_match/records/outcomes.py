"""The action's outcome records: events, meetings, third-country organisations, cooperation
cases and the other records the funding agency's template counts.

Plain frozen dataclasses: the reader in ``outcomes/`` builds them, the store saves and
loads them, and the indicator functions count them. None of them touches a database.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# Outcome org types that count as businesses in the stakeholder table; the others are intermediaries.
BUSINESS_TYPES = frozenset({"sme", "large"})
# Events of work package 3 (cross-fertilisation in Europe), which may take place anywhere.
WP3_EVENT_KINDS = ("national_workshop", "international_meeting", "international_event")


@dataclass(frozen=True)
class Party:
    """A European party to an outcome: one of the action's clusters (by code) or a member organisation."""

    kind: str  # "cluster" (a cluster code) | "member" (an organisations.key)
    ref: str
    name: str
    org_type: str  # the member's org type; "cluster" for a cluster code
    cluster: str = ""  # the cluster code the party belongs to

    @property
    def is_cluster(self) -> bool:
        """Counts as a European cluster: a partner cluster or a member that is itself a cluster."""
        return self.kind == "cluster" or self.org_type == "cluster"

    @property
    def is_sme(self) -> bool:
        return self.kind == "member" and self.org_type == "sme"

    @property
    def key(self) -> tuple[str, str]:
        return (self.kind, self.ref)


@dataclass(frozen=True)
class PartnerOrg:
    """An organisation in a third country: a cluster, intermediary, SME, large firm, RTO ..."""

    id: str
    name: str
    country: str  # ISO alpha-2
    org_type: str
    description: str = ""

    @property
    def is_business(self) -> bool:
        """SMEs and businesses (the stakeholder table's last column); the others are intermediaries."""
        return self.org_type in BUSINESS_TYPES


@dataclass(frozen=True)
class Event:
    """An event organised or attended by the partnership.

    Work package 2 events (preparatory, C2C, B2B) target one or more third countries;
    work package 3 events (cross-fertilisation in Europe) may take place anywhere.
    """

    id: str
    name: str
    date: str  # ISO YYYY-MM-DD
    kind: str  # preparatory | c2c | b2b
    countries: tuple[str, ...]
    mission_id: str | None = None
    parties: tuple[Party, ...] = ()
    partners: tuple[str, ...] = ()  # PartnerOrg ids
    description: str = ""
    organised: bool = False  # organised by the partnership (call indicator 4), not only attended

    @property
    def wp3(self) -> bool:
        """A European event of work package 3 (cross-fertilisation and monitoring)."""
        return self.kind in WP3_EVENT_KINDS


@dataclass(frozen=True)
class Meeting:
    """A C2C or B2B matchmaking meeting between European parties and third-country organisations."""

    id: str
    date: str
    kind: str  # c2c | b2b
    country: str
    parties: tuple[Party, ...]
    partners: tuple[str, ...]
    event_id: str | None = None
    mission_id: str | None = None
    description: str = ""
    name: str = ""


@dataclass(frozen=True)
class Case:
    """A cooperation case: a project, agreement, representation office or other initiative."""

    id: str
    name: str
    date: str  # when it started or, for an agreement, was signed
    case_type: str  # collaboration_project | formal_agreement | representation_office | other
    countries: tuple[str, ...]
    parties: tuple[Party, ...]
    partners: tuple[str, ...]
    objectives: tuple[str, ...]
    status: str
    agreement: str | None = None  # cooperation | business | None
    sectors: tuple[str, ...] = ()
    technology: str = ""
    description: str = ""
    confidential: bool = False
    mission_id: str | None = None
    main_steps: str = ""  # section 6: main steps undertaken
    next_steps: str = ""  # section 6: next steps envisaged


@dataclass(frozen=True)
class CaseSteps:
    """Main steps undertaken and next steps envisaged on a cooperation case (section 6)."""

    id: str  # the case's id
    main_steps: str
    next_steps: str


@dataclass(frozen=True)
class Dissemination:
    """A dissemination action: where it appeared and how many stakeholders of each type it reached."""

    id: str
    name: str
    date: str
    channel: str  # event | website | social_media | newsletter | article
    smes: int = 0
    rtos: int = 0
    clusters: int = 0  # clusters and intermediaries
    policy: int = 0  # policy actors
    description: str = ""

    @property
    def reached(self) -> int:
        return self.smes + self.rtos + self.clusters + self.policy


@dataclass(frozen=True)
class ConsortiumMeeting:
    """A meeting of the consortium's participants (kick-off, jour fixe, partner workshop)."""

    id: str
    name: str
    date: str
    parties: tuple[Party, ...] = ()
    description: str = ""


@dataclass(frozen=True)
class Partnership:
    """A cross-fertilised partnership: another cluster partnership, an EU initiative, or other (section 6 c)."""

    id: str
    name: str
    date: str
    kind: str  # cluster_partnership | eu_initiative | other
    parties: tuple[Party, ...] = ()
    description: str = ""
    main_steps: str = ""
    next_steps: str = ""


@dataclass(frozen=True)
class Contact:
    """A contact with third-country associations or clusters (one record may name several)."""

    id: str
    name: str
    date: str
    partners: tuple[str, ...]  # PartnerOrg ids
    parties: tuple[Party, ...] = ()
    description: str = ""


@dataclass(frozen=True)
class Status:
    """Whether a milestone or deliverable of the action's plan was achieved, and when."""

    id: str  # as in builtin/action.yaml (MS1, D1.1)
    achieved: bool
    date: str = ""
    comment: str = ""


@dataclass
class Outcomes:
    """Every outcome record of the action (or of one file)."""

    events: list[Event] = field(default_factory=list)
    meetings: list[Meeting] = field(default_factory=list)
    orgs: list[PartnerOrg] = field(default_factory=list)
    cases: list[Case] = field(default_factory=list)
    steps: list[CaseSteps] = field(default_factory=list)
    disseminations: list[Dissemination] = field(default_factory=list)
    consortium_meetings: list[ConsortiumMeeting] = field(default_factory=list)
    partnerships: list[Partnership] = field(default_factory=list)
    contacts: list[Contact] = field(default_factory=list)
    milestones: list[Status] = field(default_factory=list)
    deliverables: list[Status] = field(default_factory=list)

    def org_index(self) -> dict[str, PartnerOrg]:
        """Third-country organisations by id (ids compare without case)."""
        return {o.id.casefold(): o for o in self.orgs}

    def count(self) -> dict[str, int]:
        """How many records of each kind (the first four always, the others when there are any)."""
        counts = {"events": len(self.events), "meetings": len(self.meetings), "orgs": len(self.orgs),
                  "cases": len(self.cases)}
        for name in ("steps", "disseminations", "consortium_meetings", "partnerships", "contacts", "milestones",
                     "deliverables"):
            if getattr(self, name):
                counts[name] = len(getattr(self, name))
        return counts


# Record kind (the outcome file's `record` column) -> the Outcomes list that holds it.
LISTS = {"org": "orgs", "event": "events", "meeting": "meetings", "case": "cases", "steps": "steps",
         "dissemination": "disseminations", "consortium_meeting": "consortium_meetings",
         "partnership": "partnerships", "contact": "contacts", "milestone": "milestones",
         "deliverable": "deliverables"}
