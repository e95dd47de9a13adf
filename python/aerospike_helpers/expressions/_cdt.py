"""Shared plumbing of the list and map expressions (not part of the public API).

A list expression and its map twin (``ListGetByRankRange`` / ``MapGetByRankRange``...) take
the same arguments and build the same node; only the op code and the bin type differ. The
family classes below hold that one ``__init__``; ``list.py`` and ``map.py`` subclass them,
setting ``_op`` and ``_bin_type`` (through ``_ListExpr`` / ``_MapExpr``).
"""

from __future__ import annotations

import importlib
from typing import Any, Callable, Union

from aerospike_helpers.expressions.resources import (
    ReturnType,
    _BaseExpr,
    _bin_expr,
    _GenericExpr,
    _Keys,
)

TypeBinName = Union[_BaseExpr, str]
TypeListValue = Union[_BaseExpr, list]
TypeIndex = Union[_BaseExpr, int, Any]
TypeCTX = Union[None, list]
TypeRank = Union[_BaseExpr, int, Any]
TypeCount = Union[_BaseExpr, int, Any]
TypeValue = Union[_BaseExpr, Any]
TypePolicy = Union[dict, None]

INVERTED = ReturnType.LIST_RETURN_INVERTED  # same flag for maps


def typed_return(return_type: int, value_type: int) -> dict[str, Any]:
    """The fixed args of a single-item get: the expected value type and ``return_type``."""
    return {_Keys.VALUE_TYPE_KEY: value_type, _Keys.RETURN_TYPE_KEY: return_type}


def infinite() -> Any:
    """``aerospike.CDTInfinite()``: the open end of a range."""
    aerospike = importlib.import_module("aerospike")
    return aerospike.CDTInfinite()


def open_end(end: Any) -> Any:
    """A range end, ``None`` meaning no upper bound."""
    return infinite() if end is None else end


# --- family bases -------------------------------------------------------------------------


class Cdt(_BaseExpr):
    """A list or map expression: its args, then the bin (``_bin_type`` if a name)."""

    _bin_type: Callable[[str], _BaseExpr]

    def _setup(
        self, ctx: TypeCTX, args: tuple, bin: TypeBinName, fixed: dict[str, Any] | None = None
    ) -> None:
        """Set the children (the bin last) and the fixed args, with ``ctx`` if given."""
        self._children = (*args, _bin_expr(bin, self._bin_type))
        self._fixed = {} if fixed is None else fixed
        if ctx is not None:
            self._fixed[_Keys.CTX_KEY] = ctx


class Modify(Cdt):
    """Modify expressions: the args, a marker node carrying the policy, then the bin."""

    _marker: int
    _policy_key: str

    def _build(self, ctx: TypeCTX, policy: TypePolicy, args: tuple, bin: TypeBinName) -> None:
        fixed: dict[str, Any] = {} if policy is None else {self._policy_key: policy}
        marker = _GenericExpr(self._marker, 0, dict(fixed))  # carries the policy too
        if ctx is not None:
            fixed = {_Keys.CTX_KEY: ctx, **fixed}
        self._children = (*args, marker, _bin_expr(bin, self._bin_type))
        self._fixed = fixed


class Remove(Cdt):
    """Remove expressions: they return nothing, or the inverted selection."""

    def _build(self, ctx: TypeCTX, args: tuple, bin: TypeBinName, inverted: bool) -> None:
        self._setup(ctx, args, bin, {_Keys.RETURN_TYPE_KEY: INVERTED if inverted else 0})


class Get(Cdt):
    """Get expressions: the selection is returned per ``return_type`` (inverted if asked)."""

    def _build(
        self, ctx: TypeCTX, return_type: int, args: tuple, bin: TypeBinName, inverted: bool
    ) -> None:
        rt = return_type | INVERTED if inverted else return_type
        self._setup(ctx, args, bin, {_Keys.RETURN_TYPE_KEY: rt})


# --- the families shared by lists and maps ------------------------------------------------


class Whole(Cdt):
    """Applies to the whole list or map (size, clear)."""

    def __init__(self, ctx: TypeCTX, bin: TypeBinName) -> None:
        self._setup(ctx, (), bin)


class RemoveByIndex(Cdt):
    def __init__(self, ctx: TypeCTX, index: TypeIndex, bin: TypeBinName) -> None:
        self._setup(ctx, (index,), bin)


class RemoveByRank(Cdt):
    def __init__(self, ctx: TypeCTX, rank: TypeRank, bin: TypeBinName) -> None:
        self._setup(ctx, (rank,), bin)


class RemoveByValue(Remove):
    def __init__(
        self, ctx: TypeCTX, value: TypeValue, bin: TypeBinName, inverted: bool = False
    ) -> None:
        self._build(ctx, (value,), bin, inverted)


class RemoveByValueList(Remove):
    def __init__(
        self, ctx: TypeCTX, values: TypeListValue, bin: TypeBinName, inverted: bool = False
    ) -> None:
        self._build(ctx, (values,), bin, inverted)


