"""A short fuzz run with a fixed seed: every format read, mutated, through every command (``tests/fuzz``).

The same cases on every machine; a developer runs the long one (``python -m tests.fuzz --minutes 60``).
"""

from __future__ import annotations

import pytest

from tests.fuzz.run import corpus, run_one

SEED, CASES = 2026, 45  # five of each of the nine formats


@pytest.mark.parametrize("index", range(CASES))
def test_a_mutant_is_read_right_or_refused_in_one_line(index):
    result = run_one(SEED, index, scale=1)
    assert result["failures"] == [], result["what"]


def test_the_fuzz_seeds_are_valid_and_read_whole(tmp_path):
    """Unmutated, every seed passes every command: the oracle's rules fail only on what a mutation did."""
    from tests.fuzz.oracle import run_case

    for seed in corpus():
        folder = tmp_path / seed.name
        folder.mkdir()
        outcome = run_case(seed, dict(seed.files), "as made", folder)
        assert outcome.failures == [] and set(outcome.exits.values()) == {0}, (seed.name, outcome)
