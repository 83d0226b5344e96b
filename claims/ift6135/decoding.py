"""Decoding a Markov language model: Viterbi against brute force (001 Q2.1, Q2.2).

Every instance is a row-stochastic transition matrix P of exact fractions over N ≤ 4 words
with <BOS> = word 0, and a length T ≤ 4; δ_t is computed by enumerating all paths
(`derive.toolkit.decoding`), so each recurrence is compared with the definition, not
with another dynamic program. Argmax is a set (ties are frequent on purpose), and each
test says how it treats ties.
"""

from __future__ import annotations

import itertools
from fractions import Fraction
from typing import Any

from derive import claim
from derive.claim import Outcome, Property
from derive.toolkit.decoding import (
    all_paths,
    argmax_set,
    best_paths,
    best_scores,
    format_matrix,
    path_probability,
    random_transition_matrix,
    viterbi,
)

Instance = tuple[list[list[Fraction]], int]  # (P, T)


def _draw(rng: Any) -> Instance:
    n = int(rng.integers(2, 5))
    return random_transition_matrix(rng, n), int(rng.integers(1, 5))


def _thirds() -> list[Instance]:
    """Every 2-word P with entries in {0, 1/3, 2/3, 1}, T = 2: small instances first."""
    rows = [(Fraction(a, 3), Fraction(3 - a, 3)) for a in range(4)]
    return [([list(r0), list(r1)], 2) for r0, r1 in itertools.product(rows, repeat=2)]


def _values(P: list[list[Fraction]], T: int, **more: object) -> tuple[tuple[str, str], ...]:
    return (("P", format_matrix(P)), ("T", str(T)), *((k, str(v)) for k, v in more.items()))


def _recurrence(instance: Instance) -> Outcome:
    """δ_t(j) = max_i P_ij δ_{t-1}(i) for every t ≤ T and j, δ by enumeration."""
    P, T = instance
    previous = best_scores(P, 0)
    for t in range(1, T + 1):
        current = best_scores(P, t)
        for j, value in enumerate(current):
            recurrence = max(P[i][j] * previous[i] for i in range(len(P)))
            if recurrence != value:
                return Outcome(False, _values(P, T, t=t, j=j), f"δ_t(j) = {value}", f"{recurrence}")
        previous = current
    return Outcome(True, _values(P, T))


def _greedy(instance: Instance) -> Outcome:
    """δ_t(j) = P_{i*j} δ_{t-1}(i*) with i* = argmax_i δ_{t-1}(i). Fails only where every
    choice of i* among tied maxima gives a wrong value, so no tie-breaking rule saves it."""
    P, T = instance
    previous = best_scores(P, 0)
    for t in range(1, T + 1):
        current = best_scores(P, t)
        leaders = sorted(argmax_set(previous))
        for j, value in enumerate(current):
            greedy = [P[i][j] * previous[i] for i in leaders]
            if all(g != value for g in greedy):
                i_star = leaders[0] if len(leaders) == 1 else leaders
                return Outcome(
                    False,
                    _values(P, T, t=t, j=j, **{"i*": i_star}),
                    lhs=f"δ_{t}({j}) = {value} (max over all paths)",
                    rhs=f"P_(i*,{j}) δ_{t - 1}(i*) = {', '.join(map(str, greedy))}",
                )
        previous = current
    return Outcome(True, _values(P, T))


def _final(instance: Instance) -> Outcome:
    """The last words of the most likely sequences are exactly argmax_j δ_T(j)."""
    P, T = instance
    _, winners = best_paths(P, T)
    last_words = {path[-1] for path in winners}
    argmax = argmax_set(best_scores(P, T))
    return Outcome(
        last_words == argmax,
        _values(P, T),
        lhs=f"{{w*_T}} = {sorted(last_words)}",
        rhs=f"argmax_j δ_T(j) = {sorted(argmax)}",
    )


def _backpointers(instance: Instance) -> Outcome:
    """Every most likely path satisfies w*_t ∈ a_{t+1}(w*_{t+1}) (a as an argmax set),
    and backtracking from any argmax of δ_T with any choice in a_{t+1} gives a most
    likely path."""
    P, T = instance
    best, winners = best_paths(P, T)
    scores = [best_scores(P, t) for t in range(T + 1)]

    def pointer(t: int, j: int) -> set[int]:  # a_t(j) = argmax_i P_ij δ_{t-1}(i)
        return argmax_set([P[i][j] * scores[t - 1][i] for i in range(len(P))])

    for path in winners:
        for t in range(1, T):
            if path[t - 1] not in pointer(t + 1, path[t]):
                return Outcome(
                    False,
                    _values(P, T, path=path, t=t),
                    f"w*_t = {path[t - 1]}",
                    f"a_(t+1)(w*_(t+1)) = {sorted(pointer(t + 1, path[t]))}",
                )
    for last in argmax_set(scores[T]):
        for path in _backtrack(pointer, T, last):
            if path_probability(P, path) != best:
                return Outcome(
                    False,
                    _values(P, T, path=path),
                    f"p(backtracked path) = {path_probability(P, path)}",
                    f"max_w p(w) = {best}",
                )
    return Outcome(True, _values(P, T))


def _backtrack(pointer: Any, T: int, last: int) -> list[tuple[int, ...]]:
    """Every path w*_T = last, w*_t ∈ a_{t+1}(w*_{t+1}) for t = T-1, ..., 1."""
    paths = [(last,)]
    for t in range(T, 1, -1):
        paths = [(i, *p) for p in paths for i in sorted(pointer(t, p[0]))]
    return paths


def _count(instance: tuple[int, int]) -> Outcome:
    """Enumerate every sequence of T+1 words and count those that start with <BOS>."""
    n, T = instance
    counted = sum(1 for seq in itertools.product(range(n), repeat=T + 1) if seq[0] == 0)
    return Outcome(counted == n**T, (("N", str(n)), ("T", str(T))), f"{counted}", f"N^T = {n**T}")


