"""CDT contexts: the path to a nested list/map element for list, map and bit operations.

Each helper returns a ``_cdt_ctx`` with ``id`` (a ``CDT_CTX_*`` type), ``value`` and
``extra_args`` (a dict or ``None``), as in the official client.
"""

from __future__ import annotations

from typing import Any

from aerospike._constants import (
    _AS_CDT_CTX_AND,
    _AS_CDT_CTX_EXP,
    _AS_CDT_CTX_MAP_KEYS_IN,
    _CDT_CTX_FILTER_EXPR_KEY,
    CDT_CTX_LIST_INDEX,
    CDT_CTX_LIST_INDEX_CREATE,
    CDT_CTX_LIST_RANK,
    CDT_CTX_LIST_VALUE,
    CDT_CTX_MAP_INDEX,
    CDT_CTX_MAP_KEY,
    CDT_CTX_MAP_KEY_CREATE,
    CDT_CTX_MAP_RANK,
    CDT_CTX_MAP_VALUE,
    INDEX_GEO2DSPHERE,
    INDEX_NUMERIC,
    INDEX_STRING,
    INDEX_TYPE_DEFAULT,
    INDEX_TYPE_LIST,
    INDEX_TYPE_MAPKEYS,
    INDEX_TYPE_MAPVALUES,
)

CDT_CTX_ORDER_KEY = "order_key"
CDT_CTX_PAD_KEY = "pad_key"

_INDEX_TYPE_NAMES = {
    INDEX_TYPE_DEFAULT: "default",
    INDEX_TYPE_LIST: "list",
    INDEX_TYPE_MAPKEYS: "mapkeys",
    INDEX_TYPE_MAPVALUES: "mapvalues",
}
_INDEX_DATATYPE_NAMES = {
    INDEX_NUMERIC: "numeric",
    INDEX_STRING: "string",
    INDEX_GEO2DSPHERE: "geo2dsphere",
}


def index_type_string(index_type: int) -> str:
    """Info-protocol name of an ``INDEX_TYPE_*`` value (``"invalid"`` if unknown)."""
    return _INDEX_TYPE_NAMES.get(index_type, "invalid")


def index_datatype_string(index_datatype: int) -> str:
    """Info-protocol name of an ``INDEX_*`` data type (``"invalid"`` if unknown)."""
    return _INDEX_DATATYPE_NAMES.get(index_datatype, "invalid")


class _cdt_ctx:
    """One step of a CDT path."""

    def __init__(
        self, *, id: int | None = None, value: Any = None, extra_args: dict | None = None
    ) -> None:
        self.id = id
        self.value = value
        self.extra_args = extra_args

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, _cdt_ctx):
            return NotImplemented
        return (self.id, self.value, self.extra_args) == (other.id, other.value, other.extra_args)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"_cdt_ctx(id={self.id!r}, value={self.value!r}, extra_args={self.extra_args!r})"


def cdt_ctx_list_index(index: int) -> _cdt_ctx:
    """Step to the list element at ``index``."""
    return _cdt_ctx(id=CDT_CTX_LIST_INDEX, value=index)


def cdt_ctx_list_rank(rank: int) -> _cdt_ctx:
    """Step to the list element of rank ``rank``."""
    return _cdt_ctx(id=CDT_CTX_LIST_RANK, value=rank)


def cdt_ctx_list_value(value: Any) -> _cdt_ctx:
    """Step to the list element equal to ``value``."""
    return _cdt_ctx(id=CDT_CTX_LIST_VALUE, value=value)


def cdt_ctx_list_index_create(index: int, order: int = 0, pad: bool = False) -> _cdt_ctx:
    """Step to the list element at ``index``, creating the list if missing."""
    return _cdt_ctx(
        id=CDT_CTX_LIST_INDEX_CREATE,
        value=index,
        extra_args={CDT_CTX_ORDER_KEY: order, CDT_CTX_PAD_KEY: pad},
    )


def cdt_ctx_map_index(index: int) -> _cdt_ctx:
    """Step to the map entry at ``index`` (key order)."""
    return _cdt_ctx(id=CDT_CTX_MAP_INDEX, value=index)


def cdt_ctx_map_rank(rank: int) -> _cdt_ctx:
    """Step to the map entry of rank ``rank`` (value order)."""
    return _cdt_ctx(id=CDT_CTX_MAP_RANK, value=rank)


def cdt_ctx_map_key(key: Any) -> _cdt_ctx:
    """Step to the map entry with key ``key``."""
    return _cdt_ctx(id=CDT_CTX_MAP_KEY, value=key)


def cdt_ctx_map_value(value: Any) -> _cdt_ctx:
    """Step to the map entry whose value equals ``value``."""
    return _cdt_ctx(id=CDT_CTX_MAP_VALUE, value=value)


def cdt_ctx_map_key_create(key: Any, order: int = 0) -> _cdt_ctx:
    """Step to the map entry with key ``key``, creating the map if missing."""
    return _cdt_ctx(id=CDT_CTX_MAP_KEY_CREATE, value=key, extra_args={CDT_CTX_ORDER_KEY: order})


def cdt_ctx_all_children() -> _cdt_ctx:
    """Step to every child of the current element (server 8.1+)."""
    return _cdt_ctx(id=_AS_CDT_CTX_EXP)


def cdt_ctx_all_children_with_filter(expression: Any) -> _cdt_ctx:
    """Step to the children for which the compiled ``expression`` is true (server 8.1+)."""
    return _cdt_ctx(id=_AS_CDT_CTX_EXP, extra_args={_CDT_CTX_FILTER_EXPR_KEY: expression})


def cdt_ctx_and_filter(expression: Any) -> _cdt_ctx:
    """Further filter the previous step's children with ``expression``."""
    return _cdt_ctx(
        id=_AS_CDT_CTX_AND | _AS_CDT_CTX_EXP,
        extra_args={_CDT_CTX_FILTER_EXPR_KEY: expression},
    )


def cdt_ctx_map_keys_in(keys: list) -> _cdt_ctx:
    """Step to the map entries whose key is in ``keys``."""
    return _cdt_ctx(id=_AS_CDT_CTX_MAP_KEYS_IN, value=keys)
