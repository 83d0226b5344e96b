"""The notation vocabulary: every builtin's name, arity and spellings, in one table.

Both lexers, both parsers, the declaration reader, lowering and the "did you mean" hints
read this table, so a builtin is spelt, counted and recognised the same way everywhere.
Each builtin's sympy form lives with lowering (`derive.model.lower`), and the numeric
forms of derive's own functions (sigmoid, ReLU, softplus) with their classes
(`derive.model.functions`); `tests/test_vocabulary.py` checks that every name here has
both, so the table cannot drift from what the engine can do.

Nothing here imports sympy: the parsers and `derive --help` stay fast.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Builtin:
    """One builtin function.

    `arity` None means two or more (`max(a, b, c)`); `spellings` are other plain-text
    names (`ln`); `latex` the LaTeX commands that mean it (`\\ln`); `words` the words
    inside `\\operatorname{...}` or `\\mathrm{...}` (`ReLU`, case-insensitive); `kind` is
    "elementwise" (applied to each entry of a vector), "matrix" or "variadic";
    `real_argument` marks functions that are real only for arguments ≥ 0 (sqrt, log);
    `activation` those a declaration may name (`sigma: sigmoid`).
    """

    name: str
    arity: int | None = 1
    spellings: tuple[str, ...] = ()
    latex: tuple[str, ...] = ()
    words: tuple[str, ...] = ()
    kind: str = "elementwise"
    real_argument: bool = False
    activation: bool = False


TABLE = (
    Builtin("exp", latex=("exp",), words=("exp",)),
    Builtin("log", spellings=("ln",), latex=("log", "ln"), words=("log", "ln"), real_argument=True),
    Builtin("sqrt", words=("sqrt",), real_argument=True),  # \sqrt{..} is a form of its own
    Builtin("abs", words=("abs",)),
    Builtin("tanh", latex=("tanh",), words=("tanh",), activation=True),
    Builtin("sin", latex=("sin",), words=("sin",)),
    Builtin("cos", latex=("cos",), words=("cos",)),
    Builtin("sigmoid", words=("sigmoid",), activation=True),
    Builtin("relu", words=("relu",), activation=True),
    Builtin("softplus", words=("softplus",), activation=True),
    Builtin("max", arity=None, latex=("max",), words=("max",), kind="variadic"),
    Builtin("min", arity=None, latex=("min",), words=("min",), kind="variadic"),
    Builtin("diag", words=("diag",), kind="matrix"),
    Builtin("tr", latex=("tr",), words=("tr", "trace"), kind="matrix"),
    Builtin("det", latex=("det",), words=("det",), kind="matrix"),
    Builtin("inv", words=("inv",), kind="matrix"),
    Builtin("softmax", words=("softmax",), kind="matrix"),
    Builtin("logsumexp", words=("logsumexp", "lse"), kind="matrix"),
    Builtin("lambda_max", kind="matrix"),
    Builtin("spectral_radius", kind="matrix"),
)

BY_NAME = {b.name: b for b in TABLE}

# every plain-text spelling and its arity (`ln` is log, with one argument)
ARITY: dict[str, int | None] = {s: b.arity for b in TABLE for s in (b.name, *b.spellings)}
CANONICAL = {s: b.name for b in TABLE for s in (b.name, *b.spellings)}
LATEX_COMMANDS = {command: b.name for b in TABLE for command in b.latex}
LATEX_WORDS = {word: b.name for b in TABLE for word in b.words}
ACTIVATIONS = frozenset(b.name for b in TABLE if b.activation)
REAL_ARGUMENT = frozenset(b.name for b in TABLE if b.real_argument)
ELEMENTWISE = frozenset(b.name for b in TABLE if b.kind == "elementwise")
MATRIX = frozenset(b.name for b in TABLE if b.kind == "matrix")

# Names with a reading of their own: the constants, and the conventional activation σ.
CONSTANTS = {"pi", "e", "I", "inf"}
DEFAULT_ACTIVATIONS = {"sigma": "sigmoid"}  # σ(z), undeclared, is the logistic sigmoid

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

# Every name a call may use without a declaration, for "did you mean ...?" hints.
KNOWN_CALLS = frozenset(
    {*ARITY, *DEFAULT_ACTIVATIONS, "norm", "transpose", "grad", "diff", "hadamard", "E", "Var"}
)
