"""Parameter counting: single layers by hand, and whole ResNets against published totals."""

from __future__ import annotations

import pytest

from derive.toolkit.counting import (
    basic_block,
    batch_norm,
    by_group,
    conv2d,
    linear,
    resnet,
    total,
)


def test_conv_counts_weights_and_optional_bias() -> None:
    assert conv2d("c", 3, 64, 7).params == 64 * 3 * 7 * 7
    assert conv2d("c", 3, 64, 7, bias=True).params == 64 * 3 * 7 * 7 + 64
    assert conv2d("c", 64, 128, 1).params == 8_192


def test_batch_norm_has_two_parameters_per_channel() -> None:
    assert batch_norm("bn", 64).params == 128
    assert batch_norm("bn", 64, affine=False).params == 0


def test_linear_counts_matrix_and_bias() -> None:
    assert linear("fc", 512, 1000).params == 513_000
    assert linear("fc", 512, 1000, bias=False).params == 512_000


def test_basic_block_adds_a_shortcut_only_when_the_shape_changes() -> None:
    same = basic_block("b", 64, 64)
    wider = basic_block("b", 64, 128, stride=2)
    assert [layer.name for layer in same] == ["b.conv1", "b.bn1", "b.conv2", "b.bn2"]
    assert total(same) == 2 * 36_864 + 2 * 128
    assert total(wider) == 73_728 + 256 + 147_456 + 256 + 8_192 + 256


def test_resnet18_and_resnet34_match_torchvision() -> None:
    layers = resnet((2, 2, 2, 2))
    assert total(layers) == 11_689_512
    assert by_group(layers)["layer4"] == 8_393_728
    assert total(resnet((3, 4, 6, 3))) == 21_797_672


def test_by_group_respects_depth() -> None:
    groups = by_group(resnet((2, 2, 2, 2)), depth=2)
    assert groups["layer2.0"] == 230_144
    assert groups["layer2.1"] == 295_424


@pytest.mark.parametrize("bad", [0, -3, 2.5])
def test_sizes_must_be_positive_integers(bad: object) -> None:
    with pytest.raises(ValueError):
        conv2d("c", bad, 8, 3)  # type: ignore[arg-type]
