"""List expressions: read and modify list bins (or nested lists via ``ctx``).

Modify expressions return the modified list, for use inside other expressions.
"""

from __future__ import annotations

from typing import Any, Union

from aerospike._constants import (
    _AS_EXP_CODE_IN_LIST,
    _OP_LIST_JOIN_SEPARATOR,
    OP_LIST_APPEND,
    OP_LIST_APPEND_ITEMS,
    OP_LIST_CLEAR,
    OP_LIST_GET_BY_INDEX,
    OP_LIST_GET_BY_INDEX_RANGE,
    OP_LIST_GET_BY_INDEX_RANGE_TO_END,
    OP_LIST_GET_BY_RANK,
    OP_LIST_GET_BY_RANK_RANGE,
    OP_LIST_GET_BY_RANK_RANGE_TO_END,
    OP_LIST_GET_BY_VALUE,
    OP_LIST_GET_BY_VALUE_LIST,
    OP_LIST_GET_BY_VALUE_RANGE,
    OP_LIST_GET_BY_VALUE_RANK_RANGE_REL,
    OP_LIST_GET_BY_VALUE_RANK_RANGE_REL_TO_END,
    OP_LIST_INCREMENT,
    OP_LIST_INSERT,
    OP_LIST_INSERT_ITEMS,
    OP_LIST_REMOVE_BY_INDEX,
    OP_LIST_REMOVE_BY_INDEX_RANGE,
    OP_LIST_REMOVE_BY_INDEX_RANGE_TO_END,
    OP_LIST_REMOVE_BY_RANK,
    OP_LIST_REMOVE_BY_RANK_RANGE,
    OP_LIST_REMOVE_BY_RANK_RANGE_TO_END,
    OP_LIST_REMOVE_BY_REL_RANK_RANGE,
    OP_LIST_REMOVE_BY_REL_RANK_RANGE_TO_END,
    OP_LIST_REMOVE_BY_VALUE,
    OP_LIST_REMOVE_BY_VALUE_LIST,
    OP_LIST_REMOVE_BY_VALUE_RANGE,
    OP_LIST_SET,
    OP_LIST_SIZE,
    OP_LIST_SORT,
)

from aerospike_helpers.expressions import _cdt
from aerospike_helpers.expressions.base import ListBin
from aerospike_helpers.expressions.resources import _BaseExpr, _ExprOp, _Keys

TypeBinName = Union[_BaseExpr, str]
TypeListValue = Union[_BaseExpr, list]
TypeIndex = Union[_BaseExpr, int, Any]
TypeCTX = Union[None, list]
TypeRank = Union[_BaseExpr, int, Any]
TypeCount = Union[_BaseExpr, int, Any]
TypeValue = Union[_BaseExpr, Any]
TypePolicy = Union[dict, None]

__all__ = [
    "InList",
    "ListAppend",
    "ListAppendItems",
    "ListClear",
    "ListGetByIndex",
    "ListGetByIndexRange",
    "ListGetByIndexRangeToEnd",
    "ListGetByRank",
    "ListGetByRankRange",
    "ListGetByRankRangeToEnd",
    "ListGetByValue",
    "ListGetByValueList",
    "ListGetByValueRange",
    "ListGetByValueRelRankRange",
    "ListGetByValueRelRankRangeToEnd",
    "ListIncrement",
    "ListInsert",
    "ListInsertItems",
    "ListJoin",
    "ListRemoveByIndex",
    "ListRemoveByIndexRange",
    "ListRemoveByIndexRangeToEnd",
    "ListRemoveByRank",
    "ListRemoveByRankRange",
    "ListRemoveByRankRangeToEnd",
    "ListRemoveByValue",
    "ListRemoveByValueList",
    "ListRemoveByValueRange",
    "ListRemoveByValueRelRankRange",
    "ListRemoveByValueRelRankToEnd",
    "ListSet",
    "ListSize",
    "ListSort",
]

_CRMOD = _ExprOp._AS_EXP_CODE_CDT_LIST_CRMOD
_MOD = _ExprOp._AS_EXP_CODE_CDT_LIST_MOD


