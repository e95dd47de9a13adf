"""Users and roles (`admin_*`): against the embedded server (security disabled: result
52, SecurityNotEnabled), and byte for byte against a fake admin endpoint on 127.0.0.1
that checks each type-2 request and answers a canned reply."""

from __future__ import annotations

import socket
import struct
import threading
from collections.abc import Iterator
from typing import Any, Callable

import aerospike
import pytest
from aerospike import exception as ex
from aerospike.testing import Server

from tests.fakes import recv_frame

# protocol.md §10: command ids, field ids.
CREATE_USER, DROP_USER, SET_PASSWORD, CHANGE_PASSWORD, GRANT_ROLES = 1, 2, 3, 4, 5
QUERY_USERS, CREATE_ROLE, SET_QUOTAS, QUERY_ROLES = 9, 10, 15, 16
USER, PASSWORD, OLD_PASSWORD, ROLES, ROLE, PRIVILEGES, WHITELIST = 0, 1, 2, 10, 11, 12, 13
READ_QUOTA, WRITE_QUOTA, READ_INFO, WRITE_INFO, CONNECTIONS = 14, 15, 16, 17, 18
QUERY_END = 50
LOGIN = 20
# bcrypt("admin") with the fixed salt, as crates/protocol admin::hash_password makes it.
ADMIN_HASH = b"$2a$10$7EqJtq98hPqEX7fNZaFWoO1mVO/4MLpGzsqojz6E9Gef6iXDjXdDa"

PRIV = [{"code": aerospike.PRIV_READ, "ns": "test", "set": "demo"}]

CALLS: list[tuple[str, Callable[[Any], Any]]] = [
    ("admin_create_user", lambda c: c.admin_create_user("ann", "pw", ["read"])),
    ("admin_drop_user", lambda c: c.admin_drop_user("ann")),
    ("admin_change_password", lambda c: c.admin_change_password("ann", "pw2")),
    ("admin_set_password", lambda c: c.admin_set_password("ann", "pw2")),
    ("admin_grant_roles", lambda c: c.admin_grant_roles("ann", ["read"])),
    ("admin_revoke_roles", lambda c: c.admin_revoke_roles("ann", ["read"])),
    ("admin_query_user_info", lambda c: c.admin_query_user_info("ann")),
    ("admin_query_users_info", lambda c: c.admin_query_users_info()),
    ("admin_create_role", lambda c: c.admin_create_role("r", PRIV)),
    ("admin_drop_role", lambda c: c.admin_drop_role("r")),
    ("admin_grant_privileges", lambda c: c.admin_grant_privileges("r", PRIV)),
    ("admin_revoke_privileges", lambda c: c.admin_revoke_privileges("r", PRIV)),
    ("admin_query_role", lambda c: c.admin_query_role("r")),
    ("admin_query_roles", lambda c: c.admin_query_roles()),
    ("admin_get_role", lambda c: c.admin_get_role("r")),
    ("admin_get_roles", lambda c: c.admin_get_roles()),
    ("admin_create_pki_user", lambda c: c.admin_create_pki_user("p", ["read"])),
    ("admin_set_whitelist", lambda c: c.admin_set_whitelist("r", ["10.0.0.1"])),
    ("admin_set_quotas", lambda c: c.admin_set_quotas("r", 10, 20)),
]


@pytest.mark.parametrize("call", [c[1] for c in CALLS], ids=[c[0] for c in CALLS])
def test_security_not_enabled_on_embedded_server(client: Any, call: Callable[[Any], Any]) -> None:
    with pytest.raises(ex.SecurityNotEnabled) as e:
        call(client)
    assert e.value.code == 52


BAD: list[tuple[str, Callable[[Any], Any]]] = [
    ("roles not a list", lambda c: c.admin_create_user("a", "b", "read")),
    ("role not a str", lambda c: c.admin_grant_roles("a", [1])),
    ("privilege no code", lambda c: c.admin_create_role("r", [{"ns": "test"}])),
    ("privileges not a list", lambda c: c.admin_grant_privileges("r", {"code": 10})),
    ("quota negative", lambda c: c.admin_set_quotas("r", -1)),
    ("role name too long", lambda c: c.admin_grant_roles("a", ["x" * 256])),
]


@pytest.mark.parametrize("call", [b[1] for b in BAD], ids=[b[0] for b in BAD])
def test_bad_arguments_raise_param_error(client: Any, call: Callable[[Any], Any]) -> None:
    with pytest.raises(ex.ParamError):
        call(client)


# ---------------------------------------------------------------------------------------
# A fake admin endpoint: forwards info/message frames to the embedded server, answers
# admin (type 2) frames itself.


def admin_frame(command: int, fields: list[tuple[int, bytes]], result: int = 0) -> bytes:
    return frame(admin_record(command, fields, result))


