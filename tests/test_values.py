"""Every value type: how it is written, how it reads back (and a property test)."""

from __future__ import annotations

import pickle
import socket
import struct
from typing import Any

import aerospike
import pytest
from aerospike import exception as ex
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st


class Point:
    """A user class with no server type (pickled by default)."""

    def __init__(self, x: int, y: int) -> None:
        self.x, self.y = x, y

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Point) and (self.x, self.y) == (other.x, other.y)

    def __hash__(self) -> int:
        return hash((self.x, self.y))


ROUND_TRIP = [
    0,
    -1,
    2**63 - 1,
    -(2**63),
    1.5,
    -0.0,
    float("inf"),
    "",
    "héllo wörld",
    "x" * 5000,
    b"",
    b"\x00\x01\xff",
    [],
    [1, "a", b"b", 2.5, None, [1, [2]], {"k": "v"}],
    {},
    {"a": 1, "b": [1, 2], "c": {"d": b"e"}, 1: "int key", b"k": "bytes key"},
    True,
    False,
    (1, 2, 3),
    {1, 2},
    frozenset({"a"}),
    Point(1, 2),
    [(1, 2), {3}],
]


@pytest.mark.parametrize("value", ROUND_TRIP, ids=lambda v: type(v).__name__)
def test_round_trip(client: Any, make_key: Any, value: Any) -> None:
    key = make_key("v")
    client.put(key, {"v": value})
    got = client.get(key)[2]["v"]
    assert got == value
    assert type(got) is type(value)


def test_bytearray_reads_back_as_bytes(client: Any, make_key: Any) -> None:
    key = make_key("ba")
    client.put(key, {"v": bytearray(b"abc"), "l": [bytearray(b"x")]})
    bins = client.get(key)[2]
    assert bins == {"v": b"abc", "l": [b"x"]}
    assert type(bins["v"]) is bytes


def test_geojson(client: Any, make_key: Any) -> None:
    key = make_key("geo")
    point = aerospike.GeoJSON({"type": "Point", "coordinates": [1.5, 2.5]})
    client.put(key, {"g": point, "l": [point]})
    bins = client.get(key)[2]
    assert isinstance(bins["g"], aerospike.GeoJSON)
    assert bins["g"].unwrap() == point.unwrap()
    assert bins["l"][0].unwrap() == point.unwrap()


@pytest.mark.parametrize("value", [2**63, -(2**63) - 1, 10**30])
def test_int_out_of_range(client: Any, make_key: Any, value: int) -> None:
    with pytest.raises(ex.ParamError):
        client.put(make_key("big"), {"v": value})


@pytest.mark.parametrize(
    ("send_bool_as", "expected"),
    [
        (aerospike.AS_BOOL, True),
        (aerospike.INTEGER, 1),
        (aerospike.PY_BYTES, True),
    ],
)
def test_send_bool_as(
    config: dict[str, Any], make_key: Any, send_bool_as: int, expected: Any
) -> None:
    c = aerospike.client({**config, "send_bool_as": send_bool_as}).connect()
    try:
        key = make_key("bool")
        c.put(key, {"b": True})
        got = c.get(key)[2]["b"]
        assert got == expected and type(got) is type(expected)
    finally:
        c.close()


def test_serializer_none_raises(client: Any, make_key: Any) -> None:
    with pytest.raises(ex.ParamError):
        client.put(make_key("sn"), {"t": (1, 2)}, serializer=aerospike.SERIALIZER_NONE)


def test_serialization_default_none(config: dict[str, Any], make_key: Any) -> None:
    c = aerospike.client({**config, "serialization_default": aerospike.SERIALIZER_NONE})
    c.connect()
    try:
        with pytest.raises(ex.ParamError):
            c.put(make_key("sd"), {"t": (1, 2)})
        c.put(make_key("sd"), {"t": [1, 2]})
    finally:
        c.close()


def test_class_level_user_serializer(client: Any, make_key: Any) -> None:
    import json

    aerospike.set_serializer(json.dumps)
    aerospike.set_deserializer(json.loads)
    try:
        key = make_key("us")
        client.put(key, {"t": (1, 2)}, serializer=aerospike.SERIALIZER_USER)
        assert client.get(key)[2]["t"] == [1, 2]
    finally:
        aerospike.unset_serializers()
    # With no deserializer registered, the BLOB reads back raw.
    assert client.get(key)[2]["t"] == b"[1, 2]"


