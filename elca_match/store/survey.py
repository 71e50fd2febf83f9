"""Tables and queries for survey."""

from __future__ import annotations

SCHEMA = """
"""
