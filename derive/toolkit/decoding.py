"""Decoding a Markov language model: brute force over every path, and Viterbi with an
operation count.

Claims about dynamic programming need a reference that cannot share the DP's mistakes:
`best_score` and `best_paths` enumerate all N^t paths, so a recurrence or an argmax rule
can be checked against them. `viterbi` is the textbook algorithm, instrumented so that
cost claims are checked against what it really does, not against its pseudo-code.

Conventions (those of IFT6135 A2): words are 0..N-1, `start` is the <BOS> word w_0,
`P[i][j] = p(w_t = j | w_{t-1} = i)`, and a path is (w_1, ..., w_t). Every function is
generic over the number type of `P` (use `fractions.Fraction` for exact comparisons).

    >>> from fractions import Fraction as F
    >>> P = [[F(3, 5), F(2, 5)], [F(0), F(1)]]
    >>> best_paths(P, 2)
    (Fraction(2, 5), [(1, 1)])
    >>> viterbi(P, 2).path
    (1, 1)
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

Matrix = Sequence[Sequence[Any]]
Path = tuple[int, ...]


def all_paths(n_words: int, length: int) -> Iterator[Path]:
    """Every (w_1, ..., w_length) over a vocabulary of `n_words` words."""
    return itertools.product(range(n_words), repeat=length)


def path_probability(P: Matrix, path: Path, start: int = 0) -> Any:
    """p(w_1, ..., w_t | w_0 = start) = Π_t P[w_{t-1}][w_t] (1 for the empty path)."""
    prob: Any = 1
    previous = start
    for word in path:
        prob = prob * P[previous][word]
        previous = word
    return prob


def best_score(P: Matrix, t: int, end: int, start: int = 0) -> Any:
    """δ_t(end) by enumeration: max over (w_1, ..., w_{t-1}) of p(w_1, ..., w_{t-1}, w_t = end).

    δ_0 is the indicator of `start` (the convention of the assignment).
    """
    if t == 0:
        return 1 if end == start else 0
    return max(path_probability(P, (*prefix, end), start) for prefix in all_paths(len(P), t - 1))


def best_scores(P: Matrix, t: int, start: int = 0) -> list[Any]:
    """The vector δ_t by enumeration."""
    return [best_score(P, t, j, start) for j in range(len(P))]


def best_paths(P: Matrix, length: int, start: int = 0) -> tuple[Any, list[Path]]:
    """The largest probability of a path of `length` words and every path attaining it."""
    best: Any = None
    winners: list[Path] = []
    for path in all_paths(len(P), length):
        prob = path_probability(P, path, start)
        if best is None or prob > best:
            best, winners = prob, [path]
        elif prob == best:
            winners.append(path)
    return best, winners


def argmax_set(values: Sequence[Any]) -> set[int]:
    """Every index of a largest value: argmax is a set when there are ties."""
    top = max(values)
    return {i for i, v in enumerate(values) if v == top}


@dataclass(frozen=True)
class ViterbiCost:
    """What one run of `viterbi` did.

    `products`: multiplications P_ij δ_{t-1}(i); `comparisons`: comparisons made by the
    max/argmax scans (including the final argmax over δ_T); `score_cells` and
    `pointer_cells`: entries of the δ and backpointer tables it stored.
    """

    products: int = 0
    comparisons: int = 0
    score_cells: int = 0
    pointer_cells: int = 0


@dataclass(frozen=True)
class ViterbiResult:
    """δ_0..δ_T, backpointers a_1..a_T (`pointers[t-1]` is a_t), the decoded path
    (w*_1, ..., w*_T), its probability, and the cost of computing them."""

    scores: list[list[Any]]
    pointers: list[list[int]]
    path: Path
    probability: Any
    cost: ViterbiCost


def viterbi(P: Matrix, length: int, start: int = 0) -> ViterbiResult:
    """Viterbi decoding: δ_t(j) = max_i P_ij δ_{t-1}(i), a_t(j) its first argmax,
    w*_T = first argmax of δ_T, then w*_t = a_{t+1}(w*_{t+1})."""
    n = len(P)
    products = comparisons = 0
    scores: list[list[Any]] = [[1 if j == start else 0 for j in range(n)]]
    pointers: list[list[int]] = []
    for _ in range(length):
        previous = scores[-1]
        row: list[Any] = []
        back: list[int] = []
        for j in range(n):
            best_i, best = 0, P[0][j] * previous[0]
            products += 1
            for i in range(1, n):
                candidate = P[i][j] * previous[i]
                products += 1
                comparisons += 1
                if candidate > best:
                    best_i, best = i, candidate
            row.append(best)
            back.append(best_i)
        scores.append(row)
        pointers.append(back)
    if length == 0:
        cost = ViterbiCost(products, comparisons, n, 0)
        return ViterbiResult(scores, pointers, (), 1, cost)
    last = 0
    for j in range(1, n):
        comparisons += 1
        if scores[-1][j] > scores[-1][last]:
            last = j
    path = [last]
    for t in range(length, 1, -1):  # w*_{t-1} = a_t(w*_t)
        path.append(pointers[t - 1][path[-1]])
    path.reverse()
    cost = ViterbiCost(products, comparisons, n * (length + 1), n * length)
    return ViterbiResult(scores, pointers, tuple(path), scores[-1][last], cost)


def random_transition_matrix(rng: Any, n_words: int, *, high: int = 5) -> list[list[Any]]:
    """A row-stochastic matrix of exact fractions (small integer weights, zeros allowed,
    ties likely): the instances on which argmax rules are most easily wrong."""
    from fractions import Fraction

    rows = []
    for _ in range(n_words):
        weights = [int(w) for w in rng.integers(0, high + 1, size=n_words)]
        if sum(weights) == 0:
            weights[int(rng.integers(0, n_words))] = 1
        total = sum(weights)
        rows.append([Fraction(w, total) for w in weights])
    return rows


def format_matrix(P: Matrix) -> str:
    """`[[3/5, 2/5], [0, 1]]`: exact entries a reader can paste back."""
    return "[" + ", ".join("[" + ", ".join(str(x) for x in row) + "]" for row in P) + "]"
