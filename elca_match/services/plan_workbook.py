"""The plan as people read it (xlsx): labelled headers, member names, dates, the "why" in labels.

CSV and JSON keep the stable column codes of ``cli/plan.py`` for programs; this document is
for a workbook that leaves the office. Every word a reader sees comes from the message
catalogue in the chosen language; the member key stays in the last column of the member
tables, for ``--lock``, ``--exclude`` and ``--require``.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from .. import markets
from ..errors import UsageError
from ..export import Document, Section
from ..i18n import phrase, words
from ..questionnaire import Questionnaire, load_questionnaire
from .export import check_lang, waitlist_note, why_labels

# The planner's "why" starts with the opportunity the member fits best there: ``JP-AUT-02: automotive; ...``.
_OPPORTUNITY_PREFIX = re.compile(r"(?P<id>[A-Z0-9][A-Z0-9-]*): (?P<rest>.*)")
# The planner's own words before the fit (``required by a person (--require); JP-AUT-02: ...``): left out,
# the "set by a person" column says it in the reader's language.
_PLANNER_WORDS = ("required by a person", "locked by a person")


def plan_workbook(result: Any, lang: str = "en", notes: list[str] | tuple[str, ...] = (),
                  questionnaire: Questionnaire | None = None) -> Document:
    """``result`` (a services.plan.PlanResult) as a Document for Excel, in ``lang``, with ``notes`` under the summary.

    Table names (``--table``) are those of the CSV document, so the same choices apply.
    """
    questionnaire = questionnaire or load_questionnaire()
    lang = check_lang(lang, questionnaire)
    book = _Book(result, lang, questionnaire)
    sections = [book.calendar(), book.assignments(), book.unfilled(), book.waitlist(), book.left_out(),
                book.certificate()]
    if result.based_on is not None:
        sections.insert(0, book.changes())
    status = phrase(f"plan.status.{result.status}", lang) if result.status in ("adopted", "draft") else result.status
    return Document(phrase("plan.title", lang, id=result.plan_id, status=status), sections,
                    summary=book.summary(), notes=list(notes), data=result,
                    lang=lang, table="assignments",
                    words=words(("sheet.summary", "word.notes", "word.sheet", "word.about", "word.rows"), lang))


def check_language(lang: str) -> str:
    """``lang`` as one of the questionnaire's languages, or a UsageError with a suggestion."""
    return check_lang(lang, load_questionnaire())


