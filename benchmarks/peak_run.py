"""Run `elca-match ARGS...` in this process and write its peak resident memory to $ELCA_PEAK_FILE.

Used by `bench_ingest.py` and `tests/test_large_files.py`: VmHWM of the command's own
process (wait4's ru_maxrss would also count the process it was forked from).
Usage: python benchmarks/peak_run.py --db x.db ingest file.csv
"""

import atexit
import os
import sys


def _peak() -> None:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                with open(os.environ["ELCA_PEAK_FILE"], "w") as out:
                    out.write(str(int(line.split()[1]) * 1024))


atexit.register(_peak)
sys.argv = ["elca-match", *sys.argv[1:]]
from elca_match.cli import main  # noqa: E402  (after the hook, so the import is measured too)

main()
