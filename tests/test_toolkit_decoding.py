"""derive.toolkit.decoding: brute force and Viterbi agree, and the counts are what they say."""

from __future__ import annotations

from fractions import Fraction as F

import numpy as np

from derive.toolkit.decoding import (
    all_paths,
    argmax_set,
    best_paths,
    best_score,
    path_probability,
    random_transition_matrix,
    viterbi,
)

# <BOS> = 0; the best first word (0) is not on the best path of length 2.
P = [[F(3, 5), F(2, 5)], [F(0), F(1)]]


def test_brute_force_by_hand() -> None:
    assert path_probability(P, (0, 1)) == F(6, 25)
    assert best_score(P, 1, 0) == F(3, 5)
    assert best_score(P, 2, 1) == F(2, 5)  # via 1 -> 1, not via the better first word 0
    assert best_paths(P, 2) == (F(2, 5), [(1, 1)])


def test_viterbi_by_hand() -> None:
    result = viterbi(P, 2)
    assert result.scores == [[1, 0], [F(3, 5), F(2, 5)], [F(9, 25), F(2, 5)]]
    assert result.pointers == [[0, 0], [0, 1]]
    assert result.path == (1, 1)
    assert result.probability == F(2, 5)


def test_viterbi_equals_brute_force_on_random_instances() -> None:
    rng = np.random.default_rng(1)
    for _ in range(100):
        n, T = int(rng.integers(1, 5)), int(rng.integers(1, 5))
        Q = random_transition_matrix(rng, n)
        result = viterbi(Q, T)
        best, winners = best_paths(Q, T)
        assert result.probability == best
        assert result.path in winners
        assert all(result.scores[T][j] == best_score(Q, T, j) for j in range(n))


def test_costs_and_counts() -> None:
    cost = viterbi(random_transition_matrix(np.random.default_rng(0), 3), 4).cost
    assert (cost.products, cost.pointer_cells, cost.score_cells) == (4 * 9, 4 * 3, 5 * 3)
    assert cost.comparisons == 4 * 3 * 2 + 2
    assert sum(1 for _ in all_paths(3, 4)) == 3**4


def test_argmax_is_a_set() -> None:
    assert argmax_set([F(1, 2), F(1, 4), F(1, 2)]) == {0, 2}
