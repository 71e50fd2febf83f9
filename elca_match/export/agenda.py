"""A mission's schedule as a Document: personal agendas, the room grid, the requests left out.

Takes the agenda result of ``services.agenda`` (any object with its fields), so the command
line and the demo present it the same way; headings come from the message catalogue
(``elca_match/i18n``) in the questionnaire's languages, codes and names stay as typed.
"""

from __future__ import annotations

from typing import Any, Callable

from ..i18n import phrase, words
from .document import Document, Section

def agenda_document(result: Any, lang: str, with_contacts: bool, grid: bool, personal: bool,
                    why_label: Callable[[str], str] | None = None,
                    who_label: Callable[[str], str] | None = None) -> Document:
    """A schedule as tables: summary, personal agendas, the room grid, requests left out.

    Every heading is the catalogue's phrase in ``lang``; ``why_label`` and ``who_label`` turn a
    "why they fit" and a "who they are" into the reader's labels (choice codes as the questionnaire
    names them), else they are shown as they are.
    """
    def t(key: str, **params: Any) -> str:
        return phrase(f"agenda.{key}", lang, **params)

    day, time, table, with_, who, why, contact, requester, requested, reason = (t(k) for k in (
        "day", "time", "table", "with", "who", "why", "contact", "requester", "requested", "reason"))
    label = why_label or (lambda text: text)
    who_is = who_label or (lambda text: text)
    sections = []
    facts = {t("sum.mission"): result.mission, t("sum.status"): result.status, t("sum.met"): result.objective,
             t("sum.bound"): result.bound, t("sum.gap"): f"{result.gap:.2%}", t("sum.meetings"): len(result.meetings),
             t("sum.unscheduled"): len(result.unscheduled), t("sum.moved"): result.moved}
    notes = [f"Mission {result.mission}: {len(result.meetings)} meetings, {len(result.unscheduled)} requests left out; "
             f"objective {result.objective}, bound {result.bound}, gap {result.gap:.2%} ({result.status})."]
    notes += [f"Capacity ({c['constraint']}): {c['subject']} needs {c['demand']} slots but has {c['capacity']}; "
              f"{c['relaxation']}." for c in result.capacity]
    if result.standby_minutes:
        waits = sorted(result.standby_minutes.values())
        notes.append(f"Stand-by between meetings: {sum(waits) / len(waits):.0f} min per participant on average, "
                     f"{waits[-1]} min at most.")
    if result.without_meeting:
        notes.append("No meeting although one was requested: " + ", ".join(result.without_meeting) + ".")
    if not with_contacts:
        notes.append("Contact data hidden; pass --with-contacts to show it (where the organisation consented).")
    if personal:
        people = sorted({n for m in result.meetings for n in (m.requester, m.requested)})
        if result.participant:
            people = [result.participant]
        for person in people:
            rows = []
            for m in result.meetings:
                if person not in (m.requester, m.requested):
                    continue
                other, other_is = (m.requested, m.requested_is) if person == m.requester else (m.requester,
                                                                                                 m.requester_is)
                row = [m.day, f"{m.start}-{m.end}", m.table, other, who_is(other_is), label(m.why)]
                if with_contacts:
                    c = result.contacts.get(other)
                    row.append(f"{c['name']} <{c['email']}>" if c else "")
                rows.append(row)
            columns = [day, time, table, with_, who, why] + ([contact] if with_contacts else [])
            sections.append(Section(t("of", name=person), columns, rows, name=_name("of", name=person)))
    else:
        rows = [[m.day, f"{m.start}-{m.end}", m.table, m.requester, m.requested, label(m.why),
                 t("locked") if m.locked else ""] for m in result.meetings]
        sections.append(Section(t("meetings", mission=result.mission),
                                [day, time, table, requester, requested, why, t("lock")], rows,
                                name=_name("meetings", mission=result.mission)))
    if grid and result.meetings:
        tables = sorted({m.table for m in result.meetings})
        cells = {}
        for m in result.meetings:
            cells.setdefault((m.day, m.start), {})[m.table] = f"{m.requester} / {m.requested}"
        rows = [[d, s, *[cells[(d, s)].get(n, "") for n in tables]] for (d, s) in sorted(cells)]
        sections.append(Section(t("room_grid"), [day, time, *[f"{table} {n}" for n in tables]], rows,
                                name=_name("room_grid")))
    if result.unscheduled:
        sections.append(Section(t("left_out"), [requester, requested, reason, t("detail")],
                                [[u.requester, u.requested, u.reason, u.detail] for u in result.unscheduled],
                                name=_name("left_out")))
    return Document(t("title", mission=result.mission), sections, summary=facts, notes=notes, data=result, lang=lang,
                    words=words(("sheet.summary", "word.notes", "word.sheet", "word.about", "word.rows"), lang))


def _name(key: str, **params: Any) -> str:
    """A section's --table and JSON name from its English title, the same whatever the language."""
    return Section(phrase(f"agenda.{key}", "en", **params), [], []).table_name
