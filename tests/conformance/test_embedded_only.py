"""EMBEDDED-ONLY checks: things a real server does not have, so never run against
AEROSPIKE_HOSTS.

Refusals: features the embedded server does not implement yet must fail clearly (result
16, UNSUPPORTED_FEATURE, which the official client raises as UnsupportedFeature), never
succeed wrongly. A real server would run them, hence here. When a feature lands, its row
here fails: move it to a shared test with real-server expectations.

Routing: the official client must send each key to the node that masters its partition.
The embedded nodes share one store (any node could answer), so correct routing only shows
in per-node counters: ``aerospike.testing.Server.node_stats(i)`` when the server runs
in-process, else the ``embedded-stats`` info command if the binary provides it.
"""

from __future__ import annotations

import os
from typing import Any

import pytest
from conformance_harness import (
    EXP,
    OK,
    SET,
    H,
    K,
    Raises,
    Record,
    call,
    check_case,
    get,
    info,
    outcomes_for,
    put,
)

pytestmark = pytest.mark.skipif(
    bool(os.environ.get("AEROSPIKE_HOSTS")), reason="embedded-only checks (AEROSPIKE_HOSTS set)"
)

N_KEYS = 90
CASES = {
    "traffic": [(put(K(f"route-{i}"), {"i": i}), OK) for i in range(N_KEYS)]
    + [(get(K(f"route-{i}")), OK) for i in range(N_KEYS)]
    + [(call("get_node_names"), OK)],
}

UNSUPPORTED = Raises("UnsupportedFeature", 16)
REFUSALS = {
    "filter-expression": [
        (put(K("fx"), {"a": 1, "l": [1]}), OK),
        # A real server answers FilteredOut (27) here; ignoring the filter would be wrong.
        (
            get(
                K("fx"),
                policy={
                    "expressions": EXP("Eq", H("aerospike_helpers.expressions.IntBin", "a"), 2)
                },
            ),
            UNSUPPORTED,
        ),
    ],
    "cdt-list-op": [
        (put(K("cdt"), {"l": [1]}), OK),
        (
            call(
                "operate",
                K("cdt"),
                [H("aerospike_helpers.operations.list_operations.list_append", "l", 2)],
            ),
            UNSUPPORTED,
        ),
        (get(K("cdt")), Record({"l": [1]}, gen=1)),
    ],
    "scan-with-filter-expression": [
        (
            call(
                "scan",
                "test",
                SET(),
                then=[
                    (
                        "results",
                        [
                            {
                                "expressions": EXP(
                                    "Eq", H("aerospike_helpers.expressions.IntBin", "a"), 1
                                )
                            }
                        ],
                    )
                ],
            ),
            UNSUPPORTED,
        )
    ],
    "query": [
        (
            call(
                "query",
                "test",
                SET(),
                then=[("where", [H("aerospike.predicates.equals", "a", 1)]), ("results", [])],
            ),
            UNSUPPORTED,
        ),
    ],
    "record-udf": [(call("apply", K("fx"), "nomodule", "nofunction", []), UNSUPPORTED)],
}


def _parse_stats(text: str) -> dict[str, int] | None:
    if not text or text.startswith(("ERROR", "FAIL")):
        return None
    stats = {}
    for item in filter(None, text.replace(":", ";").split(";")):
        k, _, v = item.partition("=")
        if v.lstrip("-").isdigit():
            stats[k] = int(v)
    return stats or None


def node_stats(servers: Any) -> list[dict[str, int]] | None:
    srv = servers.running.get(3)
    if srv is None:
        return None
    if srv.package_server is not None:
        return [dict(srv.package_server.node_stats(i)) for i in range(len(srv.hosts))]
    stats = [_parse_stats(info(h, "embedded-stats")) for h in srv.hosts]
    return None if any(s is None for s in stats) else stats  # type: ignore[return-value]


@pytest.fixture(scope="module")
def traffic(driver: Any, servers: Any, cluster_hosts: Any) -> Any:
    before = node_stats(servers)
    if before is None:
        pytest.skip("the embedded server exposes no per-node counters (node_stats/embedded-stats)")
    result = driver(cluster_hosts, CASES, "embedded")
    return before, node_stats(servers), result


def test_traffic_ran(traffic: Any) -> None:
    check_case("traffic", CASES["traffic"], outcomes_for(traffic[2], "traffic"))


def test_every_node_served_requests(traffic: Any) -> None:
    before, after, _ = traffic
    served = []
    for b, a in zip(before, after):
        keys = ["requests"] if "requests" in a else [k for k in a if "served" in k]
        served.append(sum(a[k] - b.get(k, 0) for k in keys))
    assert all(n > 0 for n in served), f"requests per node: {served} ({after})"


def test_no_misrouted_requests(traffic: Any) -> None:
    before, after, _ = traffic
    keys = [k for k in after[0] if "misrout" in k or "proxied" in k or "not_owner" in k]
    if not keys:
        pytest.skip(f"no misrouting counter among {sorted(after[0])}")
    moved = [sum(a[k] - b.get(k, 0) for k in keys) for b, a in zip(before, after)]
    assert moved == [0] * len(moved), f"misrouted per node: {moved}"


@pytest.fixture(scope="module")
def refusals(driver: Any, cluster_hosts: Any) -> Any:
    return driver(cluster_hosts, REFUSALS, "refusals")


@pytest.mark.parametrize("case", list(REFUSALS))
def test_unsupported_feature_refused(refusals: Any, case: str) -> None:
    check_case(case, REFUSALS[case], outcomes_for(refusals, case))
