"""aerospike.testing.Server: start, several nodes, stop/start a node, stats."""

from __future__ import annotations

import time

import aerospike
import pytest
from aerospike import exception as ex
from aerospike.testing import Server


def test_single_node_server() -> None:
    with Server(nodes=1, namespaces=("test",)) as srv:
        hosts = srv.hosts
        assert len(hosts) == 1 and hosts[0][0] == "127.0.0.1"
        c = aerospike.client(srv.config).connect()
        c.put(("test", "s", 1), {"a": 1})
        assert c.get(("test", "s", 1))[2] == {"a": 1}
        c.close()
    with pytest.raises(ex.ClientError):
        _ = srv.hosts


def test_three_nodes_route_by_partition() -> None:
    with Server(nodes=3) as srv:
        assert len(srv.hosts) == 3
        c = aerospike.client(srv.config).connect()
        assert len(c.get_nodes()) == 3
        for i in range(60):
            c.put(("test", "s", i), {"i": i})
        for i in range(60):
            assert c.get(("test", "s", i))[2] == {"i": i}
        keys = [("test", "s", i) for i in range(70)]
        assert [r[2] for r in c.get_many(keys)] == [{"i": i} for i in range(60)] + [None] * 10
        brs = c.batch_read(keys, ["i"]).batch_records
        assert [b.result for b in brs] == [0] * 60 + [2] * 10
        stats = [srv.node_stats(n) for n in range(3)]
        assert sum(s["misroutes"] for s in stats) == 0
        assert all(isinstance(v, int) for s in stats for v in s.values())
        c.close()


def test_node_stop_and_start() -> None:
    with Server(nodes=2) as srv:
        c = aerospike.client({**srv.config, "tend_interval": 100}).connect()
        c.put(("test", "s", 1), {"a": 1})
        srv.stop_node(1)
        deadline = time.time() + 10
        while len(c.get_nodes()) != 1 and time.time() < deadline:
            time.sleep(0.1)
        assert len(c.get_nodes()) == 1
        for i in range(20):
            c.put(("test", "s", i), {"a": i})
        srv.start_node(1)
        deadline = time.time() + 10
        while len(c.get_nodes()) != 2 and time.time() < deadline:
            time.sleep(0.1)
        assert len(c.get_nodes()) == 2
        c.close()


def test_whole_cluster_restart_recovers() -> None:
    with Server(nodes=1) as srv:
        c = aerospike.client({**srv.config, "tend_interval": 50}).connect()
        c.put(("test", "s", 1), {"a": 1})
        srv.stop_node(0)
        with pytest.raises(ex.AerospikeError):
            c.get(("test", "s", 1), policy={"total_timeout": 500, "max_retries": 0})
        srv.start_node(0)
        deadline = time.time() + 10
        while time.time() < deadline:
            try:
                assert c.get(("test", "s", 1))[2] == {"a": 1}
                break
            except ex.AerospikeError:
                time.sleep(0.05)
        else:
            pytest.fail("the client did not recover after the node came back")
        c.close()
