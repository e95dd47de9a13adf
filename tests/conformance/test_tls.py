"""EMBEDDED-ONLY: the official client (C core, OpenSSL) over the embedded server's TLS.

``aerospike.testing.Server(tls=True)`` generates a CA and a server certificate for the TLS
name; the official client verifies it with ``config["tls"]["cafile"]`` and the name of
each host tuple ``(host, tls_port, tls_name)``. Seeded with one node only, it must find
the other nodes through ``peers-tls-std`` (their TLS ports and TLS name) and reach them
over TLS too. Mutual TLS: the client's certificate and key are accepted, no certificate
is refused.
"""

from __future__ import annotations

import os
from typing import Any

import pytest
from conformance_harness import (
    DEFAULT_CONFIG,
    OK,
    K,
    Ok,
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

N_KEYS = 30
CASES = {
    "tls": [(put(K(f"tls-{i}"), {"i": i}), Ok(0)) for i in range(N_KEYS)]
    + [(get(K(f"tls-{i}")), Record({"i": i}, gen=1)) for i in range(N_KEYS)]
    + [(call("get_nodes"), OK), (call("info_all", "node"), OK)],
}
MUTUAL = {"mutual": [(put(K("m"), {"m": 1}), Ok(0)), (get(K("m")), Record({"m": 1}, gen=1))]}


def _server(**kwargs: Any) -> Any:
    try:
        from aerospike import testing
    except Exception as exc:  # noqa: BLE001 - our package is not built
        pytest.skip(f"aerospike.testing unavailable: {exc}")
    return testing.Server(namespaces=("test", "bar"), **kwargs).start()


def _config(tls: dict) -> dict:
    return {**DEFAULT_CONFIG, "tls": tls}


@pytest.fixture(scope="module")
def tls_run(driver: Any) -> Any:
    srv = _server(nodes=3, tls=True)
    try:
        seed = srv.tls_hosts[-1:]
        result = driver(seed, CASES, "tls", config=_config(srv.tls_config))
        yield srv, result
    finally:
        srv.stop()


def test_put_get_over_tls(tls_run: Any) -> None:
    _, result = tls_run
    check_case("tls", CASES["tls"], outcomes_for(result, "tls"))


def test_peers_found_on_their_tls_ports(tls_run: Any) -> None:
    srv, result = tls_run
    outs = outcomes_for(result, "tls")
    assert outs is not None
    nodes = outs[2 * N_KEYS].value
    # get_nodes gives the address each node was reached at: the TLS ports, from
    # peers-tls-std (a clear port would have failed the handshake).
    assert sorted((h, p) for h, p, *_ in nodes) == sorted((h, p) for h, p, _ in srv.tls_hosts)
    names = {name for name, (err, _) in outs[2 * N_KEYS + 1].value.items() if err is None}
    assert len(names) == 3


def test_mutual_tls_with_and_without_a_client_certificate(driver: Any) -> None:
    srv = _server(nodes=1, tls=True, tls_mutual=True, tls_name="mutual.test")
    try:
        tls = srv.tls_config
        assert set(tls) == {"enable", "cafile", "certfile", "keyfile"}
        ok = driver(srv.tls_hosts, MUTUAL, "mtls", config=_config(tls))
        check_case("mutual", MUTUAL["mutual"], outcomes_for(ok, "mutual"))
        anonymous = {"enable": True, "cafile": tls["cafile"]}
        refused = driver(srv.tls_hosts, MUTUAL, "mtls_anon", config=_config(anonymous))
        assert refused.connect_error is not None, refused.outcomes
    finally:
        srv.stop()


def test_wrong_tls_name_is_refused(driver: Any) -> None:
    srv = _server(nodes=1, tls=True)
    try:
        host, port, _ = srv.tls_hosts[0]
        result = driver(
            [(host, port, "not-the-name")], MUTUAL, "tls_name", config=_config(srv.tls_config)
        )
        assert result.connect_error is not None, result.outcomes
    finally:
        srv.stop()
