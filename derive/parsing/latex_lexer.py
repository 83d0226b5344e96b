"""Characters to tokens for student LaTeX, and display blocks to lines.

Everything about characters lives here, so that the parser only sees tokens: the control
and invisible characters refused outright, the unicode symbols that stand for commands
(`≤` is `\\le`), spacing that disappears, the words of `\\text{...}`, and the damage PDF
conversion does to commands (`oldsymbol{u}` for `\\boldsymbol{u}`, `egin{aligned}` for
`\\begin{aligned}`, `rac{1}{2}` for `\\frac{1}{2}`). Every token keeps its column in the
original text so errors can point at it. Nothing here recurses, so no input can exhaust the
stack.
"""

from __future__ import annotations

import re
import unicodedata

from derive.errors import LimitError, ParseError
from derive.limits import LIMITS
from derive.vocabulary import GREEK, GREEK_COMMANDS

# Token kinds.
NUM = "num"  # digits as written: "0.25"
LETTER = "letter"  # one Latin letter: single letters are separate names in LaTeX
NAME = "name"  # a Greek letter or \ell, spelled out: "beta"
CMD = "cmd"  # any other command, without its backslash: "frac"
WORD = "word"  # \mathrm{..}, \operatorname{..}, \text{..}, \mathbb{..}: `text` holds the content
OPEN = "open"  # ( [ \{ and sized or one-sided delimiters; value "(", "[", "{", "|", "||"
CLOSE = "close"
BAR = "bar"  # | or || whose side is not written: the parser decides
LBRACE = "lbrace"  # TeX grouping braces
RBRACE = "rbrace"
REL = "rel"  # value one of derive.model.ast.RELATIONS
OP = "op"  # one character: + - * / ^ _ ' , . ! : ;
END = "end"


class Token:
    """One token: kind, value, columns [pos, end) in the text, and layout facts."""

    __slots__ = ("end", "kind", "match", "pos", "sized", "space", "text", "value")

    def __init__(self, kind: str, value: str, pos: int, end: int, *, sized: bool = False) -> None:
        self.kind = kind
        self.value = value
        self.pos = pos
        self.end = end
        self.sized = sized  # written with \left or \right: must pair with the other one
        self.space = False  # whitespace before it (LaTeX ignores it; words do not)
        self.text = ""  # content of a WORD
        self.match = -1  # index of the matching RBRACE, for an LBRACE

    def __repr__(self) -> str:
        return f"Token({self.kind}, {self.value!r}, {self.pos})"


WORD_COMMANDS = {
    "text", "textrm", "textit", "textbf", "textsf", "texttt", "textnormal", "mbox",
    "mathrm", "operatorname", "mathit", "mathsf", "mathtt", "mathbb",
}  # fmt: skip
TEXT_COMMANDS = {"text", "textrm", "textit", "textbf", "textsf", "texttt", "textnormal", "mbox"}

# After a top-level note: further notes, spacing and punctuation, or mathematics.
_NOTES = re.compile(r"\\(?:text\w*|mbox|hbox)\s*\{[^{}]*\}|\\(?:q?quad|[,;:! ])|[\s.,;:~&]")
_MATH_AFTER = re.compile(r"[A-Za-z0-9\\=<>+\-]")

# Words in \text{...} that are prose, not names.
CONNECTIVES = {
    "and", "or", "as", "for", "if", "iff", "where", "with", "when", "since", "so", "hence",
    "thus", "then", "therefore", "otherwise", "all", "each", "any", "is", "are", "the", "by",
    "using", "because", "but", "else", "of", "on", "to", "in", "at", "let", "given", "via",
}  # fmt: skip

