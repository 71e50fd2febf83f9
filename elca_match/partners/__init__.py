"""The register of third-country partners: files -> records, duplicate detection. No database."""

from .records import FIELDS, KINDS, Partner, check_partners, close_duplicate, partner_from_values

__all__ = ["FIELDS", "KINDS", "Partner", "check_partners", "close_duplicate", "partner_from_values"]
