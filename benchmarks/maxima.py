"""A small translator from STACK's Maxima syntax to derive's plain-text syntax.

It reads Maxima source with its own tokenizer and recursive descent (nothing is ever
evaluated) and writes fully bracketed plain text, or refuses with the reason. It accepts
arithmetic (`+ - * / ^`, unary minus, `a^-b`), numbers (integers, decimals, `5.1e-2`),
names, the constants `%pi`/`pi` and `%e`/`e`, the functions derive supports (`exp`, `log`,
`ln`, `sqrt`, `abs`, `sin`, `cos`, `tanh`, `max`, `min`), and these rewritings:
`root(x)` → `sqrt(x)`, `root(x, n)` → `x^(1/n)`, `lg(x)` → `log(x)/log(10)`,
`lg(x, b)` → `log(x)/log(b)`, `sum(f, k, a, b)` → `Sum(f, (k, a, b))`, a quoted noun
`'root(x)` → `root(x)`, an indexed name `epsilon[0]` → `epsilon_idx0` (kept apart from
the atom `epsilon_0`, as Maxima does), and undefined
functions (`f(x)`, `F(k)`, one letter) declared as functions. Names that derive reserves
(`I`, `E`, `T`, `sum`, `lam`, ...) are renamed consistently.

Everything else is refused with a reason: complex numbers (`%i`, bare `i`), infinity,
relations (equations and inequalities, compared as solution sets by STACK), logic, lists,
sets, matrices, intervals, strings, assignments and definitions, `±`, factorials,
derivatives and integrals (`diff`, `int`, with Maxima semantics), and functions derive does
not have (`tan`, `sec`, `atan`, `binomial`, ...).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

__all__ = ["Translation", "Unsupported", "translate"]


class Unsupported(Exception):
    """The text uses something derive's plain syntax cannot express; `reason` is the
    category used in the skip counts."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason


class Malformed(Exception):
    """The text is not well-formed Maxima."""


@dataclass
class Translation:
    text: str
    functions: set[str] = field(default_factory=set)  # undefined functions to declare


DERIVE_FUNCTIONS = {
    "exp": "exp", "log": "log", "ln": "log", "sqrt": "sqrt", "abs": "abs", "sin": "sin",
    "cos": "cos", "tanh": "tanh", "max": "max", "min": "min",
}  # fmt: skip
UNSUPPORTED_FUNCTIONS = {
    "tan", "sec", "csc", "cosec", "cot", "asin", "acos", "atan", "atan2", "asec", "acsc",
    "acot", "sinh", "cosh", "csch", "cosech", "sech", "coth", "asinh", "acosh", "atanh",
    "binomial", "signum", "sign", "conjugate", "realpart", "imagpart", "floor", "ceiling",
    "round", "factorial", "gamma", "beta", "erf", "product", "limit", "mod", "gcd", "lcm",
}  # fmt: skip
CALCULUS = {"diff", "int", "integrate", "noundiff", "nounint", "nounlimit", "limit", "taylor"}
LOGIC = {"and", "or", "not", "nounand", "nounor", "nounnot", "true", "false", "xor"}
INTERVALS = {"oo", "oc", "co", "cc", "%union", "%intersection", "all", "none"}
# derive's reserved words and aliases: renamed when they are Maxima variables.
RESERVED = {
    "I", "E", "T", "Var", "Sum", "sum", "Product", "prod", "diff", "grad", "norm",
    "transpose", "hadamard", "abs", "inf", "lam", "eps", "sigmoid", "relu", "softplus",
    "diag", "tr", "det", "inv", "lambda_max", "spectral_radius", "exp", "log", "ln", "sqrt",
    "tanh", "sin", "cos", "max", "min",
}  # fmt: skip

_TOKEN = re.compile(
    r"\s*(?:(?P<num>(?:\d+\.\d*|\.\d+|\d+)(?:[eEbB][+-]?\d+)?)"
    r"|(?P<name>%?[A-Za-z_][A-Za-z_0-9]*)"
    r"|(?P<pm>#pm#)"
    r"|(?P<op>:=|<=|>=|[-+*/^()\[\]{},=#<>:!'\"~.;$@&|]))"
)


