"""The cohort solver against brute force, and the pair score's rule (issue 15)."""

from __future__ import annotations

from itertools import product

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.services.cohort_matching import optimal_pairs, pair_score


def brute_force_total(scores: list[list[float]], capacities: list[int]) -> float:
    """Try every way of giving each mentee one mentor or none, within the limits."""
    best = 0.0
    mentors = len(capacities)
    for choice in product(range(-1, mentors), repeat=len(scores)):
        used = [0] * mentors
        total = 0.0
        for mentee, mentor in enumerate(choice):
            if mentor >= 0:
                used[mentor] += 1
                total += scores[mentee][mentor]
        if all(u <= c for u, c in zip(used, capacities, strict=True)):
            best = max(best, total)
    return best


cases = st.integers(1, 3).flatmap(
    lambda mentors: st.tuples(
        st.lists(
            st.lists(st.sampled_from([0.0, 0.25, 0.5, 1 / 3, 0.75, 1.0]), min_size=mentors,
                     max_size=mentors),
            min_size=1,
            max_size=5,
        ),
        st.lists(st.integers(0, 3), min_size=mentors, max_size=mentors),
    )
)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(cases)
def test_the_solver_reaches_the_brute_force_optimum(
    case: tuple[list[list[float]], list[int]],
) -> None:
    """On small random cohorts the solver's total is the best possible, within the limits,
    each mentee at most once, and no pair scores 0."""
    scores, capacities = case
    pairs = optimal_pairs(scores, capacities)
    total = sum(scores[i][j] for i, j in pairs)
    assert abs(total - brute_force_total(scores, capacities)) < 1e-9
    assert len({i for i, _ in pairs}) == len(pairs)
    for mentor, limit in enumerate(capacities):
        assert sum(1 for _, j in pairs if j == mentor) <= limit
    assert all(scores[i][j] > 0 for i, j in pairs)


def test_a_greedy_choice_would_lose() -> None:
    """Greedy gives mentee 0 the 1.0 mentor and leaves mentee 1 with nothing (total 1.0);
    the optimum pairs both (0.9 + 0.8)."""
    assert optimal_pairs([[1.0, 0.9], [0.8, 0.0]], [1, 1]) == [(0, 1), (1, 0)]


def test_nothing_to_pair() -> None:
    assert optimal_pairs([[0.0, 0.0]], [2, 1]) == []
    assert optimal_pairs([[1.0]], [0]) == []
    assert optimal_pairs([], []) == [] and optimal_pairs([[], []], []) == []


def test_the_pair_score_follows_the_gap_rule() -> None:
    """Python wanted at 4 (covered at 5), Go at 4 (mentor at 3: half), SQL with no target (any
    level covers it), Rust not offered: (1 + 0.5 + 1 + 0) / 4."""
    gaps = {1: 4, 2: 4, 3: None, 4: 3}
    assert pair_score(gaps, {1: 5, 2: 3, 3: 1}) == 2.5 / 4
    assert pair_score(gaps, {2: 2}) == 0.0
    assert pair_score({}, {1: 7}) == 0.0
