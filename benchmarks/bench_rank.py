"""Ranking speed: profile build time, top-k ranking at 1,000, 10,000 and 100,000 members,
side by side with a blocked sparse numpy reference (scipy product per block of queries,
argpartition for the top k) in the same run, and the speed-up over a straightforward
per-pair Python implementation of the same scores.

Synthetic profiles are drawn from the questionnaire's own codes with realistic sizes
(a few sectors, stages, materials and markets per member, 10 to 30 words of free text);
2,000 opportunities spread over seven markets, about 300 of them in Japan. Prints
figures; targets: 100,000 members x 2,000 opportunities ranked (top 20 each) in under
3 s after profiles are built, with peak memory under 1 GiB; ``rank --country japan`` on
the demo database in under 1 s end to end (``--demo`` also times that, building a demo
database in a temporary folder first).

Also (``--stored N``, default 50,000; ``--stored-only`` for just this): ``rank --opportunity ID`` on
stored profiles as a whole process, next to scikit-learn's TfidfVectorizer + DictVectorizer build
of the same answers (target: within 0.35x at 50,000 members).

Run: ``python benchmarks/bench_rank.py [--members 10000,100000] [--demo] [--stored 50000]``.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

import numpy as np

from elca_match.matching import top_k
from elca_match.profiles import MEMBER, OPPORTUNITY, ProfileInput, load_model
from elca_match.profiles.vectoriser import Vectoriser
from elca_match.questionnaire import load_questionnaire

MARKETS = {"JP": 300, "US": 400, "IN": 300, "MX": 250, "BR": 300, "CL": 200, "CO": 250}  # opportunities each
ENGLISH_TERMS = ["carbon fibre", "CFRP", "resin transfer moulding", "body panels", "crash boxes", "battery housings",
                 "aluminium", "die casting", "thermoplastic", "injection moulding", "welding", "adhesive bonding",
                 "additive manufacturing", "wing ribs", "bogie frames", "boat hulls", "rotor blades", "recycling",
                 "simulation", "non-destructive testing", "chassis components", "seat structures", "magnesium",
                 "titanium", "natural fibres", "filament winding", "pressure vessels", "hydrogen", "railway"]


def _words(rng: np.random.Generator, n: int) -> list[str]:
    """A Zipf-like vocabulary of plain words (most rare, a few common)."""
    letters = np.array(list("abcdefghiklmnoprstuvz"))
    return ["".join(rng.choice(letters, size=rng.integers(4, 10))) for _ in range(n)]


def synthetic_members(n: int, q, rng: np.random.Generator, vocabulary: list[str]) -> list[ProfileInput]:
    codes = {b: q.choice_codes(c) for b, c in (("sectors", "sectors"), ("stages", "value_chain_stages"),
                                                ("materials", "materials"), ("technologies", "technologies"),
                                                ("certifications", "certifications"),
                                                ("cooperation", "cooperation_types"))}
    countries = list(MARKETS) + ["CN", "KR", "CA", "ZA", "AU", "TR", "AE", "SG", "VN", "TH", "MA", "EG", "AR", "PE"]
    sizes = {"sectors": (1, 3), "stages": (1, 3), "materials": (1, 4), "technologies": (0, 4),
             "certifications": (0, 3), "cooperation": (1, 4)}
    # Zipf-like, without the handful of words so common that the stop-word lists drop them
    ranks = np.arange(1, len(vocabulary) + 1) + 30
    p = 1 / ranks
    p /= p.sum()
    lengths = rng.integers(10, 30, size=n)
    drawn = rng.choice(len(vocabulary), size=int(lengths.sum()), p=p)
    cuts = np.concatenate(([0], np.cumsum(lengths)))
    out = []
    for i in range(n):
        blocks: dict[str, dict[str, float]] = {}
        for block, (low, high) in sizes.items():
            k = int(rng.integers(low, high))
            if k:
                blocks[block] = {str(c): 1.0 for c in rng.choice(codes[block], size=k, replace=False)}
        markets = rng.choice(countries, size=int(rng.integers(0, 5)), replace=False)
        if len(markets):
            blocks["markets"] = {str(c): 1.0 for c in markets}
        words = [vocabulary[w] for w in drawn[cuts[i]:cuts[i + 1]]]
        terms = list(rng.choice(ENGLISH_TERMS, size=int(rng.integers(1, 4)), replace=False))
        trl = int(rng.integers(1, 10))
        out.append(ProfileInput(f"M{i:06d}", blocks, (trl, trl) if rng.random() < 0.85 else None,
                                " ".join(words + terms), "en", MEMBER))
    return out


def synthetic_opportunities(q, rng: np.random.Generator, vocabulary: list[str]) -> tuple[list[ProfileInput], list[str]]:
    sectors = q.choice_codes("sectors")[:4]
    stages = q.choice_codes("value_chain_stages")
    materials = q.choice_codes("materials")
    technologies = q.choice_codes("technologies")
    out, countries = [], []
    for country, count in MARKETS.items():
        for j in range(count):
            low = int(rng.integers(1, 8))
            words = list(rng.choice(vocabulary[:2000], size=int(rng.integers(15, 40))))
            terms = list(rng.choice(ENGLISH_TERMS, size=3, replace=False))
            out.append(ProfileInput(
                f"{country}-{j:04d}",
                {"sectors": [str(rng.choice(sectors))], "stages": [str(rng.choice(stages))],
                 "materials": list(map(str, rng.choice(materials, size=2, replace=False))),
                 "technologies": list(map(str, rng.choice(technologies, size=2, replace=False))),
                 "markets": [country]},
                (low, min(9, low + int(rng.integers(0, 3)))), " ".join(words + terms), "en", OPPORTUNITY))
            countries.append(country)
    return out, countries


def per_pair_python(members: list[dict[int, float]], opps: list[dict[int, float]], k: int) -> list[list[tuple[int, float]]]:
    """The straightforward implementation: every pair's dot product in Python, then a sort."""
    out = []
    for o in opps:
        scored = []
        for j, m in enumerate(members):
            s = sum(v * m.get(c, 0.0) for c, v in o.items())
            if s > 0:
                scored.append((j, s))
        scored.sort(key=lambda js: (-js[1], js[0]))
        out.append(scored[:k])
    return out


