"""Map operations for ``Client.operate``.

Dict keys, as in the official client: ``op`` (an ``OP_MAP_*`` code), ``bin``, ``key``,
``val``, ``range``, ``index``, ``rank``, ``count``, ``return_type``, ``inverted``,
``map_policy``, ``map_order``, ``persist_index``, ``ctx``. Optional keys are left out
when not given.
"""

from __future__ import annotations

from typing import Any

from aerospike._constants import (
    OP_MAP_CLEAR,
    OP_MAP_CREATE,
    OP_MAP_DECREMENT,
    OP_MAP_GET_BY_INDEX,
    OP_MAP_GET_BY_INDEX_RANGE,
    OP_MAP_GET_BY_KEY,
    OP_MAP_GET_BY_KEY_INDEX_RANGE_REL,
    OP_MAP_GET_BY_KEY_LIST,
    OP_MAP_GET_BY_KEY_RANGE,
    OP_MAP_GET_BY_RANK,
    OP_MAP_GET_BY_RANK_RANGE,
    OP_MAP_GET_BY_VALUE,
    OP_MAP_GET_BY_VALUE_LIST,
    OP_MAP_GET_BY_VALUE_RANGE,
    OP_MAP_GET_BY_VALUE_RANK_RANGE_REL,
    OP_MAP_INCREMENT,
    OP_MAP_PUT,
    OP_MAP_PUT_ITEMS,
    OP_MAP_REMOVE_BY_INDEX,
    OP_MAP_REMOVE_BY_INDEX_RANGE,
    OP_MAP_REMOVE_BY_KEY,
    OP_MAP_REMOVE_BY_KEY_INDEX_RANGE_REL,
    OP_MAP_REMOVE_BY_KEY_LIST,
    OP_MAP_REMOVE_BY_KEY_RANGE,
    OP_MAP_REMOVE_BY_RANK,
    OP_MAP_REMOVE_BY_RANK_RANGE,
    OP_MAP_REMOVE_BY_VALUE,
    OP_MAP_REMOVE_BY_VALUE_LIST,
    OP_MAP_REMOVE_BY_VALUE_RANGE,
    OP_MAP_REMOVE_BY_VALUE_RANK_RANGE_REL,
    OP_MAP_SET_POLICY,
    OP_MAP_SIZE,
)

from aerospike_helpers.operations._build import given as _given
from aerospike_helpers.operations._build import if_true as _if_true
from aerospike_helpers.operations._build import nonempty as _nonempty
from aerospike_helpers.operations._build import op as _op

OP_KEY = "op"
BIN_KEY = "bin"
POLICY_KEY = "map_policy"
VALUE_KEY = "val"
KEY_KEY = "key"
INDEX_KEY = "index"
RETURN_TYPE_KEY = "return_type"
INVERTED_KEY = "inverted"
RANGE_KEY = "range"
COUNT_KEY = "count"
RANK_KEY = "rank"
CTX_KEY = "ctx"
MAP_ORDER_KEY = "map_order"
PERSIST_INDEX_KEY = "persist_index"

Op = dict[str, Any]


def _put(
    code: int, bin_name: str, key: Any, value: Any, policy: dict | None, ctx: list | None
) -> Op:
    return _write(code, bin_name, ctx, key=key, val=value, map_policy=_given(policy))


def _write(code: int, bin_name: str, ctx: list | None, /, **fields: Any) -> Op:
    # Write-side dicts (and size) keep ctx when not None, even if empty.
    return _op(code, bin_name, **fields, ctx=_given(ctx))


def _read(code: int, bin_name: str, ctx: list | None, /, **fields: Any) -> Op:
    # Get-side dicts drop an empty ctx.
    return _op(code, bin_name, **fields, ctx=_nonempty(ctx))


def _relative(
    code: int, bin_name: str, count: int | None, inverted: bool, ctx: list | None, /, **fields: Any
) -> Op:
    return _op(
        code,
        bin_name,
        **fields,
        count=_given(count),
        inverted=_if_true(inverted),
        ctx=_nonempty(ctx),
    )


