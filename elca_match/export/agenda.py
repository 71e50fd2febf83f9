"""A mission's schedule as a Document: personal agendas, the room grid, the requests left out.

Takes the agenda result of ``services.agenda`` (any object with its fields), so the command
line and the demo present it the same way; headings come in the questionnaire's languages.
"""

from __future__ import annotations

from typing import Any

from .document import Document, Section

# Agenda headings in the questionnaire's languages (codes and names stay as typed).
LABELS = {
    "en": ("day", "time", "table", "with", "who they are", "why they fit", "contact", "requester", "requested",
           "reason", "Agenda of"),
    "de": ("Tag", "Uhrzeit", "Tisch", "mit", "wer sie sind", "warum sie passen", "Kontakt", "anfragend", "angefragt",
           "Grund", "Agenda von"),
    "it": ("giorno", "ora", "tavolo", "con", "chi sono", "perché sono adatti", "contatto", "richiedente", "richiesto",
           "motivo", "Agenda di"),
    "pl": ("dzień", "godzina", "stół", "z", "kim są", "dlaczego pasują", "kontakt", "wnioskujący", "zaproszony",
           "powód", "Agenda"),
    "fr": ("jour", "heure", "table", "avec", "qui ils sont", "pourquoi ils correspondent", "contact", "demandeur",
           "demandé", "raison", "Agenda de"),
    "es": ("día", "hora", "mesa", "con", "quiénes son", "por qué encajan", "contacto", "solicitante", "solicitado",
           "motivo", "Agenda de"),
}



def agenda_document(result: Any, lang: str, with_contacts: bool, grid: bool, personal: bool) -> Document:
    """A schedule as tables: summary, personal agendas, the room grid, requests left out."""
    day, time, table, with_, who, why, contact, requester, requested, reason, agenda_of = LABELS[lang]
    sections = []
    facts = {"mission": result.mission, "status": result.status, "met (weighted)": result.objective,
             "bound": result.bound, "gap": f"{result.gap:.2%}", "meetings": len(result.meetings),
             "unscheduled": len(result.unscheduled), "moved": result.moved}
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
                row = [m.day, f"{m.start}-{m.end}", m.table, other, other_is, m.why]
                if with_contacts:
                    c = result.contacts.get(other)
                    row.append(f"{c['name']} <{c['email']}>" if c else "")
                rows.append(row)
            columns = [day, time, table, with_, who, why] + ([contact] if with_contacts else [])
            sections.append(Section(f"{agenda_of} {person}", columns, rows))
    else:
        rows = [[m.day, f"{m.start}-{m.end}", m.table, m.requester, m.requested, m.why,
                 "locked" if m.locked else ""] for m in result.meetings]
        sections.append(Section(f"Meetings, mission {result.mission}",
                                [day, time, table, requester, requested, why, "lock"], rows))
    if grid and result.meetings:
        tables = sorted({m.table for m in result.meetings})
        cells = {}
        for m in result.meetings:
            cells.setdefault((m.day, m.start), {})[m.table] = f"{m.requester} / {m.requested}"
        rows = [[d, s, *[cells[(d, s)].get(t, "") for t in tables]] for (d, s) in sorted(cells)]
        sections.append(Section("Room grid", [day, time, *[f"{table} {t}" for t in tables]], rows))
    if result.unscheduled:
        sections.append(Section("Requests left out", [requester, requested, reason, "detail"],
                                [[u.requester, u.requested, u.reason, u.detail] for u in result.unscheduled]))
    return Document(f"Agenda, mission {result.mission}", sections, summary=facts, notes=notes, data=result, lang=lang)
