"""List and map operations (CDT) through the official client's aerospike_helpers.

operate_ordered is used so that every op yields one (bin, result) pair in request order
(it sets respond-all-ops: ops without a result give None), then the stored value is read
back. Expected values follow the real server's list/map semantics.
"""

from __future__ import annotations

from typing import Any

import pytest
from conformance_harness import (
    OK,
    C,
    Case,
    H,
    K,
    Pairs,
    Raises,
    Record,
    Satisfies,
    call,
    check_case,
    get,
    outcomes_for,
    put,
)

LO = "aerospike_helpers.operations.list_operations"
MO = "aerospike_helpers.operations.map_operations"


def lop(name: str, *args: Any, **kwargs: Any) -> Any:
    return H(f"{LO}.{name}", *args, **kwargs)


def mop(name: str, *args: Any, **kwargs: Any) -> Any:
    return H(f"{MO}.{name}", *args, **kwargs)


def ctx(name: str, *args: Any) -> Any:
    return H(f"aerospike_helpers.cdt_ctx.{name}", *args)


def ordered(key: Any, *ops: Any, **kwargs: Any) -> Any:
    return call("operate_ordered", key, list(ops), **kwargs)


def operate(key: Any, *ops: Any, **kwargs: Any) -> Any:
    return call("operate", key, list(ops), **kwargs)


VALUE, COUNT, INDEX = C("LIST_RETURN_VALUE"), C("LIST_RETURN_COUNT"), C("LIST_RETURN_INDEX")
MVALUE, MKEY = C("MAP_RETURN_VALUE"), C("MAP_RETURN_KEY")

