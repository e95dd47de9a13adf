"""Map expressions: read and modify map bins (or nested maps via ``ctx``).

Modify expressions return the modified map, for use inside other expressions.
"""

from __future__ import annotations

from typing import Any, Union

from aerospike._constants import (
    _AS_EXP_CODE_MAP_KEYS_IN,
    _AS_EXP_CODE_MAP_VALUES_IN,
    OP_MAP_CLEAR,
    OP_MAP_GET_BY_INDEX,
    OP_MAP_GET_BY_INDEX_RANGE,
    OP_MAP_GET_BY_INDEX_RANGE_TO_END,
    OP_MAP_GET_BY_KEY,
    OP_MAP_GET_BY_KEY_LIST,
    OP_MAP_GET_BY_KEY_RANGE,
    OP_MAP_GET_BY_KEY_REL_INDEX_RANGE,
    OP_MAP_GET_BY_KEY_REL_INDEX_RANGE_TO_END,
    OP_MAP_GET_BY_RANK,
    OP_MAP_GET_BY_RANK_RANGE,
    OP_MAP_GET_BY_RANK_RANGE_TO_END,
    OP_MAP_GET_BY_VALUE,
    OP_MAP_GET_BY_VALUE_LIST,
    OP_MAP_GET_BY_VALUE_RANGE,
    OP_MAP_GET_BY_VALUE_RANK_RANGE_REL,
    OP_MAP_GET_BY_VALUE_RANK_RANGE_REL_TO_END,
    OP_MAP_INCREMENT,
    OP_MAP_PUT,
    OP_MAP_PUT_ITEMS,
    OP_MAP_REMOVE_BY_INDEX,
    OP_MAP_REMOVE_BY_INDEX_RANGE,
    OP_MAP_REMOVE_BY_INDEX_RANGE_TO_END,
    OP_MAP_REMOVE_BY_KEY,
    OP_MAP_REMOVE_BY_KEY_LIST,
    OP_MAP_REMOVE_BY_KEY_RANGE,
    OP_MAP_REMOVE_BY_KEY_REL_INDEX_RANGE,
    OP_MAP_REMOVE_BY_KEY_REL_INDEX_RANGE_TO_END,
    OP_MAP_REMOVE_BY_RANK,
    OP_MAP_REMOVE_BY_RANK_RANGE,
    OP_MAP_REMOVE_BY_RANK_RANGE_TO_END,
    OP_MAP_REMOVE_BY_VALUE,
    OP_MAP_REMOVE_BY_VALUE_LIST,
    OP_MAP_REMOVE_BY_VALUE_RANGE,
    OP_MAP_REMOVE_BY_VALUE_REL_RANK_RANGE,
    OP_MAP_REMOVE_BY_VALUE_REL_RANK_RANGE_TO_END,
    OP_MAP_SIZE,
)

from aerospike_helpers.expressions import _cdt
from aerospike_helpers.expressions.base import MapBin
from aerospike_helpers.expressions.resources import _BaseExpr, _bin_expr, _ExprOp, _Keys

TypeKey = Union[_BaseExpr, Any]
TypeKeyList = Union[_BaseExpr, list]
# Argument types, shared with the list expressions.
TypeBinName = _cdt.TypeBinName
TypeListValue = _cdt.TypeListValue
TypeIndex = _cdt.TypeIndex
TypeCTX = _cdt.TypeCTX
TypeRank = _cdt.TypeRank
TypeCount = _cdt.TypeCount
TypeValue = _cdt.TypeValue
TypePolicy = _cdt.TypePolicy

