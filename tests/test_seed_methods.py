"""The seed-era ``list_*`` / ``map_*`` client methods: results, stored data, and the
same request bytes as ``operate`` with the ``aerospike_helpers`` operation."""

from __future__ import annotations

import inspect
from collections.abc import Iterator
from typing import Any

import aerospike
import pytest
from aerospike import exception as ex
from aerospike.testing import Server
from aerospike_helpers.operations import list_operations as lops
from aerospike_helpers.operations import map_operations as mops

from tests.test_vectors_client import Proxy, frame_type

VALUE, KEY, COUNT, NONE = (
    aerospike.MAP_RETURN_VALUE,
    aerospike.MAP_RETURN_KEY,
    aerospike.MAP_RETURN_COUNT,
    aerospike.MAP_RETURN_NONE,
)
LIST, MAP = [1, 2, 3, 4, 5], {"a": 1, "b": 2, "c": 3, "d": 4}

# (method, args after key and bin, returned, bin afterwards)
LIST_CASES: list[tuple[str, tuple[Any, ...], Any, Any]] = [
    ("list_append", (6,), 0, [1, 2, 3, 4, 5, 6]),
    ("list_extend", ([6, 7],), 0, [1, 2, 3, 4, 5, 6, 7]),
    ("list_insert", (1, 9), 0, [1, 9, 2, 3, 4, 5]),
    ("list_insert_items", (1, [8, 9]), 0, [1, 8, 9, 2, 3, 4, 5]),
    ("list_pop", (0,), 1, [2, 3, 4, 5]),
    ("list_pop_range", (1, 2), [2, 3], [1, 4, 5]),
    ("list_remove", (0,), 0, [2, 3, 4, 5]),
    ("list_remove_range", (1, 3), 0, [1, 5]),
    ("list_clear", (), 0, []),
    ("list_set", (0, "x"), 0, ["x", 2, 3, 4, 5]),
    ("list_get", (2,), 3, LIST),
    ("list_get_range", (1, 3), [2, 3, 4], LIST),
    ("list_trim", (1, 2), 0, [2, 3]),
    ("list_size", (), 5, LIST),
]

MAP_CASES: list[tuple[str, tuple[Any, ...], Any, Any]] = [
    ("map_put", ("e", 5), 0, {**MAP, "e": 5}),
    ("map_put_items", ({"e": 5, "f": 6},), 0, {**MAP, "e": 5, "f": 6}),
    ("map_increment", ("a", 10), 0, {**MAP, "a": 11}),
    ("map_decrement", ("d", 1), 0, {**MAP, "d": 3}),
    ("map_size", (), 4, MAP),
    ("map_clear", (), 0, {}),
    ("map_remove_by_key", ("a", VALUE), 1, {"b": 2, "c": 3, "d": 4}),
    ("map_remove_by_key_list", (["a", "b"], KEY), ["a", "b"], {"c": 3, "d": 4}),
    ("map_remove_by_key_range", ("b", "d", COUNT), 2, {"a": 1, "d": 4}),
    ("map_remove_by_value", (2, KEY), ["b"], {"a": 1, "c": 3, "d": 4}),
    ("map_remove_by_value_list", ([1, 4], NONE), None, {"b": 2, "c": 3}),
    ("map_remove_by_value_range", (2, 4, VALUE), [2, 3], {"a": 1, "d": 4}),
    ("map_remove_by_index", (0, KEY), "a", {"b": 2, "c": 3, "d": 4}),
    ("map_remove_by_index_range", (1, 2, KEY), ["b", "c"], {"a": 1, "d": 4}),
    ("map_remove_by_rank", (3, VALUE), 4, {"a": 1, "b": 2, "c": 3}),
    ("map_remove_by_rank_range", (0, 2, VALUE), [1, 2], {"c": 3, "d": 4}),
    ("map_get_by_key", ("c", VALUE), 3, MAP),
    ("map_get_by_key_range", ("a", "c", KEY), ["a", "b"], MAP),
    ("map_get_by_value", (4, KEY), ["d"], MAP),
    ("map_get_by_value_range", (1, 3, COUNT), 2, MAP),
    ("map_get_by_index", (1, VALUE), 2, MAP),
    ("map_get_by_index_range", (2, 2, KEY), ["c", "d"], MAP),
    ("map_get_by_rank", (0, KEY), "a", MAP),
    ("map_get_by_rank_range", (1, 2, VALUE), [2, 3], MAP),
]


