"""Profile build against scikit-learn on the same answers, side by side in one run.

Run: ``python benchmarks/bench_profiles.py [--members 50000] [--repeats 2]``.
Target (issue 20): the build at 50,000 members within 2x scikit-learn.

The members are ``bench_rank``'s synthetic ones (the questionnaire's codes, 10 to 30
words of free text each). The project's figure is ``Vectoriser(model).fit_transform``
(coded blocks, TRL, text analysed, glossary concepts, weights). The reference is the
scikit-learn notebook route on the same inputs: ``TfidfVectorizer`` on the free text and
``DictVectorizer`` on the coded answers (one ``block=code`` feature each), stacked. It
does less (no lemmas, no glossary, no languages), so the ratio is an upper bound on what
the extra work costs. Runs alternate, best of ``--repeats``.
"""

from __future__ import annotations

import argparse
import os
import time

import numpy as np

from bench_rank import _words, synthetic_members
from elca_match.profiles import load_model
from elca_match.profiles.vectoriser import Vectoriser
from elca_match.questionnaire import load_questionnaire


def project_build(model, inputs) -> float:
    started = time.perf_counter()
    Vectoriser(model).fit_transform(inputs)
    return time.perf_counter() - started


def sklearn_build(inputs) -> float:
    import scipy.sparse as sp
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.feature_extraction.text import TfidfVectorizer

    started = time.perf_counter()
    coded = [{f"{block}={code}": weight for block, codes in member.blocks.items()
              for code, weight in (codes.items() if isinstance(codes, dict) else ((c, 1.0) for c in codes))}
             for member in inputs]
    text = TfidfVectorizer().fit_transform([member.text for member in inputs])
    sp.hstack([DictVectorizer().fit_transform(coded), text], format="csr")
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=50_000)
    parser.add_argument("--repeats", type=int, default=2)
    options = parser.parse_args()
    rng = np.random.default_rng(2026)
    questionnaire = load_questionnaire()
    model = load_model(questionnaire)
    inputs = synthetic_members(options.members, questionnaire, rng, _words(rng, 20_000))
    print(f"Profile build, {options.members:,} members ({os.cpu_count()} cores, load average "
          f"{os.getloadavg()[0]:.1f}); best of {options.repeats} alternating runs")
    ours, theirs = [], []
    for _ in range(options.repeats):
        ours.append(project_build(model, inputs))
        theirs.append(sklearn_build(inputs))
    ratio = min(ours) / min(theirs)
    print(f"  elca-match {min(ours):.2f} s   scikit-learn TfidfVectorizer + DictVectorizer {min(theirs):.2f} s   "
          f"ratio {ratio:.2f}x   target <= 2x {'met' if ratio <= 2 else 'missed'}")


if __name__ == "__main__":
    main()
