"""Bad input of every kind raises ParamError naming the problem, never a crash."""

from __future__ import annotations

from typing import Any

import aerospike
import pytest
from aerospike import exception as ex

BAD_KEYS = [
    (None, "key must be a tuple"),
    ("test", "key must be a tuple"),
    (["test", "demo", 1], "key must be a tuple"),
    (("test", "demo"), "3 or 4 elements"),
    (("test", "demo", 1, None, 5), "3 or 4 elements"),
    ((1, "demo", 1), "namespace"),
    (("test", 1, 1), "set"),
    (("test", "demo", 1.5), "primary key"),
    (("test", "demo", [1]), "primary key"),
    (("test", "demo", True), "primary key"),
    (("test", "demo", None), "primary key or a digest"),
    (("test", "demo", None, b"short"), "20 bytes"),
    (("test", "demo", None, "x" * 20), "digest"),
    (("test", "demo", 2**64), "64-bit"),
    (("", "demo", 1), "namespace"),
    (("n" * 40, "demo", 1), "namespace"),
    (("test", "s" * 70, 1), "set"),
]


@pytest.mark.parametrize(("key", "words"), BAD_KEYS, ids=repr)
def test_bad_keys(client: Any, key: Any, words: str) -> None:
    for call in (
        lambda: client.get(key),
        lambda: client.put(key, {"a": 1}),
        lambda: client.exists(key),
        lambda: client.remove(key),
    ):
        with pytest.raises(ex.ParamError) as info:
            call()
        assert words in info.value.msg


@pytest.mark.parametrize(
    ("bins", "words"),
    [
        ({"a" * 16: 1}, "bin name too long"),
        ({1: 1}, "bin name must be a str"),
        ([("a", 1)], "bins must be a dict"),
        ({}, "must not be empty"),
        ("a", "bins must be a dict"),
        ({"a": 2**64}, "out of range"),
        ({"a": [2**70]}, "out of range"),
    ],
    ids=repr,
)
def test_bad_bins(client: Any, make_key: Any, bins: Any, words: str) -> None:
    with pytest.raises(ex.ParamError) as info:
        client.put(make_key(1), bins)
    assert words in info.value.msg


@pytest.mark.parametrize(
    ("meta", "words"),
    [
        ("x", "meta must be a dict"),
        ({"ttl": "x"}, "ttl"),
        ({"gen": "x"}, "gen"),
        ({"ttl": 2**40}, "ttl"),
        ({"bogus": 1}, "bogus"),
    ],
    ids=repr,
)
def test_bad_meta(client: Any, make_key: Any, meta: Any, words: str) -> None:
    with pytest.raises(ex.ParamError) as info:
        client.put(make_key(1), {"a": 1}, meta=meta)
    assert words in info.value.msg


@pytest.mark.parametrize(
    ("policy", "words"),
    [
        ("x", "policy must be a dict"),
        ({"total_timeout": "x"}, "total_timeout"),
        ({"timeout": -1}, "timeout"),
        ({"key": 7}, "key"),
        ({"exists": 99}, "exists"),
        ({"gen": "eq"}, "gen"),
        ({"replica": 42}, "replica"),
        ({"max_retries": 1.5}, "max_retries"),
        ({"durable_delete": "yes"}, "durable_delete"),
    ],
    ids=repr,
)
def test_bad_policies(client: Any, make_key: Any, policy: Any, words: str) -> None:
    with pytest.raises(ex.ParamError) as info:
        client.put(make_key(1), {"a": 1}, policy=policy)
    assert words in info.value.msg
    with pytest.raises(ex.ParamError):
        client.get(make_key(1), policy=policy)


@pytest.mark.parametrize(
    ("call", "words"),
    [
        (lambda c, k: c.select(k, "a"), "list of bin names"),
        (lambda c, k: c.select(k, ["a" * 16]), "bin name too long"),
        (lambda c, k: c.remove_bin(k, "a"), "list"),
        (lambda c, k: c.append(k, "a", 1), "str or bytes"),
        (lambda c, k: c.increment(k, "a", "1"), "int or float"),
        (lambda c, k: c.increment(k, "a", True), "int or float"),
        (lambda c, k: c.touch(k, "x"), "touch"),
        (lambda c, k: c.operate(k, "x"), "list of dicts"),
        (lambda c, k: c.operate(k, []), "must not be empty"),
        (lambda c, k: c.operate(k, [{"bin": "a"}]), 'no "op"'),
        (lambda c, k: c.operate(k, [{"op": 12345, "bin": "a"}]), "unsupported operation"),
        (lambda c, k: c.operate(k, [{"op": aerospike.OPERATOR_WRITE, "bin": "a"}]), "val"),
        (lambda c, k: c.operate(k, ["x"]), "dict"),
        (lambda c, k: c.put(k, {"a": 1}, serializer="x"), "serializer"),
        (lambda c, k: c.info_node("x", "nothost"), "host"),
    ],
)
def test_bad_arguments(client: Any, make_key: Any, call: Any, words: str) -> None:
    with pytest.raises(ex.ParamError) as info:
        call(client, make_key(1))
    assert words in info.value.msg