def admin_record(command: int, fields: list[tuple[int, bytes]], result: int = 0) -> bytes:
    body = bytes([0, result, command, len(fields)]) + bytes(12)
    for fid, data in fields:
        body += struct.pack(">IB", len(data) + 1, fid) + data
    return body


def frame(body: bytes, msg_type: int = 2) -> bytes:
    return struct.pack(">Q", (2 << 56) | (msg_type << 48) | len(body)) + body


class FakeAdmin:
    def __init__(self, upstream_port: int) -> None:
        self.upstream = ("127.0.0.1", upstream_port)
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.requests: list[bytes] = []
        self.replies: list[list[bytes]] = []  # one list of frames per admin request
        self.lock = threading.Lock()
        self.closed = False
        threading.Thread(target=self.accept_loop, daemon=True).start()

    def accept_loop(self) -> None:
        while not self.closed:
            try:
                conn, _ = self.listener.accept()
            except OSError:
                return
            threading.Thread(target=self.serve, args=(conn,), daemon=True).start()

    def serve(self, conn: socket.socket) -> None:
        up = socket.create_connection(self.upstream)
        try:
            while True:
                req = recv_frame(conn)
                if req[1] == 2 and req[8 + 2] == LOGIN:
                    conn.sendall(admin_frame(0, [], 52))  # security disabled: proceed
                    continue
                if req[1] == 2:
                    with self.lock:
                        self.requests.append(req)
                        reply = self.replies.pop(0) if self.replies else [admin_frame(0, [], 1)]
                    for f in reply:
                        conn.sendall(f)
                    continue
                up.sendall(req)
                conn.sendall(recv_frame(up))
        except (ConnectionError, OSError):
            pass
        finally:
            conn.close()
            up.close()

    def close(self) -> None:
        self.closed = True
        self.listener.close()


@pytest.fixture(scope="module")
def fake() -> Iterator[tuple[FakeAdmin, Any]]:
    with Server() as srv:
        f = FakeAdmin(srv.config["hosts"][0][1])
        c = aerospike.client({"hosts": [("127.0.0.1", f.port)], "tend_interval": 600_000}).connect()
        try:
            yield f, c
        finally:
            c.close()
            f.close()


def exchange(fake: tuple[FakeAdmin, Any], call: Callable[[Any], Any], *reply: bytes) -> Any:
    """Runs `call` with `reply` as the admin endpoint's answer; returns its result and
    the one admin request it sent."""
    f, c = fake
    with f.lock:
        f.requests.clear()
        f.replies = [list(reply)]
    result = call(c)
    with f.lock:
        (req,) = f.requests
    return result, req


OK = admin_frame(0, [])

ENCODING: list[tuple[str, Callable[[Any], Any], bytes]] = [
    (
        "create_user",
        lambda c: c.admin_create_user("ann", "admin", ["read", "read-write"]),
        admin_frame(
            CREATE_USER,
            [(USER, b"ann"), (PASSWORD, ADMIN_HASH), (ROLES, b"\x02\x04read\x0aread-write")],
        ),
    ),
    (
        "grant_roles",
        lambda c: c.admin_grant_roles("ann", ["sys-admin"]),
        admin_frame(GRANT_ROLES, [(USER, b"ann"), (ROLES, b"\x01\x09sys-admin")]),
    ),
    (
        "set_password",
        lambda c: c.admin_set_password("ann", "admin"),
        admin_frame(SET_PASSWORD, [(USER, b"ann"), (PASSWORD, ADMIN_HASH)]),
    ),
    (
        "drop_user",
        lambda c: c.admin_drop_user("ann"),
        admin_frame(DROP_USER, [(USER, b"ann")]),
    ),
    (
        "create_role",
        lambda c: c.admin_create_role("r", PRIV, None, ["10.0.0.1", "10.0.0.2"], 5, 7),
        admin_frame(
            CREATE_ROLE,
            [
                (ROLE, b"r"),
                (PRIVILEGES, b"\x01\x0a\x04test\x04demo"),
                (WHITELIST, b"10.0.0.1,10.0.0.2"),
                (READ_QUOTA, struct.pack(">I", 5)),
                (WRITE_QUOTA, struct.pack(">I", 7)),
            ],
        ),
    ),
    (
        "set_quotas",
        lambda c: c.admin_set_quotas("r", write_quota=9),
        admin_frame(SET_QUOTAS, [(ROLE, b"r"), (WRITE_QUOTA, struct.pack(">I", 9))]),
    ),
]


@pytest.mark.parametrize(("call", "want"), [e[1:] for e in ENCODING], ids=[e[0] for e in ENCODING])
def test_request_bytes(
    fake: tuple[FakeAdmin, Any], call: Callable[[Any], Any], want: bytes
) -> None:
    result, req = exchange(fake, call, OK)
    assert req == want
    assert result == 0


def test_change_password_without_login_sends_no_old_password(
    fake: tuple[FakeAdmin, Any],
) -> None:
    _, req = exchange(fake, lambda c: c.admin_change_password("ann", "admin"), OK)
    assert req == admin_frame(CHANGE_PASSWORD, [(USER, b"ann"), (PASSWORD, ADMIN_HASH)])