class RemoveByOpenRange(Remove):
    """``end=None`` means no upper bound."""

    def __init__(
        self,
        ctx: TypeCTX,
        begin: TypeValue,
        end: TypeValue,
        bin: TypeBinName,
        inverted: bool = False,
    ) -> None:
        self._build(ctx, (begin, open_end(end)), bin, inverted)


class RemoveByValueRelRankToEnd(Remove):
    def __init__(
        self,
        ctx: TypeCTX,
        value: TypeValue,
        rank: TypeRank,
        bin: TypeBinName,
        inverted: bool = False,
    ) -> None:
        self._build(ctx, (value, rank), bin, inverted)


class RemoveByValueRelRankRange(Remove):
    def __init__(
        self,
        ctx: TypeCTX,
        value: TypeValue,
        rank: TypeRank,
        count: TypeCount,
        bin: TypeBinName,
        inverted: bool = False,
    ) -> None:
        self._build(ctx, (value, rank, count), bin, inverted)


class RemoveByIndexRangeToEnd(Remove):
    def __init__(
        self, ctx: TypeCTX, index: TypeIndex, bin: TypeBinName, inverted: bool = False
    ) -> None:
        self._build(ctx, (index,), bin, inverted)


class RemoveByIndexRange(Remove):
    def __init__(
        self,
        ctx: TypeCTX,
        index: TypeIndex,
        count: TypeCount,
        bin: TypeBinName,
        inverted: bool = False,
    ) -> None:
        self._build(ctx, (index, count), bin, inverted)


class RemoveByRankRangeToEnd(Remove):
    def __init__(
        self, ctx: TypeCTX, rank: TypeRank, bin: TypeBinName, inverted: bool = False
    ) -> None:
        self._build(ctx, (rank,), bin, inverted)


class RemoveByRankRange(Remove):
    def __init__(
        self,
        ctx: TypeCTX,
        rank: TypeRank,
        count: TypeCount,
        bin: TypeBinName,
        inverted: bool = False,
    ) -> None:
        self._build(ctx, (rank, count), bin, inverted)


class GetByIndex(Cdt):
    def __init__(
        self,
        ctx: TypeCTX,
        return_type: int,
        value_type: int,
        index: TypeIndex,
        bin: TypeBinName,
    ) -> None:
        self._setup(ctx, (index,), bin, typed_return(return_type, value_type))


class GetByRank(Cdt):
    def __init__(
        self,
        ctx: TypeCTX,
        return_type: int,
        value_type: int,
        rank: TypeRank,
        bin: TypeBinName,
    ) -> None:
        self._setup(ctx, (rank,), bin, typed_return(return_type, value_type))


class GetByValue(Get):
    def __init__(
        self,
        ctx: TypeCTX,
        return_type: int,
        value: TypeValue,
        bin: TypeBinName,
        inverted: bool = False,
    ) -> None:
        self._build(ctx, return_type, (value,), bin, inverted)


class GetByValueRelRankRangeToEnd(Get):
    def __init__(
        self,
        ctx: TypeCTX,
        return_type: int,
        value: TypeValue,
        rank: TypeRank,
        bin: TypeBinName,
        inverted: bool = False,
    ) -> None:
        self._build(ctx, return_type, (value, rank), bin, inverted)


class GetByValueRelRankRange(Get):
    def __init__(
        self,
        ctx: TypeCTX,
        return_type: int,
        value: TypeValue,
        rank: TypeRank,
        count: TypeCount,
        bin: TypeBinName,
        inverted: bool = False,
    ) -> None:
        self._build(ctx, return_type, (value, rank, count), bin, inverted)


class GetByIndexRangeToEnd(Get):
    def __init__(
        self,
        ctx: TypeCTX,
        return_type: int,
        index: TypeIndex,
        bin: TypeBinName,
        inverted: bool = False,
    ) -> None:
        self._build(ctx, return_type, (index,), bin, inverted)


class GetByIndexRange(Get):
    def __init__(
        self,
        ctx: TypeCTX,
        return_type: int,
        index: TypeIndex,
        count: TypeCount,
        bin: TypeBinName,
        inverted: bool = False,
    ) -> None:
        self._build(ctx, return_type, (index, count), bin, inverted)


class GetByRankRangeToEnd(Get):
    def __init__(
        self,
        ctx: TypeCTX,
        return_type: int,
        rank: TypeRank,
        bin: TypeBinName,
        inverted: bool = False,
    ) -> None:
        self._build(ctx, return_type, (rank,), bin, inverted)


class GetByRankRange(Get):
    def __init__(
        self,
        ctx: TypeCTX,
        return_type: int,
        rank: TypeRank,
        count: TypeCount,
        bin: TypeBinName,
        inverted: bool = False,
    ) -> None:
        self._build(ctx, return_type, (rank, count), bin, inverted)