__all__ = [
    "MapClear",
    "MapGetByIndex",
    "MapGetByIndexRange",
    "MapGetByIndexRangeToEnd",
    "MapGetByKey",
    "MapGetByKeyList",
    "MapGetByKeyRange",
    "MapGetByKeyRelIndexRange",
    "MapGetByKeyRelIndexRangeToEnd",
    "MapGetByRank",
    "MapGetByRankRange",
    "MapGetByRankRangeToEnd",
    "MapGetByValue",
    "MapGetByValueList",
    "MapGetByValueRange",
    "MapGetByValueRelRankRange",
    "MapGetByValueRelRankRangeToEnd",
    "MapGetKeys",
    "MapGetValues",
    "MapIncrement",
    "MapPut",
    "MapPutItems",
    "MapRemoveByIndex",
    "MapRemoveByIndexRange",
    "MapRemoveByIndexRangeToEnd",
    "MapRemoveByKey",
    "MapRemoveByKeyList",
    "MapRemoveByKeyRange",
    "MapRemoveByKeyRelIndexRange",
    "MapRemoveByKeyRelIndexRangeToEnd",
    "MapRemoveByRank",
    "MapRemoveByRankRange",
    "MapRemoveByRankRangeToEnd",
    "MapRemoveByValue",
    "MapRemoveByValueList",
    "MapRemoveByValueRange",
    "MapRemoveByValueRelRankRange",
    "MapRemoveByValueRelRankRangeToEnd",
    "MapSize",
]


class _MapExpr(_cdt.Cdt):
    _bin_type = MapBin


class _MapModify(_MapExpr, _cdt.Modify):
    _marker = _ExprOp._AS_EXP_CODE_CDT_MAP_CRMOD
    _policy_key = _Keys.MAP_POLICY_KEY


class _MapAtKey(_MapModify):
    def __init__(
        self, ctx: TypeCTX, policy: TypePolicy, key: TypeKey, value: TypeValue, bin: TypeBinName
    ) -> None:
        self._build(ctx, policy, (key, value), bin)


class _MapRemove(_MapExpr, _cdt.Remove):
    pass


class _MapGet(_MapExpr, _cdt.Get):
    pass


class _MapPart(_BaseExpr):
    # The keys or the values of a map, as a list.
    def __init__(self, map_value: TypeBinName) -> None:
        self._children = (_bin_expr(map_value, MapBin),)


class MapPut(_MapAtKey):
    """Put ``key: value``."""

    _op = OP_MAP_PUT


class MapPutItems(_MapModify):
    """Put every item of ``map``."""

    _op = OP_MAP_PUT_ITEMS

    def __init__(self, ctx: TypeCTX, policy: TypePolicy, map: Any, bin: TypeBinName) -> None:
        self._build(ctx, policy, (map,), bin)


class MapIncrement(_MapAtKey):
    """Add ``value`` to the number at ``key``."""

    _op = OP_MAP_INCREMENT


class MapClear(_MapExpr, _cdt.Whole):
    """Remove every item."""

    _op = OP_MAP_CLEAR


class MapRemoveByKey(_MapExpr):
    """Remove the item with key ``key``."""

    _op = OP_MAP_REMOVE_BY_KEY

    def __init__(self, ctx: TypeCTX, key: TypeKey, bin: TypeBinName) -> None:
        self._setup(ctx, (key,), bin)


class MapRemoveByKeyList(_MapRemove):
    """Remove the items whose key is in ``keys``."""

    _op = OP_MAP_REMOVE_BY_KEY_LIST

    def __init__(
        self, ctx: TypeCTX, keys: TypeKeyList, bin: TypeBinName, inverted: bool = False
    ) -> None:
        self._build(ctx, (keys,), bin, inverted)


class MapRemoveByKeyRange(_MapExpr, _cdt.RemoveByOpenRange):
    """Remove the items with key in ``[begin, end)``; ``end=None``: no upper bound."""

    _op = OP_MAP_REMOVE_BY_KEY_RANGE


class MapRemoveByKeyRelIndexRangeToEnd(_MapRemove):
    """Remove the items from the index of ``key`` plus ``index`` to the end."""

    _op = OP_MAP_REMOVE_BY_KEY_REL_INDEX_RANGE_TO_END

    def __init__(
        self, ctx: TypeCTX, key: TypeKey, index: TypeIndex, bin: TypeBinName, inverted: bool = False
    ) -> None:
        self._build(ctx, (key, index), bin, inverted)


class MapRemoveByKeyRelIndexRange(_MapRemove):
    """Remove ``count`` items from the index of ``key`` plus ``index``."""

    _op = OP_MAP_REMOVE_BY_KEY_REL_INDEX_RANGE

    def __init__(
        self,
        ctx: TypeCTX,
        key: TypeKey,
        index: TypeIndex,
        count: TypeCount,
        bin: TypeBinName,
        inverted: bool = False,
    ) -> None:
        self._build(ctx, (key, index, count), bin, inverted)


