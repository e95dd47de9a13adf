"""Arithmetic expressions on integers and floats."""

from __future__ import annotations

from typing import Union

from aerospike_helpers.expressions.resources import _BaseExpr, _end_of_args, _ExprOp

TypeNumber = Union[_BaseExpr, int, float]
TypeFloat = Union[_BaseExpr, float]
TypeInteger = Union[_BaseExpr, int]

__all__ = [
    "Abs",
    "Add",
    "Ceil",
    "Div",
    "Floor",
    "Log",
    "Max",
    "Min",
    "Mod",
    "Mul",
    "Pow",
    "Sub",
    "ToFloat",
    "ToInt",
]


class _Variadic(_BaseExpr):
    def __init__(self, *args: TypeNumber) -> None:
        self._children = (*args, _end_of_args())


class Add(_Variadic):
    """Sum of the arguments."""

    _op = _ExprOp.ADD


class Sub(_Variadic):
    """First argument minus the others (negation with one argument)."""

    _op = _ExprOp.SUB


class Mul(_Variadic):
    """Product of the arguments."""

    _op = _ExprOp.MUL


class Div(_Variadic):
    """First argument divided by the others."""

    _op = _ExprOp.DIV


class Min(_Variadic):
    """Smallest argument."""

    _op = _ExprOp.MIN


class Max(_Variadic):
    """Largest argument."""

    _op = _ExprOp.MAX


class Pow(_BaseExpr):
    """``base ** exponent`` (floats)."""

    _op = _ExprOp.POW

    def __init__(self, base: TypeFloat, exponent: TypeFloat) -> None:
        self._children = (base, exponent)


class Log(_BaseExpr):
    """Logarithm of ``num`` in ``base`` (floats)."""

    _op = _ExprOp.LOG

    def __init__(self, num: TypeFloat, base: TypeFloat) -> None:
        self._children = (num, base)


class Mod(_BaseExpr):
    """``numerator % denominator`` (integers)."""

    _op = _ExprOp.MOD

    def __init__(self, numerator: TypeInteger, denominator: TypeInteger) -> None:
        self._children = (numerator, denominator)


class _Unary(_BaseExpr):
    def __init__(self, value: TypeNumber) -> None:
        self._children = (value,)


class Abs(_Unary):
    """Absolute value."""

    _op = _ExprOp.ABS


class Floor(_Unary):
    """Round a float down."""

    _op = _ExprOp.FLOOR


class Ceil(_Unary):
    """Round a float up."""

    _op = _ExprOp.CEIL


class ToInt(_Unary):
    """Float to integer."""

    _op = _ExprOp.TO_INT


class ToFloat(_Unary):
    """Integer to float."""

    _op = _ExprOp.TO_FLOAT
