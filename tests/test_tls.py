"""TLS: the client verifies the embedded server's certificate (``Server(tls=True)``),
finds the other nodes through ``peers-tls-std``, and every socket (tending's and the
pools') speaks TLS. Options it cannot honour raise ParamError naming them."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import aerospike
import pytest
from aerospike import exception as ex
from aerospike.testing import Server


@pytest.fixture(scope="module")
def srv() -> Iterator[Server]:
    with Server(nodes=3, tls=True) as s:
        yield s


@pytest.fixture(scope="module")
def mutual() -> Iterator[Server]:
    with Server(tls=True, tls_mutual=True, tls_name="mutual.test") as s:
        yield s


def test_put_get_over_tls_from_one_seed(srv: Server) -> None:
    # One seed: the other two nodes come from peers-tls-std, at their TLS ports.
    c = aerospike.client({"hosts": srv.tls_hosts[-1:], "tls": srv.tls_config}).connect()
    try:
        for i in range(30):
            c.put(("test", "tls", i), {"i": i})
        assert [c.get(("test", "tls", i))[2] for i in range(30)] == [{"i": i} for i in range(30)]
        tls_ports = sorted(p for _, p, _ in srv.tls_hosts)
        assert sorted(port for _, port in c.get_nodes()) == tls_ports
        assert len(c.info_all("node")) == 3
    finally:
        c.close()
    # Every node served records over TLS: there is no clear connection to serve them.
    assert all(srv.node_stats(i)["requests"] > 0 for i in range(3))


def test_server_config_works_as_is(srv: Server) -> None:
    c = aerospike.client(srv.config).connect()
    try:
        c.put(("test", "tls", "cfg"), {"a": 1})
        assert c.get(("test", "tls", "cfg"))[2] == {"a": 1}
    finally:
        c.close()


def test_host_name_is_the_tls_name_by_default(srv: Server) -> None:
    # No tls_name: the host's name is checked against the certificate (it has localhost).
    _, port, _ = srv.tls_hosts[0]
    c = aerospike.client({"hosts": [("localhost", port)], "tls": srv.tls_config}).connect()
    try:
        assert c.is_connected()
    finally:
        c.close()


def test_ip_address_verified_without_tls_name(srv: Server) -> None:
    # The certificate carries the address itself (127.0.0.1) too.
    host, port, _ = srv.tls_hosts[0]
    c = aerospike.client({"hosts": [(host, port)], "tls": srv.tls_config}).connect()
    try:
        c.put(("test", "tls", "ip"), {"a": 1})
        assert c.get(("test", "tls", "ip"))[2] == {"a": 1}
    finally:
        c.close()


@pytest.mark.parametrize("protocols", ["TLSv1.2", "TLSv1.3", "all", "all -TLSv1.2"])
def test_protocol_versions(srv: Server, protocols: str) -> None:
    tls = {**srv.tls_config, "protocols": protocols}
    c = aerospike.client({"hosts": srv.tls_hosts, "tls": tls}).connect()
    try:
        c.put(("test", "tls", "p"), {"p": protocols})
        assert c.get(("test", "tls", "p"))[2] == {"p": protocols}
    finally:
        c.close()


def test_session_info_is_logged(srv: Server) -> None:
    seen: list[str] = []
    aerospike.set_log_level(aerospike.LOG_LEVEL_INFO)
    aerospike.set_log_handler(lambda level, func, path, line, msg: seen.append(msg))
    try:
        tls = {**srv.tls_config, "log_session_info": True}
        c = aerospike.client({"hosts": srv.tls_hosts, "tls": tls}).connect()
        c.get(("test", "tls", "cfg"))
        c.close()
    finally:
        aerospike.set_log_level(aerospike.LOG_LEVEL_ERROR)
        aerospike.set_log_handler()
    assert any(m.startswith("TLS session with 127.0.0.1:") and "TLS" in m[20:] for m in seen)


def test_wrong_tls_name_is_refused(srv: Server) -> None:
    host, port, _ = srv.tls_hosts[0]
    cfg = {"hosts": [(host, port, "not-the-name")], "tls": srv.tls_config}
    with pytest.raises(ex.ClientError, match="(?i)certificate|not valid for name"):
        aerospike.client(cfg).connect()


def test_untrusted_ca_is_refused(srv: Server, mutual: Server) -> None:
    # The other server's CA did not sign this server's certificate.
    cfg = {"hosts": srv.tls_hosts, "tls": {"enable": True, "cafile": mutual.tls_cafile}}
    with pytest.raises(ex.ClientError, match="(?i)certificate|unknown ?issuer"):
        aerospike.client(cfg).connect()


def test_clear_client_on_tls_port_fails_cleanly(srv: Server) -> None:
    host, port, _ = srv.tls_hosts[0]
    with pytest.raises(ex.ClientError):
        aerospike.client({"hosts": [(host, port)]}).connect()


def test_mutual_tls(mutual: Server) -> None:
    c = aerospike.client(mutual.config).connect()
    try:
        c.put(("test", "tls", "m"), {"m": 1})
        assert c.get(("test", "tls", "m"))[2] == {"m": 1}
    finally:
        c.close()
    without = {"enable": True, "cafile": mutual.tls_cafile}
    with pytest.raises(ex.ClientError):
        aerospike.client({"hosts": mutual.tls_hosts, "tls": without}).connect()


def test_tls_off_when_not_enabled(srv: Server) -> None:
    # enable False: the tls dict is validated but the client speaks clear text.
    cfg = {**srv.config, "tls": {**srv.tls_config, "enable": False}}
    cfg["hosts"] = srv.hosts
    c = aerospike.client(cfg).connect()
    try:
        assert c.is_connected()
    finally:
        c.close()


BAD: list[tuple[dict[str, Any], str]] = [
    ({"cafile": "/nonexistent/ca.pem"}, "cafile /nonexistent/ca.pem"),
    ({"capath": "/nonexistent"}, "capath /nonexistent"),
    ({"cafile": __file__}, "no PEM certificate"),
    ({"certfile": "x.pem"}, "certfile and keyfile go together"),
    ({"protocols": "TLSv1"}, "not supported"),
    ({"protocols": "-all"}, "no protocol"),
    ({"cipher_suite": "ALL"}, "cipher_suite"),
    ({"cert_blacklist": "b.txt"}, "cert_blacklist"),
    ({"keyfile_pw": "pw"}, "keyfile_pw"),
    ({"crl_check": True}, "crl_check"),
    ({"crl_check_all": True}, "crl_check_all"),
    ({"for_login_only": True}, "for_login_only"),
    ({"enable": "yes"}, "enable"),
    ({"cafile": 3}, "cafile"),
    ({"bogus": 1}, "bogus"),
]


@pytest.mark.parametrize(("tls", "message"), BAD)
def test_bad_tls_config(srv: Server, tls: dict[str, Any], message: str) -> None:
    base = {"enable": True, "cafile": srv.tls_cafile}
    with pytest.raises(ex.ParamError, match=message.replace(".", r"\.")):
        aerospike.client({"hosts": srv.tls_hosts, "tls": {**base, **tls}})


def test_tls_must_be_a_dict() -> None:
    with pytest.raises(ex.ParamError, match="tls"):
        aerospike.client({"hosts": [("127.0.0.1", 3000)], "tls": True})


def test_silent_tls_seed_fails_connect_in_bounded_time(srv: Server) -> None:
    """A seed that accepts TCP and never answers the TLS handshake: connect() gives up
    (the tending crate bounds TCP connects, not TLS handshakes; the client bounds it)."""
    import socket
    import time

    silent = socket.create_server(("127.0.0.1", 0))
    try:
        port = silent.getsockname()[1]
        cfg = {"hosts": [("127.0.0.1", port, "embedded")], "tls": srv.tls_config}
        cfg["connect_timeout"] = 200
        start = time.monotonic()
        with pytest.raises(ex.ClientError):
            aerospike.client(cfg).connect()
        assert time.monotonic() - start < 15
    finally:
        silent.close()