class _Book:
    """The sheets of one plan workbook; ``t(key)`` is the phrase in the workbook's language."""

    def __init__(self, result: Any, lang: str, questionnaire: Questionnaire) -> None:
        self.result, self.plan, self.lang, self.questionnaire = result, result.plan, lang, questionnaire
        self.missions = {m.id: m for m in self.plan.missions}

    def t(self, key: str, **params: Any) -> str:
        return phrase(key, self.lang, **params)

    def name(self, key: str) -> str:
        return self.result.names.get(key) or key

    def country(self, code: str) -> str:
        try:
            return markets.country_name(code, self.lang)
        except UsageError:
            return str(code)

    def mission_type(self, code: str) -> str:
        return self.t(f"mtype.{code}") if code in ("exploratory", "showcase", "expert_visit", "final") else code

    def reason(self, code: str) -> str:
        """A constraint or change code as its label; an unknown code as it is."""
        try:
            return self.t(f"reason.{code}")
        except KeyError:
            return code or ""

    def yes_no(self, value: bool) -> str:
        return self.t("word.yes" if value else "word.no")

    def why(self, text: str) -> str:
        """The planner's "why" with choice codes, countries and phrases in the reader's language."""
        rest = "; ".join(p for p in text.split("; ") if not p.startswith(_PLANNER_WORDS))
        match = _OPPORTUNITY_PREFIX.fullmatch(rest)
        opportunity, fit = (match["id"] + ": ", match["rest"]) if match else ("", rest)
        return opportunity + why_labels(fit, self.lang, self.questionnaire)

    def note(self, text: str) -> str:
        return waitlist_note(text, self.lang)

    def _section(self, title_key: str, name: str, column_keys: list[str], rows: list[list[Any]],
                 wrap: tuple[str, ...] = (), fit: tuple[str, ...] = ()) -> Section:
        columns = [self.t(k) for k in column_keys]
        return Section(self.t(title_key), columns, rows, name=name, sheet=self.t(title_key),
                       wrap_columns=tuple(self.t(k) for k in wrap),
                       number_formats={self.t(k): "0.000" for k in fit})

    def calendar(self) -> Section:
        unfilled = {u.mission: u for u in self.plan.unfilled}
        used: dict[str, int] = {}
        for a in self.plan.assignments:
            used[a.mission] = used.get(a.mission, 0) + 1
        rows = []
        for m in self.plan.missions:
            u = unfilled.get(m.id)
            rows.append([m.id, _date(m.start_date), _date(m.end_date), self.country(m.country),
                         self.mission_type(m.type), m.lead_cluster or "", m.seats, used.get(m.id, 0),
                         self.plan.quotas[m.id], u.count if u else 0, self.reason(u.reason) if u else "",
                         self.plan.rules[m.id]])
        return self._section("plan.sheet.calendar", "calendar",
                             ["plan.col.mission", "plan.col.start", "plan.col.end", "col.country", "col.type",
                              "plan.col.lead_cluster", "plan.col.seats", "plan.col.seats_filled",
                              "plan.col.cluster_cap", "plan.col.seats_empty", "plan.col.reason",
                              "plan.col.who_may_join"], rows, wrap=("plan.col.who_may_join",))

    def assignments(self) -> Section:
        rows = []
        for a in self.plan.assignments:
            m = self.missions[a.mission]
            rows.append([self.name(a.member), a.mission, _date(m.start_date), _date(m.end_date),
                         self.country(m.country), self.mission_type(m.type), a.cluster, round(a.score, 4),
                         self.yes_no(a.required), self.why(a.why), a.member])
        return self._section("plan.sheet.assignments", "assignments",
                             ["col.organisation", "plan.col.mission", "plan.col.start", "plan.col.end", "col.country",
                              "col.type", "col.cluster", "col.fit", "plan.col.required", "col.why",
                              "plan.col.member_key"], rows, wrap=("col.why",), fit=("col.fit",))

    def unfilled(self) -> Section:
        rows = [[u.mission, u.count, self.reason(u.reason), u.detail] for u in self.plan.unfilled]
        return self._section("plan.sheet.unfilled", "unfilled",
                             ["plan.col.mission", "plan.col.seats_empty", "plan.col.reason", "plan.col.detail"],
                             rows, wrap=("plan.col.detail",))

    def waitlist(self) -> Section:
        rows = [[w.mission, w.rank, self.name(w.member), w.cluster, round(w.score, 4), self.note(w.note),
                 self.why(w.why), w.member] for w in self.plan.waitlist]
        return self._section("plan.sheet.waitlist", "waitlist",
                             ["plan.col.mission", "col.rank", "col.organisation", "col.cluster", "col.fit",
                              "col.notes", "col.why", "plan.col.member_key"], rows, wrap=("col.notes", "col.why"),
                             fit=("col.fit",))

    def left_out(self) -> Section:
        rows = [[self.name(o.member), o.cluster, ", ".join(o.assigned_to), o.best_mission, round(o.best_score, 4),
                 self.reason(o.constraint), o.detail, o.member] for o in self.plan.left_out]
        return self._section("plan.sheet.left_out", "left-out",
                             ["col.organisation", "col.cluster", "plan.col.on_missions", "plan.col.best_mission",
                              "col.best_fit", "plan.col.reason", "plan.col.detail", "plan.col.member_key"], rows,
                             wrap=("plan.col.detail",), fit=("col.best_fit",))

    def changes(self) -> Section:
        rows = [[self.t(f"change.{c.change}"), c.mission, self.name(c.member), c.cluster, round(c.score, 4),
                 self.reason(c.reason), c.detail, c.member] for c in self.plan.changes]
        return self._section("plan.sheet.changes", "changes",
                             ["plan.col.change", "plan.col.mission", "col.organisation", "col.cluster", "col.fit",
                              "plan.col.reason", "plan.col.detail", "plan.col.member_key"], rows,
                             wrap=("plan.col.detail",), fit=("col.fit",))

    def certificate(self) -> Section:
        c, plan = self.plan.certificate, self.plan
        rows = [[self.t("plan.sum.total_fit"), round(plan.objective, 6)],
                [self.t("plan.cert.dual_bound"), round(c.dual_bound, 6)], [self.t("plan.cert.gap"), round(c.gap, 9)],
                [self.t("plan.sum.optimal"), self.yes_no(c.optimal)], [self.t("plan.cert.method"), c.method],
                [self.t("plan.cert.pairs"), f"{c.solved_pairs} / {c.candidate_pairs}"],
                [self.t("plan.cert.rounds"), c.rounds],
                *[[f"--{k.replace('_', '-')}", "; ".join(v) if isinstance(v, list) else v]
                  for k, v in plan.params.as_dict().items()],
                [self.t("plan.cert.input_hash"), self.result.input_hash],
                [self.t("plan.cert.profiles"), self.result.profiles]]
        return self._section("plan.sheet.certificate", "certificate", ["plan.col.item", "plan.col.value"], rows,
                             wrap=("plan.col.value",))

    def summary(self) -> dict[str, Any]:
        plan, result = self.plan, self.result
        summary = {
            self.t("plan.sum.plan"): f"#{result.plan_id}, {result.created_at}",
            self.t("col.status"): self.t(f"plan.status.{result.status}") if result.status in ("adopted", "draft")
            else result.status,
            self.t("plan.sum.missions"): len(plan.missions),
            self.t("plan.sum.seats"): sum(m.seats for m in plan.missions),
            self.t("plan.col.seats_filled"): len(plan.assignments),
            self.t("plan.sum.total_fit"): round(plan.objective, 6),
            self.t("plan.sum.optimal"): self.yes_no(plan.certificate.optimal),
            self.t("plan.sum.parameters"): {f"--{k.replace('_', '-')}": "; ".join(v) if isinstance(v, list) else v
                                            for k, v in plan.params.as_dict().items()},
        }
        if result.based_on is not None:
            summary[self.t("plan.sum.based_on")] = f"#{result.based_on}"
        return summary


def _date(value: str | None) -> Any:
    """An ISO date as a date (an Excel date cell); anything else as it is."""
    try:
        return dt.date.fromisoformat(value) if value else ""
    except (TypeError, ValueError):
        return value
