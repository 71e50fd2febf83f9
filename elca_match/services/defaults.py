"""Defaults of the use cases, declared once: the services apply them and the command line's help shows them.

No imports, so the command line can read them without loading a use case.
"""

TOP = 10  # organisations per opportunity (or members in a ranking by member, per shortlist)