SPACING = {
    "quad", "qquad", "newline", "enspace", "thinspace", "medspace", "thickspace", "negthinspace",
    "negmedspace", "negthickspace", "displaystyle", "textstyle", "scriptstyle", "limits",
    "nolimits", "nonumber", "notag", "mathstrut", "strut", "allowbreak", "middle",
}  # fmt: skip
# Decorations read past: how each is written ("under"/"over": a brace with a note below or
# above, "first": a first argument to skip, such as a colour).
DECORATIONS = {
    "boxed": "", "cancel": "", "bcancel": "", "xcancel": "", "underbrace": "under",
    "overbrace": "over", "underset": "first", "overset": "first", "textcolor": "first",
    "colorbox": "first",
}  # fmt: skip
_CONTINUES = re.compile(r"\s*(?:[-+*/^_(\[]|\\(?:cdot|times)(?![A-Za-z]))")
_RELATION = re.compile(r"[=<>]|\\(?:le|ge|leq|geq|neq|ne|approx|leqslant|geqslant)(?![A-Za-z])")
# read past with their argument (`\\require{cancel}`: MathJax loading an extension)
SKIP_WITH_ARGUMENT = {
    "label", "tag", "hspace", "vspace", "hphantom", "vphantom", "phantom", "require",
}  # fmt: skip

RELATION_COMMANDS = {
    "le": "<=", "leq": "<=", "leqslant": "<=", "leqq": "<=", "ge": ">=", "geq": ">=",
    "geqslant": ">=", "geqq": ">=", "ne": "!=", "neq": "!=", "lt": "<", "gt": ">",
    "coloneqq": ":=", "coloneq": ":=", "triangleq": ":=", "defeq": ":=", "equiv": "=",
    "leftarrow": "<-", "gets": "<-", "longleftarrow": "<-", "approx": "≈",
}  # fmt: skip

SIZES = {f"{size}{side}" for size in ("big", "Big", "bigg", "Bigg") for side in ("", "l", "r", "m")}

# Delimiter commands and what they stand for; sides "l", "r" or "" (not written).
DELIMITER_COMMANDS = {
    "\\{": ("{", "l"), "\\}": ("}", "r"), "lbrace": ("{", "l"), "rbrace": ("}", "r"),
    "lbrack": ("[", "l"), "rbrack": ("]", "r"), "lvert": ("|", "l"), "rvert": ("|", "r"),
    "lVert": ("||", "l"), "rVert": ("||", "r"), "vert": ("|", ""), "Vert": ("||", ""),
    "\\|": ("||", ""),
}  # fmt: skip
PLAIN_DELIMITERS = {"(": ("(", "l"), ")": (")", "r"), "[": ("[", "l"), "]": ("]", "r"),
                    "|": ("|", "")}  # fmt: skip
UNSUPPORTED_DELIMITERS = {"langle", "rangle", "lfloor", "rfloor", "lceil", "rceil", "/"}

# Unicode symbols that stand for a token.
UNICODE = {
    "−": (OP, "-"), "–": (OP, "-"), "∗": (OP, "*"), "′": (OP, "'"), "·": (CMD, "cdot"),
    "⋅": (CMD, "cdot"), "∙": (CMD, "cdot"), "×": (CMD, "times"), "÷": (CMD, "div"),
    "≤": (REL, "<="), "≥": (REL, ">="), "≠": (REL, "!="), "≔": (REL, ":="),
    "∞": (CMD, "infty"), "∂": (CMD, "partial"), "∇": (CMD, "nabla"), "⊙": (CMD, "odot"),
    "∘": (CMD, "circ"), "∑": (CMD, "sum"), "∏": (CMD, "prod"), "√": (CMD, "sqrt"),
    "≈": (REL, "≈"), "→": (CMD, "to"), "⇒": (CMD, "implies"), "⟹": (CMD, "implies"),
    "⇔": (CMD, "iff"), "←": (CMD, "leftarrow"), "…": (CMD, "ldots"), "⋯": (CMD, "cdots"),
    "±": (CMD, "pm"), "∓": (CMD, "mp"), "⊤": (CMD, "top"), "∈": (CMD, "in"),
    "≰": (CMD, "nleq"), "≱": (CMD, "ngeq"),
    "∼": (CMD, "sim"), "∝": (CMD, "propto"), "∀": (CMD, "forall"), "∃": (CMD, "exists"),
    "∫": (CMD, "int"), "⊗": (CMD, "otimes"), "‖": (BAR, "||"), "ℓ": (NAME, "ell"),
    "∆": (NAME, "Delta"), "⟨": (CMD, "langle"), "⟩": (CMD, "rangle"),
}  # fmt: skip