class _ListModify(_BaseExpr):
    _marker = _CRMOD

    def _build(self, ctx: TypeCTX, policy: TypePolicy, args: tuple, bin: TypeBinName) -> None:
        marker = _cdt.policy_marker(self._marker, _Keys.LIST_POLICY_KEY, policy)
        fixed: dict[str, Any] = {} if policy is None else {_Keys.LIST_POLICY_KEY: policy}
        if ctx is not None:
            fixed = {_Keys.CTX_KEY: ctx, **fixed}
        self._children = (*args, marker, bin if isinstance(bin, _BaseExpr) else ListBin(bin))
        self._fixed = fixed


class ListAppend(_ListModify):
    """Append ``value``."""

    _op = OP_LIST_APPEND

    def __init__(
        self, ctx: TypeCTX, policy: TypePolicy, value: TypeValue, bin: TypeBinName
    ) -> None:
        self._build(ctx, policy, (value,), bin)


class ListAppendItems(_ListModify):
    """Append every item of ``value``."""

    _op = OP_LIST_APPEND_ITEMS

    def __init__(
        self, ctx: TypeCTX, policy: TypePolicy, value: TypeValue, bin: TypeBinName
    ) -> None:
        self._build(ctx, policy, (value,), bin)


class ListInsert(_ListModify):
    """Insert ``value`` at ``index``."""

    _op = OP_LIST_INSERT
    _marker = _MOD

    def __init__(
        self, ctx: TypeCTX, policy: TypePolicy, index: TypeIndex, value: TypeValue, bin: TypeBinName
    ) -> None:
        self._build(ctx, policy, (index, value), bin)


class ListInsertItems(_ListModify):
    """Insert the items of ``values`` at ``index``."""

    _op = OP_LIST_INSERT_ITEMS
    _marker = _MOD

    def __init__(
        self,
        ctx: TypeCTX,
        policy: TypePolicy,
        index: TypeIndex,
        values: TypeListValue,
        bin: TypeBinName,
    ) -> None:
        self._build(ctx, policy, (index, values), bin)


class ListIncrement(_ListModify):
    """Add ``value`` to the number at ``index``."""

    _op = OP_LIST_INCREMENT

    def __init__(
        self, ctx: TypeCTX, policy: TypePolicy, index: TypeIndex, value: TypeValue, bin: TypeBinName
    ) -> None:
        self._build(ctx, policy, (index, value), bin)


class ListSet(_ListModify):
    """Set the item at ``index`` to ``value``."""

    _op = OP_LIST_SET
    _marker = _MOD

    def __init__(
        self, ctx: TypeCTX, policy: TypePolicy, index: TypeIndex, value: TypeValue, bin: TypeBinName
    ) -> None:
        self._build(ctx, policy, (index, value), bin)


class ListClear(_BaseExpr):
    """Remove every item."""

    _op = OP_LIST_CLEAR

    def __init__(self, ctx: TypeCTX, bin: TypeBinName) -> None:
        _cdt.setup(self, ctx, (), bin, ListBin)


class ListSort(_BaseExpr):
    """Sort the list (``LIST_SORT_*`` flags)."""

    _op = OP_LIST_SORT

    def __init__(self, ctx: TypeCTX, order: int, bin: TypeBinName) -> None:
        _cdt.setup(self, ctx, (), bin, ListBin, {_Keys.LIST_ORDER_KEY: order})


# --- remove -------------------------------------------------------------------------------


class _ListRemove(_BaseExpr):
    def _build(self, ctx: TypeCTX, args: tuple, bin: TypeBinName, inverted: bool) -> None:
        _cdt.setup(self, ctx, args, bin, ListBin, _cdt.remove_return_type(inverted))


class ListRemoveByValue(_ListRemove):
    """Remove the items equal to ``value``."""

    _op = OP_LIST_REMOVE_BY_VALUE

    def __init__(
        self, ctx: TypeCTX, value: TypeValue, bin: TypeBinName, inverted: bool = False
    ) -> None:
        self._build(ctx, (value,), bin, inverted)


class ListRemoveByValueList(_ListRemove):
    """Remove the items equal to any of ``values``."""

    _op = OP_LIST_REMOVE_BY_VALUE_LIST

    def __init__(
        self, ctx: TypeCTX, values: TypeListValue, bin: TypeBinName, inverted: bool = False
    ) -> None:
        self._build(ctx, (values,), bin, inverted)


