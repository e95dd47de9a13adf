"""EMBEDDED-ONLY checks: things a real server does not have, so never run against
AEROSPIKE_HOSTS.

(Refusals of features not built yet, answered 16 UNSUPPORTED_FEATURE, lived here while the
server grew: scans, CDT, expressions, queries and UDFs now have shared tests instead.
tests/test_vectors_server.py still checks that unbuilt features are refused clearly.)

Routing: the official client must send each key to the node that masters its partition.
The embedded nodes share one store (any node could answer), so correct routing only shows
in per-node counters: ``aerospike.testing.Server.node_stats(i)`` when the server runs
in-process, else the ``embedded-stats`` info command if the binary provides it.

Also: node loss and return (stop_node/start_node, in-process server only), and security
disabled (credentials accepted, admin commands answered 52) where a real CE answers 51.
"""

from __future__ import annotations

import os
from typing import Any

import pytest
from conformance_harness import (
    OK,
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


# -- node loss and return (needs aerospike.testing.Server: stop_node/start_node) -----------

N_FAIL = 30
FAILOVER_WRITE = {"write": [(put(K(f"fo-{i}"), {"i": i}), OK) for i in range(N_FAIL)]}
FAILOVER_READ = {
    "read": [(get(K(f"fo-{i}")), Record({"i": i}, gen=1)) for i in range(N_FAIL)]
    + [(call("get_nodes"), OK)]
}


@pytest.fixture(scope="module")
def failover(driver: Any) -> Any:
    """Write with 3 nodes, read with node 1 stopped, read again once it is back.

    Each phase is a fresh official client seeded with node 0 only: with a node gone, the
    survivors must take over its partitions (replicas, partition-generation) so that every
    key stays readable; shared storage keeps the records."""
    import conformance_harness as h

    try:
        srv = h._start_with_package(3)
    except Exception as exc:  # noqa: BLE001
        pytest.skip(f"aerospike.testing.Server unavailable: {exc!r}")
    if srv is None:
        pytest.skip("needs aerospike.testing.Server (stop_node/start_node); only the binary runs")
    seed, set_name = srv.hosts[:1], f"cf_failover_{os.getpid()}"
    try:
        wrote = driver(seed, FAILOVER_WRITE, "failover", set_name=set_name)
        srv.package_server.stop_node(1)
        down = driver(seed, FAILOVER_READ, "failover", set_name=set_name)
        srv.package_server.start_node(1)
        back = driver(seed, FAILOVER_READ, "failover", set_name=set_name)
    finally:
        srv.stop()
    return wrote, down, back


@pytest.mark.parametrize("phase", ["write", "node-1-down", "node-1-back"])
def test_failover(failover: Any, phase: str) -> None:
    wrote, down, back = failover
    if phase == "write":
        check_case("write", FAILOVER_WRITE["write"], outcomes_for(wrote, "write"))
        return
    result, nodes = (down, 2) if phase == "node-1-down" else (back, 3)
    outs = outcomes_for(result, "read")
    check_case(phase, FAILOVER_READ["read"], outs)
    assert outs is not None
    assert len(outs[-1].value) == nodes, f"client sees nodes {outs[-1].value}"


# -- security: not enabled (a real CE server answers 51 and refuses credentials) ----------

SECURITY = {
    "credentials-accepted-without-security": [
        (put(K("sec"), {"a": 1}), OK),
        (get(K("sec")), Record({"a": 1}, gen=1)),
    ],
    "admin-commands-refused": [
        (call("admin_query_users_info"), Raises("SecurityNotEnabled", 52)),
        (call("admin_create_user", "u1", "pw", ["read"]), Raises("SecurityNotEnabled", 52)),
        (call("admin_query_roles"), Raises("SecurityNotEnabled", 52)),
    ],
}


@pytest.fixture(scope="module")
def security(driver: Any, cluster_hosts: Any) -> Any:
    """A client configured with user/password: LOGIN gets 52, so it carries on without."""
    import conformance_harness as h

    config = {**h.DEFAULT_CONFIG, "user": "admin", "password": "admin"}
    return driver(cluster_hosts, SECURITY, "security", config=config)


@pytest.mark.parametrize("case", list(SECURITY))
def test_security_disabled(security: Any, case: str) -> None:
    check_case(case, SECURITY[case], outcomes_for(security, case))
