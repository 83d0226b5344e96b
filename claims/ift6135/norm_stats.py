"""Normalization statistics of the 4×2×3 tensor of 001 Q4.1 (000 Q4.1): batch, layer and
instance norm compute a mean and a biased variance over different axes of a
(batch, channels, features) tensor. Decided in exact rational arithmetic."""

from fractions import Fraction as F

from derive import Outcome, Property, claim
from derive.toolkit.tensors import NORMALIZATION_AXES, normalization_stats

# Shape (batch 4, channels 2, features 3), as printed in 001 Q4.1.
TENSOR = (
    ((1, 3, 2), (1, 2, 3)),
    ((3, 3, 2), (2, 4, 4)),
    ((4, 2, 2), (1, 2, 4)),
    ((3, 3, 2), (3, 3, 2)),
)


def _text(value: object) -> str:
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_text(v) for v in value) + "]"
    return str(value)


def _as_lists(value: object) -> object:
    return [_as_lists(v) for v in value] if isinstance(value, list | tuple) else value


def stats_of(kind: str, claimed_mean: object, claimed_variance: object) -> Property:
    """The claimed (mean, variance) against the exact statistics of `kind` normalization."""

    def test(tensor: object) -> Outcome:
        mean, variance = normalization_stats(tensor, kind)
        computed, claimed = (mean, variance), (_as_lists(claimed_mean), _as_lists(claimed_variance))
        return Outcome(
            ok=computed == claimed,
            values=(("mean", _text(mean)), ("variance", _text(variance))),
            lhs=f"μ = {_text(mean)}, σ² = {_text(variance)}",
            rhs=f"μ = {_text(claimed_mean)}, σ² = {_text(claimed_variance)}",
        )

    axes = NORMALIZATION_AXES[kind]
    return Property(
        test=test,
        simple=lambda: (TENSOR,),
        exact=True,
        method="exact tensor statistics",
        describe=f"{kind} norm: mean and biased variance over axes {axes} of the 4×2×3 tensor",
    )


CLAIMS = [
    claim(
        "ift6135/norm/batch-stats",
        "Batch norm statistics: μ = [5/2, 31/12], σ² = [7/12, 155/144]",
        source="000 Q4.1; 001 Q4.1",
        check=stats_of("batch", [F(5, 2), F(31, 12)], [F(7, 12), F(155, 144)]),
        notes="One statistic per channel, over the batch and the features. The solution "
        "rounds them to [2.50, 2.58] and [0.58, 1.07].",
    ),
    claim(
        "ift6135/norm/layer-stats",
        "Layer norm statistics: μ = [2, 3, 5/2, 8/3], σ² = [2/3, 2/3, 5/4, 2/9]",
        source="000 Q4.1; 001 Q4.1",
        check=stats_of("layer", [2, 3, F(5, 2), F(8, 3)], [F(2, 3), F(2, 3), F(5, 4), F(2, 9)]),
        notes="One statistic per sample, over the channels and the features. The solution "
        "truncates 8/3 to 2.66 and 2/3 to 0.66.",
    ),
    claim(
        "ift6135/norm/instance-stats",
        "Instance norm statistics: one mean and variance per sample and channel",
        source="000 Q4.1; 001 Q4.1",
        check=stats_of(
            "instance",
            [[2, 2], [F(8, 3), F(10, 3)], [F(8, 3), F(7, 3)], [F(8, 3), F(8, 3)]],
            [
                [F(2, 3), F(2, 3)],
                [F(2, 9), F(8, 9)],
                [F(8, 9), F(14, 9)],
                [F(2, 9), F(2, 9)],
            ],
        ),
        notes="Over the features only: μ = [[2, 2], [8/3, 10/3], [8/3, 7/3], [8/3, 8/3]], "
        "σ² = [[2/3, 2/3], [2/9, 8/9], [8/9, 14/9], [2/9, 2/9]].",
    ),
]
