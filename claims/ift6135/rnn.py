"""RNN activations and vanishing gradients (000 Q5, 001 Q1)."""

from derive import claim
from derive.model.types import Function

CLAIMS = [
    claim(
        "ift6135/rnn/induction-step",
        "Induction step: if g_{t-1} = σ(h_{t-1}) then g_t = σ(h_t)",
        source="000 Q5.1; 001 Q1.1",
        let={
            "h": "sequence of vector(n)",
            "g": "sequence of vector(n)",
            "x": "sequence of vector(m)",
            "W": "matrix(n, n)",
            "U": "matrix(n, m)",
            "b": "vector(n)",
            "sigma": Function(elementwise=True),
        },
        where={
            "h_t": "W sigma(h_{t-1}) + U x_t + b",
            "g_t": "sigma(W g_{t-1} + U x_t + b)",
        },
        given=["g_{t-1} = sigma(h_{t-1})"],
        statement="g_t = sigma(h_t)",
        notes="σ is any activation applied elementwise (an undefined function).",
    ),
]
