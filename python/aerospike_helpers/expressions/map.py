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
from aerospike_helpers.expressions.resources import _BaseExpr, _ExprOp, _Keys

TypeKey = Union[_BaseExpr, Any]
TypeKeyList = Union[_BaseExpr, list]
TypeBinName = Union[_BaseExpr, str]
TypeListValue = Union[_BaseExpr, list]
TypeIndex = Union[_BaseExpr, int, Any]
TypeCTX = Union[None, list]
TypeRank = Union[_BaseExpr, int, Any]
TypeCount = Union[_BaseExpr, int, Any]
TypeValue = Union[_BaseExpr, Any]
TypePolicy = Union[dict, None]

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


class _MapModify(_BaseExpr):
    def _build(self, ctx: TypeCTX, policy: TypePolicy, args: tuple, bin: TypeBinName) -> None:
        marker = _cdt.policy_marker(
            _ExprOp._AS_EXP_CODE_CDT_MAP_CRMOD, _Keys.MAP_POLICY_KEY, policy
        )
        fixed: dict[str, Any] = {} if policy is None else {_Keys.MAP_POLICY_KEY: policy}
        if ctx is not None:
            fixed = {_Keys.CTX_KEY: ctx, **fixed}
        self._children = (*args, marker, bin if isinstance(bin, _BaseExpr) else MapBin(bin))
        self._fixed = fixed


class _MapRemove(_BaseExpr):
    def _build(self, ctx: TypeCTX, args: tuple, bin: TypeBinName, inverted: bool) -> None:
        _cdt.setup(self, ctx, args, bin, MapBin, _cdt.remove_return_type(inverted))


class _MapGet(_BaseExpr):
    def _build(
        self, ctx: TypeCTX, return_type: int, args: tuple, bin: TypeBinName, inverted: bool
    ) -> None:
        _cdt.setup(self, ctx, args, bin, MapBin, _cdt.get_return_type(return_type, inverted))


class MapPut(_MapModify):
    """Put ``key: value``."""

    _op = OP_MAP_PUT

    def __init__(
        self, ctx: TypeCTX, policy: TypePolicy, key: TypeKey, value: TypeValue, bin: TypeBinName
    ) -> None:
        self._build(ctx, policy, (key, value), bin)


class MapPutItems(_MapModify):
    """Put every item of ``map``."""

    _op = OP_MAP_PUT_ITEMS

    def __init__(self, ctx: TypeCTX, policy: TypePolicy, map: Any, bin: TypeBinName) -> None:
        self._build(ctx, policy, (map,), bin)


class MapIncrement(_MapModify):
    """Add ``value`` to the number at ``key``."""

    _op = OP_MAP_INCREMENT

    def __init__(
        self, ctx: TypeCTX, policy: TypePolicy, key: TypeKey, value: TypeValue, bin: TypeBinName
    ) -> None:
        self._build(ctx, policy, (key, value), bin)


class MapClear(_BaseExpr):
    """Remove every item."""

    _op = OP_MAP_CLEAR

    def __init__(self, ctx: TypeCTX, bin: TypeBinName) -> None:
        _cdt.setup(self, ctx, (), bin, MapBin)


class MapRemoveByKey(_BaseExpr):
    """Remove the item with key ``key``."""

    _op = OP_MAP_REMOVE_BY_KEY

    def __init__(self, ctx: TypeCTX, key: TypeKey, bin: TypeBinName) -> None:
        _cdt.setup(self, ctx, (key,), bin, MapBin)


class MapRemoveByKeyList(_MapRemove):
    """Remove the items whose key is in ``keys``."""

    _op = OP_MAP_REMOVE_BY_KEY_LIST

    def __init__(
        self, ctx: TypeCTX, keys: TypeKeyList, bin: TypeBinName, inverted: bool = False
    ) -> None:
        self._build(ctx, (keys,), bin, inverted)


class MapRemoveByKeyRange(_MapRemove):
    """Remove the items with key in ``[begin, end)``; ``end=None``: no upper bound."""

    _op = OP_MAP_REMOVE_BY_KEY_RANGE

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


class MapRemoveByValue(_MapRemove):
    """Remove the items whose value equals ``value``."""

    _op = OP_MAP_REMOVE_BY_VALUE

    def __init__(
        self, ctx: TypeCTX, value: TypeValue, bin: TypeBinName, inverted: bool = False
    ) -> None:
        self._build(ctx, (value,), bin, inverted)


