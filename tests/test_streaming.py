"""Scan and query `foreach` stream: the callback runs as records arrive, and returning
False stops reading (the node's socket is closed, not pooled) and returns."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any, Callable

import aerospike
import pytest
from aerospike import exception as ex
from aerospike import predicates
from aerospike.testing import Server

N = 2000
SET = "stream"


@pytest.fixture(scope="module")
def cluster() -> Iterator[Server]:
    """Three nodes holding N records in `test.stream`, with an index on bin `n`."""
    with Server(nodes=3) as srv:
        c = aerospike.client(srv.config).connect()
        for i in range(N):
            c.put(("test", SET, i), {"n": i})
        c.index_integer_create("test", SET, "n", "stream_n")
        c.close()
        yield srv


def _scan(c: Any) -> Any:
    return c.scan("test", SET)


def _query(c: Any) -> Any:
    q = c.query("test", SET)
    q.where(predicates.between("n", 0, N))
    return q


KINDS = pytest.mark.parametrize("make", [_scan, _query], ids=["scan", "query"])


@pytest.fixture
def fresh(cluster: Server) -> Iterator[Any]:
    """A new client: no pooled socket yet on any node."""
    c = aerospike.client(cluster.config).connect()
    yield c
    c.close()


def _stats(srv: Server, what: str) -> list[int]:
    return [srv.node_stats(i)[what] for i in range(3)]


@KINDS
def test_stop_after_ten_closes_the_socket(
    cluster: Server, fresh: Any, make: Callable[[Any], Any]
) -> None:
    calls: list[Any] = []

    def cb(rec: Any) -> bool:
        calls.append(rec)
        return len(calls) < 10

    requests = _stats(cluster, "requests")
    start = time.monotonic()
    assert make(fresh).foreach(cb) is None
    assert time.monotonic() - start < 5
    assert len(calls) == 10
    key, meta, bins = calls[0]
    assert key[0] == "test" and meta["gen"] == 1 and set(bins) == {"n"}
    # Streamed: the callback stopped the scan on the first node, no other node was asked.
    asked = [b - a for a, b in zip(requests, _stats(cluster, "requests"))]
    assert sorted(asked) == [0, 0, 1]
    # The stopped socket was closed: every node opens a new one for the next command
    # (a pooled half-read socket would be reused and its stale replies misread).
    conns = _stats(cluster, "connections")
    assert len(make(fresh).results()) == N
    assert [b - a for a, b in zip(conns, _stats(cluster, "connections"))] == [1, 1, 1]
    assert fresh.get(("test", SET, 7))[2] == {"n": 7}


@KINDS
@pytest.mark.parametrize(
    ("returns", "want"),
    [(True, N), (None, N), (0, N), (False, 1)],
    ids=["True", "None", "zero", "False"],
)
def test_only_false_stops(fresh: Any, make: Callable[[Any], Any], returns: Any, want: int) -> None:
    calls = []

    def cb(rec: Any) -> Any:
        calls.append(rec[2]["n"])
        return returns

    make(fresh).foreach(cb)
    assert len(calls) == want
    if want == N:
        assert sorted(calls) == list(range(N))


@KINDS
def test_callback_error_propagates_and_client_still_works(
    fresh: Any, make: Callable[[Any], Any]
) -> None:
    def cb(rec: Any) -> bool:
        raise ValueError("stop here")

    with pytest.raises(ValueError, match="stop here"):
        make(fresh).foreach(cb)
    assert len(make(fresh).results()) == N


def test_server_error_still_raises(fresh: Any) -> None:
    with pytest.raises(ex.AerospikeError):
        fresh.scan("no_such_ns", SET).foreach(lambda rec: True)
