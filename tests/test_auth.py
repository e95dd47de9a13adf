"""Login and session tokens, against a fake secured endpoint on 127.0.0.1 in front of
the embedded server (which runs without security): LOGIN answers a session token, each
further socket of a node authenticates with it (AUTHENTICATE), an expired token leads
to a new LOGIN, and nothing but admin messages passes before a socket is authenticated."""

from __future__ import annotations

import socket
import struct
from collections.abc import Iterator
from typing import Any

import aerospike
import pytest
from aerospike import exception as ex
from aerospike.testing import Server

from tests.fakes import Endpoint, recv_frame, shutdown

AUTHENTICATE, LOGIN = 0, 20
USER, CREDENTIAL, SESSION_TOKEN, SESSION_TTL = 0, 3, 5, 6
# bcrypt("admin") with the fixed salt every client uses.
ADMIN_HASH = b"$2a$10$7EqJtq98hPqEX7fNZaFWoO1mVO/4MLpGzsqojz6E9Gef6iXDjXdDa"
INVALID_CREDENTIAL, EXPIRED_SESSION = 65, 66


def admin_reply(result: int, fields: list[tuple[int, bytes]] = ()) -> bytes:  # type: ignore[assignment]
    body = bytes([0, result, 0, len(fields)]) + bytes(12)
    for fid, data in fields:
        body += struct.pack(">IB", len(data) + 1, fid) + data
    return struct.pack(">Q", (2 << 56) | (2 << 48) | len(body)) + body


def admin_fields(body: bytes) -> tuple[int, dict[int, bytes]]:
    command, n = body[2], body[3]
    pos, out = 16, {}
    for _ in range(n):
        size, fid = struct.unpack_from(">IB", body, pos)
        out[fid] = body[pos + 5 : pos + 4 + size]
        pos += 4 + size
    return command, out


class SecureFake(Endpoint):
    """Checks credentials and tokens, then relays to the embedded server. Records, per
    connection, how it authenticated and whether it carried record commands."""

    def __init__(self, upstream_port: int) -> None:
        self.upstream = ("127.0.0.1", upstream_port)
        self.token = b"token-1"
        self.conns: list[dict[str, Any]] = []
        self.socks: list[socket.socket] = []
        self.states: dict[socket.socket, dict[str, Any]] = {}
        super().__init__()

    def accepted(self, conn: socket.socket) -> None:
        state: dict[str, Any] = {"auth": [], "msgs": 0, "refused": 0}
        with self.lock:
            self.conns.append(state)
            self.socks.append(conn)
            self.states[conn] = state

    def serve(self, conn: socket.socket) -> None:
        with self.lock:
            state = self.states[conn]
        up = socket.create_connection(self.upstream)
        authed = False
        try:
            while True:
                frame = recv_frame(conn)
                head, body = frame[:8], frame[8:]
                if head[1] == 2:
                    command, fields = admin_fields(body)
                    with self.lock:
                        token = self.token
                    if command == LOGIN:
                        ok = fields.get(USER) == b"admin" and fields.get(CREDENTIAL) == ADMIN_HASH
                        state["auth"].append(("login", ok))
                        if ok:
                            authed = True
                            reply = [
                                (SESSION_TOKEN, token),
                                (SESSION_TTL, struct.pack(">I", 86400)),
                            ]
                            conn.sendall(admin_reply(0, reply))
                        else:
                            conn.sendall(admin_reply(INVALID_CREDENTIAL))
                    elif command == AUTHENTICATE:
                        ok = fields.get(SESSION_TOKEN) == token
                        state["auth"].append(("token", fields.get(SESSION_TOKEN), ok))
                        authed = authed or ok
                        conn.sendall(admin_reply(0 if ok else EXPIRED_SESSION))
                    else:
                        conn.sendall(admin_reply(52))
                    continue
                if not authed:
                    state["refused"] += 1
                    return  # a real server drops an unauthenticated socket
                if head[1] == 3:
                    state["msgs"] += 1
                up.sendall(head + body)
                conn.sendall(recv_frame(up))
        except (ConnectionError, OSError):
            pass
        finally:
            conn.close()
            up.close()

    def rotate_and_drop(self) -> None:
        """A new token (the old one now expired) and every open connection dropped."""
        with self.lock:
            self.token = b"token-2"
            socks, self.socks = self.socks, []
        shutdown(*socks)

    def record_conns(self) -> list[dict[str, Any]]:
        with self.lock:
            return [dict(c) for c in self.conns if c["msgs"]]


@pytest.fixture()
def fake() -> Iterator[SecureFake]:
    with Server() as srv:
        f = SecureFake(srv.hosts[0][1])
        yield f
        f.close()


def test_sockets_after_the_first_use_the_session_token(fake: SecureFake) -> None:
    c = aerospike.client({"hosts": [("127.0.0.1", fake.port)]}).connect("admin", "admin")
    try:
        for i in range(5):
            c.put(("test", "auth", i), {"i": i})
        got: list[Any] = []
        # A get inside a scan callback needs a second socket while the scan holds one.
        c.scan("test", "auth").foreach(
            lambda rec: got.append(c.get(("test", "auth", rec[2]["i"]))[2]) or None
        )
        assert sorted(g["i"] for g in got) == list(range(5))
    finally:
        c.close()
    conns = fake.record_conns()
    assert len(conns) >= 2, conns
    assert all(conn["refused"] == 0 for conn in fake.conns)
    methods = [conn["auth"] for conn in conns]
    assert [("login", True)] in methods, methods
    assert [("token", b"token-1", True)] in methods, methods


def test_expired_session_logs_in_again(fake: SecureFake) -> None:
    c = aerospike.client({"hosts": [("127.0.0.1", fake.port)]}).connect("admin", "admin")
    try:
        c.put(("test", "auth", "x"), {"a": 1})
        fake.rotate_and_drop()
        # The pooled socket is gone; a new one tries the old token, then LOGIN.
        assert c.get(("test", "auth", "x"), policy={"max_retries": 3})[2] == {"a": 1}
    finally:
        c.close()
    with fake.lock:
        methods = [conn["auth"] for conn in fake.conns]
    # The refused token's socket is given up (as other clients do); a new one logs in
    # and carries the get.
    refused = methods.index([("token", b"token-1", False)])
    assert [("login", True)] in methods[refused + 1 :], methods
    assert [("token", b"token-2", True)] not in methods[: refused + 1], methods


def test_wrong_password_fails_connect(fake: SecureFake) -> None:
    c = aerospike.client({"hosts": [("127.0.0.1", fake.port)]})
    with pytest.raises(ex.AerospikeError) as e:
        c.connect("admin", "wrong")
    assert not c.is_connected()
    assert "credential" in str(e.value).lower() or e.value.code == INVALID_CREDENTIAL, e.value
