"""EMBEDDED-ONLY: the official client (C core) against the embedded server with security
on: LOGIN and session tokens on every socket, the admin_* commands and their reply
formats (the C client parses them strictly), privileges enforced with result 81."""

from __future__ import annotations

import os
from typing import Any

import pytest
from conformance_harness import (
    DEFAULT_CONFIG,
    OK,
    K,
    Ok,
    Raises,
    Record,
    call,
    check_case,
    get,
    outcomes_for,
    put,
)

pytestmark = pytest.mark.skipif(
    bool(os.environ.get("AEROSPIKE_HOSTS")), reason="embedded-only checks (AEROSPIKE_HOSTS set)"
)

SCOPED = [{"code": 10, "ns": "test", "set": "s"}]
ADMIN = {
    "admin": [
        (call("admin_create_user", "rw", "rw-pw", ["read-write"]), Ok(0)),
        (call("admin_create_user", "ro", "ro-pw", ["read"]), Ok(0)),
        (call("admin_create_role", "scoped", SCOPED, None, ["10.0.0.1"], 5, 7), Ok(0)),
        (call("admin_query_user_info", "rw"), OK),
        (call("admin_query_users_info"), OK),
        (call("admin_query_role", "scoped"), Ok(SCOPED)),
        (
            call("admin_get_role", "scoped"),
            Ok(
                {"privileges": SCOPED, "whitelist": ["10.0.0.1"], "read_quota": 5, "write_quota": 7}
            ),
        ),
        (call("admin_get_roles"), OK),
        (call("admin_create_user", "rw", "x", ["read"]), Raises("UserExistsError", 61)),
        (call("admin_grant_roles", "ro", ["no-such-role"]), Raises("InvalidRole", 70)),
        # The default admin has user-admin only, as on a real server.
        (put(K("a"), {"a": 1}), Raises("RoleViolation", 81)),
    ]
}
READ_WRITE = {"rw": [(put(K("x"), {"x": 1}), Ok(0)), (get(K("x")), Record({"x": 1}, gen=1))]}
READ_ONLY = {
    "ro": [
        # Reading is allowed (the key is in this case's own set: not found, not 81).
        (get(K("x")), Raises("RecordNotFound", 2)),
        (put(K("x"), {"x": 2}), Raises("RoleViolation", 81)),
        (call("admin_create_user", "eve", "pw", ["read"]), Raises("RoleViolation", 81)),
    ]
}


def _login(user: str, password: str) -> dict:
    return {**DEFAULT_CONFIG, "user": user, "password": password}


@pytest.fixture(scope="module")
def secured() -> Any:
    try:
        from aerospike import testing
    except Exception as exc:  # noqa: BLE001 - our package is not built
        pytest.skip(f"aerospike.testing unavailable: {exc}")
    srv = testing.Server(nodes=2, security=True).start()
    yield srv
    srv.stop()


def test_admin_commands_and_privileges(driver: Any, secured: Any) -> None:
    hosts = secured.hosts
    admin = driver(hosts, ADMIN, "sec_admin", config=_login("admin", "admin"))
    check_case("admin", ADMIN["admin"], outcomes_for(admin, "admin"))
    rw = driver(hosts, READ_WRITE, "sec_rw", config=_login("rw", "rw-pw"))
    check_case("rw", READ_WRITE["rw"], outcomes_for(rw, "rw"))
    ro = driver(hosts, READ_ONLY, "sec_ro", config=_login("ro", "ro-pw"))
    check_case("ro", READ_ONLY["ro"], outcomes_for(ro, "ro"))


@pytest.mark.parametrize(("user", "password"), [("rw", "wrong"), ("nobody", "x"), (None, None)])
def test_bad_or_missing_login_fails_connect(
    driver: Any, secured: Any, user: str | None, password: str | None
) -> None:
    config = DEFAULT_CONFIG if user is None else _login(user, password or "")
    result = driver(secured.hosts, READ_WRITE, f"sec_bad_{user}", config=config)
    assert result.connect_error is not None, result.outcomes