def _raw_put(host: tuple[str, int], ns: str, set_name: str, digest: bytes, ptype: int) -> None:
    """Writes a bin of any particle type with a hand-built AS_MSG (as other clients do)."""
    fields = b""
    for ftype, data in ((0, ns.encode()), (1, set_name.encode()), (4, digest)):
        fields += struct.pack(">IB", len(data) + 1, ftype) + data
    name, value = b"raw", b"\x01\x02\x03"
    op = struct.pack(">IBBBB", 4 + len(name) + len(value), 2, ptype, 0, len(name))
    op += name + value
    header = struct.pack(">BBBBBBIIIHH", 22, 0, 1, 0, 0, 0, 0, 0, 1000, 3, 1)
    body = header + fields + op
    frame = struct.pack(">Q", (2 << 56) | (3 << 48) | len(body)) + body
    with socket.create_connection(host, timeout=5) as s:
        s.sendall(frame)
        hdr = s.recv(8, socket.MSG_WAITALL)
        size = struct.unpack(">Q", hdr)[0] & 0xFFFFFFFFFFFF
        reply = s.recv(size, socket.MSG_WAITALL)
        assert reply[5] == 0, f"raw write failed with result code {reply[5]}"


@pytest.mark.parametrize("ptype", [7, 8, 10, 11, 12])
def test_language_blobs_read_back_raw(client: Any, server: Any, make_key: Any, ptype: int) -> None:
    key = make_key(f"lang{ptype}")
    digest = bytes(aerospike.calc_digest(*key))
    _raw_put(server.hosts[0], key[0], key[1], digest, ptype)
    got = client.get(key)[2]["raw"]
    assert got == bytearray(b"\x01\x02\x03") and type(got) is bytearray


def test_python_blob_garbage_reads_back_raw(client: Any, server: Any, make_key: Any) -> None:
    key = make_key("pyb")
    _raw_put(server.hosts[0], key[0], key[1], bytes(aerospike.calc_digest(*key)), 9)
    assert client.get(key)[2]["raw"] == bytearray(b"\x01\x02\x03")


def test_pickled_bytes_are_type_9(client: Any, make_key: Any) -> None:
    key = make_key("p9")
    client.put(key, {"t": (1, 2)})
    # The stored value is exactly the pickle, readable by pickle.loads.
    assert client.get(key)[2]["t"] == pickle.loads(pickle.dumps((1, 2)))


scalars = (
    st.integers(min_value=-(2**63), max_value=2**63 - 1)
    | st.floats(allow_nan=False)
    | st.text(max_size=50)
    | st.binary(max_size=50)
    | st.booleans()
    | st.none()
)
keys = st.integers(min_value=-(2**63), max_value=2**63 - 1) | st.text(max_size=20)
values = st.recursive(
    scalars,
    lambda children: st.lists(children, max_size=5) | st.dictionaries(keys, children, max_size=5),
    max_leaves=20,
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(value=st.lists(values, max_size=4) | st.dictionaries(keys, values, max_size=4))
def test_property_round_trip(client: Any, make_key: Any, value: Any) -> None:
    key = make_key("prop")
    client.put(key, {"v": value})
    assert client.get(key)[2]["v"] == value


def test_module_value_types(client: Any, make_key: Any) -> None:
    key = make_key("special")
    ordered = aerospike.KeyOrderedDict({"b": 2, "a": 1})
    client.put(key, {"o": ordered, "n": [aerospike.null(), 1], "nested": {"o": ordered}})
    bins = client.get(key)[2]
    assert bins == {"o": {"a": 1, "b": 2}, "n": [None, 1], "nested": {"o": {"a": 1, "b": 2}}}
    assert list(bins["o"]) == ["a", "b"]


def test_hyperloglog_bin(client: Any, make_key: Any) -> None:
    key = make_key("hll")
    client.put(key, {"h": aerospike.HyperLogLog(b"\x00\x01\x02")})
    got = client.get(key)[2]["h"]
    assert isinstance(got, aerospike.HyperLogLog) and got == b"\x00\x01\x02"


def test_marker_reprs() -> None:
    assert repr(aerospike.CDTWildcard()) == "aerospike.CDTWildcard()"
    assert repr(aerospike.CDTInfinite()) == "aerospike.CDTInfinite()"
    assert repr(aerospike.null()) == "aerospike.null()"