def _same_ranking(a: list[tuple[int, float]], b: list[tuple[int, float]]) -> bool:
    """Same scores (to 1e-12), and the same members except among those tied (to 1e-12) at the
    last place: which of several equal scores makes the cut depends on the last bit of a sum."""
    if len(a) != len(b) or not np.allclose([s for _, s in a], [s for _, s in b], atol=1e-12):
        return False
    if not a:
        return True
    last = min(s for _, s in a)
    above = lambda pairs: {j for j, s in pairs if s > last + 1e-12}  # noqa: E731
    return above(a) == above(b)


def blocked_reference(O, M, k: int, block: int = 256) -> tuple[np.ndarray, np.ndarray]:
    """The reference: scipy sparse products of a block of queries against all members,
    densified per block, then numpy's argpartition + argsort for the top ``k`` (ties by index)."""
    O, MT = O.tocsr(), M.tocsr().T.tocsc()
    n_pool = M.shape[0]
    k = min(k, n_pool)
    indices = np.empty((O.shape[0], k), dtype=np.int64)
    scores = np.empty((O.shape[0], k))
    for start in range(0, O.shape[0], block):
        dense = (O[start:start + block] @ MT).toarray()
        part = np.argpartition(-dense, k - 1, axis=1)[:, :k] if k < n_pool else np.tile(np.arange(n_pool),
                                                                                          (len(dense), 1))
        top = np.take_along_axis(dense, part, axis=1)
        order = np.lexsort((part, -top), axis=1)
        indices[start:start + block] = np.take_along_axis(part, order, axis=1)
        scores[start:start + block] = np.take_along_axis(top, order, axis=1)
    return indices, scores


def reference_side_by_side(O, M, k: int, repeat: int = 3, at_least: float = 1.0) -> tuple[float, float, float]:
    """(project seconds, reference seconds, share of top-k scores that agree), best of alternating runs:
    ``repeat`` of each, or more until both have run ``at_least`` seconds (a 10 ms ranking's best of three
    is mostly noise)."""
    ours, theirs = [], []
    while len(ours) < repeat or min(sum(ours), sum(theirs)) < at_least:
        started = time.perf_counter()
        result = top_k(O, M, k)
        ours.append(time.perf_counter() - started)
        started = time.perf_counter()
        _, ref_scores = blocked_reference(O, M, k)
        theirs.append(time.perf_counter() - started)
    mine = np.array([[s for _, s in result.pairs(i)] + [0.0] * (k - len(result.pairs(i))) for i in range(O.shape[0])])
    agree = float(np.mean(np.isclose(mine, np.where(ref_scores > 0, ref_scores, 0.0), atol=1e-9)))
    return min(ours), min(theirs), agree


