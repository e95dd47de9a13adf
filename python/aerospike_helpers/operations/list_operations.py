"""List operations for ``Client.operate``.

Dict keys, as in the official client: ``op`` (an ``OP_LIST_*`` code), ``bin``, ``val``,
``index``, ``rank``, ``count``, ``return_type``, ``inverted``, ``value_list``,
``value_begin``, ``value_end``, ``list_policy``, ``list_order``, ``sort_flags``, ``pad``,
``persist_index``, ``ctx``. Optional keys are left out when not given.
"""

from __future__ import annotations

from typing import Any

from aerospike._constants import (
    _OP_LIST_JOIN,
    OP_LIST_APPEND,
    OP_LIST_APPEND_ITEMS,
    OP_LIST_CLEAR,
    OP_LIST_CREATE,
    OP_LIST_GET,
    OP_LIST_GET_BY_INDEX,
    OP_LIST_GET_BY_INDEX_RANGE,
    OP_LIST_GET_BY_RANK,
    OP_LIST_GET_BY_RANK_RANGE,
    OP_LIST_GET_BY_VALUE,
    OP_LIST_GET_BY_VALUE_LIST,
    OP_LIST_GET_BY_VALUE_RANGE,
    OP_LIST_GET_BY_VALUE_RANK_RANGE_REL,
    OP_LIST_GET_RANGE,
    OP_LIST_INCREMENT,
    OP_LIST_INSERT,
    OP_LIST_INSERT_ITEMS,
    OP_LIST_POP,
    OP_LIST_POP_RANGE,
    OP_LIST_REMOVE,
    OP_LIST_REMOVE_BY_INDEX,
    OP_LIST_REMOVE_BY_INDEX_RANGE,
    OP_LIST_REMOVE_BY_RANK,
    OP_LIST_REMOVE_BY_RANK_RANGE,
    OP_LIST_REMOVE_BY_VALUE,
    OP_LIST_REMOVE_BY_VALUE_LIST,
    OP_LIST_REMOVE_BY_VALUE_RANGE,
    OP_LIST_REMOVE_BY_VALUE_RANK_RANGE_REL,
    OP_LIST_REMOVE_RANGE,
    OP_LIST_SET,
    OP_LIST_SET_ORDER,
    OP_LIST_SIZE,
    OP_LIST_SORT,
    OP_LIST_TRIM,
)

from aerospike_helpers.operations._build import given as _given
from aerospike_helpers.operations._build import nonempty as _nonempty
from aerospike_helpers.operations._build import op as _op

OP_KEY = "op"
BIN_KEY = "bin"
VALUE_KEY = "val"
INDEX_KEY = "index"
LIST_POLICY_KEY = "list_policy"
INVERTED_KEY = "inverted"
RETURN_TYPE_KEY = "return_type"
COUNT_KEY = "count"
RANK_KEY = "rank"
VALUE_BEGIN_KEY = "value_begin"
VALUE_END_KEY = "value_end"
VALUE_LIST_KEY = "value_list"
LIST_ORDER_KEY = "list_order"
SORT_FLAGS_KEY = "sort_flags"
CTX_KEY = "ctx"
PAD_KEY = "pad"
PERSIST_INDEX_KEY = "persist_index"

Op = dict[str, Any]


def _list(
    code: int, bin_name: str, ctx: list | None, policy: dict | None = None, /, **fields: Any
) -> Op:
    # Falsy policy and ctx (None, {}, []) are left out, as in the official client.
    return _op(code, bin_name, **fields, list_policy=_nonempty(policy), ctx=_nonempty(ctx))


def _ranged(code: int, bin_name: str, ctx: list | None, count: int | None, /, **fields: Any) -> Op:
    return _list(code, bin_name, ctx, None, **fields, count=_given(count))


def list_create(
    bin_name: str, list_order: int, pad: bool, persist_index: bool, ctx: list | None = None
) -> Op:
    """Create a list at ``bin_name`` (or at ``ctx``) with the given order."""
    return _op(
        OP_LIST_CREATE,
        bin_name,
        list_order=list_order,
        pad=pad,
        persist_index=persist_index,
        ctx=_given(ctx),
    )


def list_append(
    bin_name: str, value: Any, policy: dict | None = None, ctx: list | None = None
) -> Op:
    """Append ``value``; returns the new size."""
    return _list(OP_LIST_APPEND, bin_name, ctx, policy, val=value)


def list_append_items(
    bin_name: str, values: Any, policy: dict | None = None, ctx: list | None = None
) -> Op:
    """Append every item of ``values``; returns the new size."""
    return _list(OP_LIST_APPEND_ITEMS, bin_name, ctx, policy, val=values)


def list_insert(
    bin_name: str, index: int, value: Any, policy: dict | None = None, ctx: list | None = None
) -> Op:
    """Insert ``value`` at ``index``."""
    return _list(OP_LIST_INSERT, bin_name, ctx, policy, index=index, val=value)


def list_insert_items(
    bin_name: str, index: int, values: Any, policy: dict | None = None, ctx: list | None = None
) -> Op:
    """Insert the items of ``values`` at ``index``."""
    return _list(OP_LIST_INSERT_ITEMS, bin_name, ctx, policy, index=index, val=values)


