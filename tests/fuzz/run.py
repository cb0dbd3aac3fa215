"""One case: seed ``seed`` of the generator, case ``index``: which seed file, which mutation, the runs."""

from __future__ import annotations

import functools
import random
import tempfile
from pathlib import Path

from tests.fuzz.corpus import Seed, seeds
from tests.fuzz.mutations import mutate
from tests.fuzz.oracle import run_case


@functools.cache
def corpus() -> list[Seed]:
    return seeds()


def case(seed: int, index: int, scale: int) -> tuple[Seed, dict[str, bytes], str]:
    """The mutant of case ``index``: the same for the same (seed, index, scale) on any machine."""
    rng = random.Random(f"{seed}:{index}")
    chosen = corpus()[index % len(corpus())]
    files, what = mutate(chosen, rng, scale)
    return chosen, files, what


def run_one(seed: int, index: int, scale: int) -> dict:
    chosen, files, what = case(seed, index, scale)
    with tempfile.TemporaryDirectory() as tmp:
        outcome = run_case(chosen, files, what, Path(tmp))
    return {
        "case": f"{seed}:{index}",
        "case_format": chosen.name,
        "what": f"{chosen.name}: {what}",
        "runs": len(outcome.exits) + sum("still running" in f for f in outcome.failures),
        "exits": outcome.exits,
        "failures": outcome.failures,
    }


def cases(seed: int, count: int, scale: int = 1) -> list[dict]:
    return [run_one(seed, index, scale) for index in range(count)]
