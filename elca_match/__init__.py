"""elca-match: the ELCA competence survey turned into matches, mission plans and shortlists."""

__version__ = "0.1.0"
