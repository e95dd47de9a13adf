"""Bitwise operators on integer values."""

from __future__ import annotations

from typing import Union

from aerospike_helpers.expressions.resources import _BaseExpr, _end_of_args, _ExprOp

TypeInteger = Union[_BaseExpr, int]
TypeBool = Union[_BaseExpr, bool]

__all__ = [
    "IntAnd",
    "IntArithmeticRightShift",
    "IntCount",
    "IntLeftScan",
    "IntLeftShift",
    "IntNot",
    "IntOr",
    "IntRightScan",
    "IntRightShift",
    "IntXOr",
]


class _Variadic(_BaseExpr):
    def __init__(self, *exprs: TypeInteger) -> None:
        self._children = (*exprs, _end_of_args())


class IntAnd(_Variadic):
    """Bitwise and of the arguments."""

    _op = _ExprOp.INT_AND


class IntOr(_Variadic):
    """Bitwise or of the arguments."""

    _op = _ExprOp.INT_OR


class IntXOr(_Variadic):
    """Bitwise xor of the arguments."""

    _op = _ExprOp.INT_XOR


class IntNot(_BaseExpr):
    """Bitwise not."""

    _op = _ExprOp.INT_NOT

    def __init__(self, expr: TypeInteger) -> None:
        self._children = (expr,)


class _Shift(_BaseExpr):
    def __init__(self, value: TypeInteger, shift: TypeInteger) -> None:
        self._children = (value, shift)


class IntLeftShift(_Shift):
    """``value << shift``."""

    _op = _ExprOp.INT_LSHIFT


class IntRightShift(_Shift):
    """Logical ``value >> shift``."""

    _op = _ExprOp.INT_RSHIFT


class IntArithmeticRightShift(_Shift):
    """Arithmetic (sign-extending) ``value >> shift``."""

    _op = _ExprOp.INT_ARSHIFT


class IntCount(_BaseExpr):
    """Number of set bits."""

    _op = _ExprOp.INT_COUNT

    def __init__(self, value: TypeInteger) -> None:
        self._children = (value,)


class _Scan(_BaseExpr):
    def __init__(self, value: TypeInteger, search: TypeBool) -> None:
        self._children = (value, search)


class IntLeftScan(_Scan):
    """Position of the first bit equal to ``search``, from the left."""

    _op = _ExprOp.INT_LSCAN


class IntRightScan(_Scan):
    """Position of the first bit equal to ``search``, from the right."""

    _op = _ExprOp.INT_RSCAN