# Commands whose backslash escape was eaten on the way through a PDF converter or a
# Python string ("\b" is a backspace, "\f" a form feed), recognised only before "{".
DAMAGED = {"oldsymbol": "boldsymbol", "m": "bm", "rac": "frac", "ext": "text", "egin": "begin"}

_LETTERS = re.compile(r"[A-Za-z]+")
_NUMBER = re.compile(r"[0-9]*\.?[0-9]+")
_SCIENTIFIC = re.compile(r"[eE][+-]?[0-9]")


def _describe(ch: str) -> str:
    """A character for a message, readable even when it is invisible."""
    code = f"U+{ord(ch):04X}"
    if ch.isprintable() and not unicodedata.category(ch).startswith(("M", "C", "Z")):
        return f"'{ch}' ({code})"
    return code


def check_length(text: str, what: str = "statement") -> None:
    """Refuse over-long input before looking at it."""
    if len(text) > LIMITS.max_length:
        raise LimitError(
            text, LIMITS.max_length, f"{what} longer than {LIMITS.max_length} characters"
        )


def strip_delimiters(text: str) -> tuple[int, int]:
    """The span of `text` inside `$...$`, `$$...$$`, `\\[...\\]` or `\\(...\\)`."""
    start, end = 0, len(text)
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    for left, right in (("$$", "$$"), ("$", "$"), ("\\[", "\\]"), ("\\(", "\\)")):
        if text.startswith(left, start):
            if end - start >= len(left) + len(right) and text.endswith(right, 0, end):
                return start + len(left), end - len(right)
            raise ParseError(text, start, f"missing closing {right} for {left}")
    return start, end


# What may follow a top-level \quad as a margin note rather than more mathematics.
ANNOTATIONS = {"triangleright", "rhd", "text", "textrm", "textit", "textbf", "mbox", "hbox", "#"}


