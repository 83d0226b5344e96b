"""Parameter counting from layer shapes, exactly (Python integers).

Courses ask "how many parameters does this layer / network have?"; the answer follows
from the shapes alone, so a claim about it is proved by computing the count. Layers are
named as in torchvision (`layer2.0.downsample.0`), so counts can be grouped by prefix
the way a model summary prints them.

    >>> total(resnet(blocks=(2, 2, 2, 2), classes=1000))  # ResNet-18
    11689512
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Layer:
    """One layer with learnable parameters: its name, kind, shape in words and count."""

    name: str
    kind: str  # "conv", "batchnorm", "linear"
    shape: str
    params: int


def conv2d(name: str, c_in: int, c_out: int, kernel: int, *, bias: bool = False) -> Layer:
    """A k×k convolution: c_out filters of c_in·k·k weights, plus c_out biases if any.

    >>> conv2d("conv1", 3, 64, 7).params
    9408
    """
    _positive(c_in=c_in, c_out=c_out, kernel=kernel)
    weights = c_out * c_in * kernel * kernel
    shape = f"{kernel}×{kernel}, {c_in}→{c_out}" + (", bias" if bias else ", no bias")
    return Layer(name, "conv", shape, weights + (c_out if bias else 0))


def batch_norm(name: str, channels: int, *, affine: bool = True) -> Layer:
    """Batch norm learns a scale γ and a shift β per channel (the running mean and
    variance are buffers, not parameters)."""
    _positive(channels=channels)
    return Layer(name, "batchnorm", f"{channels} channels", 2 * channels if affine else 0)


def linear(name: str, d_in: int, d_out: int, *, bias: bool = True) -> Layer:
    """A fully connected layer: a d_out×d_in weight matrix and d_out biases.

    >>> linear("fc", 512, 1000).params
    513000
    """
    _positive(d_in=d_in, d_out=d_out)
    shape = f"{d_in}→{d_out}" + (", bias" if bias else ", no bias")
    return Layer(name, "linear", shape, d_out * d_in + (d_out if bias else 0))


def basic_block(prefix: str, c_in: int, c_out: int, stride: int = 1) -> list[Layer]:
    """A ResNet basic block: conv3×3-BN-ReLU-conv3×3-BN plus the shortcut, which is a
    1×1 convolution and BN when the block changes the shape (stride or width)."""
    layers = [
        conv2d(f"{prefix}.conv1", c_in, c_out, 3),
        batch_norm(f"{prefix}.bn1", c_out),
        conv2d(f"{prefix}.conv2", c_out, c_out, 3),
        batch_norm(f"{prefix}.bn2", c_out),
    ]
    if stride != 1 or c_in != c_out:
        layers += [
            conv2d(f"{prefix}.downsample.0", c_in, c_out, 1),
            batch_norm(f"{prefix}.downsample.1", c_out),
        ]
    return layers


def resnet(
    blocks: Sequence[int] = (2, 2, 2, 2),
    *,
    classes: int = 1000,
    in_channels: int = 3,
    widths: Sequence[int] = (64, 128, 256, 512),
) -> list[Layer]:
    """The layers of a ResNet built from basic blocks (ResNet-18: blocks (2, 2, 2, 2);
    ResNet-34: (3, 4, 6, 3)): a 7×7 stem, one stage per width (each stage after the
    first halves the resolution in its first block), global pooling and a classifier."""
    if len(blocks) != len(widths):
        raise ValueError("one block count per stage width")
    layers = [conv2d("conv1", in_channels, widths[0], 7), batch_norm("bn1", widths[0])]
    c_in = widths[0]
    for stage, (count, width) in enumerate(zip(blocks, widths, strict=True), start=1):
        for index in range(count):
            stride = 2 if stage > 1 and index == 0 else 1
            layers += basic_block(f"layer{stage}.{index}", c_in, width, stride)
            c_in = width
    layers.append(linear("fc", c_in, classes))
    return layers


def total(layers: Iterable[Layer]) -> int:
    """The number of parameters of all the layers."""
    return sum(layer.params for layer in layers)


def by_group(layers: Iterable[Layer], depth: int = 1) -> dict[str, int]:
    """Counts summed by the first `depth` parts of the names (`layer2`, or `layer2.0`
    with depth 2), in order of first appearance."""
    groups: dict[str, int] = {}
    for layer in layers:
        key = ".".join(layer.name.split(".")[:depth])
        groups[key] = groups.get(key, 0) + layer.params
    return groups


def _positive(**sizes: int) -> None:
    for name, value in sizes.items():
        if not isinstance(value, int) or value < 1:
            raise ValueError(f"{name} must be a positive integer, not {value!r}")
