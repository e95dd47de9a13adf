"""The embedded server's TLS listener, checked with the standard ``ssl`` module only:
certificate verification against ``tls_cafile`` and ``tls_name``, info requests over
TLS, mutual TLS, the TLS info commands, the config dicts, parameter checks and the CLI.

(tests/conformance/test_tls.py checks the official client over the same TLS.)
"""

from __future__ import annotations

import os
import signal
import socket
import ssl
import struct
import subprocess
import sys
from collections.abc import Iterator

import pytest
from aerospike import exception
from aerospike.testing import Server

from tests.fakes import recv_exact


def _context(srv: Server, *, cert: bool = False) -> ssl.SSLContext:
    ctx = ssl.create_default_context(ssl.Purpose.SERVER_AUTH, cafile=srv.tls_cafile)
    if cert:
        assert srv.tls_certfile is not None and srv.tls_keyfile is not None
        ctx.load_cert_chain(srv.tls_certfile, srv.tls_keyfile)
    return ctx


def _info(s: socket.socket, *commands: str) -> dict[str, str]:
    body = "".join(c + "\n" for c in commands).encode()
    s.sendall(struct.pack(">Q", (2 << 56) | (1 << 48) | len(body)) + body)
    (head,) = struct.unpack(">Q", recv_exact(s, 8))
    assert head >> 48 == (2 << 8) | 1, hex(head)
    text = recv_exact(s, head & 0xFFFF_FFFF_FFFF).decode()
    return dict(line.split("\t", 1) for line in text.splitlines())


def _tls_socket(
    srv: Server, node: int = 0, *, name: str | None = None, cert: bool = False
) -> ssl.SSLSocket:
    host, port, tls_name = srv.tls_hosts[node]
    raw = socket.create_connection((host, port), timeout=10)
    return _context(srv, cert=cert).wrap_socket(raw, server_hostname=name or tls_name)


@pytest.fixture(scope="module")
def tls_server() -> Iterator[Server]:
    with Server(nodes=3, tls=True) as srv:
        yield srv


def test_handshake_verifies_and_info_returns_the_node_name(tls_server: Server) -> None:
    with socket.create_connection(tls_server.hosts[0], timeout=10) as clear:
        node = _info(clear, "node")["node"]
    with _tls_socket(tls_server) as s:
        assert s.version() in ("TLSv1.2", "TLSv1.3")
        subject = dict(x[0] for x in s.getpeercert()["subject"])
        assert subject["commonName"] == "embedded"
        assert _info(s, "node") == {"node": node}
        # Several requests on one connection.
        assert _info(s, "build", "partitions") == {"build": "8.1.0.0", "partitions": "4096"}


def test_wrong_hostname_fails_verification(tls_server: Server) -> None:
    with pytest.raises(ssl.SSLCertVerificationError, match="mismatch|match"):
        _tls_socket(tls_server, name="not-embedded")
    # localhost and the bind IP are in the certificate too.
    for name in ("localhost", "127.0.0.1"):
        with _tls_socket(tls_server, name=name) as s:
            assert _info(s, "node")["node"]


def test_an_unverified_client_rejects_the_certificate_without_the_ca(tls_server: Server) -> None:
    host, port, name = tls_server.tls_hosts[0]
    ctx = ssl.create_default_context()  # system roots only: the generated CA is unknown
    raw = socket.create_connection((host, port), timeout=10)
    with raw, pytest.raises(ssl.SSLCertVerificationError):
        ctx.wrap_socket(raw, server_hostname=name)


def test_tls_info_commands_on_three_nodes(tls_server: Server) -> None:
    hosts = tls_server.tls_hosts
    assert len(hosts) == 3 and all(n == "embedded" for _, _, n in hosts)
    assert {p for _, p, _ in hosts}.isdisjoint(p for _, p in tls_server.hosts)
    with _tls_socket(tls_server, 1) as s:
        reply = _info(s, "node", "service-tls-std", "peers-generation", "peers-tls-std")
        host, port, _ = hosts[1]
        assert reply["service-tls-std"] == f"{host}:{port}"
        gen, default_port, peers = reply["peers-tls-std"].split(",", 2)
        assert gen == reply["peers-generation"] and int(default_port) == port
        for i in (0, 2):
            h, p, n = hosts[i]
            assert f",{n},[{h}:{p}]]" in peers, peers
        assert f":{port}]" not in peers  # self is not listed
    assert reply["node"] not in peers


