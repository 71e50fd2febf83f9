"""The first profile build in a new process: the demo cohort's 600 members and the built-in catalogue.

What `rank` right after `ingest` pays: lemmas and the compiled thesaurus come from the
cache folder (run the script twice: the first run on a new machine fills it), imports
(scikit-learn) are timed apart. Prints wall and CPU time (CPU time is what a quiet
machine would take when other work shares the cores), then a second build in the same
process.

Run: ``python benchmarks/bench_first_build.py``
"""

from __future__ import annotations

import time
from types import SimpleNamespace


def main() -> None:
    started = time.perf_counter()
    import elca_match.profiles.vectoriser  # noqa: F401  (scikit-learn, timed as imports)
    from elca_match.catalogue.opportunities import check_opportunities
    from elca_match.demo.cohort import generate_cohort
    from elca_match.questionnaire import load_questionnaire
    from elca_match.resources import builtin_path
    from elca_match.services.rank import build_profiles
    from elca_match.tabular import read_table

    imports = time.perf_counter() - started
    q = load_questionnaire()
    members = [SimpleNamespace(org_key=f"m{i}", answers=r.answers) for i, r in enumerate(generate_cohort().responses)]
    checked = check_opportunities(read_table(builtin_path("opportunities.csv")), q)
    opportunities = getattr(checked, "records", checked)
    for label in ("first build", "second build"):
        wall, cpu = time.perf_counter(), time.process_time()
        build = build_profiles(members, opportunities, q)
        print(f"{label}: {len(members)} members x {len(opportunities)} opportunities, {build.member_X.shape[1]} features: "
              f"{time.perf_counter() - wall:.2f} s wall, {time.process_time() - cpu:.2f} s CPU")
    print(f"imports (not in the builds): {imports:.2f} s")


if __name__ == "__main__":
    main()