class _Lexer:
    """One pass over [start, end) of the text; see `tokenize`."""

    def __init__(self, text: str, start: int, end: int) -> None:
        self.text = text
        self.i = start
        self.end = end
        self.tokens: list[Token] = []
        self.space = False
        self.depth = 0  # brackets and braces open, for \text and \quad at the top level
        self.quad = -1  # column of a top-level \quad still waiting for what follows
        # closing braces of decorations (\boxed{...}) read past: position -> (token, note mark)
        self.closing: dict[int, tuple[str | None, str]] = {}

    def error(self, pos: int, message: str) -> ParseError:
        return ParseError(self.text, pos, message)

    def emit(self, kind: str, value: str, pos: int, end: int, *, sized: bool = False) -> Token:
        trailing = (kind == OP and value in ",.") or (kind == CMD and value == "\\")
        if self.quad >= 0 and not trailing:
            raise self.error(
                self.quad,
                "text after \\quad is not part of the statement: write one statement per "
                "line, and words inside \\text{...}",
            )
        token = Token(kind, value, pos, end, sized=sized)
        token.space = self.space
        self.space = False
        if kind in (OPEN, LBRACE):
            self.depth += 1
        elif kind in (CLOSE, RBRACE):
            self.depth = max(0, self.depth - 1)
        self.tokens.append(token)
        return token

    def run(self) -> list[Token]:
        text = self.text
        while self.i < self.end:
            ch = text[self.i]
            if self.i in self.closing:
                self.close_decoration()
            elif ch.isascii() and ch.isalpha():
                self.letters()
            elif (ch.isdigit() and ch.isascii()) or (ch == "." and self.digit_at(self.i + 1)):
                self.number()
            elif ch == "\\":
                if self.command():
                    break  # prose \text{...} at the top level ends the statement
            elif ch in " \t\n\r" or ch == "~" or ch == "&":
                self.space = True
                self.i += 1
            elif ch == "%":  # a TeX comment runs to the end of the line
                newline = text.find("\n", self.i, self.end)
                self.i = self.end if newline < 0 else newline
            else:
                self.symbol(ch)
        self.tokens.append(Token(END, "", self.end, self.end))
        return self.tokens

    def digit_at(self, i: int) -> bool:
        return i < self.end and self.text[i].isascii() and self.text[i].isdigit()

    def letters(self) -> None:
        text, i = self.text, self.i
        word = _LETTERS.match(text, i, self.end)
        assert word is not None
        first = i == 0 or not (text[i - 1].isascii() and text[i - 1].isalpha())
        if first and text[i - 1 : i] != "\\":
            for damaged, command in DAMAGED.items():
                after = i + len(damaged)
                if text.startswith(damaged, i) and text[after : after + 1] == "{":
                    self.i = after
                    self.named_command(command, i)
                    return
        for k, letter in enumerate(word.group()):
            self.emit(LETTER, letter, i + k, i + k + 1)
        self.i = word.end()

    def number(self) -> None:
        match = _NUMBER.match(self.text, self.i, self.end)
        assert match is not None
        digits = sum(c.isdigit() for c in match.group())
        if digits > LIMITS.max_digits:
            raise LimitError(self.text, self.i, f"number with more than {LIMITS.max_digits} digits")
        if _SCIENTIFIC.match(self.text, match.end(), self.end):
            raise self.error(match.end(), "scientific notation: write 1 \\times 10^{-5}")
        self.emit(NUM, match.group(), self.i, match.end())
        self.i = match.end()

    def symbol(self, ch: str) -> None:
        text, i = self.text, self.i
        self.i += 1
        if ch in "([":
            self.emit(OPEN, ch, i, i + 1)
        elif ch in ")]":
            self.emit(CLOSE, ch, i, i + 1)
        elif ch == "{":
            self.emit(LBRACE, ch, i, i + 1)
        elif ch == "}":
            self.emit(RBRACE, ch, i, i + 1)
        elif ch == "|":
            if text[i + 1 : i + 2] == "|" and i + 1 < self.end:
                self.i += 1
                self.emit(BAR, "||", i, i + 2)
            else:
                self.emit(BAR, "|", i, i + 1)
        elif ch in "=<>!:" and text[i + 1 : i + 2] == "=" and i + 1 < self.end:
            self.i += 1
            self.emit(REL, {"=": "=", "<": "<=", ">": ">=", "!": "!=", ":": ":="}[ch], i, i + 2)
        elif ch in "=<>":
            self.emit(REL, ch, i, i + 1)
        elif ch == "." and text.startswith("...", i) and i + 2 < self.end:
            self.i += 2
            self.emit(CMD, "ldots", i, i + 3)  # dots typed as three periods
        elif ch in "+-*/^_',.!:;":
            self.emit(OP, ch, i, i + 1)
        elif ch in GREEK:
            self.emit(NAME, GREEK[ch], i, i + 1)
        elif ch in UNICODE:
            kind, value = UNICODE[ch]
            self.emit(kind, value, i, i + 1)
        elif unicodedata.category(ch) == "Zs":  # no-break and other visible spaces
            self.space = True
        elif unicodedata.category(ch) in ("Cc", "Cs"):
            raise self.error(i, f"control character {_describe(ch)}")
        elif unicodedata.category(ch) == "Cf":
            raise self.error(i, f"invisible formatting character {_describe(ch)}")
        elif unicodedata.category(ch).startswith("M"):
            raise self.error(i, f"combining mark {_describe(ch)}: write accents as \\hat{{x}}")
        else:
            raise self.error(i, f"unexpected character {_describe(ch)}")

    def command(self) -> bool:
        """Read one command at a backslash; True when it ends the statement."""
        text, start = self.text, self.i
        if start + 1 >= self.end:
            raise self.error(start, "lone backslash at the end")
        ch = text[start + 1]
        if ch.isascii() and ch.isalpha():
            word = _LETTERS.match(text, start + 1, self.end)
            assert word is not None
            self.i = word.end()
            return self.named_command(word.group(), start)
        self.i = start + 2
        if ch in ",;:! \t\n\r":
            self.space = True
        elif ch == "\\":
            self.emit(CMD, "\\", start, start + 2)
            if text[self.i : self.i + 1] == "[":  # \\[2pt]: vertical space after a line break
                close = text.find("]", self.i, self.end)
                self.i = self.i if close < 0 else close + 1
        elif "\\" + ch in DELIMITER_COMMANDS:
            self.delimiter("\\" + ch, start, "")
        else:
            self.emit(CMD, ch, start, start + 2)
        return False

    def named_command(self, name: str, start: int) -> bool:
        """Emit the tokens of command `name` whose backslash is at `start`."""
        end = self.i
        if name == "begin" and (block := cases_block(self.text, start, self.end)):
            self.emit(CMD, "cases", start, block[2])  # its rows are read by the parser
            self.i = block[2]
            return False
        if name in ("therefore", "because", "since", "hence"):
            if self.tokens:  # `a = b \therefore c = d` is two statements, not one
                raise self.error(start, f"\\{name} between two statements: one statement per line")
            self.space = True  # `∴ x = 1` states x = 1
            return False
        if name in DECORATIONS:
            self.decoration(name, start)
            return False
        if self.quad >= 0 and name in ANNOTATIONS:  # `... \quad \triangleright Affine`
            self.i, self.quad = self.end, -1  # a margin note: the statement ended at \quad
            return False
        if name in SPACING:
            if name in ("quad", "qquad") and self.depth == 0 and self.tokens:
                self.quad = start
            else:
                self.space = True
        elif name in SKIP_WITH_ARGUMENT:
            self.raw_argument(name, start)
        elif name in ("left", "right") or name in SIZES:
            self.delimiter_after(name, start)
        elif name in DELIMITER_COMMANDS:
            self.delimiter(name, start, "")
        elif name in RELATION_COMMANDS:
            self.emit(REL, RELATION_COMMANDS[name], start, end)
        elif name in GREEK_COMMANDS:
            if self.text[end : end + 1] == "{":  # `\delta{ik}`: a subscript lost its `_`
                raise self.error(
                    start,
                    f"\\{name}{{...}}: a brace group right after \\{name}; write \\{name}_{{...}}",
                )
            self.emit(NAME, GREEK_COMMANDS[name], start, end)
        elif name == "ell":
            self.emit(NAME, "ell", start, end)
        elif name == "mathbb" and self.bold_expression(start):
            self.emit(CMD, "mathbf", start, end)  # \mathbb{\hat{y}}: a bold ŷ, read as \mathbf
        elif name in WORD_COMMANDS:
            if name == "operatorname" and self.text[self.i : self.i + 1] == "*":
                self.i += 1
            content, content_start = self.raw_argument(name, start)
            return self.word(name, content, content_start, start)
        else:
            self.emit(CMD, name, start, end)
        return False

    def bold_expression(self, start: int) -> bool:
        """Whether `\\mathbb{...}` holds more than a letter (`\\mathbb{\\hat{y}}`, some
        authors' bold): a blackboard letter (ℝ, 𝔼, 𝟙) is one character or command."""
        here = self.i
        content, _ = self.raw_argument("mathbb", start)
        self.i = here
        return not re.fullmatch(r"\s*(?:[A-Za-z0-9]|\\[A-Za-z]+)\s*", content)

    def decoration(self, name: str, start: int) -> None:
        """`\\boxed{X}`, `\\cancel{X}`, `\\underbrace{X}_{note}`, `\\textcolor{red}{X}`: X as
        written, in brackets unless it holds a relation (`\\boxed{x = 1}`); the note of a
        brace is dropped."""
        if DECORATIONS[name] == "first":
            self.raw_argument(name, start)  # the colour, or the note of \underset
        while self.i < self.end and self.text[self.i] in " \t\n\r":
            self.i += 1
        content, content_start = self.raw_argument(name, start)
        if self.text[content_start - 1 : content_start] != "{":
            self.i = content_start  # one character or command: read it as it stands
            return
        before = self.text[:start].rstrip().rstrip("{").rstrip()
        if before.endswith(("^", "_")):
            raise self.error(start, f"\\{name} inside a sub- or superscript is not read")
        bracket = None if _top_level_relation(content) else ")"
        if bracket:
            self.emit(OPEN, "(", start, content_start)
        elif self.tokens and self.tokens[-1].kind != REL:  # `a + \boxed{x = 1}`: a + x = 1?
            raise self.error(start, f"\\{name} around a relation inside an expression is not read")
        self.closing[content_start + len(content)] = (bracket, DECORATIONS[name])
        self.i = content_start

    def close_decoration(self) -> None:
        bracket, note = self.closing.pop(self.i)
        if bracket:
            self.emit(CLOSE, bracket, self.i, self.i + 1)
        elif _CONTINUES.match(self.text, self.i + 1, self.end):  # `\boxed{x = 1} + 2`
            raise self.error(
                self.i, "a relation in a decoration continued by an expression is not read"
            )
        self.i += 1
        rest = self.text[self.i : self.end]
        mark = "_" if note == "under" else "^" if note == "over" else ""
        if mark and rest.lstrip().startswith(mark):
            self.i += len(rest) - len(rest.lstrip()) + 1
            self.raw_argument(note, self.i)  # the brace's note

    def raw_argument(self, name: str, start: int) -> tuple[str, int]:
        """The argument of `name` as written: a braced group or one character."""
        text = self.text
        i = self.i
        while i < self.end and text[i] in " \t\n\r":
            i += 1
        if i >= self.end:
            raise self.error(start, f"missing argument for \\{name}")
        if text[i] != "{":
            if text[i] == "\\":
                word = _LETTERS.match(text, i + 1, self.end)
                stop = word.end() if word else i + 2
            else:
                stop = i + 1
            self.i = stop
            return text[i:stop], i
        depth, j = 0, i
        while j < self.end:
            c = text[j]
            if c == "\\":
                j += 2
                continue
            if c == "{":
                depth += 1
            elif c == "}":
                depth -= 1
                if depth == 0:
                    self.i = j + 1
                    return text[i + 1 : j], i + 1
            j += 1
        raise self.error(i, f"missing closing brace for \\{name}")

    def word(self, name: str, content: str, content_start: int, start: int) -> bool:
        """A \\text-like word: a name, a function, or prose that ends the statement."""
        stripped = re.sub(r"\\[,;:! ]|~", " ", content).strip()
        if name in TEXT_COMMANDS:
            if not stripped:
                self.space = True
                return False
            prose = (
                not (stripped.isascii() and stripped.isalnum())
                or stripped.lower() in CONNECTIVES
                or (self.depth == 0 and stripped != content)
            )
            if prose:
                if self.depth == 0:
                    if _MATH_AFTER.search(_NOTES.sub(" ", self.text[self.i : self.end])):
                        raise self.error(  # `|x| = x \text{ if } x \ge 0`: a condition
                            start,
                            f"words between mathematics (\\{name}{{{stripped}}}): a condition "
                            "or a second statement is not read; one statement per line",
                        )
                    return True  # a note at the end of the statement
                raise self.error(start, f"words inside a formula: \\{name}{{{content}}}")
        token = self.emit(WORD, name, start, self.i)
        token.text = stripped
        return False

    def delimiter_after(self, name: str, start: int) -> None:
        """The delimiter that \\left, \\right or \\bigl (...) applies to."""
        text = self.text
        i = self.i
        while i < self.end and text[i] in " \t\n\r":
            i += 1
        if i < self.end and text[i] == "\\":
            word = _LETTERS.match(text, i + 1, self.end)
            delim = word.group() if word else text[i : i + 2]
            self.i = word.end() if word else i + 2
        elif i < self.end:
            delim = text[i]
            self.i = i + 1
        else:
            raise self.error(start, f"missing delimiter after \\{name}")
        side = {"left": "l", "right": "r"}.get(name, name[-1] if name[-1] in "lr" else "")
        self.delimiter(delim, start, side, sized=name in ("left", "right"), command=name)

    def delimiter(
        self, delim: str, start: int, side: str, *, sized: bool = False, command: str = ""
    ) -> None:
        """Emit an OPEN, CLOSE or BAR token for a delimiter written as `delim`."""
        written = f"\\{command}" if command else ""
        written += delim if delim in PLAIN_DELIMITERS or delim.startswith("\\") else f"\\{delim}"
        if delim in PLAIN_DELIMITERS and command:
            value, own_side = PLAIN_DELIMITERS[delim]
        elif delim in DELIMITER_COMMANDS:
            value, own_side = DELIMITER_COMMANDS[delim]
        elif delim == "." and sized:
            raise self.error(start, f"{written} (an invisible delimiter) is not supported")
        elif delim in UNSUPPORTED_DELIMITERS:
            raise self.error(start, f"{written} is not supported")
        else:
            raise self.error(start, f"\\{command} must be followed by a delimiter")
        if side and own_side and side != own_side:
            raise self.error(start, f"{written} has the delimiter on the wrong side")
        side = side or own_side
        kind = {"l": OPEN, "r": CLOSE, "": BAR}[side]
        self.emit(kind, value, start, self.i, sized=sized)


