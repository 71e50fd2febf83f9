"""The consent filter: the one place that decides which contact details an export may show."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

CONTACT_FIELDS = ("contact_name", "contact_email")


@dataclass(frozen=True)
class Contact:
    """Contact details that may be shown for one organisation."""

    name: str
    email: str


@dataclass(frozen=True)
class ContactRelease:
    """Which contacts an export shows, and how many it withheld (for the summary)."""

    requested: bool
    contacts: dict[str, Contact] = field(default_factory=dict)  # org_key -> details to show
    withheld: int = 0  # organisations listed with contact details that may not be shown

    def contact(self, org_key: str) -> Contact | None:
        """The details to show for ``org_key``, or None."""
        return self.contacts.get(org_key)

    def summary_text(self) -> str:
        """One line for the summary sheet."""
        if not self.requested:
            return f"not included (pass --with-contacts); {self.withheld} organisations' contacts withheld"
        return (f"{len(self.contacts)} shown (consent given); "
                f"{self.withheld} withheld (no consent)")


def release_contacts(members: Iterable[Any], *, requested: bool) -> ContactRelease:
    """Decide which contacts to show for ``members`` (objects with org_key, consent, answers).

    Contact name and e-mail are shown only when the user asked for them
    (``--with-contacts``) and only for organisations whose ``consent`` is true.
    ``withheld`` counts the organisations listed with some contact detail that is
    not shown, either because contacts were not requested or because there is no
    consent. Each organisation is counted once however often it is listed.
    """
    shown: dict[str, Contact] = {}
    withheld: set[str] = set()
    for member in members:
        key = member.org_key
        if key in shown or key in withheld:
            continue
        answers = getattr(member, "answers", None) or {}
        name = _clean(answers.get("contact_name"))
        email = _clean(answers.get("contact_email"))
        if not (name or email):
            continue
        if requested and member.consent is True:
            shown[key] = Contact(name, email)
        else:
            withheld.add(key)
    return ContactRelease(requested=requested, contacts=shown, withheld=len(withheld))


def _clean(value: Any) -> str:
    return "" if value is None else str(value).strip()
