"""Statistics for leaderboards and comparisons: intervals, pass@k, paired tests.

The arithmetic comes from SciPy; this module only decides what is counted.
Every random step takes a fixed seed, so the same grades give the same numbers.
"""

from __future__ import annotations

from collections.abc import Sequence
from math import comb

import numpy as np
from scipy import stats

CONFIDENCE = 0.95
BOOTSTRAP_RESAMPLES = 2000
SEED = 20261203


def wilson(passes: int, total: int) -> tuple[float, float] | None:
    """The 95% Wilson score interval of a pass rate, or None with no trials."""
    if total == 0:
        return None
    interval = stats.binomtest(passes, total).proportion_ci(
        confidence_level=CONFIDENCE, method="wilson"
    )
    return round(float(interval.low), 4), round(float(interval.high), 4)


def bootstrap_by_group(groups: Sequence[Sequence[float]]) -> tuple[float, float] | None:
    """95% interval of the mean score, resampling whole groups (tasks).

    Answers to one task are not independent, so the unit of resampling is the
    task: each resample draws tasks with replacement and takes the mean over
    all their answers.
    """
    groups = [list(g) for g in groups if len(g)]
    if not groups:
        return None
    if len(groups) == 1 and len(groups[0]) == 1:
        value = round(float(groups[0][0]), 4)
        return value, value
    sums = np.array([sum(g) for g in groups], dtype=float)
    sizes = np.array([len(g) for g in groups], dtype=float)
    rng = np.random.default_rng(SEED)
    picks = rng.integers(0, len(groups), size=(BOOTSTRAP_RESAMPLES, len(groups)))
    means = sums[picks].sum(axis=1) / sizes[picks].sum(axis=1)
    tail = (1 - CONFIDENCE) / 2 * 100
    low, high = np.percentile(means, [tail, 100 - tail])
    return round(float(low), 4), round(float(high), 4)


def pass_at_k(samples: int, correct: int, k: int) -> float:
    """The unbiased pass@k estimate for one task: 1 - C(n-c, k) / C(n, k)."""
    if k > samples:
        raise ValueError(f"k={k} exceeds the {samples} samples drawn")
    if samples - correct < k:
        return 1.0
    return 1.0 - comb(samples - correct, k) / comb(samples, k)


def mean_pass_at_k(per_task: Sequence[tuple[int, int]], k: int) -> float | None:
    """pass@k averaged over tasks, from (samples, correct) pairs."""
    eligible = [(n, c) for n, c in per_task if n >= k]
    if not eligible:
        return None
    return round(sum(pass_at_k(n, c, k) for n, c in eligible) / len(eligible), 4)


def mcnemar(worse: int, better: int) -> float:
    """Exact two-sided McNemar p-value from the two discordant counts.

    ``worse`` counts pairs that passed in the first run and failed in the
    second, ``better`` the opposite; pairs that agree carry no information.
    """
    discordant = worse + better
    if discordant == 0:
        return 1.0
    return float(stats.binomtest(worse, discordant, 0.5).pvalue)