def tokenize(text: str, start: int = 0, end: int | None = None) -> list[Token]:
    """The tokens of text[start:end], ending with an END token.

    Spacing, alignment markers (`&`), comments and trailing punctuation or line breaks are
    dropped; prose `\\text{...}` at the top level ends the statement (the rest is ignored).
    """
    lexer = _Lexer(text, start, len(text) if end is None else end)
    tokens = lexer.run()
    while len(tokens) > 1 and (
        (tokens[-2].kind == OP and tokens[-2].value in ",.")
        or (tokens[-2].kind == CMD and tokens[-2].value == "\\")
    ):
        del tokens[-2]
    stack: list[int] = []
    for index, token in enumerate(tokens):
        if token.kind == LBRACE:
            stack.append(index)
        elif token.kind == RBRACE and stack:
            tokens[stack.pop()].match = index
    return tokens


# Display blocks ------------------------------------------------------------------------

_ALIGNED = (
    r"aligned|alignedat|align\*?|alignat\*?|gathered|gather\*?|split|eqnarray\*?|multline\*?"
    r"|array"  # of one column only: `\begin{array}{l}` lists lines, more columns are a matrix
)
_WRAPPERS = r"equation\*?|displaymath|math"
_BEGIN = re.compile(
    r"(?:\\begin|\x08egin|(?<![A-Za-z\\])egin)\s*\{(" + _ALIGNED + "|" + _WRAPPERS + r")\}"
)
_END = r"\\end\s*\{{{}\}}"
_ONE_COLUMN = ("{l}", "{c}", "{r}")
_ENV_ARGUMENT = re.compile(r"\s*(?:\[[a-z]\]|\{\d+\}|\{[lcr|]+\})")
_BREAK = re.compile(r"\\\\\*?(?:\s*\[[^\]\n]{0,20}\])?|\\newline\b")
_TEXT_ALONE = re.compile(r"\\(?:nonumber|notag)\b|\\label\{[^{}]*\}|\\tag\*?\{[^{}]*\}")


