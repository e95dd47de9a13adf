"""The seed-era ``list_*`` and ``map_*`` client methods, kept beside today's API.

Each is one ``operate`` call with the operation ``aerospike_helpers`` builds, so the
bytes on the wire are those of the helper. Write methods return 0 as the seed's client
did; reads (and removes with a ``return_type``) return the operation's result.
"""

from __future__ import annotations

import inspect
from typing import TYPE_CHECKING, Any, Callable, NoReturn, Optional

from aerospike_helpers.operations import list_operations as lops
from aerospike_helpers.operations import map_operations as mops

from . import exception
from ._aerospike import Client as _CoreClient

_P = inspect.Parameter
_O = Optional[dict[str, Any]]
_Build = Callable[..., dict[str, Any]]

# name -> (the method's own parameters after key and bin, builder, returns its result,
# takes a map_policy before meta). Builders get (bin, *params).
_METHODS: dict[str, tuple[tuple[str, ...], _Build, bool, bool]] = {
    "list_append": (("val",), lops.list_append, False, False),
    "list_extend": (("items",), lops.list_append_items, False, False),
    "list_insert": (("index", "val"), lops.list_insert, False, False),
    "list_insert_items": (("index", "items"), lops.list_insert_items, False, False),
    "list_pop": (("index",), lops.list_pop, True, False),
    "list_pop_range": (("index", "count"), lops.list_pop_range, True, False),
    "list_remove": (("index",), lops.list_remove, False, False),
    "list_remove_range": (("index", "count"), lops.list_remove_range, False, False),
    "list_clear": ((), lops.list_clear, False, False),
    "list_set": (("index", "val"), lops.list_set, False, False),
    "list_get": (("index",), lops.list_get, True, False),
    "list_get_range": (("index", "count"), lops.list_get_range, True, False),
    "list_trim": (("index", "count"), lops.list_trim, False, False),
    "list_size": ((), lops.list_size, True, False),
    "map_put": (("map_key", "val"), mops.map_put, False, True),
    "map_put_items": (("items",), mops.map_put_items, False, True),
    "map_increment": (("map_key", "incr"), mops.map_increment, False, True),
    "map_decrement": (("map_key", "decr"), mops.map_decrement, False, True),
    "map_size": ((), mops.map_size, True, False),
    "map_clear": ((), mops.map_clear, False, False),
    "map_remove_by_key": (("map_key", "return_type"), mops.map_remove_by_key, True, False),
    "map_remove_by_key_list": (
        ("list", "return_type"),
        mops.map_remove_by_key_list,
        True,
        False,
    ),
    "map_remove_by_key_range": (
        ("map_key", "range", "return_type"),
        mops.map_remove_by_key_range,
        True,
        False,
    ),
    "map_remove_by_value": (("val", "return_type"), mops.map_remove_by_value, True, False),
    "map_remove_by_value_list": (
        ("list", "return_type"),
        mops.map_remove_by_value_list,
        True,
        False,
    ),
    "map_remove_by_value_range": (
        ("val", "range", "return_type"),
        mops.map_remove_by_value_range,
        True,
        False,
    ),
    "map_remove_by_index": (("index", "return_type"), mops.map_remove_by_index, True, False),
    "map_remove_by_index_range": (
        ("index", "range", "return_type"),
        mops.map_remove_by_index_range,
        True,
        False,
    ),
    "map_remove_by_rank": (("rank", "return_type"), mops.map_remove_by_rank, True, False),
    "map_remove_by_rank_range": (
        ("rank", "range", "return_type"),
        mops.map_remove_by_rank_range,
        True,
        False,
    ),
    "map_get_by_key": (("map_key", "return_type"), mops.map_get_by_key, True, False),
    "map_get_by_key_range": (
        ("map_key", "range", "return_type"),
        mops.map_get_by_key_range,
        True,
        False,
    ),
    "map_get_by_value": (("val", "return_type"), mops.map_get_by_value, True, False),
    "map_get_by_value_range": (
        ("val", "range", "return_type"),
        mops.map_get_by_value_range,
        True,
        False,
    ),
    "map_get_by_index": (("index", "return_type"), mops.map_get_by_index, True, False),
    "map_get_by_index_range": (
        ("index", "range", "return_type"),
        mops.map_get_by_index_range,
        True,
        False,
    ),
    "map_get_by_rank": (("rank", "return_type"), mops.map_get_by_rank, True, False),
    "map_get_by_rank_range": (
        ("rank", "range", "return_type"),
        mops.map_get_by_rank_range,
        True,
        False,
    ),
}