def list_increment(
    bin_name: str, index: int, value: Any, policy: dict | None = None, ctx: list | None = None
) -> Op:
    """Add ``value`` to the number at ``index``."""
    return _list(OP_LIST_INCREMENT, bin_name, ctx, policy, index=index, val=value)


def list_pop(bin_name: str, index: int, ctx: list | None = None) -> Op:
    """Remove and return the item at ``index``."""
    return _list(OP_LIST_POP, bin_name, ctx, index=index)


def list_pop_range(bin_name: str, index: int, count: int, ctx: list | None = None) -> Op:
    """Remove and return ``count`` items from ``index``."""
    return _list(OP_LIST_POP_RANGE, bin_name, ctx, index=index, val=count)


def list_remove(bin_name: str, index: int, ctx: list | None = None) -> Op:
    """Remove the item at ``index``."""
    return _list(OP_LIST_REMOVE, bin_name, ctx, index=index)


def list_remove_range(bin_name: str, index: int, count: int, ctx: list | None = None) -> Op:
    """Remove ``count`` items from ``index``."""
    return _list(OP_LIST_REMOVE_RANGE, bin_name, ctx, index=index, val=count)


def list_clear(bin_name: str, ctx: list | None = None) -> Op:
    """Remove every item."""
    return _list(OP_LIST_CLEAR, bin_name, ctx)


def list_set(
    bin_name: str, index: int, value: Any, policy: dict | None = None, ctx: list | None = None
) -> Op:
    """Set the item at ``index`` to ``value``."""
    return _list(OP_LIST_SET, bin_name, ctx, policy, index=index, val=value)


def list_get(bin_name: str, index: int, ctx: list | None = None) -> Op:
    """Return the item at ``index``."""
    return _list(OP_LIST_GET, bin_name, ctx, index=index)


def list_get_range(bin_name: str, index: int, count: int, ctx: list | None = None) -> Op:
    """Return ``count`` items from ``index``."""
    return _list(OP_LIST_GET_RANGE, bin_name, ctx, index=index, val=count)


def list_trim(bin_name: str, index: int, count: int, ctx: list | None = None) -> Op:
    """Keep only ``count`` items from ``index``."""
    return _list(OP_LIST_TRIM, bin_name, ctx, index=index, val=count)


def list_size(bin_name: str, ctx: list | None = None) -> Op:
    """Return the number of items."""
    return _list(OP_LIST_SIZE, bin_name, ctx)


def list_get_by_index(bin_name: str, index: int, return_type: int, ctx: list | None = None) -> Op:
    """Get the item at ``index``, returned per ``return_type``."""
    return _list(OP_LIST_GET_BY_INDEX, bin_name, ctx, return_type=return_type, index=index)


def list_get_by_index_range(
    bin_name: str,
    index: int,
    return_type: int,
    count: int | None = None,
    inverted: bool = False,
    ctx: list | None = None,
) -> Op:
    """Get ``count`` items (all if ``None``) from ``index``."""
    return _ranged(
        OP_LIST_GET_BY_INDEX_RANGE,
        bin_name,
        ctx,
        count,
        return_type=return_type,
        index=index,
        inverted=inverted,
    )


def list_get_by_rank(bin_name: str, rank: int, return_type: int, ctx: list | None = None) -> Op:
    """Get the item of rank ``rank``."""
    return _list(OP_LIST_GET_BY_RANK, bin_name, ctx, return_type=return_type, rank=rank)


def list_get_by_rank_range(
    bin_name: str,
    rank: int,
    return_type: int,
    count: int | None = None,
    inverted: bool = False,
    ctx: list | None = None,
) -> Op:
    """Get ``count`` items (all if ``None``) from rank ``rank``."""
    return _ranged(
        OP_LIST_GET_BY_RANK_RANGE,
        bin_name,
        ctx,
        count,
        return_type=return_type,
        rank=rank,
        inverted=inverted,
    )


def list_get_by_value(
    bin_name: str, value: Any, return_type: int, inverted: bool = False, ctx: list | None = None
) -> Op:
    """Get the items equal to ``value``."""
    return _list(
        OP_LIST_GET_BY_VALUE,
        bin_name,
        ctx,
        return_type=return_type,
        val=value,
        inverted=inverted,
    )


def list_get_by_value_list(
    bin_name: str,
    value_list: list,
    return_type: int,
    inverted: bool = False,
    ctx: list | None = None,
) -> Op:
    """Get the items equal to any of ``value_list``."""
    return _list(
        OP_LIST_GET_BY_VALUE_LIST,
        bin_name,
        ctx,
        return_type=return_type,
        value_list=value_list,
        inverted=inverted,
    )


def _value_range(
    code: int,
    bin_name: str,
    return_type: int,
    value_begin: Any,
    value_end: Any,
    inverted: bool,
    ctx: list | None,
) -> Op:
    return _list(
        code,
        bin_name,
        ctx,
        None,
        return_type=return_type,
        inverted=inverted,
        value_begin=_given(value_begin),
        value_end=_given(value_end),
    )