def rows_as_dicts(X) -> list[dict[int, float]]:
    X = X.tocsr()
    return [dict(zip(X.indices[X.indptr[i]:X.indptr[i + 1]].tolist(), X.data[X.indptr[i]:X.indptr[i + 1]].tolist()))
            for i in range(X.shape[0])]


def timed_rank(O, M, k: int, repeat: int = 3) -> tuple[float, float, object]:
    """Best-of-``repeat`` seconds of ranking every row of O against M, then (in a separate
    run, as tracing slows allocation down) the peak memory it allocates, in MiB."""
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        result = top_k(O, M, k)
        times.append(time.perf_counter() - started)
    tracemalloc.start()
    top_k(O, M, k)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return min(times), peak / 2 ** 20, result


def demo_end_to_end() -> None:
    """Build the demo database, then time `elca-match rank --country japan` as a user runs it."""
    exe = shutil.which("elca-match") or sys.argv[0]
    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "demo.db"
        started = time.perf_counter()
        subprocess.run([exe, "--db", str(db), "demo"], check=True, capture_output=True, cwd=folder)
        print(f"demo database built (600 members, catalogue, profiles) in {time.perf_counter() - started:.1f} s")
        env = {**os.environ, "COLUMNS": "160"}
        times = []
        for _ in range(5):
            started = time.perf_counter()
            done = subprocess.run([exe, "--db", str(db), "rank", "--country", "japan"], capture_output=True,
                                  text=True, env=env)
            times.append(time.perf_counter() - started)
            assert done.returncode == 0, done.stderr
        loaded = "loaded" in done.stdout
        print(f"`elca-match rank --country japan` end to end (interpreter start included): median "
              f"{statistics.median(times):.2f} s, min {min(times):.2f} s over 5 runs "
              f"(profiles {'loaded' if loaded else 'rebuilt'}; target < 1 s)")


