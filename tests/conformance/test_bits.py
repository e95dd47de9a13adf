"""Bitwise operations on blob bins through aerospike_helpers.operations.bitwise_operations.

Bit 0 is the most significant bit of byte 0. Reads go through operate_ordered (one result
per op, in order; modify ops give None), then the stored blob is read back.
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
    call,
    check_case,
    get,
    outcomes_for,
    put,
)

BO = "aerospike_helpers.operations.bitwise_operations"


def bop(name: str, *args: Any) -> Any:
    return H(f"{BO}.{name}", *args)


def ordered(key: Any, *ops: Any) -> Any:
    return call("operate_ordered", key, list(ops))


BLOB = b"\x00\x0f\xff"  # 00000000 00001111 11111111

CASES: dict[str, Case] = {
    "bit-reads": [
        (put(K("br"), {"b": BLOB}), OK),
        (
            ordered(
                K("br"),
                bop("bit_get", "b", 8, 8),
                bop("bit_count", "b", 0, 24),
                bop("bit_lscan", "b", 0, 24, True),
                bop("bit_rscan", "b", 0, 24, False),
                bop("bit_get_int", "b", 8, 8, False),
                bop("bit_get_int", "b", 16, 8, True),
            ),
            Pairs([("b", b"\x0f"), ("b", 12), ("b", 12), ("b", 11), ("b", 15), ("b", -1)], gen=1),
        ),
    ],
    "bit-modifies": [
        (put(K("bm"), {"b": BLOB}), OK),
        (
            ordered(
                K("bm"),
                bop("bit_set", "b", 0, 8, 1, bytearray(b"\xff")),
                bop("bit_or", "b", 8, 8, 1, bytearray(b"\xf0")),
                bop("bit_not", "b", 16, 8),
                bop("bit_resize", "b", 4),
                bop("bit_add", "b", 24, 8, 5, False, C("BIT_OVERFLOW_FAIL")),
            ),
            Pairs([("b", None)] * 5, gen=2),
        ),
        (get(K("bm")), Record({"b": b"\xff\xff\x00\x05"}, gen=2)),
    ],
    "bit-insert-remove-shift-set-int": [
        (put(K("bi"), {"b": b"\x01\x02"}), OK),
        (call("operate", K("bi"), [bop("bit_insert", "b", 1, 1, bytearray(b"\xaa"))]), OK),
        (get(K("bi")), Record({"b": b"\x01\xaa\x02"})),
        (call("operate", K("bi"), [bop("bit_remove", "b", 0, 1)]), OK),
        (call("operate", K("bi"), [bop("bit_lshift", "b", 0, 8, 1)]), OK),
        (call("operate", K("bi"), [bop("bit_set_int", "b", 8, 8, 7)]), OK),
        (get(K("bi")), Record({"b": b"\x54\x07"}, gen=5)),
    ],
    "bit-out-of-range": [
        (put(K("bo"), {"b": BLOB}), OK),
        (call("operate", K("bo"), [bop("bit_get", "b", 100, 8)]), Raises("OpNotApplicable", 26)),
    ],
    "bit-op-on-wrong-type": [
        (put(K("bw"), {"n": 1}), OK),
        (call("operate", K("bw"), [bop("bit_get", "n", 0, 8)]), Raises("BinIncompatibleType", 12)),
    ],
}


@pytest.fixture(scope="module")
def results(driver: Any, cluster_hosts: Any) -> Any:
    return driver(cluster_hosts, CASES, "bits")


@pytest.mark.parametrize("case", list(CASES))
def test_case(results: Any, case: str) -> None:
    check_case(case, CASES[case], outcomes_for(results, case))