def map_set_policy(bin_name: str, policy: dict, ctx: list | None = None) -> Op:
    """Set the map policy (order, flags) of ``bin_name``."""
    return _write(OP_MAP_SET_POLICY, bin_name, ctx, map_policy=policy)


def map_create(bin_name: str, map_order: int, persist_index: bool, ctx: list | None = None) -> Op:
    """Create a map at ``bin_name`` (or at ``ctx``) with the given order."""
    return _write(OP_MAP_CREATE, bin_name, ctx, map_order=map_order, persist_index=persist_index)


def map_put(
    bin_name: str, key: Any, value: Any, map_policy: dict | None = None, ctx: list | None = None
) -> Op:
    """Put ``key: value``; returns the new size."""
    return _put(OP_MAP_PUT, bin_name, key, value, map_policy, ctx)


def _sorted_items(items: Any) -> Any:
    # The official client sends the items sorted by key when the keys are comparable.
    try:
        return dict(sorted(items.items()))
    except Exception:  # noqa: BLE001 - unorderable or not a mapping: send as given
        return items


def map_put_items(
    bin_name: str, item_dict: dict, map_policy: dict | None = None, ctx: list | None = None
) -> Op:
    """Put every item of ``item_dict``; returns the new size."""
    return _write(
        OP_MAP_PUT_ITEMS, bin_name, ctx, val=_sorted_items(item_dict), map_policy=_given(map_policy)
    )


def map_increment(
    bin_name: str, key: Any, amount: Any, map_policy: dict | None = None, ctx: list | None = None
) -> Op:
    """Add ``amount`` to the value at ``key``."""
    return _put(OP_MAP_INCREMENT, bin_name, key, amount, map_policy, ctx)


def map_decrement(
    bin_name: str, key: Any, amount: Any, map_policy: dict | None = None, ctx: list | None = None
) -> Op:
    """Subtract ``amount`` from the value at ``key``."""
    return _put(OP_MAP_DECREMENT, bin_name, key, amount, map_policy, ctx)


def map_size(bin_name: str, ctx: list | None = None) -> Op:
    """Return the number of items."""
    return _write(OP_MAP_SIZE, bin_name, ctx)


def map_clear(bin_name: str, ctx: list | None = None) -> Op:
    """Remove every item."""
    return _write(OP_MAP_CLEAR, bin_name, ctx)


def map_remove_by_key(bin_name: str, key: Any, return_type: int, ctx: list | None = None) -> Op:
    """Remove the item with key ``key``."""
    return _write(OP_MAP_REMOVE_BY_KEY, bin_name, ctx, key=key, return_type=return_type)


def map_remove_by_key_list(
    bin_name: str, key_list: list, return_type: int, inverted: bool = False, ctx: list | None = None
) -> Op:
    """Remove the items whose key is in ``key_list``."""
    return _write(
        OP_MAP_REMOVE_BY_KEY_LIST,
        bin_name,
        ctx,
        val=key_list,
        return_type=return_type,
        inverted=inverted,
    )


def map_remove_by_key_range(
    bin_name: str,
    key_range_start: Any,
    key_range_end: Any,
    return_type: int,
    inverted: bool = False,
    ctx: list | None = None,
) -> Op:
    """Remove the items with key in ``[key_range_start, key_range_end)``."""
    return _write(
        OP_MAP_REMOVE_BY_KEY_RANGE,
        bin_name,
        ctx,
        key=key_range_start,
        val=key_range_end,
        return_type=return_type,
        inverted=inverted,
    )


def map_remove_by_value(
    bin_name: str, value: Any, return_type: int, inverted: bool = False, ctx: list | None = None
) -> Op:
    """Remove the items whose value equals ``value``."""
    return _write(
        OP_MAP_REMOVE_BY_VALUE, bin_name, ctx, val=value, return_type=return_type, inverted=inverted
    )


def map_remove_by_value_list(
    bin_name: str,
    value_list: list,
    return_type: int,
    inverted: bool = False,
    ctx: list | None = None,
) -> Op:
    """Remove the items whose value is in ``value_list``."""
    return _write(
        OP_MAP_REMOVE_BY_VALUE_LIST,
        bin_name,
        ctx,
        val=value_list,
        return_type=return_type,
        inverted=inverted,
    )