def _sizes_draw(rng: Any) -> tuple[int, int]:
    return int(rng.integers(1, 7)), int(rng.integers(0, 6))


def _cost(instance: tuple[list[list[Fraction]], int]) -> Outcome:
    """The instrumented Viterbi run and the brute-force enumeration, against the formulas."""
    P, T = instance
    n = len(P)
    cost = viterbi(P, T).cost
    enumerated = sum(1 for _ in all_paths(n, T))
    counts = {
        "products": (cost.products, T * n * n),
        "score_cells": (cost.score_cells, (T + 1) * n),
        "pointer_cells": (cost.pointer_cells, T * n),
        "comparisons": (cost.comparisons, T * n * (n - 1) + (n - 1 if T else 0)),
        "paths enumerated": (enumerated, n**T),
    }
    ok = all(got == formula for got, formula in counts.values())
    values = (
        ("N", str(n)),
        ("T", str(T)),
        *((k, f"{g} (formula {f})") for k, (g, f) in counts.items()),
    )
    return Outcome(ok, values)


def _uniform(n: int) -> list[list[Fraction]]:
    return [[Fraction(1, n)] * n for _ in range(n)]


def _cost_draw(rng: Any) -> tuple[list[list[Fraction]], int]:
    return random_transition_matrix(rng, int(rng.integers(1, 7))), int(rng.integers(0, 6))


CLAIMS = [
    claim(
        "ift6135/decoding/sequence-count",
        "There are N^T sequences of length T+1 that start with <BOS>",
        source="001 Q2.1",
        check=Property(
            test=_count,
            simple=lambda: [(n, T) for n in range(1, 5) for T in range(0, 5)],
            draw=_sizes_draw,
            trials=30,
            exact=True,
            method="enumeration",
            describe="counted among all N^(T+1) word sequences, N ≤ 6, T ≤ 5",
        ),
        notes="<BOS> is one of the N words (as in the question), so each of the T positions "
        "after w_0 takes any of N words. Checked by enumeration for small N, T, not proved "
        "for all N, T.",
    ),
    claim(
        "ift6135/decoding/viterbi-recurrence",
        "Viterbi recurrence: δ_t(j) = max_i P_ij δ_{t-1}(i)",
        source="001 Q2.2.a",
        check=Property(
            test=_recurrence,
            simple=_thirds,
            draw=_draw,
            trials=150,
            exact=True,
            method="brute force over all paths",
            describe="δ_t(j) by enumeration vs the recurrence, exact fractions, N ≤ 4, T ≤ 4",
        ),
        notes="δ_0 is the indicator of <BOS> (word 0); P is row-stochastic.",
    ),
    claim(
        "ift6135/decoding/viterbi-recurrence-greedy",
        "Recurrence as written in 001: δ_t(j) = P_{i*j} δ_{t-1}(i*), i* = argmax_i δ_{t-1}(i)",
        source="001 Q2.2.a",
        expect="refuted",
        check=Property(
            test=_greedy,
            simple=_thirds,
            draw=_draw,
            trials=150,
            exact=True,
            method="brute force over all paths",
            describe="δ_t(j) by enumeration vs the greedy recurrence, exact fractions",
        ),
        notes="001 writes max_j P_ij δ_{t-1}(i) with i = w_{t-1}; read as keeping only the best "
        "predecessor. A word j can be reached best from a predecessor that is not the best "
        "overall. The counterexample holds for every choice of i* among tied maxima.",
    ),
    claim(
        "ift6135/decoding/viterbi-final",
        "w*_T = argmax_j δ_T(j)",
        source="001 Q2.2.b",
        check=Property(
            test=_final,
            simple=_thirds,
            draw=_draw,
            trials=150,
            exact=True,
            method="brute force over all paths",
            describe="the set of last words of the most likely paths equals argmax_j δ_T(j)",
        ),
        notes="With ties both sides are sets: every maximizer of δ_T ends some most likely path "
        "and every most likely path ends in a maximizer.",
    ),
    claim(
        "ift6135/decoding/viterbi-backpointers",
        "Backtracking: w*_t = a_{t+1}(w*_{t+1}) for 0 < t < T",
        source="001 Q2.2.c",
        check=Property(
            test=_backpointers,
            simple=_thirds,
            draw=_draw,
            trials=150,
            exact=True,
            method="brute force over all paths",
            describe="each most likely path follows the backpointers, and every backtracked "
            "path is most likely",
        ),
        notes="a_t(j) = argmax_i P_ij δ_{t-1}(i) taken as a set; checked in both directions.",
    ),
    claim(
        "ift6135/decoding/viterbi-cost",
        "Viterbi costs T·N² products and Θ(T·N) memory, versus N^T paths for enumeration",
        source="001 Q2.2.e",
        check=Property(
            test=_cost,
            simple=lambda: [(_uniform(n), T) for n in range(1, 5) for T in range(5)],
            draw=_cost_draw,
            trials=40,
            exact=True,
            method="operation count",
            describe="an instrumented Viterbi makes exactly T·N² products and "
            "T·N(N-1) + N-1 comparisons and stores (T+1)·N scores and T·N backpointers; "
            "brute force visits N^T paths (N ≤ 6, T ≤ 5)",
        ),
        notes="What is verified: the exact counts of the reference implementation "
        "(derive.toolkit.decoding.viterbi) equal the formulas at every size tried, hence "
        "time O(T N²) and memory O(T N) there; that the formulas hold for all N, T follows "
        "from the loop structure, which is not proved here. 001's answer O(TN·N) time and "
        "O(TN) memory agrees.",
    ),
]