def test_oversize_value_is_refused(client: Any, make_key: Any) -> None:
    # Over the protocol's 128 MiB frame limit: refused before sending.
    with pytest.raises(ex.ParamError) as info:
        client.put(make_key("big"), {"a": b"x" * (130 * 1024 * 1024)})
    assert "too big" in info.value.msg
    # Over the server's record size: the server's error, the client stays usable.
    with pytest.raises(ex.RecordTooBig):
        client.put(make_key("big"), {"a": b"x" * (2 * 1024 * 1024)})
    client.put(make_key("small"), {"a": 1})


def test_unknown_namespace(client: Any) -> None:
    with pytest.raises(ex.NamespaceNotFound):
        client.get(("nosuchns", "demo", 1))


@pytest.mark.parametrize(
    "value",
    [float("nan"), "\ud800"],
    ids=["nan", "lone-surrogate"],
)
def test_odd_values_never_crash(client: Any, make_key: Any, value: Any) -> None:
    try:
        client.put(make_key("odd"), {"a": value})
    except ex.AerospikeError:
        pass


class _SilentServer:
    """Answers the tend info commands like a one-node cluster; record commands get
    ``reply(body)`` (``None``: no answer at all)."""

    def __init__(self, reply: Any = None) -> None:
        self.reply = reply
        import base64
        import socket
        import threading

        self.replicas = "test:0,1," + base64.b64encode(b"\xff" * 512).decode()
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]
        self.stop = threading.Event()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        import threading

        self.sock.settimeout(0.2)
        while not self.stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn: Any) -> None:
        import struct

        answers = {
            "node": "SILENT1",
            "build": "8.1.0.0",
            "cluster-name": "silent",
            "partition-generation": "1",
            "rebalance-generation": "1",
            "peers-generation": "1",
            "peers-clear-std": "1,3000,[]",
            "replicas": self.replicas,
        }
        with conn:
            while not self.stop.is_set():
                try:
                    header = conn.recv(8, 0x100)  # MSG_WAITALL
                    if len(header) < 8:
                        return
                    size = struct.unpack(">Q", header)[0] & 0xFFFFFFFFFFFF
                    body = conn.recv(size, 0x100) if size else b""
                except OSError:
                    return
                if header[1] != 1:
                    answer = self.reply(body) if self.reply else None
                    if answer is not None:
                        conn.sendall(answer)
                    continue
                lines = [cmd for cmd in body.decode().split("\n") if cmd]
                reply = "".join(f"{cmd}\t{answers.get(cmd, '')}\n" for cmd in lines).encode()
                conn.sendall(struct.pack(">Q", (2 << 56) | (1 << 48) | len(reply)) + reply)

    def close(self) -> None:
        self.stop.set()
        self.sock.close()


def test_no_reply_is_a_timeout_not_a_hang() -> None:
    import time

    srv = _SilentServer()
    try:
        c = aerospike.client({"hosts": [("127.0.0.1", srv.port)]}).connect()
        start = time.monotonic()
        with pytest.raises(ex.TimeoutError):
            c.get(("test", "s", 1), policy={"total_timeout": 300, "max_retries": 1})
        assert time.monotonic() - start < 2
        with pytest.raises(ex.TimeoutError) as info:
            c.put(("test", "s", 1), {"a": 1}, policy={"total_timeout": 200})
        assert info.value.in_doubt is True
        c.close()
    finally:
        srv.close()


def test_pool_limit_gives_no_more_connections(config: dict[str, Any]) -> None:
    import threading

    c = aerospike.client({**config, "max_conns_per_node": 1}).connect()
    outcomes: list[str] = []

    def work() -> None:
        for i in range(100):
            try:
                c.put(("test", "pool", i), {"a": i}, policy={"max_retries": 0})
                outcomes.append("ok")
            except ex.NoMoreConnectionsError:
                outcomes.append("limit")

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    c.close()
    assert len(outcomes) == 400
    assert "ok" in outcomes


def _garbage_replies() -> list[bytes]:
    import random
    import struct

    rng = random.Random(7)
    frames = []
    for n in range(60):
        body = bytes(rng.randrange(256) for _ in range(rng.randrange(0, 80)))
        if n % 3 == 0:  # a plausible AS_MSG header with nonsense counts and ops
            body = bytes([22, 0, 0, 0, 0, 0]) + body[:16].ljust(16, b"\xff") + body
        frames.append(struct.pack(">Q", (2 << 56) | (3 << 48) | len(body)) + body)
    frames.append(struct.pack(">Q", (7 << 56) | (3 << 48) | 4) + b"abcd")  # bad version
    frames.append(struct.pack(">Q", (2 << 56) | (3 << 48) | (1 << 40)))  # absurd length
    return frames


def test_garbage_replies_raise_never_crash() -> None:
    frames = iter(_garbage_replies())
    srv = _SilentServer(reply=lambda _body: next(frames, b""))
    try:
        c = aerospike.client({"hosts": [("127.0.0.1", srv.port)]}).connect()
        for _ in range(62):
            try:
                c.get(("test", "s", 1), policy={"total_timeout": 200, "max_retries": 0})
            except ex.AerospikeError:
                pass
        c.close()
    finally:
        srv.close()
