"""Tables and queries for plans."""

from __future__ import annotations

SCHEMA = """
"""