_CASES = re.compile(r"\\(begin|end)\s*\{(d?cases)\}")


def _top_level_relation(content: str) -> bool:
    """Whether a relation stands in `content` outside every bracket and brace."""
    depth = 0
    for i, c in enumerate(content):
        if c in "{([":
            depth += 1
        elif c in "})]":
            depth -= 1
        elif depth == 0 and _RELATION.match(content, i):
            return True
    return False


def cases_block(text: str, start: int, end: int) -> tuple[int, int, int] | None:
    """(where the rows start, where they end, where the block ends) of the
    `\\begin{cases} ... \\end{cases}` at `start`, nested ones inside; None if there is none."""
    opening = _CASES.match(text, start, end)
    if opening is None or opening.group(1) != "begin":
        return None
    depth = 0
    for mark in _CASES.finditer(text, start, end):
        depth += 1 if mark.group(1) == "begin" else -1
        if depth == 0:
            return opening.end(), mark.start(), mark.end()
    raise ParseError(text, start, "\\begin{cases} without \\end{cases}")


def has_environment(text: str) -> bool:
    """True when the text holds a multi-line environment such as aligned."""
    return _BEGIN.search(text) is not None


def _split_top(body: str, separator: re.Pattern[str]) -> list[str]:
    """Split at `separator` where it is outside braces and nested environments."""
    return [body[a:b] for a, b in top_spans(body, 0, len(body), separator)]


