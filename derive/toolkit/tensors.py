"""Exact statistics of small tensors given as nested lists, over chosen axes.

Normalization layers differ only in the axes they average over, and a hand-computed
answer ("σ² = 0.58") is only checked honestly in exact arithmetic. So a tensor here is a
nested list (or tuple) of numbers; integers become `Fraction`s, `Fraction`s and sympy
numbers stay exact, and every mean and variance is computed with + - * / only.

For a tensor of shape (batch N, channels C, features L), `NORMALIZATION_AXES` names the
axes each normalization reduces: batch norm one statistic per channel, layer norm one
per sample, instance norm one per (sample, channel).

    >>> x = [[[1, 3, 2], [1, 2, 3]], [[3, 3, 2], [2, 4, 4]]]
    >>> mean(x, NORMALIZATION_AXES["layer"])
    [Fraction(2, 1), Fraction(3, 1)]
    >>> variance(x, (2,))
    [[Fraction(2, 3), Fraction(2, 3)], [Fraction(2, 9), Fraction(8, 9)]]
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from fractions import Fraction
from typing import Any

Tensor = Any  # a number, or a (nested) list or tuple of tensors of equal shapes

NORMALIZATION_AXES: dict[str, tuple[int, ...]] = {
    "batch": (0, 2),
    "layer": (1, 2),
    "instance": (2,),
}


def shape(tensor: Tensor) -> tuple[int, ...]:
    """The shape of a nested list; ragged lists are an error."""
    if not isinstance(tensor, list | tuple):
        return ()
    if not tensor:
        raise ValueError("empty axis: a statistic over it is undefined")
    inner = {shape(item) for item in tensor}
    if len(inner) != 1:
        raise ValueError(f"ragged tensor: sub-shapes {sorted(inner)}")
    return (len(tensor), *inner.pop())


def entry(tensor: Tensor, index: Iterable[int]) -> Any:
    """The entry at a full index, exact: integers become Fractions."""
    value = tensor
    for i in index:
        value = value[i]
    return Fraction(value) if isinstance(value, int) else value


def reduce(tensor: Tensor, axes: Sequence[int], statistic: Any) -> Tensor:
    """Apply `statistic` (a function of a list of entries) over `axes`, for every index
    of the remaining axes; the result keeps those axes in order (a number if none)."""
    dims = shape(tensor)
    axes = _normalize_axes(axes, len(dims))
    kept = [a for a in range(len(dims)) if a not in axes]

    def at(prefix: tuple[int, ...]) -> Tensor:
        if len(prefix) < len(kept):
            return [at((*prefix, i)) for i in range(dims[kept[len(prefix)]])]
        fixed = dict(zip(kept, prefix, strict=True))
        values = []
        for reduced in itertools.product(*(range(dims[a]) for a in axes)):
            position = fixed | dict(zip(axes, reduced, strict=True))
            values.append(entry(tensor, (position[a] for a in range(len(dims)))))
        return statistic(values)

    return at(())


def mean(tensor: Tensor, axes: Sequence[int]) -> Tensor:
    """The mean over `axes`."""
    return reduce(tensor, axes, _mean)


def variance(tensor: Tensor, axes: Sequence[int], *, ddof: int = 0) -> Tensor:
    """The variance over `axes`: biased (divide by N) by default, as normalization
    layers compute it; `ddof=1` divides by N - 1."""

    def var(values: list[Any]) -> Any:
        if len(values) <= ddof:
            raise ValueError(f"a variance with ddof={ddof} needs more than {ddof} values")
        centre = _mean(values)
        return sum(((v - centre) ** 2 for v in values), Fraction(0)) / (len(values) - ddof)

    return reduce(tensor, axes, var)


def normalization_stats(tensor: Tensor, kind: str) -> tuple[Tensor, Tensor]:
    """(mean, biased variance) of an (N, C, L) tensor as `kind` normalization computes them."""
    if len(shape(tensor)) != 3:
        raise ValueError("normalization statistics need a (batch, channels, features) tensor")
    axes = NORMALIZATION_AXES[kind]
    return mean(tensor, axes), variance(tensor, axes)


def _mean(values: list[Any]) -> Any:
    return sum(values, Fraction(0)) / len(values)


def _normalize_axes(axes: Sequence[int], rank: int) -> tuple[int, ...]:
    normalized = tuple(sorted({a + rank if a < 0 else a for a in axes}))
    if len(normalized) != len(tuple(axes)) or any(not 0 <= a < rank for a in normalized):
        raise ValueError(f"axes {tuple(axes)} do not name distinct axes of a rank-{rank} tensor")
    return normalized