class ListRemoveByValueRange(_ListRemove):
    """Remove the items in ``[begin, end)``; ``end=None`` means no upper bound."""

    _op = OP_LIST_REMOVE_BY_VALUE_RANGE

    def __init__(
        self,
        ctx: TypeCTX,
        begin: TypeValue,
        end: TypeValue,
        bin: TypeBinName,
        inverted: bool = False,
    ) -> None:
        if end is None:
            end = _cdt.infinite()
        self._build(ctx, (begin, end), bin, inverted)


class ListRemoveByValueRelRankToEnd(_ListRemove):
    """Remove the items from the rank of ``value`` plus ``rank`` to the end."""

    _op = OP_LIST_REMOVE_BY_REL_RANK_RANGE_TO_END

    def __init__(
        self,
        ctx: TypeCTX,
        value: TypeValue,
        rank: TypeRank,
        bin: TypeBinName,
        inverted: bool = False,
    ) -> None:
        self._build(ctx, (value, rank), bin, inverted)


class ListRemoveByValueRelRankRange(_ListRemove):
    """Remove ``count`` items from the rank of ``value`` plus ``rank``."""

    _op = OP_LIST_REMOVE_BY_REL_RANK_RANGE

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


class ListRemoveByIndex(_BaseExpr):
    """Remove the item at ``index``."""

    _op = OP_LIST_REMOVE_BY_INDEX

    def __init__(self, ctx: TypeCTX, index: TypeIndex, bin: TypeBinName) -> None:
        _cdt.setup(self, ctx, (index,), bin, ListBin)


class ListRemoveByIndexRangeToEnd(_ListRemove):
    """Remove the items from ``index`` to the end."""

    _op = OP_LIST_REMOVE_BY_INDEX_RANGE_TO_END

    def __init__(
        self, ctx: TypeCTX, index: TypeIndex, bin: TypeBinName, inverted: bool = False
    ) -> None:
        self._build(ctx, (index,), bin, inverted)


class ListRemoveByIndexRange(_ListRemove):
    """Remove ``count`` items from ``index``."""

    _op = OP_LIST_REMOVE_BY_INDEX_RANGE

    def __init__(
        self,
        ctx: TypeCTX,
        index: TypeIndex,
        count: TypeCount,
        bin: TypeBinName,
        inverted: bool = False,
    ) -> None:
        self._build(ctx, (index, count), bin, inverted)


class ListRemoveByRank(_BaseExpr):
    """Remove the item of rank ``rank``."""

    _op = OP_LIST_REMOVE_BY_RANK

    def __init__(self, ctx: TypeCTX, rank: TypeRank, bin: TypeBinName) -> None:
        _cdt.setup(self, ctx, (rank,), bin, ListBin)


class ListRemoveByRankRangeToEnd(_ListRemove):
    """Remove the items from rank ``rank`` to the end."""

    _op = OP_LIST_REMOVE_BY_RANK_RANGE_TO_END

    def __init__(
        self, ctx: TypeCTX, rank: TypeRank, bin: TypeBinName, inverted: bool = False
    ) -> None:
        self._build(ctx, (rank,), bin, inverted)


class ListRemoveByRankRange(_ListRemove):
    """Remove ``count`` items from rank ``rank``."""

    _op = OP_LIST_REMOVE_BY_RANK_RANGE

    def __init__(
        self,
        ctx: TypeCTX,
        rank: TypeRank,
        count: TypeCount,
        bin: TypeBinName,
        inverted: bool = False,
    ) -> None:
        self._build(ctx, (rank, count), bin, inverted)


# --- read ---------------------------------------------------------------------------------


class ListSize(_BaseExpr):
    """The number of items."""

    _op = OP_LIST_SIZE

    def __init__(self, ctx: TypeCTX, bin: TypeBinName) -> None:
        _cdt.setup(self, ctx, (), bin, ListBin)


class _ListGet(_BaseExpr):
    def _build(
        self, ctx: TypeCTX, return_type: int, args: tuple, bin: TypeBinName, inverted: bool
    ) -> None:
        _cdt.setup(self, ctx, args, bin, ListBin, _cdt.get_return_type(return_type, inverted))


class ListGetByValue(_ListGet):
    """Select the items equal to ``value``."""

    _op = OP_LIST_GET_BY_VALUE

    def __init__(
        self,
        ctx: TypeCTX,
        return_type: int,
        value: TypeValue,
        bin: TypeBinName,
        inverted: bool = False,
    ) -> None:
        self._build(ctx, return_type, (value,), bin, inverted)