class MapRemoveByValueList(_MapRemove):
    """Remove the items whose value is in ``values``."""

    _op = OP_MAP_REMOVE_BY_VALUE_LIST

    def __init__(
        self, ctx: TypeCTX, values: TypeListValue, bin: TypeBinName, inverted: bool = False
    ) -> None:
        self._build(ctx, (values,), bin, inverted)


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


class MapRemoveByValueRelRankRangeToEnd(_MapRemove):
    """Remove the items from the rank of ``value`` plus ``rank`` to the end."""

    _op = OP_MAP_REMOVE_BY_VALUE_REL_RANK_RANGE_TO_END

    def __init__(
        self,
        ctx: TypeCTX,
        value: TypeValue,
        rank: TypeRank,
        bin: TypeBinName,
        inverted: bool = False,
    ) -> None:
        self._build(ctx, (value, rank), bin, inverted)


class MapRemoveByValueRelRankRange(_MapRemove):
    """Remove ``count`` items from the rank of ``value`` plus ``rank``."""

    _op = OP_MAP_REMOVE_BY_VALUE_REL_RANK_RANGE

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


class MapRemoveByIndex(_BaseExpr):
    """Remove the item at ``index`` (key order)."""

    _op = OP_MAP_REMOVE_BY_INDEX

    def __init__(self, ctx: TypeCTX, index: TypeIndex, bin: TypeBinName) -> None:
        _cdt.setup(self, ctx, (index,), bin, MapBin)


class MapRemoveByIndexRangeToEnd(_MapRemove):
    """Remove the items from ``index`` to the end."""

    _op = OP_MAP_REMOVE_BY_INDEX_RANGE_TO_END

    def __init__(
        self, ctx: TypeCTX, index: TypeIndex, bin: TypeBinName, inverted: bool = False
    ) -> None:
        self._build(ctx, (index,), bin, inverted)


class MapRemoveByIndexRange(_MapRemove):
    """Remove ``count`` items from ``index``."""

    _op = OP_MAP_REMOVE_BY_INDEX_RANGE

    def __init__(
        self,
        ctx: TypeCTX,
        index: TypeIndex,
        count: TypeCount,
        bin: TypeBinName,
        inverted: bool = False,
    ) -> None:
        self._build(ctx, (index, count), bin, inverted)


class MapRemoveByRank(_BaseExpr):
    """Remove the item of rank ``rank`` (value order)."""

    _op = OP_MAP_REMOVE_BY_RANK

    def __init__(self, ctx: TypeCTX, rank: TypeRank, bin: TypeBinName) -> None:
        _cdt.setup(self, ctx, (rank,), bin, MapBin)


class MapRemoveByRankRangeToEnd(_MapRemove):
    """Remove the items from rank ``rank`` to the end."""

    _op = OP_MAP_REMOVE_BY_RANK_RANGE_TO_END

    def __init__(
        self, ctx: TypeCTX, rank: TypeRank, bin: TypeBinName, inverted: bool = False
    ) -> None:
        self._build(ctx, (rank,), bin, inverted)


class MapRemoveByRankRange(_MapRemove):
    """Remove ``count`` items from rank ``rank``."""

    _op = OP_MAP_REMOVE_BY_RANK_RANGE

    def __init__(
        self,
        ctx: TypeCTX,
        rank: TypeRank,
        count: TypeCount,
        bin: TypeBinName,
        inverted: bool = False,
    ) -> None:
        self._build(ctx, (rank, count), bin, inverted)


class MapSize(_BaseExpr):
    """The number of items."""

    _op = OP_MAP_SIZE

    def __init__(self, ctx: TypeCTX, bin: TypeBinName) -> None:
        _cdt.setup(self, ctx, (), bin, MapBin)


class MapGetByKey(_BaseExpr):
    """Select the item with key ``key``; ``value_type`` is the expected type."""

    _op = OP_MAP_GET_BY_KEY

    def __init__(
        self, ctx: TypeCTX, return_type: int, value_type: int, key: TypeKey, bin: TypeBinName
    ) -> None:
        fixed = {_Keys.VALUE_TYPE_KEY: value_type, _Keys.RETURN_TYPE_KEY: return_type}
        _cdt.setup(self, ctx, (key,), bin, MapBin, fixed)


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


