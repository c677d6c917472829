"""OneView's ``filter=`` / ``query=`` language, compiled once into a predicate.

Accepted (keywords and word operators are case-insensitive)::

    [NOT] attribute operator value      attribute: name, 'name', dotted.path
    attribute IN ('a', 'b')             attribute IS [NOT] NULL      attr:value
    expression AND|OR expression        ( expression )

Operators: ``=``/``eq``/``EQ`` equal, ignoring case; ``==``/``seq`` equal, case
sensitive; ``ne``/``<>``/``!=`` and ``sne`` their negations; ``gt ge lt le`` and
``> >= < <=`` order (numbers numerically, text such as timestamps as text);
``matches``/``like`` (SQL wildcards ``%`` and ``_``; ``*`` too for ``like``,
ignoring case) and ``smatches`` (case sensitive); ``regex``/``sregex`` (whole
value, ignoring case / case sensitive). Values are 'quoted', "quoted", numbers,
bare words, or ``NULL``. A whole filter may be wrapped in double quotes.

An attribute that reaches into a list (``connectionSettings.connections.networkUri``)
matches when any element matches. A missing attribute is null: it matches
``= NULL`` and ``ne`` comparisons, and nothing else (hpOneView filters again on
its side, so leniency here costs nothing).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from oneview_openstack.simulator.errors import ApiError
from oneview_openstack.simulator.query_values import value_test

Doc = dict[str, Any]
Predicate = Callable[[Doc], bool]

GRAMMAR_HELP = (
    "Use [NOT] <attribute> <operator> '<value>' joined by AND/OR; operators: =, eq, ==, seq, "
    "ne, <>, !=, sne, gt, ge, lt, le, matches, smatches, like, regex, sregex, IN (...), "
    "IS [NOT] NULL."
)
# Older API versions show some nested lists at the top level.
ALIASES: dict[str, tuple[str, ...]] = {"connections": ("connectionSettings", "connections")}

_TOKEN = re.compile(
    r"""\s*(?:
        (?P<string>'(?:[^']|'')*'|"[^"]*")
      | (?P<symbol>==|!=|<>|<=|>=|=|<|>|\(|\)|,)
      | (?P<word>[^\s'"()=<>!,]+)
    )""",
    re.VERBOSE,
)
_WORD_OPERATORS = {
    "eq": "eq", "seq": "seq", "ne": "ne", "sne": "sne",
    "gt": "gt", "ge": "ge", "lt": "lt", "le": "le",
    "matches": "matches", "smatches": "smatches", "like": "like",
    "regex": "regex", "sregex": "sregex",
}  # fmt: skip
_SYMBOL_OPERATORS = {
    "=": "eq", "==": "seq", "!=": "ne", "<>": "ne",
    ">": "gt", ">=": "ge", "<": "lt", "<=": "le",
}  # fmt: skip
_MISSING = object()


@dataclass(frozen=True)
class Token:
    kind: str  # string | symbol | word | end
    text: str
    position: int

    @property
    def keyword(self) -> str:
        return self.text.upper() if self.kind == "word" else ""


def invalid_filter(text: str, reason: str, parameter: str = "filter") -> ApiError:
    return ApiError(
        400,
        "INVALID_FILTER",
        f"The {parameter} {text!r} is not valid: {reason}",
        details=GRAMMAR_HELP,
        recommended_actions=["Correct the filter expression and try again."],
    )


@functools.lru_cache(maxsize=512)
def compile_filter(text: str, parameter: str = "filter") -> Predicate:
    """The predicate of one ``filter``/``query`` value (cached: clients repeat filters)."""
    stripped = text.strip()
    if len(stripped) >= 2 and stripped[0] == stripped[-1] == '"':
        stripped = stripped[1:-1]
    if not stripped.strip():
        return lambda doc: True
    parser = _Parser(stripped, text, parameter)
    return parser.parse()


def _tokenize(text: str, original: str, parameter: str) -> list[Token]:
    tokens = []
    position = 0
    while position < len(text):
        if text[position:].strip() == "":
            break
        found = _TOKEN.match(text, position)
        if found is None or found.lastgroup is None:
            raise invalid_filter(
                original, f"unexpected {text[position:].strip()[:1]!r} at {position}.", parameter
            )
        kind = found.lastgroup
        tokens.append(Token(kind, found.group(kind), found.start(kind)))
        position = found.end()
    tokens.append(Token("end", "", len(text)))
    return tokens


class _Parser:
    def __init__(self, text: str, original: str, parameter: str) -> None:
        self.original = original
        self.parameter = parameter
        self.tokens = _tokenize(text, original, parameter)
        self.index = 0

    # -- token helpers -----------------------------------------------------------

    @property
    def current(self) -> Token:
        return self.tokens[self.index]

    def advance(self) -> Token:
        token = self.tokens[self.index]
        self.index += 1
        return token

    def fail(self, reason: str) -> ApiError:
        return invalid_filter(self.original, reason, self.parameter)

    def expect_symbol(self, symbol: str) -> None:
        token = self.advance()
        if token.kind != "symbol" or token.text != symbol:
            raise self.fail(f"expected {symbol!r} at {token.position}, found {_show(token)}.")

    # -- grammar -----------------------------------------------------------------

    def parse(self) -> Predicate:
        predicate = self.or_expression()
        if self.current.kind != "end":
            raise self.fail(
                f"unexpected {_show(self.current)} at {self.current.position}; "
                "join conditions with AND or OR."
            )
        return predicate

    def or_expression(self) -> Predicate:
        parts = [self.and_expression()]
        while self.current.keyword == "OR":
            self.advance()
            parts.append(self.and_expression())
        if len(parts) == 1:
            return parts[0]
        return lambda doc: any(part(doc) for part in parts)

    def and_expression(self) -> Predicate:
        parts = [self.not_expression()]
        while self.current.keyword == "AND":
            self.advance()
            parts.append(self.not_expression())
        if len(parts) == 1:
            return parts[0]
        if len(parts) == 2:
            first, second = parts
            return lambda doc: first(doc) and second(doc)
        return lambda doc: all(part(doc) for part in parts)

    def not_expression(self) -> Predicate:
        if self.current.keyword == "NOT":
            self.advance()
            inner = self.not_expression()
            return lambda doc: not inner(doc)
        if self.current.kind == "symbol" and self.current.text == "(":
            self.advance()
            inner = self.or_expression()
            self.expect_symbol(")")
            return inner
        return self.comparison()

    def comparison(self) -> Predicate:
        token = self.advance()
        if token.kind == "word" and ":" in token.text and not self._at_operator():
            attribute, _, value = token.text.partition(":")
            return _compare(_path(attribute), "eq", _literal(value))
        if token.kind == "string":
            attribute = _unquote(token.text)
        elif token.kind == "word" and token.keyword not in ("AND", "OR"):
            attribute = token.text
        else:
            raise self.fail(f"expected an attribute at {token.position}, found {_show(token)}.")
        if not attribute:
            raise self.fail(f"empty attribute name at {token.position}.")
        path = _path(attribute)
        if self.current.keyword == "IN":
            self.advance()
            return _compare(path, "in", self.value_list())
        if self.current.keyword == "IS":
            self.advance()
            negate = self.current.keyword == "NOT"
            if negate:
                self.advance()
            if self.advance().keyword != "NULL":
                raise self.fail(f"expected NULL after IS in the condition on {attribute!r}.")
            is_null = _compare(path, "eq", None)
            return (lambda doc: not is_null(doc)) if negate else is_null
        operator = self.operator(attribute)
        value = self.value(attribute)
        try:
            return _compare(path, operator, value)
        except re.error as exc:
            raise self.fail(f"{value!r} is not a valid regular expression ({exc}).") from exc

    def _at_operator(self) -> bool:
        token = self.current
        return (token.kind == "symbol" and token.text in _SYMBOL_OPERATORS) or (
            token.kind == "word" and token.text.lower() in _WORD_OPERATORS
        )

    def operator(self, attribute: str) -> str:
        token = self.advance()
        if token.kind == "symbol" and token.text in _SYMBOL_OPERATORS:
            return _SYMBOL_OPERATORS[token.text]
        if token.kind == "word" and token.text.lower() in _WORD_OPERATORS:
            return _WORD_OPERATORS[token.text.lower()]
        raise self.fail(
            f"expected an operator after {attribute!r} at {token.position}, found {_show(token)}."
        )

    def value(self, attribute: str) -> Any:
        token = self.advance()
        if token.kind == "string":
            return _unquote(token.text)
        if token.kind == "word":
            return None if token.keyword == "NULL" else _literal(token.text)
        raise self.fail(
            f"expected a value for {attribute!r} at {token.position}, found {_show(token)}."
        )

    def value_list(self) -> list[Any]:
        self.expect_symbol("(")
        values = [self.value("IN")]
        while self.current.kind == "symbol" and self.current.text == ",":
            self.advance()
            values.append(self.value("IN"))
        self.expect_symbol(")")
        return values


def _show(token: Token) -> str:
    return "the end of the expression" if token.kind == "end" else repr(token.text)


def _unquote(text: str) -> str:
    inner = text[1:-1]
    return inner.replace("''", "'") if text[0] == "'" else inner


def _literal(text: str) -> str:
    """A bare (unquoted) value is plain text; numbers compare numerically later."""
    return text


def _path(attribute: str) -> tuple[str, ...]:
    return tuple(attribute.split("."))


# -- evaluation ------------------------------------------------------------------


def resolve(doc: Doc, path: tuple[str, ...]) -> list[Any]:
    """Every value at ``path`` (lists are walked into); missing -> ``[]``."""
    head = doc.get(path[0], _MISSING)
    if head is _MISSING and path[0] in ALIASES:
        return resolve(doc, ALIASES[path[0]] + path[1:])
    if head is _MISSING:
        return []
    values = head if isinstance(head, list) else [head]
    for key in path[1:]:
        found = []
        for value in values:
            if isinstance(value, dict) and key in value:
                item = value[key]
                if isinstance(item, list):
                    found.extend(item)
                else:
                    found.append(item)
        values = found
    return values


def _compare(path: tuple[str, ...], operator: str, value: Any) -> Predicate:
    if value is None and operator in ("eq", "seq", "ne", "sne"):
        is_null: Predicate = lambda doc: all(v is None for v in resolve(doc, path))  # noqa: E731
        if operator in ("eq", "seq"):
            return is_null
        return lambda doc: not is_null(doc)
    test = value_test(operator, value)
    if operator in ("ne", "sne"):
        return lambda doc: not _any(doc, path, 0, test)
    if len(path) == 1:
        return _top_level(path, test)
    return lambda doc: _any(doc, path, 0, test)


def _top_level(path: tuple[str, ...], test: Callable[[Any], bool]) -> Predicate:
    key = path[0]

    def predicate(doc: Doc) -> bool:
        found = doc.get(key, _MISSING)
        if found.__class__ is list:
            return any(test(v) for v in found)
        if found is _MISSING:
            return _any(doc, path, 0, test)
        return test(found)

    return predicate


def _any(value: Any, path: tuple[str, ...], index: int, test: Callable[[Any], bool]) -> bool:
    """Whether some value at ``path[index:]`` below ``value`` passes ``test`` (short-circuits).

    Plain loops rather than ``any(generator)``: this runs for every document.
    """
    last = len(path)
    while index < last:
        if value.__class__ is list:
            for item in value:  # noqa: SIM110
                if _any(item, path, index, test):
                    return True
            return False
        if value.__class__ is not dict:
            return False
        found = value.get(path[index], _MISSING)
        if found is _MISSING:
            if index == 0 and path[0] in ALIASES:
                return _any(value, ALIASES[path[0]] + path[1:], 0, test)
            return False
        value = found
        index += 1
    if value.__class__ is list:
        for item in value:  # noqa: SIM110
            if test(item):
                return True
        return False
    return test(value)