class ListGetByValueRange(_ListGet):
    """Select the items in ``[value_begin, value_end)``."""

    _op = OP_LIST_GET_BY_VALUE_RANGE

    def __init__(
        self,
        ctx: TypeCTX,
        return_type: int,
        value_begin: TypeValue,
        value_end: TypeValue,
        bin: TypeBinName,
        inverted: bool = False,
    ) -> None:
        self._build(ctx, return_type, (value_begin, value_end), bin, inverted)


class ListGetByValueList(_ListGet):
    """Select the items equal to any of ``value``."""

    _op = OP_LIST_GET_BY_VALUE_LIST

    def __init__(
        self,
        ctx: TypeCTX,
        return_type: int,
        value: TypeListValue,
        bin: TypeBinName,
        inverted: bool = False,
    ) -> None:
        self._build(ctx, return_type, (value,), bin, inverted)


class ListGetByValueRelRankRangeToEnd(_ListGet):
    """Select the items from the rank of ``value`` plus ``rank`` to the end."""

    _op = OP_LIST_GET_BY_VALUE_RANK_RANGE_REL_TO_END

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


class InList(_BaseExpr):
    """Whether ``value`` is an item of the list ``bin``."""

    _op = _AS_EXP_CODE_IN_LIST

    def __init__(self, value: TypeValue, bin: TypeBinName) -> None:
        self._children = (value, bin if isinstance(bin, _BaseExpr) else ListBin(bin))


class ListGetByValueRelRankRange(_ListGet):
    """Select ``count`` items from the rank of ``value`` plus ``rank``."""

    _op = OP_LIST_GET_BY_VALUE_RANK_RANGE_REL

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


class ListGetByIndex(_BaseExpr):
    """Select the item at ``index``; ``value_type`` is its expected type."""

    _op = OP_LIST_GET_BY_INDEX

    def __init__(
        self,
        ctx: TypeCTX,
        return_type: int,
        value_type: int,
        index: TypeIndex,
        bin: TypeBinName,
    ) -> None:
        fixed = {_Keys.VALUE_TYPE_KEY: value_type, _Keys.RETURN_TYPE_KEY: return_type}
        _cdt.setup(self, ctx, (index,), bin, ListBin, fixed)


class ListGetByIndexRangeToEnd(_ListGet):
    """Select the items from ``index`` to the end."""

    _op = OP_LIST_GET_BY_INDEX_RANGE_TO_END

    def __init__(
        self,
        ctx: TypeCTX,
        return_type: int,
        index: TypeIndex,
        bin: TypeBinName,
        inverted: bool = False,
    ) -> None:
        self._build(ctx, return_type, (index,), bin, inverted)


class ListGetByIndexRange(_ListGet):
    """Select ``count`` items from ``index``."""

    _op = OP_LIST_GET_BY_INDEX_RANGE

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


class ListGetByRank(_BaseExpr):
    """Select the item of rank ``rank``; ``value_type`` is its expected type."""

    _op = OP_LIST_GET_BY_RANK

    def __init__(
        self,
        ctx: TypeCTX,
        return_type: int,
        value_type: int,
        rank: TypeRank,
        bin: TypeBinName,
    ) -> None:
        fixed = {_Keys.VALUE_TYPE_KEY: value_type, _Keys.RETURN_TYPE_KEY: return_type}
        _cdt.setup(self, ctx, (rank,), bin, ListBin, fixed)


class ListGetByRankRangeToEnd(_ListGet):
    """Select the items from rank ``rank`` to the end."""

    _op = OP_LIST_GET_BY_RANK_RANGE_TO_END

    def __init__(
        self,
        ctx: TypeCTX,
        return_type: int,
        rank: TypeRank,
        bin: TypeBinName,
        inverted: bool = False,
    ) -> None:
        self._build(ctx, return_type, (rank,), bin, inverted)


class ListGetByRankRange(_ListGet):
    """Select ``count`` items from rank ``rank``."""

    _op = OP_LIST_GET_BY_RANK_RANGE

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


class ListJoin(_BaseExpr):
    """Join the list's strings with ``separator`` (server 8.2+)."""

    _op = _OP_LIST_JOIN_SEPARATOR

    def __init__(self, ctx: TypeCTX, separator: str, bin: TypeBinName) -> None:
        _cdt.setup(self, ctx, (), bin, ListBin, {"separator": separator})
