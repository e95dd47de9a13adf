"""The embedded server's other front doors: the shell command and the pytest fixture."""

from __future__ import annotations

import signal
import subprocess
import sys

import aerospike
import pytest
from aerospike import exception
from aerospike.testing import Server


def test_fixture_is_registered_by_the_plugin(aerospike_server: Server) -> None:
    client = aerospike.client(aerospike_server.config).connect()
    try:
        client.put(("test", "plugin", "k"), {"a": 1})
        assert client.get(("test", "plugin", "k"))[2] == {"a": 1}
    finally:
        client.close()


def test_cli_prints_ready_line_serves_and_stops_on_sigterm() -> None:
    with subprocess.Popen(
        [sys.executable, "-m", "aerospike.testing", "--port", "0", "--nodes", "2"],
        stdout=subprocess.PIPE,
        text=True,
    ) as proc:
        try:
            assert proc.stdout is not None
            line = proc.stdout.readline().strip()
            prefix = "aerospike-embedded ready "
            assert line.startswith(prefix), line
            hosts = []
            for item in line[len(prefix) :].split(","):
                host, port = item.rsplit(":", 1)
                assert host == "127.0.0.1"
                hosts.append((host, int(port)))
            assert len(hosts) == 2
            client = aerospike.client({"hosts": hosts}).connect()
            client.put(("test", "cli", 1), {"x": "y"})
            assert client.get(("test", "cli", 1))[2] == {"x": "y"}
            assert len(client.get_nodes()) == 2
            client.close()
            proc.send_signal(signal.SIGTERM)
            assert proc.wait(timeout=10) == 0
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()


@pytest.mark.parametrize(
    "kwargs,needle",
    [
        ({"nodes": 0}, "nodes"),
        ({"nodes": "2"}, "nodes"),
        ({"port": 70000}, "port"),
        ({"port": -1}, "port"),
        ({"namespaces": ()}, "namespaces"),
        ({"namespaces": "test"}, "namespaces"),
    ],
)
def test_bad_server_arguments_raise_param_error(kwargs: dict, needle: str) -> None:
    with pytest.raises(exception.ParamError) as info:
        Server(**kwargs)
    assert needle in info.value.msg


def test_config_and_hosts_need_a_running_server() -> None:
    srv = Server()
    with pytest.raises(exception.ClientError):
        srv.hosts  # noqa: B018
    with srv:
        assert srv.config == {"hosts": srv.hosts}
    with pytest.raises(exception.ClientError):
        srv.config  # noqa: B018


def test_replication_factor_and_rack_ids_are_advertised() -> None:
    with Server(nodes=3, replication_factor=2, rack_ids=[1, 2, 3]) as srv:
        client = aerospike.client(srv.config).connect()
        try:
            racks = sorted(v for _, v in client.info_all("rack-ids").values())
            assert [r.strip().split(";")[0] for r in racks] == ["test:1", "test:2", "test:3"]
            for _, replicas in client.info_all("replicas").values():
                test_ns = next(p for p in replicas.strip().split(";") if p.startswith("test:"))
                regime, copies, *maps = test_ns.split(":", 1)[1].split(",")
                assert (regime, copies, len(maps)) == ("0", "2", 2)
        finally:
            client.close()


@pytest.mark.parametrize(
    "kwargs,needle",
    [({"replication_factor": 0}, "replication_factor"), ({"rack_ids": [1]}, "rack_ids")],
)
def test_bad_cluster_layout_raises_param_error(kwargs: dict, needle: str) -> None:
    with pytest.raises(exception.ParamError) as info, Server(nodes=2, **kwargs):
        pass
    assert needle in info.value.msg
