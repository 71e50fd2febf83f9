"""An agenda's "who they are" and "why they fit" in the reader's language: labels, not codes.

The agenda service describes a participant as ``AMZ member, sme, DE`` (a member: cluster,
organisation type, country) or ``cluster, Aichi`` (a partner: kind, region or country); the
"why" is the matcher's. People read them with the questionnaire's labels and country names.
"""

from __future__ import annotations

import re
from typing import Callable

from .. import markets
from ..errors import UsageError
from ..i18n import phrase
from ..questionnaire import Questionnaire, load_questionnaire
from .export import why_labels

_MEMBER = re.compile(r"(?P<cluster>\S+) member, (?P<type>[^,]+), (?P<country>[^,]+)")
_PARTNER = re.compile(r"(?P<kind>[a-z_]+), (?P<where>.+)")
# Partner kinds the questionnaire's organisation types do not name (partners/records.py KINDS).
_PARTNER_KINDS = ("intermediary", "public")


def labellers(lang: str) -> tuple[Callable[[str], str], Callable[[str], str]]:
    """``(who, why)``: functions turning an agenda's "who they are" and "why they fit" into ``lang``'s labels."""
    questionnaire = load_questionnaire()
    return (lambda text: who_label(text, lang, questionnaire)), (lambda text: why_labels(text, lang, questionnaire))


def who_label(text: str, lang: str, questionnaire: Questionnaire) -> str:
    """``AMZ member, sme, DE`` -> ``Mitglied von AMZ, KMU, Deutschland``; text of another shape stays as it is."""
    member, partner = _MEMBER.fullmatch(text or ""), _PARTNER.fullmatch(text or "")
    if member:
        return ", ".join([phrase("agenda.member", lang, cluster=member["cluster"]),
                          _kind(member["type"], lang, questionnaire), _place(member["country"], lang)])
    if partner:
        return ", ".join([_kind(partner["kind"], lang, questionnaire), _place(partner["where"], lang)])
    return text


def _kind(code: str, lang: str, questionnaire: Questionnaire) -> str:
    if code in questionnaire.choice_codes("org_type"):
        return questionnaire.choice_label("org_type", code, lang)
    return phrase(f"agenda.kind.{code}", lang) if code in _PARTNER_KINDS else code


def _place(text: str, lang: str) -> str:
    """A country code as its name; a region as it is."""
    if re.fullmatch(r"[A-Z]{2}", text):
        try:
            return markets.country_name(text, lang)
        except UsageError:
            return text
    return text