CASES: dict[str, Case] = {
    "list-append-insert-size": [
        (put(K("la"), {"l": [1, 2, 3]}), OK),
        (
            ordered(
                K("la"),
                lop("list_append", "l", 4),
                lop("list_append_items", "l", [5, 6]),
                lop("list_insert", "l", 0, 0),
                lop("list_size", "l"),
            ),
            Pairs([("l", 4), ("l", 6), ("l", 7), ("l", 7)], gen=2),
        ),
        (get(K("la")), Record({"l": [0, 1, 2, 3, 4, 5, 6]}, gen=2)),
    ],
    "list-get": [
        (put(K("lg"), {"l": [10, 11, 12, 13]}), OK),
        (
            ordered(
                K("lg"),
                lop("list_get", "l", 1),
                lop("list_get", "l", -1),
                lop("list_get_range", "l", 1, 2),
                lop("list_get_range", "l", 2, 100),
            ),
            Pairs([("l", 11), ("l", 13), ("l", [11, 12]), ("l", [12, 13])], gen=1),
        ),
    ],
    "list-pop-remove": [
        (put(K("lp"), {"l": [0, 1, 2, 3, 4, 5, 6]}), OK),
        (
            ordered(
                K("lp"),
                lop("list_pop", "l", 0),
                lop("list_pop_range", "l", 0, 2),
                lop("list_remove", "l", -1),
                lop("list_remove_range", "l", 0, 2),
            ),
            Pairs([("l", 0), ("l", [1, 2]), ("l", 1), ("l", 2)], gen=2),
        ),
        (get(K("lp")), Record({"l": [5]}, gen=2)),
    ],
    "list-set-trim-increment-sort-clear": [
        (put(K("ls"), {"l": [5, 3, 9, 1]}), OK),
        (operate(K("ls"), lop("list_set", "l", 0, 7)), OK),
        (operate(K("ls"), lop("list_increment", "l", 1, 10)), Record({"l": 13}, gen=3)),
        (operate(K("ls"), lop("list_sort", "l", 0)), OK),
        (get(K("ls")), Record({"l": [1, 7, 9, 13]}, gen=4)),
        (operate(K("ls"), lop("list_trim", "l", 1, 2)), Record({"l": 2}, gen=5)),
        (get(K("ls")), Record({"l": [7, 9]}, gen=5)),
        (operate(K("ls"), lop("list_clear", "l")), OK),
        (get(K("ls")), Record({"l": []}, gen=6)),
    ],
    "list-by-index-and-value": [
        (put(K("lb"), {"l": [3, 1, 3, 2, 3]}), OK),
        (
            ordered(
                K("lb"),
                lop("list_get_by_index", "l", 1, VALUE),
                lop("list_get_by_index_range", "l", 1, VALUE, 2),
                lop("list_get_by_value", "l", 3, COUNT),
                lop("list_get_by_value", "l", 3, INDEX),
            ),
            Pairs([("l", 1), ("l", [1, 3]), ("l", 3), ("l", [0, 2, 4])], gen=1),
        ),
        (
            ordered(
                K("lb"),
                lop("list_remove_by_value", "l", 3, COUNT),
                lop("list_remove_by_index", "l", 0, VALUE),
            ),
            Pairs([("l", 3), ("l", 1)], gen=2),
        ),
        (get(K("lb")), Record({"l": [2]}, gen=2)),
    ],
    "list-creates-bin-and-record": [
        (operate(K("lc"), lop("list_append", "l", "x")), Record({"l": 1}, gen=1)),
        (operate(K("lc"), lop("list_append", "m", 1.5)), Record({"m": 1}, gen=2)),
        (get(K("lc")), Record({"l": ["x"], "m": [1.5]}, gen=2)),
    ],
    "list-op-on-wrong-type": [
        (put(K("lw"), {"n": 1, "m": {"a": 1}}), OK),
        (operate(K("lw"), lop("list_append", "n", 1)), Raises("BinIncompatibleType", 12)),
        (operate(K("lw"), lop("list_size", "m")), Raises("BinIncompatibleType", 12)),
        (get(K("lw")), Record({"n": 1, "m": {"a": 1}}, gen=1)),
    ],
    "list-read-missing-bin": [
        (put(K("lm"), {"n": 1}), OK),
        (operate(K("lm"), lop("list_size", "nope")), Record({}, gen=1)),
    ],
    "map-put-increment-size": [
        (put(K("ma"), {"m": {"a": 1, "b": 2}}), OK),
        (
            ordered(
                K("ma"),
                mop("map_put", "m", "c", 3),
                mop("map_put_items", "m", {"d": 4, "e": 5}),
                mop("map_increment", "m", "a", 10),
                mop("map_decrement", "m", "b", 1),
                mop("map_size", "m"),
            ),
            Pairs([("m", 3), ("m", 5), ("m", 11), ("m", 1), ("m", 5)], gen=2),
        ),
        (get(K("ma")), Record({"m": {"a": 11, "b": 1, "c": 3, "d": 4, "e": 5}}, gen=2)),
    ],
    "map-get-remove-by-key": [
        (put(K("mg"), {"m": {"a": 1, "b": 2, "c": 3}}), OK),
        (
            ordered(
                K("mg"),
                mop("map_get_by_key", "m", "b", MVALUE),
                mop("map_get_by_key", "m", "zz", MVALUE),
                mop("map_remove_by_key", "m", "c", MVALUE),
                mop("map_remove_by_key", "m", "a", MKEY),
            ),
            Pairs([("m", 2), ("m", None), ("m", 3), ("m", "a")], gen=2),
        ),
        (get(K("mg")), Record({"m": {"b": 2}}, gen=2)),
        (operate(K("mg"), mop("map_clear", "m")), OK),
        (get(K("mg")), Record({"m": {}}, gen=3)),
    ],
    "map-write-flags": [
        (put(K("mf"), {"m": {"a": 1}}), OK),
        (
            operate(
                K("mf"),
                mop(
                    "map_put",
                    "m",
                    "a",
                    2,
                    map_policy={"map_write_flags": C("MAP_WRITE_FLAGS_CREATE_ONLY")},
                ),
            ),
            Raises("ElementExistsError", 24),
        ),
        (
            operate(
                K("mf"),
                mop(
                    "map_put",
                    "m",
                    "z",
                    2,
                    map_policy={"map_write_flags": C("MAP_WRITE_FLAGS_UPDATE_ONLY")},
                ),
            ),
            Raises("ElementNotFoundError", 23),
        ),
        (get(K("mf")), Record({"m": {"a": 1}}, gen=1)),
    ],
    # Ordered collections: a key-ordered map comes back sorted by key, an ordered list sorted.
    "map-key-ordered": [
        (
            operate(
                K("mo"),
                mop(
                    "map_put_items",
                    "m",
                    {"c": 3, "a": 1, "b": 2},
                    map_policy={"map_order": C("MAP_KEY_ORDERED")},
                ),
            ),
            OK,
        ),
        (operate(K("mo"), mop("map_put", "m", "aa", 0)), OK),
        (
            get(K("mo")),
            Satisfies(
                lambda v: (
                    None
                    if list(v[2]["m"]) == ["a", "aa", "b", "c"]
                    else f"key order {list(v[2]['m'])}"
                )
            ),
        ),
    ],
    "list-ordered": [
        (operate(K("lo"), lop("list_set_order", "l", C("LIST_ORDERED"))), OK),
        (operate(K("lo"), lop("list_append_items", "l", [5, 1, 3])), OK),
        (operate(K("lo"), lop("list_append", "l", 2)), OK),
        (get(K("lo")), Record({"l": [1, 2, 3, 5]}, gen=3)),
    ],
    # Nested elements through a context (cdt_ctx), and rank (value order) selectors.
    "nested-context": [
        (put(K("nc"), {"l": [[1], [5, 3]], "m": {"a": {"x": 1}}}), OK),
        (
            ordered(
                K("nc"),
                lop("list_append", "l", 2, ctx=[ctx("cdt_ctx_list_index", 0)]),
                lop("list_get_by_rank", "l", 0, VALUE, ctx=[ctx("cdt_ctx_list_index", 1)]),
                mop("map_put", "m", "y", 2, ctx=[ctx("cdt_ctx_map_key", "a")]),
            ),
            Pairs([("l", 2), ("l", 3), ("m", 2)], gen=2),
        ),
        (get(K("nc")), Record({"l": [[1, 2], [5, 3]], "m": {"a": {"x": 1, "y": 2}}}, gen=2)),
    ],
    "list-by-rank": [
        (put(K("lr"), {"l": [4, 9, 2, 7]}), OK),
        (
            ordered(
                K("lr"),
                lop("list_get_by_rank", "l", 0, VALUE),
                lop("list_get_by_rank", "l", -1, VALUE),
                lop("list_get_by_rank", "l", 1, INDEX),
            ),
            Pairs([("l", 2), ("l", 9), ("l", 0)], gen=1),
        ),
    ],
    "map-op-on-wrong-type": [
        (put(K("mw"), {"l": [1]}), OK),
        (operate(K("mw"), mop("map_put", "l", "a", 1)), Raises("BinIncompatibleType", 12)),
        (get(K("mw")), Record({"l": [1]}, gen=1)),
    ],
}


@pytest.fixture(scope="module")
def results(driver: Any, cluster_hosts: Any) -> Any:
    return driver(cluster_hosts, CASES, "cdt")


@pytest.mark.parametrize("case", list(CASES))
def test_case(results: Any, case: str) -> None:
    check_case(case, CASES[case], outcomes_for(results, case))