def _method(
    name: str, params: tuple[str, ...], build: _Build, returns: bool, map_policy: bool
) -> Callable[..., Any]:
    names = ("self", "key", "bin", *params)
    optional = (("map_policy",) if map_policy else ()) + ("meta", "policy")
    sig = inspect.Signature(
        [_P(n, _P.POSITIONAL_OR_KEYWORD) for n in names]
        + [_P(n, _P.POSITIONAL_OR_KEYWORD, default=None) for n in optional]
    )

    writes = not name.startswith(("list_get", "list_size", "map_get", "map_size"))

    def call(*args: Any, **kwargs: Any) -> Any:
        a = sig.bind(*args, **kwargs).arguments
        extra = (a.get("map_policy"),) if map_policy else ()
        op = build(a["bin"], *(a[p] for p in params), *extra)
        meta = a.get("meta") if writes else None
        _, _, bins = a["self"].operate(a["key"], [op], meta, a.get("policy"))
        return bins.get(a["bin"]) if returns else 0

    call.__name__ = call.__qualname__ = name
    call.__signature__ = sig  # type: ignore[attr-defined]
    call.__doc__ = (
        f"Seed-era ``{name}{sig}``: one ``operate`` with "
        f"``aerospike_helpers`` ``{build.__module__.rsplit('.', 1)[-1]}.{build.__name__}``."
    )
    return call