class MapRemoveByValue(_MapExpr, _cdt.RemoveByValue):
    """Remove the items whose value equals ``value``."""

    _op = OP_MAP_REMOVE_BY_VALUE


class MapRemoveByValueList(_MapExpr, _cdt.RemoveByValueList):
    """Remove the items whose value is in ``values``."""

    _op = OP_MAP_REMOVE_BY_VALUE_LIST


class MapRemoveByValueRange(_MapRemove):
    """Remove the items with value in ``[begin, end)``."""

    _op = OP_MAP_REMOVE_BY_VALUE_RANGE

    def __init__(
        self,
        ctx: TypeCTX,
        begin: TypeValue,
        end: TypeValue,
        bin: TypeBinName,
        inverted: bool = False,
    ) -> None:
        self._build(ctx, (begin, end), bin, inverted)


class MapRemoveByValueRelRankRangeToEnd(_MapExpr, _cdt.RemoveByValueRelRankToEnd):
    """Remove the items from the rank of ``value`` plus ``rank`` to the end."""

    _op = OP_MAP_REMOVE_BY_VALUE_REL_RANK_RANGE_TO_END


class MapRemoveByValueRelRankRange(_MapExpr, _cdt.RemoveByValueRelRankRange):
    """Remove ``count`` items from the rank of ``value`` plus ``rank``."""

    _op = OP_MAP_REMOVE_BY_VALUE_REL_RANK_RANGE


class MapRemoveByIndex(_MapExpr, _cdt.RemoveByIndex):
    """Remove the item at ``index`` (key order)."""

    _op = OP_MAP_REMOVE_BY_INDEX


class MapRemoveByIndexRangeToEnd(_MapExpr, _cdt.RemoveByIndexRangeToEnd):
    """Remove the items from ``index`` to the end."""

    _op = OP_MAP_REMOVE_BY_INDEX_RANGE_TO_END


class MapRemoveByIndexRange(_MapExpr, _cdt.RemoveByIndexRange):
    """Remove ``count`` items from ``index``."""

    _op = OP_MAP_REMOVE_BY_INDEX_RANGE


class MapRemoveByRank(_MapExpr, _cdt.RemoveByRank):
    """Remove the item of rank ``rank`` (value order)."""

    _op = OP_MAP_REMOVE_BY_RANK


class MapRemoveByRankRangeToEnd(_MapExpr, _cdt.RemoveByRankRangeToEnd):
    """Remove the items from rank ``rank`` to the end."""

    _op = OP_MAP_REMOVE_BY_RANK_RANGE_TO_END


class MapRemoveByRankRange(_MapExpr, _cdt.RemoveByRankRange):
    """Remove ``count`` items from rank ``rank``."""

    _op = OP_MAP_REMOVE_BY_RANK_RANGE


class MapSize(_MapExpr, _cdt.Whole):
    """The number of items."""

    _op = OP_MAP_SIZE


class MapGetByKey(_MapExpr):
    """Select the item with key ``key``; ``value_type`` is the expected type."""

    _op = OP_MAP_GET_BY_KEY

    def __init__(
        self, ctx: TypeCTX, return_type: int, value_type: int, key: TypeKey, bin: TypeBinName
    ) -> None:
        self._setup(ctx, (key,), bin, _cdt.typed_return(return_type, value_type))


class MapGetByKeyRange(_MapGet):
    """Select the items with key in ``[begin, end)``."""

    _op = OP_MAP_GET_BY_KEY_RANGE

    def __init__(
        self,
        ctx: TypeCTX,
        return_type: int,
        begin: TypeValue,
        end: TypeValue,
        bin: TypeBinName,
        inverted: bool = False,
    ) -> None:
        self._build(ctx, return_type, (begin, end), bin, inverted)


class MapGetByKeyList(_MapGet):
    """Select the items whose key is in ``keys``."""

    _op = OP_MAP_GET_BY_KEY_LIST

    def __init__(
        self,
        ctx: TypeCTX,
        return_type: int,
        keys: TypeKeyList,
        bin: TypeBinName,
        inverted: bool = False,
    ) -> None:
        self._build(ctx, return_type, (keys,), bin, inverted)


