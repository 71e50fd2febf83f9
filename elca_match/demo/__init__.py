"""The demo: a seeded synthetic cohort of cluster members and the end-to-end run over it."""

from .cohort import Cohort, Response, generate_cohort, render_answers

__all__ = ["Cohort", "Response", "generate_cohort", "render_answers"]