class Client(_CoreClient):
    """The Aerospike client (see ``aerospike.client``), with the seed's list/map methods."""

    __slots__ = ()
    __module__ = "aerospike"

    if TYPE_CHECKING:  # the methods made below, for type checkers; _O: meta/policy dicts

        def list_append(
            self, key: Any, bin: str, val: Any, meta: _O = None, policy: _O = None
        ) -> int: ...
        def list_extend(
            self, key: Any, bin: str, items: Any, meta: _O = None, policy: _O = None
        ) -> int: ...
        def list_insert(
            self, key: Any, bin: str, index: Any, val: Any, meta: _O = None, policy: _O = None
        ) -> int: ...
        def list_insert_items(
            self, key: Any, bin: str, index: Any, items: Any, meta: _O = None, policy: _O = None
        ) -> int: ...
        def list_pop(
            self, key: Any, bin: str, index: Any, meta: _O = None, policy: _O = None
        ) -> Any: ...
        def list_pop_range(
            self, key: Any, bin: str, index: Any, count: Any, meta: _O = None, policy: _O = None
        ) -> Any: ...
        def list_remove(
            self, key: Any, bin: str, index: Any, meta: _O = None, policy: _O = None
        ) -> int: ...
        def list_remove_range(
            self, key: Any, bin: str, index: Any, count: Any, meta: _O = None, policy: _O = None
        ) -> int: ...
        def list_clear(self, key: Any, bin: str, meta: _O = None, policy: _O = None) -> int: ...
        def list_set(
            self, key: Any, bin: str, index: Any, val: Any, meta: _O = None, policy: _O = None
        ) -> int: ...
        def list_get(
            self, key: Any, bin: str, index: Any, meta: _O = None, policy: _O = None
        ) -> Any: ...
        def list_get_range(
            self, key: Any, bin: str, index: Any, count: Any, meta: _O = None, policy: _O = None
        ) -> Any: ...
        def list_trim(
            self, key: Any, bin: str, index: Any, count: Any, meta: _O = None, policy: _O = None
        ) -> int: ...
        def list_size(self, key: Any, bin: str, meta: _O = None, policy: _O = None) -> Any: ...
        def map_put(
            self,
            key: Any,
            bin: str,
            map_key: Any,
            val: Any,
            map_policy: _O = None,
            meta: _O = None,
            policy: _O = None,
        ) -> int: ...
        def map_put_items(
            self,
            key: Any,
            bin: str,
            items: Any,
            map_policy: _O = None,
            meta: _O = None,
            policy: _O = None,
        ) -> int: ...
        def map_increment(
            self,
            key: Any,
            bin: str,
            map_key: Any,
            incr: Any,
            map_policy: _O = None,
            meta: _O = None,
            policy: _O = None,
        ) -> int: ...
        def map_decrement(
            self,
            key: Any,
            bin: str,
            map_key: Any,
            decr: Any,
            map_policy: _O = None,
            meta: _O = None,
            policy: _O = None,
        ) -> int: ...
        def map_size(self, key: Any, bin: str, meta: _O = None, policy: _O = None) -> Any: ...
        def map_clear(self, key: Any, bin: str, meta: _O = None, policy: _O = None) -> int: ...
        def map_remove_by_key(
            self,
            key: Any,
            bin: str,
            map_key: Any,
            return_type: Any,
            meta: _O = None,
            policy: _O = None,
        ) -> Any: ...
        def map_remove_by_key_list(
            self,
            key: Any,
            bin: str,
            list: Any,
            return_type: Any,
            meta: _O = None,
            policy: _O = None,
        ) -> Any: ...
        def map_remove_by_key_range(
            self,
            key: Any,
            bin: str,
            map_key: Any,
            range: Any,
            return_type: Any,
            meta: _O = None,
            policy: _O = None,
        ) -> Any: ...
        def map_remove_by_value(
            self, key: Any, bin: str, val: Any, return_type: Any, meta: _O = None, policy: _O = None
        ) -> Any: ...
        def map_remove_by_value_list(
            self,
            key: Any,
            bin: str,
            list: Any,
            return_type: Any,
            meta: _O = None,
            policy: _O = None,
        ) -> Any: ...
        def map_remove_by_value_range(
            self,
            key: Any,
            bin: str,
            val: Any,
            range: Any,
            return_type: Any,
            meta: _O = None,
            policy: _O = None,
        ) -> Any: ...
        def map_remove_by_index(
            self,
            key: Any,
            bin: str,
            index: Any,
            return_type: Any,
            meta: _O = None,
            policy: _O = None,
        ) -> Any: ...
        def map_remove_by_index_range(
            self,
            key: Any,
            bin: str,
            index: Any,
            range: Any,
            return_type: Any,
            meta: _O = None,
            policy: _O = None,
        ) -> Any: ...
        def map_remove_by_rank(
            self,
            key: Any,
            bin: str,
            rank: Any,
            return_type: Any,
            meta: _O = None,
            policy: _O = None,
        ) -> Any: ...
        def map_remove_by_rank_range(
            self,
            key: Any,
            bin: str,
            rank: Any,
            range: Any,
            return_type: Any,
            meta: _O = None,
            policy: _O = None,
        ) -> Any: ...
        def map_get_by_key(
            self,
            key: Any,
            bin: str,
            map_key: Any,
            return_type: Any,
            meta: _O = None,
            policy: _O = None,
        ) -> Any: ...
        def map_get_by_key_range(
            self,
            key: Any,
            bin: str,
            map_key: Any,
            range: Any,
            return_type: Any,
            meta: _O = None,
            policy: _O = None,
        ) -> Any: ...
        def map_get_by_value(
            self, key: Any, bin: str, val: Any, return_type: Any, meta: _O = None, policy: _O = None
        ) -> Any: ...
        def map_get_by_value_range(
            self,
            key: Any,
            bin: str,
            val: Any,
            range: Any,
            return_type: Any,
            meta: _O = None,
            policy: _O = None,
        ) -> Any: ...
        def map_get_by_index(
            self,
            key: Any,
            bin: str,
            index: Any,
            return_type: Any,
            meta: _O = None,
            policy: _O = None,
        ) -> Any: ...
        def map_get_by_index_range(
            self,
            key: Any,
            bin: str,
            index: Any,
            range: Any,
            return_type: Any,
            meta: _O = None,
            policy: _O = None,
        ) -> Any: ...
        def map_get_by_rank(
            self,
            key: Any,
            bin: str,
            rank: Any,
            return_type: Any,
            meta: _O = None,
            policy: _O = None,
        ) -> Any: ...
        def map_get_by_rank_range(
            self,
            key: Any,
            bin: str,
            rank: Any,
            range: Any,
            return_type: Any,
            meta: _O = None,
            policy: _O = None,
        ) -> Any: ...

        llist: Callable[..., NoReturn]
        lmap: Callable[..., NoReturn]
        lset: Callable[..., NoReturn]
        lstack: Callable[..., NoReturn]

    def map_set_policy(self, key: Any, bin: str, map_policy: dict[str, Any]) -> int:
        """Sets the map policy (order, write mode) of the map in ``bin``; returns 0."""
        self.operate(key, [mops.map_set_policy(bin, map_policy)])
        return 0


for _name, _spec in _METHODS.items():
    setattr(Client, _name, _method(_name, *_spec))


def _removed(name: str) -> Callable[..., Any]:
    def call(self: Client, *args: Any, **kwargs: Any) -> Any:
        raise exception.make(
            -1,
            f"{name}() is not built: large data types (llist, lmap, lset, lstack) were "
            "removed from Aerospike servers in 2018; use list and map bins with "
            "aerospike_helpers list/map operations instead",
        )

    call.__name__ = call.__qualname__ = name
    call.__doc__ = f"Large data type ``{name}``: removed from servers in 2018; raises ClientError."
    return call


for _name in ("llist", "lmap", "lset", "lstack"):
    setattr(Client, _name, _removed(_name))