def map_remove_by_value_range(
    bin_name: str,
    value_start: Any,
    value_end: Any,
    return_type: int,
    inverted: bool = False,
    ctx: list | None = None,
) -> Op:
    """Remove the items with value in ``[value_start, value_end)``."""
    return _write(
        OP_MAP_REMOVE_BY_VALUE_RANGE,
        bin_name,
        ctx,
        val=value_start,
        range=value_end,
        return_type=return_type,
        inverted=inverted,
    )


def map_remove_by_index(bin_name: str, index: int, return_type: int, ctx: list | None = None) -> Op:
    """Remove the item at ``index`` (key order)."""
    return _write(OP_MAP_REMOVE_BY_INDEX, bin_name, ctx, index=index, return_type=return_type)


def map_remove_by_index_range(
    bin_name: str,
    index_start: int,
    remove_amt: int,
    return_type: int,
    inverted: bool = False,
    ctx: list | None = None,
) -> Op:
    """Remove ``remove_amt`` items from ``index_start``."""
    return _write(
        OP_MAP_REMOVE_BY_INDEX_RANGE,
        bin_name,
        ctx,
        index=index_start,
        val=remove_amt,
        return_type=return_type,
        inverted=inverted,
    )


def map_remove_by_rank(bin_name: str, rank: int, return_type: int, ctx: list | None = None) -> Op:
    """Remove the item of rank ``rank`` (value order)."""
    return _write(OP_MAP_REMOVE_BY_RANK, bin_name, ctx, index=rank, return_type=return_type)


def map_remove_by_rank_range(
    bin_name: str,
    rank_start: int,
    remove_amt: int,
    return_type: int,
    inverted: bool = False,
    ctx: list | None = None,
) -> Op:
    """Remove ``remove_amt`` items from rank ``rank_start``."""
    return _write(
        OP_MAP_REMOVE_BY_RANK_RANGE,
        bin_name,
        ctx,
        index=rank_start,
        val=remove_amt,
        return_type=return_type,
        inverted=inverted,
    )


def map_get_by_key(bin_name: str, key: Any, return_type: int, ctx: list | None = None) -> Op:
    """Get the item with key ``key``."""
    return _read(OP_MAP_GET_BY_KEY, bin_name, ctx, key=key, return_type=return_type)


def map_get_by_key_range(
    bin_name: str,
    key_range_start: Any,
    key_range_end: Any,
    return_type: int,
    inverted: bool = False,
    ctx: list | None = None,
) -> Op:
    """Get the items with key in ``[key_range_start, key_range_end)``."""
    return _read(
        OP_MAP_GET_BY_KEY_RANGE,
        bin_name,
        ctx,
        key=key_range_start,
        range=key_range_end,
        return_type=return_type,
        inverted=inverted,
    )


def map_get_by_key_list(
    bin_name: str, key_list: list, return_type: int, inverted: bool = False, ctx: list | None = None
) -> Op:
    """Get the items whose key is in ``key_list``."""
    return _read(
        OP_MAP_GET_BY_KEY_LIST,
        bin_name,
        ctx,
        val=key_list,
        return_type=return_type,
        inverted=inverted,
    )


def map_get_by_value(
    bin_name: str, value: Any, return_type: int, inverted: bool = False, ctx: list | None = None
) -> Op:
    """Get the items whose value equals ``value``."""
    return _read(
        OP_MAP_GET_BY_VALUE, bin_name, ctx, val=value, return_type=return_type, inverted=inverted
    )


def map_get_by_value_range(
    bin_name: str,
    value_start: Any,
    value_end: Any,
    return_type: int,
    inverted: bool = False,
    ctx: list | None = None,
) -> Op:
    """Get the items with value in ``[value_start, value_end)``."""
    return _read(
        OP_MAP_GET_BY_VALUE_RANGE,
        bin_name,
        ctx,
        val=value_start,
        range=value_end,
        return_type=return_type,
        inverted=inverted,
    )