class MapGetByValue(_MapGet):
    """Select the items whose value equals ``value``."""

    _op = OP_MAP_GET_BY_VALUE

    def __init__(
        self,
        ctx: TypeCTX,
        return_type: int,
        value: TypeValue,
        bin: TypeBinName,
        inverted: bool = False,
    ) -> None:
        self._build(ctx, return_type, (value,), bin, inverted)


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
        if value_end is None:
            value_end = _cdt.infinite()
        self._build(ctx, return_type, (value_begin, value_end), bin, inverted)


class MapGetByValueList(_MapGet):
    """Select the items whose value is in ``value``."""

    _op = OP_MAP_GET_BY_VALUE_LIST

    def __init__(
        self,
        ctx: TypeCTX,
        return_type: int,
        value: TypeValue,
        bin: TypeBinName,
        inverted: bool = False,
    ) -> None:
        self._build(ctx, return_type, (value,), bin, inverted)


class MapGetByValueRelRankRangeToEnd(_MapGet):
    """Select the items from the rank of ``value`` plus ``rank`` to the end."""

    _op = OP_MAP_GET_BY_VALUE_RANK_RANGE_REL_TO_END

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


class MapGetByValueRelRankRange(_MapGet):
    """Select ``count`` items from the rank of ``value`` plus ``rank``."""

    _op = OP_MAP_GET_BY_VALUE_RANK_RANGE_REL

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


class MapGetByIndex(_BaseExpr):
    """Select the item at ``index``; ``value_type`` is the expected type."""

    _op = OP_MAP_GET_BY_INDEX

    def __init__(
        self, ctx: TypeCTX, return_type: int, value_type: int, index: TypeIndex, bin: TypeBinName
    ) -> None:
        fixed = {_Keys.VALUE_TYPE_KEY: value_type, _Keys.RETURN_TYPE_KEY: return_type}
        _cdt.setup(self, ctx, (index,), bin, MapBin, fixed)


class MapGetByIndexRangeToEnd(_MapGet):
    """Select the items from ``index`` to the end."""

    _op = OP_MAP_GET_BY_INDEX_RANGE_TO_END

    def __init__(
        self,
        ctx: TypeCTX,
        return_type: int,
        index: TypeIndex,
        bin: TypeBinName,
        inverted: bool = False,
    ) -> None:
        self._build(ctx, return_type, (index,), bin, inverted)


class MapGetByIndexRange(_MapGet):
    """Select ``count`` items from ``index``."""

    _op = OP_MAP_GET_BY_INDEX_RANGE

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


class MapGetByRank(_BaseExpr):
    """Select the item of rank ``rank``; ``value_type`` is the expected type."""

    _op = OP_MAP_GET_BY_RANK

    def __init__(
        self, ctx: TypeCTX, return_type: int, value_type: int, rank: TypeRank, bin: TypeBinName
    ) -> None:
        fixed = {_Keys.VALUE_TYPE_KEY: value_type, _Keys.RETURN_TYPE_KEY: return_type}
        _cdt.setup(self, ctx, (rank,), bin, MapBin, fixed)


class MapGetByRankRangeToEnd(_MapGet):
    """Select the items from rank ``rank`` to the end."""

    _op = OP_MAP_GET_BY_RANK_RANGE_TO_END

    def __init__(
        self,
        ctx: TypeCTX,
        return_type: int,
        rank: TypeRank,
        bin: TypeBinName,
        inverted: bool = False,
    ) -> None:
        self._build(ctx, return_type, (rank,), bin, inverted)


class MapGetByRankRange(_MapGet):
    """Select ``count`` items from rank ``rank``."""

    _op = OP_MAP_GET_BY_RANK_RANGE

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


class MapGetKeys(_BaseExpr):
    """The keys of the map ``map_value``, as a list."""

    _op = _AS_EXP_CODE_MAP_KEYS_IN

    def __init__(self, map_value: TypeBinName) -> None:
        self._children = (map_value if isinstance(map_value, _BaseExpr) else MapBin(map_value),)


class MapGetValues(_BaseExpr):
    """The values of the map ``map_value``, as a list."""

    _op = _AS_EXP_CODE_MAP_VALUES_IN

    def __init__(self, map_value: TypeBinName) -> None:
        self._children = (map_value if isinstance(map_value, _BaseExpr) else MapBin(map_value),)
