"""``python -m tests.fuzz``: mutate every seed for a while, run each mutant through every command, report.

Each batch of cases runs in a process of its own, so that a crash (a segfault in a
library) is caught and named by the case that was running, not the end of the run.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from collections import Counter

from tests.fuzz.run import run_one

BATCH = 20


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.fuzz", description=__doc__)
    parser.add_argument("--minutes", type=float, default=5.0, help="how long to run [5]")
    parser.add_argument(
        "--run", type=int, default=1, help="which run of the random generator: the same cases each time [1]"
    )
    parser.add_argument("--scale", type=int, default=10, help="size of the hostile mutants [10]")
    parser.add_argument("--case", help="replay one case, RUN:INDEX, and print what it did")
    parser.add_argument("--batch", help=argparse.SUPPRESS)  # RUN:START:COUNT, run by the parent
    args = parser.parse_args()
    if args.case or args.batch:
        seed, start, count = ([*map(int, (args.case or args.batch).split(":")), 1])[:3]
        for index in range(start, start + count):
            print(json.dumps(run_one(seed, index, args.scale), ensure_ascii=False), flush=True)
        return 0
    return _supervise(args.minutes, args.run, args.scale)


def _supervise(minutes: float, seed: int, scale: int) -> int:
    end, start, results = time.monotonic() + 60 * minutes, 0, []
    while time.monotonic() < end:
        batch = subprocess.run(
            [sys.executable, "-m", "tests.fuzz", "--batch", f"{seed}:{start}:{BATCH}", "--scale", str(scale)],
            capture_output=True,
            text=True,
        )
        done = [json.loads(line) for line in batch.stdout.splitlines() if line.startswith("{")]
        results += done
        if batch.returncode != 0:  # the process died on the case after the last one it reported
            crashed = start + len(done)
            results.append(
                {
                    "case": f"{seed}:{crashed}",
                    "what": "?",
                    "runs": 0,
                    "failures": [f"the process died ({batch.returncode}): {batch.stderr[-300:]}"],
                }
            )
            start = crashed + 1
        else:
            start += BATCH
    failing = [r for r in results if r["failures"]]
    runs = sum(r["runs"] for r in results)
    formats = Counter(r["case_format"] for r in results if "case_format" in r)
    print(f"{len(results)} mutants ({dict(formats)}), {runs} runs: {len(failing)} mutants broke a rule")
    for result in failing:
        print(f"  {result['case']} {result['what']}")
        for failure in result["failures"]:
            print(f"      {failure}")
    return 1 if failing else 0


if __name__ == "__main__":
    sys.exit(main())
