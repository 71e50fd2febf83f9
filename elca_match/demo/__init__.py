"""The demo: a seeded synthetic cohort of cluster members and the end-to-end run over it."""

from .cohort import Cohort, Response, generate_cohort, render_answers
from .run import DemoListener, DemoResult, StepResult, run_demo

__all__ = ["Cohort", "DemoListener", "DemoResult", "Response", "StepResult", "generate_cohort", "render_answers",
           "run_demo"]