def test_change_password_of_logged_in_user_sends_old_hash(
    fake: tuple[FakeAdmin, Any],
) -> None:
    f, _ = fake
    c = aerospike.client({"hosts": [("127.0.0.1", f.port)], "tend_interval": 600_000})
    c.connect("admin", "admin")
    try:
        _, req = exchange((f, c), lambda c: c.admin_change_password("admin", "new pw"), OK)
    finally:
        c.close()
    new_hash = req[-60:]  # bcrypt("new pw"), fixed salt
    assert new_hash.startswith(b"$2a$10$7EqJtq98hPqEX7fNZaFWoO") and new_hash != ADMIN_HASH
    assert req == admin_frame(
        CHANGE_PASSWORD, [(USER, b"admin"), (OLD_PASSWORD, ADMIN_HASH), (PASSWORD, new_hash)]
    )


def test_error_reply_raises_mapped_exception(fake: tuple[FakeAdmin, Any]) -> None:
    with pytest.raises(ex.UserExistsError):
        exchange(fake, lambda c: c.admin_create_user("ann", "x", []), admin_frame(0, [], 61))


def u32s(*vals: int) -> bytes:
    return bytes([len(vals)]) + b"".join(struct.pack(">I", v) for v in vals)


def user_record(name: bytes, roles: bytes, conns: int) -> bytes:
    return admin_record(
        0,
        [
            (USER, name),
            (ROLES, roles),
            (READ_INFO, u32s(1, 2, 3, 4)),
            (WRITE_INFO, u32s(5, 6, 7, 8)),
            (CONNECTIONS, struct.pack(">I", conns)),
        ],
    )


def test_query_users_reply_stream(fake: tuple[FakeAdmin, Any]) -> None:
    first = frame(user_record(b"ann", b"\x02\x04read\x0aread-write", 3))
    # The second message holds a record and the end marker.
    second = frame(user_record(b"bob", b"\x00", 0) + admin_record(0, [], QUERY_END))
    result, req = exchange(fake, lambda c: c.admin_query_users_info(), first, second)
    assert req == admin_frame(QUERY_USERS, [])
    info = {"read_info": [1, 2, 3, 4], "write_info": [5, 6, 7, 8]}
    assert result == {
        "ann": {"roles": ["read", "read-write"], **info, "conns_in_use": 3},
        "bob": {"roles": [], **info, "conns_in_use": 0},
    }


def test_query_one_user(fake: tuple[FakeAdmin, Any]) -> None:
    reply = frame(user_record(b"ann", b"\x01\x04read", 1) + admin_record(0, [], QUERY_END))
    result, req = exchange(fake, lambda c: c.admin_query_user_info("ann"), reply)
    assert req == admin_frame(QUERY_USERS, [(USER, b"ann")])
    assert result["roles"] == ["read"] and result["conns_in_use"] == 1


def test_query_missing_user(fake: tuple[FakeAdmin, Any]) -> None:
    with pytest.raises(ex.InvalidUser):
        exchange(fake, lambda c: c.admin_query_user_info("zed"), admin_frame(0, [], 60))


def test_query_roles_reply_stream(fake: tuple[FakeAdmin, Any]) -> None:
    role = admin_record(
        0,
        [
            (ROLE, b"r"),
            (PRIVILEGES, b"\x02\x00\x0b\x04test\x00"),
            (WHITELIST, b",10.0.0.1,10.0.0.2"),
            (READ_QUOTA, struct.pack(">I", 5)),
            (WRITE_QUOTA, struct.pack(">I", 7)),
        ],
    )
    reply = frame(role + admin_record(0, [], QUERY_END))
    privileges = [
        {"code": aerospike.PRIV_USER_ADMIN, "ns": "", "set": ""},
        {"code": aerospike.PRIV_READ_WRITE, "ns": "test", "set": ""},
    ]
    result, req = exchange(fake, lambda c: c.admin_get_roles(), reply)
    assert req == admin_frame(QUERY_ROLES, [])
    assert result == {
        "r": {
            "privileges": privileges,
            "whitelist": ["10.0.0.1", "10.0.0.2"],
            "read_quota": 5,
            "write_quota": 7,
        }
    }
    # admin_query_roles: the privileges only, as today's client.
    result, req = exchange(fake, lambda c: c.admin_query_roles(), reply)
    assert req == admin_frame(QUERY_ROLES, [])
    assert result == {"r": privileges}


def test_truncated_reply_is_an_error_not_a_crash(fake: tuple[FakeAdmin, Any]) -> None:
    bad = frame(admin_record(0, [(USER, b"ann")])[:-2])
    with pytest.raises(ex.AerospikeError):
        exchange(fake, lambda c: c.admin_query_users_info({"total_timeout": 500}), bad)