def _tokens(text: str) -> list[tuple[str, str]]:
    tokens: list[tuple[str, str]] = []
    position = 0
    text = text.rstrip()
    while position < len(text):
        match = _TOKEN.match(text, position)
        if not match or match.end() == position:
            raise Malformed(f"unexpected character {text[position : position + 1]!r}")
        kind = match.lastgroup or ""
        tokens.append((kind, match.group(kind)))
        position = match.end()
    tokens.append(("end", ""))
    return tokens


class _Reader:
    def __init__(self, text: str) -> None:
        self.tokens = _tokens(text)
        self.i = 0
        self.functions: set[str] = set()

    def peek(self) -> tuple[str, str]:
        return self.tokens[self.i]

    def take(self) -> tuple[str, str]:
        token = self.tokens[self.i]
        self.i += 1
        return token

    def expect(self, value: str) -> None:
        kind, text = self.take()
        if text != value or kind == "end":
            raise Malformed(f"expected {value!r}, found {text or 'the end'!r}")

    # -- grammar, loosest first ---------------------------------------------------------

    def whole(self) -> str:
        if self.peek()[0] == "end":
            raise Malformed("empty")
        result = self.relation()
        kind, text = self.peek()
        if kind != "end":
            if text in (",", ";", "$"):
                raise Unsupported("statement sequence or list", text)
            raise Malformed(f"unexpected {text!r}")
        return result

    def relation(self) -> str:
        left = self.additive()
        kind, text = self.peek()
        if kind == "op" and text in ("=", "#", "<", ">", "<=", ">="):
            raise Unsupported("relation (equation or inequality)", text)
        if kind == "op" and text in (":", ":="):
            raise Unsupported("assignment or definition", text)
        if kind == "pm":
            raise Unsupported("± (#pm#)")
        if kind == "name" and text in LOGIC:
            raise Unsupported("logic (and, or, not)", text)
        return left

    def additive(self) -> str:
        kind, text = self.peek()
        if kind == "op" and text in "+-" and text:
            self.take()
            first = self.multiplicative()
            result = f"(-{first})" if text == "-" else first
        else:
            result = self.multiplicative()
        while True:
            kind, text = self.peek()
            if kind == "op" and text in ("+", "-"):
                self.take()
                result = f"{result} {text} {self.multiplicative()}"
            elif kind == "pm":
                raise Unsupported("± (#pm#)")
            else:
                return f"({result})"

    def multiplicative(self) -> str:
        result = self.unary()
        while True:
            kind, text = self.peek()
            if kind == "op" and text in ("*", "/"):
                self.take()
                result = f"{result} {text} {self.unary()}"
            else:
                return f"({result})"

    def unary(self) -> str:
        kind, text = self.peek()
        if kind == "op" and text in ("-", "+"):
            self.take()
            operand = self.unary()
            return f"(-{operand})" if text == "-" else operand
        if kind == "pm":
            raise Unsupported("± (#pm#)")
        if kind == "name" and text in ("not", "nounnot"):
            raise Unsupported("logic (and, or, not)", text)
        return self.power()

    def power(self) -> str:
        base = self.postfix()
        kind, text = self.peek()
        if kind == "op" and text == "^":
            self.take()
            exponent = self.unary()  # right-associative; a^-b is allowed
            return f"({base}^{exponent})"
        if kind == "op" and text == "^^":
            raise Unsupported("non-commutative power ^^")
        return base

    def postfix(self) -> str:
        atom = self.atom()
        kind, text = self.peek()
        if kind == "op" and text == "!":
            raise Unsupported("factorial", "!")
        if kind == "op" and text == ".":
            raise Unsupported("non-commutative product .")
        return atom

    def atom(self) -> str:
        kind, text = self.take()
        if kind == "num":
            if re.search(r"[bB]", text):
                raise Unsupported("big float")
            return text
        if kind == "op" and text == "(":
            inner = self.relation()
            _kind2, text2 = self.peek()
            if text2 == ",":
                raise Unsupported("statement sequence or list", "(a, b)")
            self.expect(")")
            return inner
        if kind == "op" and text == "'":
            return self.atom()  # a quoted noun: the same mathematics
        if kind == "op" and text == "[":
            raise Unsupported("list")
        if kind == "op" and text == "{":
            raise Unsupported("set")
        if kind == "op" and text == '"':
            raise Unsupported("string")
        if kind == "name":
            if self.peek() == ("op", "("):
                return self.call(text)
            if self.peek() == ("op", "["):
                return self.indexed(text)
            return self.name(text)
        if kind == "end":
            raise Malformed("unexpected end")
        raise Malformed(f"unexpected {text!r}")

    def name(self, text: str) -> str:
        if text in ("%pi", "pi"):
            return "pi"
        if text in ("%e", "e"):
            return "e"
        if text in ("%i", "i"):
            raise Unsupported("complex numbers (%i, i)")
        if text in ("inf", "minf", "infinity", "%infinity"):
            raise Unsupported("infinity")
        if text in LOGIC:
            raise Unsupported("logic (and, or, not)", text)
        if text in INTERVALS:
            raise Unsupported("intervals and sets", text)
        if text.startswith("%"):
            raise Unsupported("Maxima constant", text)
        if text in DERIVE_FUNCTIONS or text in UNSUPPORTED_FUNCTIONS or text in CALCULUS:
            raise Unsupported("function name used as a variable", text)
        if text in RESERVED:
            return f"{text}_v"
        return text

    def indexed(self, base: str) -> str:
        self.expect("[")
        kind, index = self.take()
        if kind not in ("num", "name") or not re.fullmatch(r"[A-Za-z0-9]+", index):
            raise Unsupported("indexed name with a compound index")
        self.expect("]")
        return f"{self.name(base)}_idx{index}"

    def arguments(self) -> list[str]:
        self.expect("(")
        args = []
        if self.peek() == ("op", ")"):
            self.take()
            return args
        while True:
            args.append(self.relation())
            _kind, text = self.take()
            if text == ")":
                return args
            if text != ",":
                raise Malformed(f"expected ',' or ')', found {text!r}")

    def call(self, name: str) -> str:
        if name == "matrix":
            raise Unsupported("matrix")
        if name in INTERVALS:
            raise Unsupported("intervals and sets", name)
        if name in CALCULUS:
            raise Unsupported("derivative, integral or limit (Maxima semantics)", name)
        if name in LOGIC:
            raise Unsupported("logic (and, or, not)", name)
        if name in UNSUPPORTED_FUNCTIONS:
            raise Unsupported("function derive does not have", name)
        args = self.arguments()
        if name in DERIVE_FUNCTIONS:
            wanted = None if name in ("max", "min") else 1
            if (wanted is not None and len(args) != wanted) or (wanted is None and len(args) < 2):
                raise Malformed(f"{name} with {len(args)} arguments")
            return f"{DERIVE_FUNCTIONS[name]}({', '.join(args)})"
        if name == "root":
            if len(args) == 1:
                return f"sqrt({args[0]})"
            if len(args) == 2:
                return f"({args[0]}^(1/{args[1]}))"
            raise Malformed("root with more than two arguments")
        if name == "lg":
            if len(args) == 1:
                return f"(log({args[0]}) / log(10))"
            if len(args) == 2:
                return f"(log({args[0]}) / log({args[1]}))"
            raise Malformed("lg with more than two arguments")
        if name == "sum":
            if len(args) != 4 or not re.fullmatch(r"\(*[A-Za-z]\w*\)*", args[1]):
                raise Unsupported("sum in an unsupported form")
            index = args[1].strip("()")
            return f"Sum({args[0]}, ({index}, {args[2]}, {args[3]}))"
        if re.fullmatch(r"[A-Za-z][0-9]*", name):  # f(x), F(k), g(x): undefined functions
            self.functions.add(name if name not in RESERVED else f"{name}_v")
            return f"{name if name not in RESERVED else name + '_v'}({', '.join(args)})"
        raise Unsupported("function derive does not have", name)


def translate(text: str) -> Translation:
    """Plain text for derive, or `Unsupported` (a feature derive cannot express) or
    `Malformed` (not well-formed Maxima)."""
    reader = _Reader(text)
    result = reader.whole()
    return Translation(result, reader.functions)
