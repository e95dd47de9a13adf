"""The embedded server with security on (``Server(security=True)``), driven by this
client: login with session tokens, users and roles through the ``admin_*`` methods,
and privileges enforced on every command, with the real server's result codes."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import aerospike
import pytest
from aerospike import exception as ex
from aerospike.testing import Server
from aerospike_helpers.batch import records as br
from aerospike_helpers.operations import operations as ops


@pytest.fixture(scope="module")
def srv() -> Iterator[Server]:
    with Server(nodes=2, security=True) as s:
        admin = aerospike.client(s.config).connect()
        try:
            admin.admin_create_user("rw", "rw-pw", ["read-write"])
            admin.admin_create_user("ro", "ro-pw", ["read"])
            admin.admin_create_role(
                "demo-reader", [{"code": aerospike.PRIV_READ, "ns": "test", "set": "demo"}]
            )
            admin.admin_create_user("scoped", "sc-pw", ["demo-reader"])
            admin.admin_create_user("udf", "udf-pw", ["read-write-udf"])
        finally:
            admin.close()
        yield s


def connect(srv: Server, user: str, password: str) -> Any:
    return aerospike.client({"hosts": srv.hosts}).connect(user, password)


@pytest.fixture(scope="module")
def admin(srv: Server) -> Iterator[Any]:
    c = aerospike.client(srv.config).connect()
    yield c
    c.close()


@pytest.fixture(scope="module")
def rw(srv: Server) -> Iterator[Any]:
    c = connect(srv, "rw", "rw-pw")
    for i in range(10):
        c.put(("test", "demo", i), {"i": i})
        c.put(("test", "other", i), {"i": i})
    yield c
    c.close()


KEY = ("test", "demo", 1)
OTHER = ("test", "other", 1)

# (user, password, call, expected exception or None)
CASES: list[tuple[str, str, str, Any]] = [
    ("rw", "rw-pw", "put", None),
    ("rw", "rw-pw", "get", None),
    ("rw", "rw-pw", "batch", None),
    ("rw", "rw-pw", "scan", None),
    ("ro", "ro-pw", "get", None),
    ("ro", "ro-pw", "batch", None),
    ("ro", "ro-pw", "scan", None),
    ("ro", "ro-pw", "put", ex.RoleViolation),
    ("ro", "ro-pw", "remove", ex.RoleViolation),
    ("scoped", "sc-pw", "get", None),
    ("scoped", "sc-pw", "get other set", ex.RoleViolation),
    ("scoped", "sc-pw", "put", ex.RoleViolation),
    ("admin", "admin", "get", ex.RoleViolation),  # user-admin only, as a real server
    ("udf", "udf-pw", "put", None),
    ("rw", "rw-pw", "batch write", None),
]

CALLS = {
    "put": lambda c: c.put(KEY, {"i": 1}),
    "get": lambda c: c.get(KEY)[2],
    "get other set": lambda c: c.get(OTHER)[2],
    "remove": lambda c: c.remove(("test", "demo", 9)),
    "batch": lambda c: [r[2] for r in c.get_many([KEY, ("test", "demo", 2)])],
    "scan": lambda c: len(c.scan("test", "demo").results()),
    # A batch of writes: each row needs the write privilege (row result 81).
    "batch write": lambda c: [
        r.result
        for r in c.batch_write(br.BatchRecords([br.Write(KEY, [ops.write("b", 1)])])).batch_records
    ],
}


@pytest.fixture(scope="module")
def clients(srv: Server, rw: Any) -> Iterator[dict[str, Any]]:
    """One connected client per user (a login hashes the password: slow-ish)."""
    users = {user: password for user, password, _, _ in CASES}
    out = {user: connect(srv, user, password) for user, password in users.items()}
    yield out
    for c in out.values():
        c.close()


@pytest.mark.parametrize(("user", "password", "call", "error"), CASES)
def test_privileges(
    clients: dict[str, Any], user: str, password: str, call: str, error: Any
) -> None:
    c = clients[user]
    if error is None:
        assert CALLS[call](c) is not None
    else:
        with pytest.raises(error) as e:
            CALLS[call](c)
        assert e.value.code == 81


def test_batch_write_rows_need_the_write_privilege(clients: dict[str, Any]) -> None:
    got = clients["ro"].batch_write(br.BatchRecords([br.Write(KEY, [ops.write("b", 2)])]))
    assert [r.result for r in got.batch_records] == [81]
    assert clients["rw"].get(KEY)[2].get("b") != 2


def test_wrong_password_and_unknown_user_fail_connect(srv: Server) -> None:
    for user, password in [("rw", "nope"), ("nobody", "x")]:
        c = aerospike.client({"hosts": srv.hosts})
        with pytest.raises(ex.AerospikeError):
            c.connect(user, password)
        assert not c.is_connected()


def test_no_credentials_fail_connect(srv: Server) -> None:
    with pytest.raises(ex.AerospikeError):
        aerospike.client({"hosts": srv.hosts}).connect()


def test_users_and_roles_round_trip(admin: Any) -> None:
    admin.admin_create_user("ann", "pw", ["read"])
    try:
        info = admin.admin_query_user_info("ann")
        assert info["roles"] == ["read"]
        admin.admin_grant_roles("ann", ["read-write"])
        assert sorted(admin.admin_query_user_info("ann")["roles"]) == ["read", "read-write"]
        admin.admin_revoke_roles("ann", ["read"])
        assert admin.admin_query_user_info("ann")["roles"] == ["read-write"]
        assert "ann" in admin.admin_query_users_info()
        with pytest.raises(ex.UserExistsError):
            admin.admin_create_user("ann", "pw", ["read"])
        with pytest.raises(ex.InvalidRole):
            admin.admin_grant_roles("ann", ["no-such-role"])
    finally:
        admin.admin_drop_user("ann")
    with pytest.raises(ex.InvalidUser):
        admin.admin_query_user_info("ann")


def test_role_round_trip(admin: Any) -> None:
    privs = [{"code": aerospike.PRIV_READ, "ns": "test", "set": "s"}]
    admin.admin_create_role("r1", privs, whitelist=["10.0.0.1"], read_quota=5, write_quota=7)
    try:
        assert admin.admin_query_role("r1") == privs
        assert admin.admin_get_role("r1") == {
            "privileges": privs,
            "whitelist": ["10.0.0.1"],
            "read_quota": 5,
            "write_quota": 7,
        }
        admin.admin_grant_privileges("r1", [{"code": aerospike.PRIV_SYS_ADMIN}])
        assert len(admin.admin_query_role("r1")) == 2
        admin.admin_revoke_privileges("r1", privs)
        assert [p["code"] for p in admin.admin_query_role("r1")] == [aerospike.PRIV_SYS_ADMIN]
        admin.admin_set_quotas("r1", 1, 2)
        admin.admin_set_whitelist("r1", ["10.0.0.2"])
        got = admin.admin_get_role("r1")
        assert (got["read_quota"], got["write_quota"], got["whitelist"]) == (1, 2, ["10.0.0.2"])
        assert "r1" in admin.admin_query_roles() and "read" in admin.admin_get_roles()
        with pytest.raises(ex.RoleExistsError):
            admin.admin_create_role("r1", privs)
    finally:
        admin.admin_drop_role("r1")
    with pytest.raises(ex.InvalidRole):
        admin.admin_get_role("r1")


def test_non_admin_may_not_manage_users(srv: Server) -> None:
    c = connect(srv, "rw", "rw-pw")
    try:
        with pytest.raises(ex.RoleViolation):
            c.admin_create_user("eve", "pw", ["read"])
    finally:
        c.close()


def test_change_own_password(srv: Server, admin: Any) -> None:
    admin.admin_create_user("bob", "old", ["read"])
    try:
        c = connect(srv, "bob", "old")
        c.admin_change_password("bob", "new")
        c.close()
        with pytest.raises(ex.AerospikeError):
            connect(srv, "bob", "old")
        connect(srv, "bob", "new").close()
    finally:
        admin.admin_drop_user("bob")


@pytest.mark.parametrize(
    ("call", "role"),
    [
        (lambda c: c.truncate("test", "t", 0), "truncate"),
        (lambda c: c.index_integer_create("test", "t", "i", "t_i_idx"), "sindex-admin"),
        (lambda c: c.udf_remove("no_such.lua"), "udf-admin"),
    ],
)
def test_admin_info_commands_need_their_privilege(
    srv: Server, admin: Any, call: Any, role: str
) -> None:
    admin.admin_create_user("ops", "pw", ["read-write"])
    try:
        c = connect(srv, "ops", "pw")
        try:
            with pytest.raises(ex.AerospikeError) as e:
                call(c)
            assert "role violation" in str(e.value).lower() or e.value.code == 81, e.value
        finally:
            c.close()
        admin.admin_grant_roles("ops", [role])
        c = connect(srv, "ops", "pw")
        try:
            try:
                call(c)
            except ex.AerospikeError as err:  # allowed now: any error but a role violation
                assert "role violation" not in str(err).lower() and err.code != 81, err
        finally:
            c.close()
    finally:
        admin.admin_drop_user("ops")
