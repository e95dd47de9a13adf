"""HyperLogLog bins through aerospike_helpers.operations.hll_operations.

Only what clients can rely on is compared: small exact counts (3-4 distinct values in 256
registers: the estimate is exact unless two values share a register, unlikely for these),
the description [index bits, minhash bits], how many values changed the sketch, a parameter
error for an index bit count below 4, and that the bin reads back as a HyperLogLog.
"""

from __future__ import annotations

from typing import Any

import pytest
from conformance_harness import (
    OK,
    Case,
    H,
    K,
    Pairs,
    Raises,
    Satisfies,
    call,
    check_case,
    get,
    outcomes_for,
)

HO = "aerospike_helpers.operations.hll_operations"


def hop(name: str, *args: Any) -> Any:
    return H(f"{HO}.{name}", *args)


def ordered(key: Any, *ops: Any) -> Any:
    return call("operate_ordered", key, list(ops))


CASES: dict[str, Case] = {
    "hll-add-count-describe": [
        (
            ordered(
                K("h"),
                hop("hll_add", "h", ["a", "b", "c"], 8),
                hop("hll_get_count", "h"),
                hop("hll_describe", "h"),
            ),
            Pairs([("h", 3), ("h", 3), ("h", [8, 0])], gen=1),
        ),
        (
            ordered(K("h"), hop("hll_add", "h", ["a", "b", "c", "d"]), hop("hll_get_count", "h")),
            Pairs([("h", 1), ("h", 4)], gen=2),
        ),
        (
            get(K("h")),
            Satisfies(
                lambda v: (
                    None
                    if isinstance(v[2]["h"], dict) and v[2]["h"].get("__type__") == "HyperLogLog"
                    else f"bin h read back as {v[2]['h']!r}"
                )
            ),
        ),
    ],
    "hll-init-bad-index-bits": [
        (call("operate", K("hb"), [hop("hll_init", "h", 3)]), Raises("InvalidRequest", 4)),
    ],
    "hll-init-then-count": [
        (call("operate", K("hi"), [hop("hll_init", "h", 10)]), OK),
        (
            ordered(K("hi"), hop("hll_get_count", "h"), hop("hll_describe", "h")),
            Pairs([("h", 0), ("h", [10, 0])], gen=1),
        ),
    ],
}


@pytest.fixture(scope="module")
def results(driver: Any, cluster_hosts: Any) -> Any:
    return driver(cluster_hosts, CASES, "hll")


@pytest.mark.parametrize("case", list(CASES))
def test_case(results: Any, case: str) -> None:
    check_case(case, CASES[case], outcomes_for(results, case))
