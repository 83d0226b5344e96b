"""Spellings shared by both parsers: Greek letters, builtin functions, constants."""

from __future__ import annotations

GREEK = {
    "α": "alpha", "β": "beta", "γ": "gamma", "δ": "delta", "ε": "epsilon", "ϵ": "epsilon",
    "ζ": "zeta", "η": "eta", "θ": "theta", "ι": "iota", "κ": "kappa", "λ": "lambda",
    "μ": "mu", "ν": "nu", "ξ": "xi", "π": "pi", "ρ": "rho", "σ": "sigma", "τ": "tau",
    "υ": "upsilon", "φ": "phi", "ϕ": "phi", "χ": "chi", "ψ": "psi", "ω": "omega",
    "Γ": "Gamma", "Δ": "Delta", "Θ": "Theta", "Λ": "Lambda", "Ξ": "Xi", "Π": "Pi",
    "Σ": "Sigma", "Φ": "Phi", "Ψ": "Psi", "Ω": "Omega",
}  # fmt: skip

# LaTeX command names of Greek letters (\beta, \varepsilon, ...) and the name they become.
GREEK_COMMANDS = {name: name for name in set(GREEK.values())} | {
    "varepsilon": "epsilon",
    "varphi": "phi",
    "vartheta": "theta",
    "varrho": "rho",
    "varsigma": "sigma",
}

# Short spellings people type at a terminal.
ALIASES = {"lam": "lambda", "eps": "epsilon", "oo": "inf", "infinity": "inf", "Inf": "inf"}

# Norm subscripts and the kind each means: ‖u‖_1, ‖u‖_∞, ‖W‖_F (digits stand for themselves).
NORM_KINDS = {"F": "F", "fro": "F", "inf": "inf", "infty": "inf", "max": "inf"}

# Builtin functions and how many arguments they take (None: two or more).
BUILTINS: dict[str, int | None] = {
    "exp": 1, "log": 1, "ln": 1, "sqrt": 1, "abs": 1, "tanh": 1, "sigmoid": 1,
    "relu": 1, "softplus": 1, "sin": 1, "cos": 1, "max": None, "min": None,
    "diag": 1, "tr": 1, "det": 1, "lambda_max": 1, "spectral_radius": 1, "inv": 1,
}  # fmt: skip

CONSTANTS = {"pi", "e", "I", "inf"}