class MapGetByKeyRelIndexRangeToEnd(_MapGet):
    """Select the items from the index of ``key`` plus ``index`` to the end."""

    _op = OP_MAP_GET_BY_KEY_REL_INDEX_RANGE_TO_END

    def __init__(
        self,
        ctx: TypeCTX,
        return_type: int,
        key: TypeKey,
        index: TypeIndex,
        bin: TypeBinName,
        inverted: bool = False,
    ) -> None:
        self._build(ctx, return_type, (key, index), bin, inverted)


class MapGetByKeyRelIndexRange(_MapGet):
    """Select ``count`` items from the index of ``key`` plus ``index``."""

    _op = OP_MAP_GET_BY_KEY_REL_INDEX_RANGE

    def __init__(
        self,
        ctx: TypeCTX,
        return_type: int,
        key: TypeKey,
        index: TypeIndex,
        count: TypeCount,
        bin: TypeBinName,
        inverted: bool = False,
    ) -> None:
        self._build(ctx, return_type, (key, index, count), bin, inverted)


class MapGetByValue(_MapExpr, _cdt.GetByValue):
    """Select the items whose value equals ``value``."""

    _op = OP_MAP_GET_BY_VALUE


class MapGetByValueRange(_MapGet):
    """Select the items with value in ``[value_begin, value_end)``; ``None``: no upper bound."""

    _op = OP_MAP_GET_BY_VALUE_RANGE

    def __init__(
        self,
        ctx: TypeCTX,
        return_type: int,
        value_begin: TypeValue,
        value_end: TypeValue,
        bin: TypeBinName,
        inverted: bool = False,
    ) -> None:
        self._build(ctx, return_type, (value_begin, _cdt.open_end(value_end)), bin, inverted)


class MapGetByValueList(_MapExpr, _cdt.GetByValue):
    """Select the items whose value is in ``value``."""

    _op = OP_MAP_GET_BY_VALUE_LIST


class MapGetByValueRelRankRangeToEnd(_MapExpr, _cdt.GetByValueRelRankRangeToEnd):
    """Select the items from the rank of ``value`` plus ``rank`` to the end."""

    _op = OP_MAP_GET_BY_VALUE_RANK_RANGE_REL_TO_END


class MapGetByValueRelRankRange(_MapExpr, _cdt.GetByValueRelRankRange):
    """Select ``count`` items from the rank of ``value`` plus ``rank``."""

    _op = OP_MAP_GET_BY_VALUE_RANK_RANGE_REL


class MapGetByIndex(_MapExpr, _cdt.GetByIndex):
    """Select the item at ``index``; ``value_type`` is the expected type."""

    _op = OP_MAP_GET_BY_INDEX


class MapGetByIndexRangeToEnd(_MapExpr, _cdt.GetByIndexRangeToEnd):
    """Select the items from ``index`` to the end."""

    _op = OP_MAP_GET_BY_INDEX_RANGE_TO_END


class MapGetByIndexRange(_MapExpr, _cdt.GetByIndexRange):
    """Select ``count`` items from ``index``."""

    _op = OP_MAP_GET_BY_INDEX_RANGE


class MapGetByRank(_MapExpr, _cdt.GetByRank):
    """Select the item of rank ``rank``; ``value_type`` is the expected type."""

    _op = OP_MAP_GET_BY_RANK


class MapGetByRankRangeToEnd(_MapExpr, _cdt.GetByRankRangeToEnd):
    """Select the items from rank ``rank`` to the end."""

    _op = OP_MAP_GET_BY_RANK_RANGE_TO_END


class MapGetByRankRange(_MapExpr, _cdt.GetByRankRange):
    """Select ``count`` items from rank ``rank``."""

    _op = OP_MAP_GET_BY_RANK_RANGE


class MapGetKeys(_MapPart):
    """The keys of the map ``map_value``, as a list."""

    _op = _AS_EXP_CODE_MAP_KEYS_IN


class MapGetValues(_MapPart):
    """The values of the map ``map_value``, as a list."""

    _op = _AS_EXP_CODE_MAP_VALUES_IN