def map_get_by_value_list(
    bin_name: str, key_list: list, return_type: int, inverted: bool = False, ctx: list | None = None
) -> Op:
    """Get the items whose value is in ``key_list`` (name kept from the official client)."""
    return _read(
        OP_MAP_GET_BY_VALUE_LIST,
        bin_name,
        ctx,
        val=key_list,
        return_type=return_type,
        inverted=inverted,
    )


def map_get_by_index(bin_name: str, index: int, return_type: int, ctx: list | None = None) -> Op:
    """Get the item at ``index`` (key order)."""
    return _read(OP_MAP_GET_BY_INDEX, bin_name, ctx, index=index, return_type=return_type)


def map_get_by_index_range(
    bin_name: str,
    index_start: int,
    get_amt: int,
    return_type: int,
    inverted: bool = False,
    ctx: list | None = None,
) -> Op:
    """Get ``get_amt`` items from ``index_start``."""
    return _read(
        OP_MAP_GET_BY_INDEX_RANGE,
        bin_name,
        ctx,
        index=index_start,
        val=get_amt,
        return_type=return_type,
        inverted=inverted,
    )


def map_get_by_rank(bin_name: str, rank: int, return_type: int, ctx: list | None = None) -> Op:
    """Get the item of rank ``rank`` (value order)."""
    return _read(OP_MAP_GET_BY_RANK, bin_name, ctx, index=rank, return_type=return_type)


def map_get_by_rank_range(
    bin_name: str,
    rank_start: int,
    get_amt: int,
    return_type: int,
    inverted: bool = False,
    ctx: list | None = None,
) -> Op:
    """Get ``get_amt`` items from rank ``rank_start``."""
    return _read(
        OP_MAP_GET_BY_RANK_RANGE,
        bin_name,
        ctx,
        index=rank_start,
        val=get_amt,
        return_type=return_type,
        inverted=inverted,
    )


def map_remove_by_value_rank_range_relative(
    bin_name: str,
    value: Any,
    offset: int,
    return_type: int,
    count: int | None = None,
    inverted: bool = False,
    ctx: list | None = None,
) -> Op:
    """Remove items from the rank of ``value`` plus ``offset``, ``count`` of them."""
    return _relative(
        OP_MAP_REMOVE_BY_VALUE_RANK_RANGE_REL,
        bin_name,
        count,
        inverted,
        ctx,
        val=value,
        rank=offset,
        return_type=return_type,
    )


def map_get_by_value_rank_range_relative(
    bin_name: str,
    value: Any,
    offset: int,
    return_type: int,
    count: int | None = None,
    inverted: bool = False,
    ctx: list | None = None,
) -> Op:
    """Get items from the rank of ``value`` plus ``offset``, ``count`` of them."""
    return _relative(
        OP_MAP_GET_BY_VALUE_RANK_RANGE_REL,
        bin_name,
        count,
        inverted,
        ctx,
        val=value,
        rank=offset,
        return_type=return_type,
    )


def map_remove_by_key_index_range_relative(
    bin_name: str,
    key: Any,
    offset: int,
    return_type: int,
    count: int | None = None,
    inverted: bool = False,
    ctx: list | None = None,
) -> Op:
    """Remove items from the index of ``key`` plus ``offset``, ``count`` of them."""
    return _relative(
        OP_MAP_REMOVE_BY_KEY_INDEX_RANGE_REL,
        bin_name,
        count,
        inverted,
        ctx,
        key=key,
        index=offset,
        return_type=return_type,
    )


def map_get_by_key_index_range_relative(
    bin_name: str,
    value: Any,
    offset: int,
    return_type: int,
    count: int | None = None,
    inverted: bool = False,
    ctx: list | None = None,
) -> Op:
    """Get items from the index of key ``value`` plus ``offset``, ``count`` of them."""
    return _relative(
        OP_MAP_GET_BY_KEY_INDEX_RANGE_REL,
        bin_name,
        count,
        inverted,
        ctx,
        key=value,
        index=offset,
        return_type=return_type,
    )
