"""List expressions: read and modify list bins (or nested lists via ``ctx``).

Modify expressions return the modified list, for use inside other expressions.
"""

from __future__ import annotations

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
from aerospike_helpers.expressions.resources import _BaseExpr, _bin_expr, _ExprOp, _Keys

# Argument types, shared with the map expressions.
TypeBinName = _cdt.TypeBinName
TypeListValue = _cdt.TypeListValue
TypeIndex = _cdt.TypeIndex
TypeCTX = _cdt.TypeCTX
TypeRank = _cdt.TypeRank
TypeCount = _cdt.TypeCount
TypeValue = _cdt.TypeValue
TypePolicy = _cdt.TypePolicy

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


class _ListExpr(_cdt.Cdt):
    _bin_type = ListBin


class _ListModify(_ListExpr, _cdt.Modify):
    _marker = _CRMOD
    _policy_key = _Keys.LIST_POLICY_KEY


class _ListAppend(_ListModify):
    def __init__(
        self, ctx: TypeCTX, policy: TypePolicy, value: TypeValue, bin: TypeBinName
    ) -> None:
        self._build(ctx, policy, (value,), bin)


class _ListAtIndex(_ListModify):
    def __init__(
        self, ctx: TypeCTX, policy: TypePolicy, index: TypeIndex, value: TypeValue, bin: TypeBinName
    ) -> None:
        self._build(ctx, policy, (index, value), bin)


class _ListGet(_ListExpr, _cdt.Get):
    pass


class ListAppend(_ListAppend):
    """Append ``value``."""

    _op = OP_LIST_APPEND


class ListAppendItems(_ListAppend):
    """Append every item of ``value``."""

    _op = OP_LIST_APPEND_ITEMS


class ListInsert(_ListAtIndex):
    """Insert ``value`` at ``index``."""

    _op = OP_LIST_INSERT
    _marker = _MOD


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


class ListIncrement(_ListAtIndex):
    """Add ``value`` to the number at ``index``."""

    _op = OP_LIST_INCREMENT


class ListSet(_ListAtIndex):
    """Set the item at ``index`` to ``value``."""

    _op = OP_LIST_SET
    _marker = _MOD


class ListClear(_ListExpr, _cdt.Whole):
    """Remove every item."""

    _op = OP_LIST_CLEAR


class ListSort(_ListExpr):
    """Sort the list (``LIST_SORT_*`` flags)."""

    _op = OP_LIST_SORT

    def __init__(self, ctx: TypeCTX, order: int, bin: TypeBinName) -> None:
        self._setup(ctx, (), bin, {_Keys.LIST_ORDER_KEY: order})


# --- remove -------------------------------------------------------------------------------


class ListRemoveByValue(_ListExpr, _cdt.RemoveByValue):
    """Remove the items equal to ``value``."""

    _op = OP_LIST_REMOVE_BY_VALUE


class ListRemoveByValueList(_ListExpr, _cdt.RemoveByValueList):
    """Remove the items equal to any of ``values``."""

    _op = OP_LIST_REMOVE_BY_VALUE_LIST


class ListRemoveByValueRange(_ListExpr, _cdt.RemoveByOpenRange):
    """Remove the items in ``[begin, end)``; ``end=None`` means no upper bound."""

    _op = OP_LIST_REMOVE_BY_VALUE_RANGE


class ListRemoveByValueRelRankToEnd(_ListExpr, _cdt.RemoveByValueRelRankToEnd):
    """Remove the items from the rank of ``value`` plus ``rank`` to the end."""

    _op = OP_LIST_REMOVE_BY_REL_RANK_RANGE_TO_END


class ListRemoveByValueRelRankRange(_ListExpr, _cdt.RemoveByValueRelRankRange):
    """Remove ``count`` items from the rank of ``value`` plus ``rank``."""

    _op = OP_LIST_REMOVE_BY_REL_RANK_RANGE


