"""How one value of a document compares with one value of a filter."""

from __future__ import annotations

import enum
import re
from collections.abc import Callable
from typing import Any

Test = Callable[[Any], bool]


def value_test(operator: str, literal: Any) -> Test:
    """A test for document values; ``operator`` is a canonical name (eq, seq, gt, ...).

    ``ne``/``sne`` get the ``eq``/``seq`` test: the caller negates over all values.
    Raises ``re.error`` for a bad regular expression.
    """
    if operator in ("eq", "ne"):
        return _equal(literal, fold=True)
    if operator in ("seq", "sne"):
        return _equal(literal, fold=False)
    if operator == "in":
        return _one_of(literal)
    if operator in ("gt", "ge", "lt", "le"):
        return _order(operator, literal)
    if operator in ("matches", "like", "smatches"):
        return _wildcard_test(str(literal), operator == "like", operator != "smatches")
    if operator in ("regex", "sregex"):
        return _pattern(str(literal), operator == "regex")
    raise ValueError(f"unknown operator {operator}")


def as_text(value: Any) -> str | None:
    """Scalars as OneView prints them; None for null, objects and lists."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float | str):
        return str(value)
    return None


def as_number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return None
    return None


def _equal(literal: Any, *, fold: bool) -> Test:
    if literal is None:
        return lambda value: value is None
    text = str(literal)
    wanted = text.lower() if fold else text
    number = as_number(text)

    def general(value: Any) -> bool:
        if number is not None and isinstance(value, int | float) and not isinstance(value, bool):
            return float(value) == number
        shown = as_text(value)
        if shown is None:
            return False
        return (shown.lower() if fold else shown) == wanted

    if not fold:
        return lambda value: value == text if value.__class__ is str else general(value)
    if not text.isascii():
        return general
    size, last = len(wanted), wanted[-1:]

    def folded(value: Any) -> bool:
        # Cheap rejections first: this runs once per document of a collection.
        # (For an ASCII ``wanted``, a case-insensitive match has the same length.)
        if value.__class__ is not str:
            return general(value)
        return value == text or (
            len(value) == size and value[-1:].lower() == last and value.lower() == wanted
        )

    return folded


def _one_of(literals: list[Any]) -> Test:
    texts = {str(item).lower() for item in literals if item is not None}
    tests = [_equal(item, fold=True) for item in literals]

    def test(value: Any) -> bool:
        if value.__class__ is str:
            return value.lower() in texts
        return any(single(value) for single in tests)

    return test


def _order(operator: str, literal: Any) -> Test:
    text = str(literal)
    number = as_number(text)
    compare: Callable[[Any, Any], bool] = {
        "gt": lambda a, b: a > b,
        "ge": lambda a, b: a >= b,
        "lt": lambda a, b: a < b,
        "le": lambda a, b: a <= b,
    }[operator]

    def test(value: Any) -> bool:
        if number is not None:
            found = as_number(value)
            if found is not None:
                return compare(found, number)
        shown = as_text(value)
        return shown is not None and not isinstance(value, int | float) and compare(shown, text)

    return test


class Wildcard(enum.Enum):
    ANY = ".*"  # % (and * for like)
    ONE = "."  # _


Piece = str | Wildcard


def _wildcard_pieces(pattern: str, star: bool) -> list[Piece]:
    """Literal runs and wildcards. A backslash makes the next character literal
    (hpOneView sends ``'name' matches 'prefix\\_%'``)."""
    pieces: list[Piece] = []
    literal: list[str] = []
    chars = iter(pattern)
    for ch in chars:
        if ch == "\\":
            literal.append(next(chars, "\\"))
            continue
        if ch == "%" or (star and ch == "*"):
            wildcard = Wildcard.ANY
        elif ch == "_":
            wildcard = Wildcard.ONE
        else:
            literal.append(ch)
            continue
        if literal:
            pieces.append("".join(literal))
            literal = []
        pieces.append(wildcard)
    if literal:
        pieces.append("".join(literal))
    return pieces


def _wildcard_test(pattern: str, star: bool, fold: bool) -> Test:
    """``prefix%``, ``%part%``, ``%suffix`` and exact text as string tests; others as a regex."""
    pieces = _wildcard_pieces(pattern, star)
    head = bool(pieces) and pieces[0] is Wildcard.ANY
    tail = len(pieces) > int(head) and pieces[-1] is Wildcard.ANY
    core = pieces[int(head) : len(pieces) - int(tail)]
    if len(core) != 1 or not isinstance(core[0], str):
        return _pattern(_regex(pieces), fold)
    wanted = core[0].lower() if fold else core[0]

    def test(value: Any) -> bool:
        shown = value if value.__class__ is str else as_text(value)
        if shown is None:
            return False
        if fold:
            shown = shown.lower()
        if head and tail:
            return wanted in shown
        if tail:
            return shown.startswith(wanted)
        if head:
            return shown.endswith(wanted)
        return shown == wanted

    return test


def _regex(pieces: list[Piece]) -> str:
    return "".join(p.value if isinstance(p, Wildcard) else re.escape(p) for p in pieces)


def _pattern(expression: str, fold: bool) -> Test:
    compiled = re.compile(expression, re.IGNORECASE | re.DOTALL if fold else re.DOTALL)

    def test(value: Any) -> bool:
        shown = as_text(value)
        return shown is not None and compiled.fullmatch(shown) is not None

    return test
