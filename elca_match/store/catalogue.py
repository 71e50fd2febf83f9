"""Tables and queries for catalogue."""

from __future__ import annotations

SCHEMA = """
"""
