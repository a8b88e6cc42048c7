"""The pure part of coordinator-made matching: a pair's score and the optimal set of pairs.

`pair_score` is the search's score for a mentee's gaps (bot/services/search.py,
`level_credit`), without the search's spelling tolerance: gaps and skills are catalogue ids.
`optimal_pairs` maximises the total score under each mentor's mentee limit: each mentor's
column is repeated once per free place (a capacity-expanded matrix) and scipy's
`linear_sum_assignment` (the Hungarian method's successor, exact) picks at most one column per
mentee. No greedy step: the total is optimal.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
from numpy.typing import ArrayLike
from scipy.optimize import linear_sum_assignment

from bot.services.search import level_credit


def gap_credit(target: int | None, level: int | None) -> float:
    """How much of one gap a mentor covers: search's credit for their level, nothing when they
    do not offer the skill. One rule for `/mentor find` and for a cohort's pairs."""
    return 0.0 if level is None else level_credit(level, target)


def pair_score(gaps: Mapping[int, int | None], skills: Mapping[int, int]) -> float:
    """The share of the mentee's gaps (skill id -> target level) the mentor's skills (skill id
    -> level) cover, 0..1; a mentee with no gaps scores 0 with everyone."""
    if not gaps:
        return 0.0
    return sum(gap_credit(target, skills.get(skill)) for skill, target in gaps.items()) / len(gaps)


def optimal_pairs(scores: ArrayLike, capacities: Sequence[int]) -> list[tuple[int, int]]:
    """(mentee index, mentor index) pairs maximising the total score, each mentor taking at
    most `capacities[j]` mentees and each mentee at most one mentor; pairs scoring 0 are left
    out. `scores[i][j]` is mentee i with mentor j."""
    if len(capacities) == 0:
        return []
    matrix = np.asarray(scores, dtype=float).reshape(-1, len(capacities))
    rows = np.flatnonzero((matrix > 0).any(axis=1))
    limits = np.minimum(np.maximum(np.asarray(capacities, dtype=int), 0), len(rows))
    columns = np.repeat(np.arange(len(capacities)), limits)  # one column per free place
    if rows.size == 0 or columns.size == 0:
        return []
    expanded = matrix[np.ix_(rows, columns)]
    chosen_rows, chosen_columns = linear_sum_assignment(expanded, maximize=True)
    return sorted(
        (int(rows[r]), int(columns[c]))
        for r, c in zip(chosen_rows, chosen_columns, strict=True)
        if expanded[r, c] > 0
    )
