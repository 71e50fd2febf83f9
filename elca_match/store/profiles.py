"""Tables and queries for profiles."""

from __future__ import annotations

SCHEMA = """
"""
