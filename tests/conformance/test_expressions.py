"""Filter expressions (policy "expressions") through the official client's
aerospike_helpers.expressions, on reads, writes, removes, batches and scans.

Real-server rules followed here: a filter that evaluates false gives FilteredOut (27) and
changes nothing; a write that creates a record does not evaluate the filter; batch rows that
are filtered out get 27 each; scans skip non-matching records.
"""

from __future__ import annotations

from typing import Any

import pytest
from conformance_harness import (
    EXP,
    OK,
    OP,
    SET,
    Case,
    H,
    K,
    Ok,
    Raises,
    Record,
    Satisfies,
    ScanBins,
    call,
    check_case,
    get,
    outcomes_for,
    put,
)

E = "aerospike_helpers.expressions"
FILTERED = Raises("FilteredOut", 27)
NOT_FOUND = Raises("RecordNotFound", 2)


def x(name: str, *args: Any) -> Any:
    """An (uncompiled) expression node: aerospike_helpers.expressions.<name>(*args)."""
    return H(f"{E}.{name}", *args)


def where(name: str, *args: Any) -> dict:
    """A policy whose filter is aerospike_helpers.expressions.<name>(*args).compile()."""
    return {"expressions": EXP(name, *args)}


A_IS_1 = where("Eq", x("IntBin", "a"), 1)
A_IS_2 = where("Eq", x("IntBin", "a"), 2)

CASES: dict[str, Case] = {
    "get": [
        (put(K("g"), {"a": 1, "s": "x"}), OK),
        (get(K("g"), policy=A_IS_1), Record({"a": 1, "s": "x"}, gen=1)),
        (get(K("g"), policy=A_IS_2), FILTERED),
        (get(K("g-missing"), policy=A_IS_1), NOT_FOUND),
    ],
    "comparisons-and-logic": [
        (put(K("c"), {"a": 5, "s": "abc", "f": 2.5}), OK),
        (get(K("c"), policy=where("GT", x("IntBin", "a"), 4)), OK),
        (get(K("c"), policy=where("GE", x("IntBin", "a"), 6)), FILTERED),
        (get(K("c"), policy=where("LT", x("FloatBin", "f"), 3.0)), OK),
        (get(K("c"), policy=where("LE", x("FloatBin", "f"), 2.0)), FILTERED),
        (get(K("c"), policy=where("NE", x("StrBin", "s"), "abc")), FILTERED),
        (get(K("c"), policy=where("Eq", x("StrBin", "s"), "abc")), OK),
        (
            get(
                K("c"),
                policy=where("And", x("GT", x("IntBin", "a"), 1), x("Eq", x("StrBin", "s"), "abc")),
            ),
            OK,
        ),
        (
            get(
                K("c"),
                policy=where(
                    "And", x("GT", x("IntBin", "a"), 1), x("Eq", x("StrBin", "s"), "nope")
                ),
            ),
            FILTERED,
        ),
        (
            get(
                K("c"),
                policy=where("Or", x("Eq", x("IntBin", "a"), 0), x("Eq", x("StrBin", "s"), "abc")),
            ),
            OK,
        ),
        (get(K("c"), policy=where("Not", x("Eq", x("IntBin", "a"), 5))), FILTERED),
        (get(K("c"), policy=where("Eq", x("Add", x("IntBin", "a"), 10), 15)), OK),
        (get(K("c"), policy=where("BinExists", "s")), OK),
        (get(K("c"), policy=where("BinExists", "zz")), FILTERED),
    ],
    "write-filtered": [
        (put(K("w"), {"a": 1}), OK),
        (put(K("w"), {"a": 10}, policy=A_IS_2), FILTERED),
        (get(K("w")), Record({"a": 1}, gen=1)),
        (put(K("w"), {"a": 10}, policy=A_IS_1), Ok(0)),
        (get(K("w")), Record({"a": 10}, gen=2)),
    ],
    # The filter applies to existing records only: a create goes through.
    "write-creating-ignores-filter": [
        (put(K("wc"), {"a": 7}, policy=A_IS_2), Ok(0)),
        (get(K("wc")), Record({"a": 7}, gen=1)),
    ],
    "remove-and-operate-filtered": [
        (put(K("r"), {"a": 1}), OK),
        (call("remove", K("r"), policy=A_IS_2), FILTERED),
        (call("operate", K("r"), [OP("increment", "a", 1)], policy=A_IS_2), FILTERED),
        (get(K("r")), Record({"a": 1}, gen=1)),
        (
            call("operate", K("r"), [OP("increment", "a", 1), OP("read", "a")], policy=A_IS_1),
            Record({"a": 2}, gen=2),
        ),
        (call("remove", K("r"), policy=where("Eq", x("IntBin", "a"), 2)), Ok(0)),
        (get(K("r")), NOT_FOUND),
    ],
    "batch_read-filtered-rows": [
        (put(K("b1"), {"a": 1}), OK),
        (put(K("b2"), {"a": 2}), OK),
        (
            call("batch_read", [K("b1"), K("b2"), K("b-missing")], policy=A_IS_1),
            Satisfies(
                lambda v: (
                    None
                    if [r["result"] for r in v["batch_records"]] == [0, 27, 2]
                    else f"row results {[r['result'] for r in v['batch_records']]}"
                )
            ),
        ),
    ],
    "scan-filtered": [
        *[(put(K(f"s{i}", set="+s"), {"a": i % 3, "i": i}), OK) for i in range(9)],
        (
            call("scan", "test", SET("s"), then=[("results", [A_IS_1])]),
            ScanBins([{"a": 1, "i": i} for i in (1, 4, 7)]),
        ),
    ],
}


@pytest.fixture(scope="module")
def results(driver: Any, cluster_hosts: Any) -> Any:
    return driver(cluster_hosts, CASES, "exp")


@pytest.mark.parametrize("case", list(CASES))
def test_case(results: Any, case: str) -> None:
    check_case(case, CASES[case], outcomes_for(results, case))