@pytest.mark.parametrize(
    ("method", "args", "returned", "after"), LIST_CASES + MAP_CASES, ids=lambda v: str(v)[:30]
)
def test_seed_method(
    client: Any, make_key: Any, method: str, args: tuple[Any, ...], returned: Any, after: Any
) -> None:
    key = make_key(method)
    client.put(key, {"b": LIST if method.startswith("list") else MAP}, policy={})
    if method.startswith("map"):
        client.map_set_policy(key, "b", {"map_order": aerospike.MAP_KEY_ORDERED})
    assert getattr(client, method)(key, "b", *args) == returned
    stored = client.get(key)[2]["b"]
    assert (dict(stored) if isinstance(stored, dict) else stored) == after


def test_meta_and_policy_positional_and_keyword(client: Any, make_key: Any) -> None:
    key = make_key("meta")
    assert client.list_append(key, "l", 1, {"ttl": 1000}, {"total_timeout": 2000}) == 0
    assert client.map_put(key, "m", "k", 1, None, {"ttl": 2000}) == 0
    ttl = client.get(key)[1]["ttl"]
    assert 1000 < ttl <= 2000
    assert client.list_get(key, "l", 0, policy={"total_timeout": 2000}) == 1
    assert client.map_get_by_key(key, "m", "k", VALUE, meta=None) == 1


def test_map_set_policy_orders_map(client: Any, make_key: Any) -> None:
    key = make_key("order")
    client.map_put(key, "m", "z", 1)
    client.map_put(key, "m", "a", 2)
    assert client.map_set_policy(key, "m", {"map_order": aerospike.MAP_KEY_ORDERED}) == 0
    assert client.map_get_by_index(key, "m", 0, KEY) == "a"


def test_signatures_as_documented() -> None:
    sig = inspect.signature(aerospike.Client.map_remove_by_key_range)
    assert list(sig.parameters) == [
        "self", "key", "bin", "map_key", "range", "return_type", "meta", "policy"
    ]  # fmt: skip
    assert list(inspect.signature(aerospike.Client.map_increment).parameters)[3:] == [
        "map_key", "incr", "map_policy", "meta", "policy"
    ]  # fmt: skip


ERRORS: list[tuple[str, tuple[Any, ...], type[Exception]]] = [
    ("list_get", (0,), ex.RecordNotFound),
    ("list_append", (), TypeError),
    ("map_get_by_key", ("k", VALUE, None, None, "extra"), TypeError),
    ("list_get_range", ("x", 1), ex.AerospikeError),
]


@pytest.mark.parametrize(("method", "args", "error"), ERRORS, ids=[e[0] for e in ERRORS])
def test_errors(
    client: Any, make_key: Any, method: str, args: tuple[Any, ...], error: type[Exception]
) -> None:
    with pytest.raises(error):
        getattr(client, method)(make_key("missing"), "b", *args)


# The seed method and the operate it stands for, on the wire.
WIRE: list[tuple[str, tuple[Any, ...], dict[str, Any]]] = [
    ("list_insert_items", (1, [8, 9]), lops.list_insert_items("b", 1, [8, 9])),
    ("list_pop_range", (1, 2), lops.list_pop_range("b", 1, 2)),
    ("map_put", ("e", 5, {"map_order": 1}), mops.map_put("b", "e", 5, {"map_order": 1})),
    ("map_remove_by_value_range", (2, 4, VALUE), mops.map_remove_by_value_range("b", 2, 4, VALUE)),
    ("map_get_by_rank_range", (1, 2, KEY), mops.map_get_by_rank_range("b", 1, 2, KEY)),
]


@pytest.fixture(scope="module")
def wire() -> Iterator[tuple[Proxy, Any]]:
    with Server() as srv:
        proxy = Proxy(srv.config["hosts"][0][1])
        c = aerospike.client({"hosts": [("127.0.0.1", proxy.port)]}).connect()
        try:
            yield proxy, c
        finally:
            c.close()
            proxy.close()


@pytest.mark.parametrize(("method", "args", "op"), WIRE, ids=[w[0] for w in WIRE])
def test_same_bytes_as_operate(
    wire: tuple[Proxy, Any], method: str, args: tuple[Any, ...], op: dict[str, Any]
) -> None:
    proxy, c = wire
    key = ("test", "wire", method)

    def sent(call: Any) -> bytes:
        c.put(key, {"b": MAP if method.startswith("map") else LIST})
        mark = proxy.mark()
        call()
        (frame,) = [f for f in proxy.since(mark) if frame_type(f) == 3]
        return frame

    assert sent(lambda: getattr(c, method)(key, "b", *args)) == sent(lambda: c.operate(key, [op]))


@pytest.mark.parametrize("method", ["llist", "lmap", "lset", "lstack"])
def test_large_data_types_not_built(client: Any, method: str) -> None:
    with pytest.raises(ex.ClientError, match=f"{method}\\(\\) is not built: large data types") as e:
        getattr(client, method)(("test", "ldt", 1), "bin", "module")
    assert e.value.code == -1
    assert "removed from Aerospike servers in 2018" in e.value.msg
