"""Policy and config options that change what goes on the wire or how the pools behave:
compression (requests and replies), strong-consistency read modes, read-touch TTL
percent, min_conns_per_node, max_error_rate. Checked on the bytes, through a recording
proxy on 127.0.0.1 in front of the embedded server."""

from __future__ import annotations

import socket
import struct
import threading
import time
import zlib
from collections.abc import Iterator
from typing import Any

import aerospike
import pytest
from aerospike import exception as ex
from aerospike.testing import Server
from aerospike_helpers.operations import operations as ops

from tests.fakes import Endpoint, recv_frame, shutdown
from tests.test_bad_input import _SilentServer
from tests.test_vectors_client import parse_batch, parse_msg

BIG = "x" * 1000  # a put of this is well over the 128-byte compression threshold


class Relay(Endpoint):
    """Relays to the embedded server, records every request frame (type-4 ones
    inflated, with a flag), and can compress every message reply as an Enterprise
    server does when asked."""

    def __init__(self, upstream: int, compress_replies: bool = False) -> None:
        self.upstream = ("127.0.0.1", upstream)
        self.compress_replies = compress_replies
        self.requests: list[tuple[bool, bytes]] = []  # (was compressed, plain frame)
        self.connections = 0
        super().__init__()

    def accepted(self, conn: socket.socket) -> None:
        with self.lock:
            self.connections += 1

    def serve(self, conn: socket.socket) -> None:
        up = socket.create_connection(self.upstream)
        replies = threading.Thread(target=self.pump, args=(up, conn, False), daemon=True)
        replies.start()
        self.pump(conn, up, True)
        replies.join(timeout=5)
        conn.close()
        up.close()

    def pump(self, src: socket.socket, dst: socket.socket, requests: bool) -> None:
        """Frame by frame: requests recorded (type 4 inflated) and passed on as they are;
        message replies compressed when asked."""
        try:
            while True:
                frame = recv_frame(src)
                if requests:
                    plain = frame
                    if frame[1] == 4:
                        plain = zlib.decompress(frame[16:])
                        assert len(plain) == struct.unpack_from(">Q", frame, 8)[0]
                    with self.lock:
                        self.requests.append((frame[1] == 4, plain))
                elif self.compress_replies and frame[1] == 3:
                    body = struct.pack(">Q", len(frame)) + zlib.compress(frame)
                    frame = struct.pack(">Q", (2 << 56) | (4 << 48) | len(body)) + body
                dst.sendall(frame)
        except (ConnectionError, OSError):
            pass
        finally:
            shutdown(src, dst)

    def msgs(self) -> list[tuple[bool, Any]]:
        with self.lock:
            return [(c, parse_msg(f[8:])) for c, f in self.requests if f[1] == 3]

    def clear(self) -> None:
        with self.lock:
            self.requests.clear()


@pytest.fixture(scope="module")
def srv() -> Iterator[Server]:
    with Server() as s:
        yield s


@pytest.fixture()
def relay(srv: Server) -> Iterator[Relay]:
    r = Relay(srv.hosts[0][1])
    yield r
    r.close()


def client_via(relay: Relay, **config: Any) -> Any:
    return aerospike.client({"hosts": [("127.0.0.1", relay.port)], **config}).connect()


@pytest.mark.parametrize(
    ("config", "policy", "value", "want"),
    [
        ({}, {"compress": True}, BIG, True),
        ({}, {"compress": True}, "small", False),  # under 128 bytes: sent as is
        ({}, {}, BIG, False),
        ({}, {"compress": True, "compression_threshold": 5000}, BIG, False),
        ({}, {"compression_threshold": 100}, BIG, True),  # a threshold alone compresses
        ({"compression_threshold": 5000}, {"compress": True}, BIG, False),
        # The config-level threshold (deprecated in today's client) compresses writes.
        ({"compression_threshold": 100}, {}, BIG, True),
        ({"compression_threshold": 5000}, {}, BIG, False),
    ],
)
def test_request_compression(
    relay: Relay, config: dict[str, Any], policy: dict[str, Any], value: str, want: bool
) -> None:
    c = client_via(relay, **config)
    try:
        relay.clear()
        c.put(("test", "z", 1), {"v": value}, policy=policy)
        assert c.get(("test", "z", 1))[2] == {"v": value}
    finally:
        c.close()
    (compressed, put), _get = relay.msgs()
    assert compressed is want
    # A compressed request asks for a compressed reply (info1 COMPRESS_RESPONSE).
    assert bool(put.info[0] & 0x80) is want