def top_spans(text: str, start: int, end: int, separator: re.Pattern[str]) -> list[tuple[int, int]]:
    """The spans of text[start:end] between matches of `separator` outside braces and
    nested environments."""
    spans, depth, last, i = [], 0, start, start
    while i < end:
        c = text[i]
        if c == "{":
            depth += 1
        elif c == "}":
            depth = max(0, depth - 1)
        elif c == "\\" and text.startswith("\\begin", i):
            depth += 1
        elif c == "\\" and text.startswith("\\end", i):
            depth = max(0, depth - 1)
        match = separator.match(text, i, end) if depth == 0 else None
        if match and match.end() > i:
            spans.append((last, i))
            last = i = match.end()
            continue
        if c == "\\" and (text.startswith("\\\\", i) or text[i + 1 : i + 2] in "{}&"):
            i += 1
        i += 1
    spans.append((last, end))
    return spans


def _remove_alignment(line: str) -> str:
    """Drop `&` markers (not `\\&`, nor those of a cases block) and labels, and trim."""
    line = _TEXT_ALONE.sub(" ", line)
    kept, last = [], 0
    for opening in _CASES.finditer(line):
        block = cases_block(line, opening.start(), len(line)) if opening.start() >= last else None
        if block is not None:
            kept += [
                re.sub(r"(?<!\\)&", "", line[last : opening.start()]),
                line[opening.start() : block[2]],
            ]
            last = block[2]
    kept.append(re.sub(r"(?<!\\)&", "", line[last:]))
    return "".join(kept).strip()