def list_get_by_value_range(
    bin_name: str,
    return_type: int,
    value_begin: Any,
    value_end: Any,
    inverted: bool = False,
    ctx: list | None = None,
) -> Op:
    """Get the items in ``[value_begin, value_end)`` (``None``: unbounded)."""
    return _value_range(
        OP_LIST_GET_BY_VALUE_RANGE, bin_name, return_type, value_begin, value_end, inverted, ctx
    )


def list_remove_by_index(
    bin_name: str, index: int, return_type: int, ctx: list | None = None
) -> Op:
    """Remove the item at ``index``."""
    return _list(OP_LIST_REMOVE_BY_INDEX, bin_name, ctx, return_type=return_type, index=index)


def list_remove_by_index_range(
    bin_name: str,
    index: int,
    return_type: int,
    count: int | None = None,
    inverted: bool = False,
    ctx: list | None = None,
) -> Op:
    """Remove ``count`` items (all if ``None``) from ``index``."""
    return _ranged(
        OP_LIST_REMOVE_BY_INDEX_RANGE,
        bin_name,
        ctx,
        count,
        return_type=return_type,
        index=index,
        inverted=inverted,
    )


def list_remove_by_rank(bin_name: str, rank: int, return_type: int, ctx: list | None = None) -> Op:
    """Remove the item of rank ``rank``."""
    return _list(OP_LIST_REMOVE_BY_RANK, bin_name, ctx, return_type=return_type, rank=rank)


def list_remove_by_rank_range(
    bin_name: str,
    rank: int,
    return_type: int,
    count: int | None = None,
    inverted: bool = False,
    ctx: list | None = None,
) -> Op:
    """Remove ``count`` items (all if ``None``) from rank ``rank``."""
    return _ranged(
        OP_LIST_REMOVE_BY_RANK_RANGE,
        bin_name,
        ctx,
        count,
        return_type=return_type,
        rank=rank,
        inverted=inverted,
    )


def list_remove_by_value(
    bin_name: str, value: Any, return_type: int, inverted: bool = False, ctx: list | None = None
) -> Op:
    """Remove the items equal to ``value``."""
    return _list(
        OP_LIST_REMOVE_BY_VALUE,
        bin_name,
        ctx,
        return_type=return_type,
        val=value,
        inverted=inverted,
    )


def list_remove_by_value_list(
    bin_name: str,
    value_list: list,
    return_type: int,
    inverted: bool = False,
    ctx: list | None = None,
) -> Op:
    """Remove the items equal to any of ``value_list``."""
    return _list(
        OP_LIST_REMOVE_BY_VALUE_LIST,
        bin_name,
        ctx,
        return_type=return_type,
        value_list=value_list,
        inverted=inverted,
    )


def list_remove_by_value_range(
    bin_name: str,
    return_type: int,
    value_begin: Any = None,
    value_end: Any = None,
    inverted: bool = False,
    ctx: list | None = None,
) -> Op:
    """Remove the items in ``[value_begin, value_end)`` (``None``: unbounded)."""
    return _value_range(
        OP_LIST_REMOVE_BY_VALUE_RANGE, bin_name, return_type, value_begin, value_end, inverted, ctx
    )


def list_set_order(bin_name: str, list_order: int, ctx: list | None = None) -> Op:
    """Set the list order (``LIST_ORDERED`` / ``LIST_UNORDERED``)."""
    return _list(OP_LIST_SET_ORDER, bin_name, ctx, list_order=list_order)


def list_sort(bin_name: str, sort_flags: int = 0, ctx: list | None = None) -> Op:
    """Sort the list (``LIST_SORT_*`` flags)."""
    return _list(OP_LIST_SORT, bin_name, ctx, sort_flags=sort_flags)


def list_get_by_value_rank_range_relative(
    bin_name: str,
    value: Any,
    offset: int,
    return_type: int,
    count: int | None = None,
    inverted: bool = False,
    ctx: list | None = None,
) -> Op:
    """Get items from the rank of ``value`` plus ``offset``, ``count`` of them."""
    return _ranged(
        OP_LIST_GET_BY_VALUE_RANK_RANGE_REL,
        bin_name,
        ctx,
        count,
        val=value,
        rank=offset,
        return_type=return_type,
        inverted=inverted,
    )


def list_remove_by_value_rank_range_relative(
    bin_name: str,
    value: Any,
    offset: int,
    return_type: int,
    count: int | None = None,
    inverted: bool = False,
    ctx: list | None = None,
) -> Op:
    """Remove items from the rank of ``value`` plus ``offset``, ``count`` of them."""
    return _ranged(
        OP_LIST_REMOVE_BY_VALUE_RANK_RANGE_REL,
        bin_name,
        ctx,
        count,
        val=value,
        rank=offset,
        return_type=return_type,
        inverted=inverted,
    )


def list_join(bin_name: str, separator: str | None = None, ctx: list | None = None) -> Op:
    """Join the list's strings with ``separator`` (server 8.2+)."""
    return _list(_OP_LIST_JOIN, bin_name, ctx, separator=separator)