def test_after_a_failed_handshake_clear_and_tls_connections_still_work(
    tls_server: Server,
) -> None:
    with socket.create_connection(tls_server.hosts[0], timeout=10) as clear:
        with pytest.raises(ssl.SSLError):
            _tls_socket(tls_server, name="wrong")
        # Clear protocol sent to the TLS port: no info reply, the connection closes.
        host, port, _ = tls_server.tls_hosts[0]
        bad = socket.create_connection((host, port), timeout=10)
        with bad, pytest.raises((ConnectionError, AssertionError, OSError)):
            _info(bad, "node")
        assert _info(clear, "node")["node"]
        with _tls_socket(tls_server) as s:
            assert _info(s, "node")["node"] == _info(clear, "node")["node"]


def test_mutual_tls_needs_the_client_certificate() -> None:
    with Server(tls=True, tls_mutual=True, tls_name="secure.test") as srv:
        assert srv.tls_name == "secure.test"
        cfg = srv.tls_config
        assert set(cfg) == {"enable", "cafile", "certfile", "keyfile"}
        assert all(os.path.isfile(cfg[k]) for k in ("cafile", "certfile", "keyfile"))
        # Without a certificate: the handshake (TLS 1.2) or the first read (TLS 1.3) fails.
        with pytest.raises((ssl.SSLError, ConnectionError, OSError)), _tls_socket(srv) as s:
            _info(s, "node")
        with _tls_socket(srv, cert=True) as s:
            assert _info(s, "node")["node"]


def test_config_dicts_and_files_lifecycle() -> None:
    srv = Server(nodes=2, tls=True)
    with srv:
        cfg = srv.config
        assert cfg == {"hosts": srv.tls_hosts, "tls": {"enable": True, "cafile": srv.tls_cafile}}
        assert srv.tls_certfile is None and srv.tls_keyfile is None
        cafile = srv.tls_cafile
        with open(cafile) as f:
            assert f.read().startswith("-----BEGIN CERTIFICATE-----")
    assert not os.path.exists(cafile)
    with Server() as clear:
        assert clear.config == {"hosts": clear.hosts}
        assert clear.tls_hosts == [] and clear.tls_name is None
        with pytest.raises(exception.ClientError):
            clear.tls_config  # noqa: B018
        with socket.create_connection(clear.hosts[0], timeout=10) as s:
            reply = _info(s, "service-tls-std", "peers-tls-std", "peers-generation")
        assert reply["service-tls-std"] == ""
        assert reply["peers-tls-std"] == f"{reply['peers-generation']},{clear.hosts[0][1]},[]"


@pytest.mark.parametrize(
    "kwargs,needle",
    [
        ({"tls": 1}, "tls"),
        ({"tls": "yes"}, "tls"),
        ({"tls": True, "tls_name": 5}, "tls_name"),
        ({"tls": True, "tls_name": ""}, "tls_name"),
        ({"tls": True, "tls_mutual": "no"}, "tls_mutual"),
        ({"tls_mutual": True}, "tls_mutual"),
    ],
)
def test_bad_tls_arguments_raise_param_error(kwargs: dict, needle: str) -> None:
    with pytest.raises(exception.ParamError) as info:
        Server(**kwargs)
    assert needle in info.value.msg


def test_a_name_no_certificate_can_carry_raises_param_error() -> None:
    srv = Server(tls=True, tls_name="a,b")
    with pytest.raises(exception.ParamError) as info:
        srv.start()
    assert "TLS name" in info.value.msg


def test_cli_tls_prints_the_ca_file() -> None:
    with subprocess.Popen(
        [sys.executable, "-m", "aerospike.testing", "--port", "0", "--tls"],
        stdout=subprocess.PIPE,
        text=True,
    ) as proc:
        try:
            assert proc.stdout is not None
            assert proc.stdout.readline().startswith("aerospike-embedded ready 127.0.0.1:")
            line = proc.stdout.readline().split()
            assert line[:2] == ["aerospike-embedded", "tls"], line
            host, port = line[2].rsplit(":", 1)
            fields = dict(item.split("=", 1) for item in line[3:])
            assert fields["tls-name"] == "embedded"
            ctx = ssl.create_default_context(cafile=fields["cafile"])
            raw = socket.create_connection((host, int(port)), timeout=10)
            with raw, ctx.wrap_socket(raw, server_hostname="embedded") as s:
                assert _info(s, "node")["node"]
            proc.send_signal(signal.SIGTERM)
            assert proc.wait(timeout=10) == 0
            assert not os.path.exists(fields["cafile"])
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