def split_aligned(text: str) -> list[str]:
    """The logical lines of a display block, alignment markers removed.

    `a &= b \\\\ &= c` gives `["a = b", "= c"]`: a line starting with a relation continues
    the previous one, and the caller joins them. Handles aligned, align(*), gathered,
    split, eqnarray and their PDF-mangled forms (`egin{aligned}`), where the line breaks
    often survive only as `\\ `. Text without an environment is split at its line breaks
    (`\\\\`, `\\newline`) only.
    """
    check_length(text, "display block")
    start, end = strip_delimiters(text)
    body = text[start:end]
    while True:
        begin = _BEGIN.search(body)
        if begin is None:  # `a = b \\ c = d` or `\newline` in a bare display: two lines
            lines = _split_top(body, _BREAK)
            break
        name = begin.group(1)
        closing = re.compile(_END.format(re.escape(name)))
        ends = list(closing.finditer(body, begin.end()))
        end_match = ends[-1] if ends else None  # the last \end{name} closes the first \begin
        if end_match is None:
            raise ParseError(
                text, start + begin.start(), f"\\begin{{{name}}} without \\end{{{name}}}"
            )
        outside = (body[: begin.start()] + body[end_match.end() :]).strip().rstrip(".,").strip()
        if outside:
            raise ParseError(text, start, "text outside the \\begin...\\end environment")
        inner_start = begin.end()
        argument = _ENV_ARGUMENT.match(body, inner_start)
        if argument:
            inner_start = argument.end()
        if name == "array" and (argument is None or argument.group().strip() not in _ONE_COLUMN):
            raise ParseError(
                text, start + begin.start(), "an array of several columns is a matrix: not read"
            )
        body = body[inner_start : end_match.start()]
        if re.fullmatch(_WRAPPERS, name):
            continue
        pieces = _split_top(body, _BREAK)
        if len(pieces) == 1:  # line breaks damaged into "\ " by the conversion
            pieces = _split_top(body, re.compile(r"\\\s"))
        lines = pieces
        break
    return [line for line in (_remove_alignment(piece) for piece in lines) if line]
