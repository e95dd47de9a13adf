"""The seed document's examples, run as written (Python 3 spelling) against the server."""

from __future__ import annotations

import contextlib
import json
import marshal
from typing import Any

import aerospike
import pytest


def test_serialization_example(config: dict[str, Any], capsys: pytest.CaptureFixture[str]) -> None:
    def go_marshal(val: Any) -> bytes:
        return marshal.dumps(val)

    def demarshal(val: bytes) -> Any:
        return marshal.loads(val)

    def jsonize(val: Any) -> str:
        return json.dumps(val)

    def dejsonize(val: Any) -> Any:
        return json.loads(val)

    aerospike.set_serializer(go_marshal)
    aerospike.set_deserializer(demarshal)
    try:
        config = dict(config)
        client = aerospike.client(config).connect()
        config["serialization"] = (jsonize, dejsonize)
        client2 = aerospike.client(config).connect()

        for i in range(1, 4):
            with contextlib.suppress(aerospike.exception.RecordNotFound):
                client.remove(("test", "demo", "foo" + str(i)))

        bin_ = {"t": (1, 2, 3)}  # tuple is an unsupported type
        print("Use the built-in serialization (cPickle)")
        client.put(("test", "demo", "foo1"), bin_)
        (_key, _meta, bins) = client.get(("test", "demo", "foo1"))
        print(bins)

        print("Use the class-level user-defined serialization (marshal)")
        client.put(("test", "demo", "foo2"), bin_, serializer=aerospike.SERIALIZER_USER)
        (_key, _meta, bins) = client.get(("test", "demo", "foo2"))
        print(bins)

        print("Use the instance-level user-defined serialization (json)")
        client2.put(("test", "demo", "foo3"), bin_, serializer=aerospike.SERIALIZER_USER)
        # notice that json-encoding a tuple produces a list
        (_key, _meta, bins) = client2.get(("test", "demo", "foo3"))
        print(bins)
        client.close()
        client2.close()
    finally:
        aerospike.unset_serializers()
    out = capsys.readouterr().out.splitlines()
    assert out == [
        "Use the built-in serialization (cPickle)",
        "{'t': (1, 2, 3)}",
        "Use the class-level user-defined serialization (marshal)",
        "{'t': (1, 2, 3)}",
        "Use the instance-level user-defined serialization (json)",
        "{'t': [1, 2, 3]}",
    ]


def test_client_example_config(config: dict[str, Any]) -> None:
    c = aerospike.client({**config, "policies": {"timeout": 1000}, "shm": {}})
    assert c.connect() is c
    c.close()


def test_log_handler_example(config: dict[str, Any]) -> None:
    seen: list[tuple[Any, ...]] = []

    def as_logger(level: int, func: str, path: str, line: int, msg: str) -> None:
        seen.append((level, func, path, line, msg))

    aerospike.set_log_level(aerospike.LOG_LEVEL_DEBUG)
    aerospike.set_log_handler(as_logger)
    try:
        client = aerospike.client(config).connect()
        client.close()
    finally:
        aerospike.set_log_level(aerospike.LOG_LEVEL_ERROR)
        aerospike.set_log_handler()
    # The tending crate's records and the client's own both reach the handler.
    assert any(m[1].startswith("aerospike_core") and "Seeding" in m[4] for m in seen), seen
    assert any(m[1].startswith("aeropy_core") and "added to the cluster" in m[4] for m in seen)
    for level, func, path, line, _ in seen:
        assert aerospike.LOG_LEVEL_ERROR <= level <= aerospike.LOG_LEVEL_DEBUG
        assert isinstance(func, str) and path.endswith(".rs") and isinstance(line, int)


def test_geo_example() -> None:
    loc = aerospike.geodata({"type": "Point", "coordinates": [-122.0, 37.5]})
    assert loc.unwrap()["type"] == "Point"
    raw = aerospike.geojson('{"type": "Point", "coordinates": [-122.0, 37.5]}')
    assert raw.unwrap() == loc.unwrap()
