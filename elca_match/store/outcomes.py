"""Tables and queries for outcomes."""

from __future__ import annotations

SCHEMA = """
"""