def _child_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def stored_side_by_side(n: int, repeats: int = 3, opportunity: str = "US-AUT-01") -> None:
    """Rank on stored profiles, whole process, next to scikit-learn's build of the same answers.

    A database of ``n`` members (the tests' canonical rows, ingested; the built-in catalogue) is
    built once, and a first `rank` stores its profiles. Then, alternating, best of ``repeats``:
    ``elca-match rank --opportunity ID`` as a child process (wall and CPU seconds) and
    ``TfidfVectorizer`` + ``DictVectorizer`` fitted in this process on the same members' inputs.
    Target (issue 20): at 50,000 members the rank within 0.35x the scikit-learn build.
    """
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
    from bench_profiles import sklearn_build
    from conftest import survey_rows, write_survey

    from elca_match.profiles import member_inputs
    from elca_match.services.catalogue import import_opportunities
    from elca_match.services.ingest import ingest_files
    from elca_match.store import session
    from elca_match.store import survey as survey_store

    exe = [sys.executable, "-m", "elca_match"]
    env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "160"}
    env.pop("ELCA_MATCH_DB", None)
    with tempfile.TemporaryDirectory(prefix="elca-rank-") as folder:
        db = Path(folder) / "stored.db"
        started = time.perf_counter()
        ingest_files(db, [write_survey(Path(folder) / "answers.csv", survey_rows(n, seed=1, prefix="Bench"))])
        import_opportunities(db, builtin=True)
        command = [*exe, "--db", str(db), "rank", "--opportunity", opportunity]
        subprocess.run(command, check=True, capture_output=True, env=env)  # builds and stores the profiles
        print(f"\nrank on stored profiles, {n:,} members (database built and profiles stored in "
              f"{time.perf_counter() - started:.0f} s; load average {os.getloadavg()[0]:.1f})")
        q = load_questionnaire()
        with session(db) as opened:
            inputs = member_inputs(survey_store.current_members(opened.db), q, load_model(q))
        ours, ours_cpu, theirs, theirs_cpu = [], [], [], []
        for _ in range(repeats):  # alternating, so that both see the same load
            before = _child_cpu()
            started = time.perf_counter()
            done = subprocess.run(command, capture_output=True, text=True, env=env)
            ours.append(time.perf_counter() - started)
            ours_cpu.append(_child_cpu() - before)
            assert done.returncode == 0, done.stderr
            wall, cpu = sklearn_build(inputs)
            theirs.append(wall)
            theirs_cpu.append(cpu)
        ratio, cpu_ratio = min(ours) / min(theirs), min(ours_cpu) / min(theirs_cpu)
        print(f"  `rank --opportunity {opportunity}`, whole process: {min(ours):.2f} s wall, {min(ours_cpu):.2f} s CPU")
        print(f"  scikit-learn TfidfVectorizer + DictVectorizer on the same answers: {min(theirs):.2f} s wall, "
              f"{min(theirs_cpu):.2f} s CPU")
        print(f"  ratio {ratio:.2f}x wall, {cpu_ratio:.2f}x CPU (on a loaded machine the CPU ratio is the one "
              f"to trust)   target <= 0.35x {'met' if max(ratio, cpu_ratio) <= 0.35 else 'missed'}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--members", default="1000,10000,100000")
    parser.add_argument("--subsample", type=int, default=2000, help="members in the per-pair Python comparison")
    parser.add_argument("--demo", action="store_true", help="also time `rank --country japan` on a demo database")
    parser.add_argument("--stored", type=int, default=50_000, help="members in the rank-on-stored-profiles "
                        "comparison with scikit-learn (0: skip it)")
    parser.add_argument("--stored-only", action="store_true", help="only the rank-on-stored-profiles comparison")
    args = parser.parse_args()
    if args.stored_only:
        stored_side_by_side(args.stored)
        return
    sizes = [int(s) for s in args.members.split(",")]
    rng = np.random.default_rng(2026)
    q = load_questionnaire()
    model = load_model(q)
    vocabulary = _words(rng, 20_000)
    opps, countries = synthetic_opportunities(q, rng, vocabulary)
    japan = np.array([c == "JP" for c in countries])
    print(f"{len(opps)} opportunities ({int(japan.sum())} in JP); machine: {os.cpu_count()} cores")

    for n in sizes:
        members = synthetic_members(n, q, rng, vocabulary)
        started = time.perf_counter()
        vectoriser = Vectoriser(model)
        X = vectoriser.fit_transform([*members, *opps])
        built = time.perf_counter() - started
        M, O = X[:n].tocsr(), X[n:].tocsr()
        print(f"\n{n:,} members: profiles built in {built:.1f} s "
              f"({X.shape[1]:,} features, {M.nnz / n:.0f} non-zeros per member)")
        seconds, peak, _ = timed_rank(O[japan], M, 10)
        print(f"  rank one country ({int(japan.sum())} opportunities, top 10): {seconds:.2f} s, peak {peak:.0f} MiB")
        ours, reference, agree = reference_side_by_side(O[japan], M, 10)
        print(f"  vs the blocked sparse numpy reference, same run: elca-match {ours:.3f} s, reference "
              f"{reference:.3f} s, ratio {ours / reference:.2f}x"
              + (f" (target at 1,000 members: <= 1x {'met' if ours <= reference else 'missed'})" if n == 1000 else "")
              + f"; top-10 scores agree: {agree:.1%}")
        seconds, peak, result = timed_rank(O, M, 20)
        flag = "" if n < 100_000 or (seconds < 3 and peak < 1024) else "   (target: < 3 s, < 1024 MiB)"
        print(f"  rank all {len(opps):,} opportunities (top 20): {seconds:.2f} s, peak {peak:.0f} MiB{flag}")

        sub = min(args.subsample, n)
        sample_opps = np.flatnonzero(japan)[:50]
        m_rows, o_rows = rows_as_dicts(M[:sub]), rows_as_dicts(O[sample_opps])
        started = time.perf_counter()
        slow = per_pair_python(m_rows, o_rows, 20)
        python_seconds = time.perf_counter() - started
        started = time.perf_counter()
        fast = top_k(O[sample_opps], M[:sub], 20)
        fast_seconds = time.perf_counter() - started
        agree = all(_same_ranking(slow[i], fast.pairs(i)) for i in range(len(sample_opps)))
        pairs = sub * len(sample_opps)
        print(f"  per-pair Python on {sub:,} members x {len(sample_opps)} opportunities ({pairs:,} pairs): "
              f"{python_seconds:.2f} s vs {fast_seconds * 1000:.1f} ms sparse -> "
              f"speed-up x{python_seconds / max(fast_seconds, 1e-9):.0f}; results agree: {agree}")
        est = python_seconds / pairs * n * len(opps)
        print(f"  per-pair Python for all {n:,} x {len(opps):,} pairs would take about {est / 60:.0f} min: "
              f"x{est / seconds:.0f} the time of the ranking above")
        del X, M, O, members, vectoriser

    peak_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\nprocess peak resident memory (profile builds included): {peak_rss:.0f} MiB")
    if args.stored:
        stored_side_by_side(args.stored)
    if args.demo:
        print()
        demo_end_to_end()


if __name__ == "__main__":
    main()
