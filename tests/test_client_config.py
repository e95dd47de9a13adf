"""The config dict of aerospike.client: every key of the seed and of 19.x."""

from __future__ import annotations

from typing import Any

import aerospike
import pytest
from aerospike import exception as ex

GOOD = [
    {"lua": {"system_path": "/tmp", "user_path": "/tmp"}},
    {"serialization": (lambda v: b"", lambda b: None)},
    {"policies": {"timeout": 1000}},
    {
        "policies": {
            "timeout": 1000,
            "key": aerospike.POLICY_KEY_SEND,
            "exists": aerospike.POLICY_EXISTS_IGNORE,
            "gen": aerospike.POLICY_GEN_IGNORE,
            "retry": aerospike.POLICY_RETRY_ONCE,
            "consistency_level": aerospike.POLICY_CONSISTENCY_ONE,
            "replica": aerospike.POLICY_REPLICA_SEQUENCE,
            "commit_level": aerospike.POLICY_COMMIT_LEVEL_ALL,
        }
    },
    {
        "policies": {
            name: {"total_timeout": 1000}
            for name in (
                "read",
                "write",
                "apply",
                "operate",
                "remove",
                "query",
                "scan",
                "batch",
                "info",
                "admin",
            )
        }
    },
    {"shm": {}},
    {"shm": {"max_nodes": 16, "max_namespaces": 8, "takeover_threshold_sec": 30}},
    {"thread_pool_size": 16},
    {"max_threads": 300},
    {"batch_direct": False},
    {"user": "u", "password": "p"},
    {"max_conns_per_node": 10, "min_conns_per_node": 0},
    {"tend_interval": 500},
    {"cluster_name": "embedded"},
    {"rack_aware": False, "rack_id": 0},
    {"use_services_alternate": False},
    {"tls": {"enable": False}},
    {"send_bool_as": aerospike.AS_BOOL},
    {"serialization_default": aerospike.SERIALIZER_PYTHON},
    {"connect_timeout": 1000},
]


@pytest.mark.parametrize("extra", GOOD, ids=lambda d: ",".join(d))
def test_accepted_and_connects(config: dict[str, Any], extra: dict[str, Any]) -> None:
    c = aerospike.client({**config, **extra})
    assert c.connect() is c
    assert c.is_connected()
    c.close()


BAD = [
    ({"bogus": 1}, "bogus"),
    ({"lua": "x"}, "lua"),
    ({"lua": {"bogus": "x"}}, "bogus"),
    ({"serialization": "x"}, "serialization"),
    ({"serialization": (1, 2)}, "serialization"),
    ({"policies": "x"}, "policies"),
    ({"policies": {"bogus": {}}}, "bogus"),
    ({"policies": {"read": "x"}}, "read"),
    ({"policies": {"timeout": "x"}}, "timeout"),
    ({"shm": []}, "shm"),
    ({"shm": {"bogus": 1}}, "bogus"),
    ({"thread_pool_size": "x"}, "thread_pool_size"),
    ({"max_threads": 1.5}, "max_threads"),
    ({"batch_direct": 1}, "batch_direct"),
    ({"user": 1}, "user"),
    ({"max_conns_per_node": -1}, "max_conns_per_node"),
    ({"tend_interval": "x"}, "tend_interval"),
    ({"cluster_name": 5}, "cluster_name"),
    ({"rack_aware": "x"}, "rack_aware"),
    ({"send_bool_as": 9}, "send_bool_as"),
    ({"tls": "x"}, "tls"),
    ({"hosts": []}, "hosts"),
    ({"hosts": "127.0.0.1"}, "hosts"),
    ({"hosts": [("127.0.0.1",)]}, "hosts"),
    ({"hosts": [("127.0.0.1", "x")]}, "port"),
    ({"hosts": [("127.0.0.1", 70000)]}, "port"),
]


@pytest.mark.parametrize(("extra", "words"), BAD, ids=lambda v: repr(v)[:40])
def test_rejected_with_param_error(
    config: dict[str, Any], extra: dict[str, Any], words: str
) -> None:
    with pytest.raises(ex.ParamError) as info:
        aerospike.client({**config, **extra})
    assert words in info.value.msg


def test_config_must_be_a_dict_with_hosts() -> None:
    with pytest.raises(ex.ParamError):
        aerospike.client("x")  # type: ignore[arg-type]
    with pytest.raises(ex.ParamError, match="hosts"):
        aerospike.client({})


def test_connect_failure_is_connection_error() -> None:
    c = aerospike.client({"hosts": [("127.0.0.1", 1)]})
    with pytest.raises(ex.ConnectionError):
        c.connect()
    assert c.is_connected() is False


def test_wrong_cluster_name_refused(config: dict[str, Any]) -> None:
    with pytest.raises(ex.AerospikeError):
        aerospike.client({**config, "cluster_name": "other"}).connect()


def test_connect_with_credentials_arguments(config: dict[str, Any]) -> None:
    c = aerospike.client(config).connect(None, None)
    c.close()
    with pytest.raises(ex.ParamError):
        aerospike.client(config).connect(1, 2)


def test_shm_key(config: dict[str, Any]) -> None:
    assert aerospike.client({**config, "shm": {"shm_key": 7}}).shm_key() == 7
    assert aerospike.client({**config, "shm": {}}).shm_key() == 0xA5000000


def test_module_functions() -> None:
    digest = aerospike.calc_digest("test", "set", 1)
    assert isinstance(digest, bytearray)
    assert digest.hex() == "82d7213b469812947c109a6d341e3b5b1dedec1f"
    assert aerospike.get_partition_id(digest) == (digest[0] | digest[1] << 8) & 4095
    assert isinstance(aerospike.__version__, str)


@pytest.mark.parametrize("how", ["config", "connect"])
def test_credentials_log_in(config: dict[str, Any], how: str) -> None:
    """The embedded server has security off (LOGIN answers 52): the client proceeds."""
    if how == "config":
        c = aerospike.client({**config, "user": "admin", "password": "admin"}).connect()
    else:
        c = aerospike.client(config).connect("admin", "admin")
    c.put(("test", "auth", 1), {"a": 1})
    assert c.get(("test", "auth", 1))[2] == {"a": 1}
    c.close()