def test_compressed_replies_are_read(srv: Server) -> None:
    r = Relay(srv.hosts[0][1], compress_replies=True)
    try:
        c = client_via(r)
        try:
            for i in range(20):
                c.put(("test", "zr", i), {"i": i, "s": BIG})
            assert c.get(("test", "zr", 3))[2] == {"i": 3, "s": BIG}
            keys = [("test", "zr", i) for i in range(20)]
            assert [rec[2]["i"] for rec in c.get_many(keys)] == list(range(20))
            assert sorted(rec[2]["i"] for rec in c.scan("test", "zr").results()) == list(range(20))
        finally:
            c.close()
    finally:
        r.close()


@pytest.mark.parametrize(("mode", "bits"), [(0, 0x00), (1, 0x40), (2, 0x80), (3, 0xC0)])
def test_read_mode_sc_bits(relay: Relay, mode: int, bits: int) -> None:
    c = client_via(relay)
    try:
        c.put(("test", "sc", 1), {"a": 1})
        relay.clear()
        c.get(("test", "sc", 1), policy={"read_mode_sc": mode})
        c.get_many([("test", "sc", 1)], policy={"read_mode_sc": mode})
        c.operate(("test", "sc", 1), [ops.read("a")], policy={"read_mode_sc": mode})
    finally:
        c.close()
    (_, get), (_, batch), (_, operate) = relay.msgs()
    assert get.info[2] & 0xC0 == bits
    assert batch.info[2] & 0xC0 == bits
    assert operate.info[2] & 0xC0 == bits
    # The batch row carries its own flags (they replace the parent's): bits there too.
    assert parse_batch(batch.field(41))[1][0].get("info3", 0) & 0xC0 == bits


@pytest.mark.parametrize(("percent", "ttl"), [(0, 0), (80, 80), (-1, 0xFFFFFFFF)])
def test_read_touch_ttl_percent(relay: Relay, percent: int, ttl: int) -> None:
    c = client_via(relay)
    try:
        c.put(("test", "rt", 1), {"a": 1})
        relay.clear()
        policy = {"read_touch_ttl_percent": percent}
        assert c.get(("test", "rt", 1), policy=policy)[2] == {"a": 1}
        c.get_many([("test", "rt", 1)], policy=policy)
    finally:
        c.close()
    (_, get), (_, batch) = relay.msgs()
    assert get.record_ttl == ttl
    assert parse_batch(batch.field(41))[1][0].get("record_ttl", 0) == ttl


@pytest.mark.parametrize(
    ("policy", "message"),
    [
        ({"read_mode_sc": 4}, "read_mode_sc"),
        ({"read_touch_ttl_percent": 101}, "read_touch_ttl_percent"),
        ({"compress": "yes"}, "compress"),
        ({"compression_threshold": -1}, "compression_threshold"),
    ],
)
def test_bad_options(srv: Server, policy: dict[str, Any], message: str) -> None:
    c = aerospike.client(srv.config).connect()
    try:
        with pytest.raises(ex.ParamError, match=message):
            c.get(("test", "x", 1), policy=policy)
    finally:
        c.close()


def test_min_conns_per_node_opens_the_pool_early(srv: Server) -> None:
    counts = []
    for n in (0, 4):
        r = Relay(srv.hosts[0][1])
        try:
            c = client_via(r, min_conns_per_node=n)
            time.sleep(0.3)  # let the relay accept what connect() opened
            with r.lock:
                counts.append(r.connections)
            c.close()
        finally:
            r.close()
    # Tending's own connections vary by one or so between runs; the pool's four do not.
    assert 4 <= counts[1] - counts[0] <= 5, counts


def test_max_error_rate_refuses_a_failing_node() -> None:
    srv = _SilentServer()  # answers tending, never a record command
    try:
        cfg = {
            "hosts": [("127.0.0.1", srv.port)],
            "max_error_rate": 2,
            "tend_interval": 600_000,  # no new error window during the test
        }
        c = aerospike.client(cfg).connect()
        policy = {"total_timeout": 100, "socket_timeout": 100, "max_retries": 0}
        for _ in range(3):
            with pytest.raises(ex.TimeoutError):
                c.get(("test", "e", 1), policy=policy)
        with pytest.raises(ex.MaxErrorRateExceeded) as e:
            c.get(("test", "e", 1), policy=policy)
        assert e.value.code == -14
        c.close()
    finally:
        srv.close()
