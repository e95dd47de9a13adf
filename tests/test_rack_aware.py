"""Rack-aware reads: POLICY_REPLICA_PREFER_RACK sends reads to a replica on the client's
rack (rack_aware with rack_id or rack_ids), as the embedded server reports its racks."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import aerospike
import pytest
from aerospike.testing import Server

N = 60


@pytest.fixture(scope="module")
def srv() -> Iterator[Server]:
    # Three racks, every node holds every partition (master or replica).
    with Server(nodes=3, replication_factor=3, rack_ids=[1, 2, 3]) as s:
        c = aerospike.client(s.config).connect()
        try:
            for i in range(N):
                c.put(("test", "racks", i), {"i": i})
        finally:
            c.close()
        yield s


def served(srv: Server, config: dict[str, Any], policy: dict[str, Any]) -> list[int]:
    """Requests each node served for N gets with `policy`."""
    c = aerospike.client({**srv.config, **config}).connect()
    try:
        before = [srv.node_stats(i)["requests"] for i in range(3)]
        for i in range(N):
            _, _, bins = c.get(("test", "racks", i), policy=policy)
            assert bins == {"i": i}
        return [srv.node_stats(i)["requests"] - b for i, b in enumerate(before)]
    finally:
        c.close()


PREFER = {"replica": aerospike.POLICY_REPLICA_PREFER_RACK}


@pytest.mark.parametrize(
    ("config", "node"),
    [
        ({"rack_aware": True, "rack_id": 2}, 1),
        ({"rack_aware": True, "rack_id": 3}, 2),
        # rack_ids: most preferred first; rack 9 has no node, rack 1 is node 0.
        ({"rack_aware": True, "rack_ids": [9, 1]}, 0),
    ],
)
def test_prefer_rack_reads_from_the_clients_rack(
    srv: Server, config: dict[str, Any], node: int
) -> None:
    counts = served(srv, config, PREFER)
    assert counts[node] == N and sum(counts) == N, counts


def test_client_wide_read_policy(srv: Server) -> None:
    config = {"rack_aware": True, "rack_id": 2, "policies": {"read": PREFER}}
    counts = served(srv, config, {})
    assert counts[1] == N, counts


@pytest.mark.parametrize(
    ("config", "policy"),
    [
        ({"rack_aware": True, "rack_id": 2}, {"replica": aerospike.POLICY_REPLICA_SEQUENCE}),
        ({"rack_aware": True, "rack_id": 2}, {"replica": aerospike.POLICY_REPLICA_MASTER}),
        # Not rack aware: PREFER_RACK reads as SEQUENCE (the master first).
        ({}, PREFER),
        ({"rack_aware": False, "rack_id": 2}, PREFER),
    ],
)
def test_other_policies_read_from_masters(
    srv: Server, config: dict[str, Any], policy: dict[str, Any]
) -> None:
    counts = served(srv, config, policy)
    # Masters are spread over the three nodes.
    assert sum(counts) == N and all(0 < n < N for n in counts), counts


def test_writes_go_to_masters_whatever_the_rack(srv: Server) -> None:
    c = aerospike.client({**srv.config, "rack_aware": True, "rack_id": 2}).connect()
    try:
        before = [srv.node_stats(i)["requests"] for i in range(3)]
        for i in range(N):
            c.put(("test", "racks", i), {"i": i}, policy=PREFER)
        counts = [srv.node_stats(i)["requests"] - b for i, b in enumerate(before)]
        assert sum(counts) == N and all(0 < n < N for n in counts), counts
    finally:
        c.close()


@pytest.mark.parametrize(
    "config",
    [{"rack_ids": [1, "x"]}, {"rack_ids": [-1]}, {"rack_ids": 3}, {"rack_id": -1}],
)
def test_bad_rack_config(config: dict[str, Any]) -> None:
    with pytest.raises(aerospike.exception.ParamError, match="rack_id"):
        aerospike.client({"hosts": [("127.0.0.1", 3000)], **config})
