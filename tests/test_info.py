"""Return shapes of the info methods, as the official 19.x client gives them."""

from __future__ import annotations

import base64
from typing import Any

import aerospike
import pytest
from aerospike import exception as ex
from aerospike.testing import Server

from tests.test_vectors_client import Proxy, frame_type


@pytest.fixture(scope="module")
def cluster() -> Any:
    """A three-node embedded cluster and a client connected to it."""
    with Server(nodes=3) as srv:
        c = aerospike.client(srv.config).connect()
        yield c
        c.close()


@pytest.mark.parametrize(
    ("command", "want"),
    [
        # The echoed request before the first tab is dropped, as in 19.x.
        ("namespaces", "test;bar\n"),
        ("namespaces\nnamespaces", "test;bar\nnamespaces\ttest;bar\n"),
    ],
)
def test_info_all_is_name_to_error_and_response(cluster: Any, command: str, want: str) -> None:
    names = {n["node_name"] for n in cluster.get_node_names()}
    got = cluster.info_all(command)
    assert isinstance(got, dict) and set(got) == names and len(names) == 3
    for value in got.values():
        assert value == (None, want)


@pytest.mark.parametrize(
    "call",
    [
        lambda c, n: c.info_single_node("namespaces", n["node_name"]),
        lambda c, n: c.info_node("namespaces", (n["address"], n["port"])),
        lambda c, n: c.info_random_node("namespaces"),
    ],
    ids=["info_single_node", "info_node", "info_random_node"],
)
def test_single_node_methods_return_the_raw_response(cluster: Any, call: Any) -> None:
    node = cluster.get_node_names()[0]
    assert call(cluster, node) == "namespaces\ttest;bar\n"


def test_info_all_raises_when_a_node_fails() -> None:
    """19.x: "If any of the individual requests fail, this will raise an exception"."""
    with Server(nodes=2) as srv:
        c = aerospike.client(srv.config).connect()
        try:
            srv.stop_node(1)
            with pytest.raises(ex.AerospikeError):
                c.info_all("namespaces", {"timeout": 500})
        finally:
            c.close()


@pytest.mark.parametrize(
    ("config", "app_id"),
    [({}, "not-set"), ({"app_id": "billing"}, "billing")],
    ids=["default", "app_id"],
)
def test_user_agent_sent_once_per_node(config: dict[str, Any], app_id: str) -> None:
    """Build 8.1+: `user-agent-set` once, when the node is found, as the official client."""
    with Server() as srv:
        proxy = Proxy(srv.config["hosts"][0][1])
        try:
            c = aerospike.client({"hosts": [("127.0.0.1", proxy.port)], **config}).connect()
            try:
                c.put(("test", "ua", 1), {"b": 1})  # a pooled command socket too
                assert c.info_all("build")
            finally:
                c.close()
            lines = [
                line
                for f in proxy.since(0)
                if frame_type(f) == 1
                for line in f[8:].decode().split("\n")
            ]
        finally:
            proxy.close()
    sent = [line for line in lines if line.startswith("user-agent-set:value=")]
    assert len(sent) == 1, lines
    value = base64.b64decode(sent[0].split("=", 1)[1]).decode()
    assert value == f"1,aeropy-{aerospike.__version__},{app_id}"