class ListRemoveByIndex(_ListExpr, _cdt.RemoveByIndex):
    """Remove the item at ``index``."""

    _op = OP_LIST_REMOVE_BY_INDEX


class ListRemoveByIndexRangeToEnd(_ListExpr, _cdt.RemoveByIndexRangeToEnd):
    """Remove the items from ``index`` to the end."""

    _op = OP_LIST_REMOVE_BY_INDEX_RANGE_TO_END


class ListRemoveByIndexRange(_ListExpr, _cdt.RemoveByIndexRange):
    """Remove ``count`` items from ``index``."""

    _op = OP_LIST_REMOVE_BY_INDEX_RANGE


class ListRemoveByRank(_ListExpr, _cdt.RemoveByRank):
    """Remove the item of rank ``rank``."""

    _op = OP_LIST_REMOVE_BY_RANK


class ListRemoveByRankRangeToEnd(_ListExpr, _cdt.RemoveByRankRangeToEnd):
    """Remove the items from rank ``rank`` to the end."""

    _op = OP_LIST_REMOVE_BY_RANK_RANGE_TO_END


class ListRemoveByRankRange(_ListExpr, _cdt.RemoveByRankRange):
    """Remove ``count`` items from rank ``rank``."""

    _op = OP_LIST_REMOVE_BY_RANK_RANGE


class ListSize(_ListExpr, _cdt.Whole):
    """The number of items."""

    _op = OP_LIST_SIZE


class ListGetByValue(_ListExpr, _cdt.GetByValue):
    """Select the items equal to ``value``."""

    _op = OP_LIST_GET_BY_VALUE


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


class ListGetByValueRelRankRangeToEnd(_ListExpr, _cdt.GetByValueRelRankRangeToEnd):
    """Select the items from the rank of ``value`` plus ``rank`` to the end."""

    _op = OP_LIST_GET_BY_VALUE_RANK_RANGE_REL_TO_END


class InList(_BaseExpr):
    """Whether ``value`` is an item of the list ``bin``."""

    _op = _AS_EXP_CODE_IN_LIST

    def __init__(self, value: TypeValue, bin: TypeBinName) -> None:
        self._children = (value, _bin_expr(bin, ListBin))


class ListGetByValueRelRankRange(_ListExpr, _cdt.GetByValueRelRankRange):
    """Select ``count`` items from the rank of ``value`` plus ``rank``."""

    _op = OP_LIST_GET_BY_VALUE_RANK_RANGE_REL


class ListGetByIndex(_ListExpr, _cdt.GetByIndex):
    """Select the item at ``index``; ``value_type`` is its expected type."""

    _op = OP_LIST_GET_BY_INDEX


class ListGetByIndexRangeToEnd(_ListExpr, _cdt.GetByIndexRangeToEnd):
    """Select the items from ``index`` to the end."""

    _op = OP_LIST_GET_BY_INDEX_RANGE_TO_END


class ListGetByIndexRange(_ListExpr, _cdt.GetByIndexRange):
    """Select ``count`` items from ``index``."""

    _op = OP_LIST_GET_BY_INDEX_RANGE


class ListGetByRank(_ListExpr, _cdt.GetByRank):
    """Select the item of rank ``rank``; ``value_type`` is its expected type."""

    _op = OP_LIST_GET_BY_RANK


class ListGetByRankRangeToEnd(_ListExpr, _cdt.GetByRankRangeToEnd):
    """Select the items from rank ``rank`` to the end."""

    _op = OP_LIST_GET_BY_RANK_RANGE_TO_END


class ListGetByRankRange(_ListExpr, _cdt.GetByRankRange):
    """Select ``count`` items from rank ``rank``."""

    _op = OP_LIST_GET_BY_RANK_RANGE


class ListJoin(_ListExpr):
    """Join the list's strings with ``separator`` (server 8.2+)."""

    _op = _OP_LIST_JOIN_SEPARATOR

    def __init__(self, ctx: TypeCTX, separator: str, bin: TypeBinName) -> None:
        self._setup(ctx, (), bin, {"separator": separator})
