"""Cluster tending with the official client, against 1 and 3 embedded nodes.

The client must discover every node (peers), learn the partition map (replicas), and
route keys to all nodes; every key written must read back. With AEROSPIKE_HOSTS the two
variants collapse into one run against that cluster, whose size is whatever the client
discovers (set AEROSPIKE_NODES to assert it).
"""

from __future__ import annotations

import base64
import os
import re
from typing import Any

import pytest
from conformance_harness import (
    OK,
    SET,
    Check,
    K,
    Ok,
    Outcome,
    Record,
    call,
    check_case,
    get,
    outcomes_for,
    put,
)

N_KEYS = 60
NAMESPACES = ("test", "bar")


def _has_test(v: object) -> bool:
    """info_random_node returns the raw reply line: 'namespaces\ttest;bar\n'."""
    return isinstance(v, str) and "test" in v.strip().split("\t")[-1].split(";")


def cases() -> dict[str, list]:
    spread = []
    for i in range(N_KEYS):
        spread.append((put(K(f"spread-{i}"), {"i": i}), Ok(0)))
    for i in range(N_KEYS):
        spread.append((get(K(f"spread-{i}")), Record({"i": i}, gen=1)))
    for i in range(N_KEYS):
        spread.append((call("get_key_partition_id", "test", SET(), f"spread-{i}"), OK))
    return {
        "connect": [
            (call("is_connected"), Ok(True)),
            (call("get_nodes"), OK),
            (call("get_node_names"), OK),
            (call("info_all", "build"), OK),
            (call("info_all", "replicas"), OK),
            (call("info_all", "namespaces"), OK),
            (call("info_random_node", "namespaces"), Ok(Check(_has_test, "contains test"))),
        ],
        "spread": spread,
    }


CASES = cases()
VARIANTS = ["external"] if os.environ.get("AEROSPIKE_HOSTS") else [1, 3]


@pytest.fixture(scope="module")
def runs(driver: Any, servers: Any) -> dict:
    """One driver run per variant. Embedded clusters get ONE seed (the last node): the
    client must find the other nodes through peers-clear-std."""
    out = {}
    for v in VARIANTS:
        hosts = servers.hosts(3) if v == "external" else servers.hosts(v)[-1:]
        out[v] = driver(hosts, CASES, f"cluster{v}")
    return out


def expected_nodes(variant: Any) -> int | None:
    if variant == "external":
        raw = os.environ.get("AEROSPIKE_NODES")
        return int(raw) if raw else None
    return int(variant)


def connect_outcomes(runs: dict, variant: Any) -> list[Outcome]:
    outs = outcomes_for(runs[variant], "connect")
    check_case("connect", CASES["connect"], outs)
    assert outs is not None
    return outs


def master_maps(replicas_by_node: dict) -> dict[str, dict[str, bytes]]:
    """node -> namespace -> 512-byte master bitmap, from info_all('replicas')."""
    maps: dict[str, dict[str, bytes]] = {}
    for node, (err, text) in replicas_by_node.items():
        assert err is None, f"{node}: replicas failed: {err!r}"
        maps[node] = {}
        for entry in filter(None, text.strip().split(";")):
            ns, _, rest = entry.partition(":")
            regime, n_rep, *bitmaps = rest.split(",")
            assert regime.isdigit() and int(n_rep) == len(bitmaps) >= 1, entry[:80]
            assert all(len(b) == 684 for b in bitmaps), f"{node} {ns}: bitmap length"
            maps[node][ns] = base64.b64decode(bitmaps[0])
    return maps


def owns(bitmap: bytes, pid: int) -> bool:
    return bool(bitmap[pid >> 3] & (0x80 >> (pid & 7)))


@pytest.mark.parametrize("variant", VARIANTS)
def test_nodes_discovered(runs: dict, variant: Any) -> None:
    outs = connect_outcomes(runs, variant)
    nodes, names, builds = outs[1].value, outs[2].value, outs[3].value
    want = expected_nodes(variant) or len(nodes)
    assert len(nodes) == want, nodes
    assert len({tuple(n) for n in nodes}) == want
    assert len(names) == want and len({n["node_name"] for n in names}) == want, names
    if not os.environ.get("AEROSPIKE_HOSTS"):
        assert all(n[0] == "127.0.0.1" for n in nodes), nodes
    assert len(builds) == want, builds
    for node, (err, text) in builds.items():
        assert err is None, f"{node}: {err!r}"
        assert re.fullmatch(r"\d+\.\d+\.\d+\.\d+\n?", text), f"{node}: build {text!r}"


@pytest.mark.parametrize("variant", VARIANTS)
def test_namespaces_everywhere(runs: dict, variant: Any) -> None:
    outs = connect_outcomes(runs, variant)
    for node, (err, text) in outs[5].value.items():
        assert err is None
        assert set(NAMESPACES) <= set(text.strip().split(";")), f"{node}: {text!r}"


@pytest.mark.parametrize("variant", VARIANTS)
def test_partition_map_is_a_partition(runs: dict, variant: Any) -> None:
    """Each partition of each namespace is mastered by exactly one node."""
    outs = connect_outcomes(runs, variant)
    maps = master_maps(outs[4].value)
    for ns in NAMESPACES:
        counts = [sum(owns(m[ns], pid) for m in maps.values() if ns in m) for pid in range(4096)]
        bad = [pid for pid, c in enumerate(counts) if c != 1]
        assert not bad, f"{ns}: partitions without exactly one master, e.g. {bad[:10]}"
    if len(maps) > 1:
        assert all(any(m.values()) for m in maps.values()), "a node masters nothing"


@pytest.mark.parametrize("variant", VARIANTS)
def test_keys_spread_and_readable(runs: dict, variant: Any) -> None:
    outs = outcomes_for(runs[variant], "spread")
    check_case("spread", CASES["spread"], outs)
    assert outs is not None
    pids = [o.value for o in outs[2 * N_KEYS :]]
    assert all(isinstance(p, int) and 0 <= p < 4096 for p in pids), pids
    maps = master_maps(connect_outcomes(runs, variant)[4].value)
    owners = {node for pid in pids for node, m in maps.items() if owns(m["test"], pid)}
    assert owners == set(maps), f"{N_KEYS} keys landed on {sorted(owners)} of {sorted(maps)}"
