"""aerospike.serialization: class/instance serializers and the hooks the Rust layer calls."""

from __future__ import annotations

import json
import marshal
import pickle
from collections.abc import Iterator
from typing import Any

import pytest
from aerospike import _constants as c
from aerospike import exception, serialization
from aerospike.serialization import (
    deserialize_user,
    deserializer_for,
    pickle_dumps,
    pickle_loads,
    serialize,
    serialize_user,
    serializer_for,
    set_deserializer,
    set_serializer,
    unset_serializers,
)


@pytest.fixture(autouse=True)
def _clean_registry() -> Iterator[None]:
    unset_serializers()
    yield
    unset_serializers()


def jsonize(value: Any) -> str:
    return json.dumps(value)


def dejsonize(value: Any) -> Any:
    return json.loads(value)


def boom(value: Any) -> Any:
    raise RuntimeError("boom")


@pytest.mark.parametrize("value", [(1, 2, 3), {1, 2}, frozenset("ab"), complex(1, 2), ("x", (1,))])
def test_pickle_round_trip(value: Any) -> None:
    payload, particle = serialize(value)
    assert particle == c.AS_BYTES_PYTHON == 9
    assert pickle_loads(payload) == value
    assert pickle_loads(bytearray(pickle_dumps(value))) == value


@pytest.mark.parametrize(
    ("payload", "expected"),
    [
        (b"(I1\nI2\nI3\ntp1\n.", (1, 2, 3)),  # the seed's AQL dump of a Python 2 cPickle
        (b"S'caf\\xe9'\np0\n.", "caf\xe9"),  # a Python 2 str: read through latin-1
    ],
)
def test_pickle_loads_reads_seed_era_data(payload: bytes, expected: Any) -> None:
    assert pickle_loads(payload) == expected


@pytest.mark.parametrize("garbage", [b"", b"\x00\x01\x02", b"not a pickle", b"\x80\x05garbage"])
def test_pickle_loads_never_raises(garbage: bytes) -> None:
    out = pickle_loads(garbage)
    assert out == bytearray(garbage)
    assert isinstance(out, bytearray)


def test_pickle_dumps_error_is_client_error() -> None:
    with pytest.raises(exception.ClientError):
        pickle_dumps(lambda: None)


@pytest.mark.parametrize(
    ("ser", "deser", "value", "expected"),
    [
        (marshal.dumps, marshal.loads, (1, 2, 3), (1, 2, 3)),  # seed: bytes out
        (jsonize, dejsonize, (1, 2, 3), [1, 2, 3]),  # 19.x: str out
        (pickle.dumps, pickle.loads, {"a": (1,)}, {"a": (1,)}),
    ],
)
def test_class_level_round_trip(ser: Any, deser: Any, value: Any, expected: Any) -> None:
    set_serializer(ser)
    set_deserializer(deser)
    payload, particle = serialize(value, c.SERIALIZER_USER)
    assert particle == c.AS_BYTES_BLOB == 4
    assert isinstance(payload, bytes)
    assert deserialize_user(payload) == expected


def test_seed_example_bytes() -> None:
    set_serializer(marshal.dumps)
    assert serialize_user((1, 2, 3)) == marshal.dumps((1, 2, 3))
    assert serialize_user((1, 2, 3), (jsonize, dejsonize)) == b"[1, 2, 3]"


def test_instance_pair_wins_over_class_level() -> None:
    set_serializer(marshal.dumps)
    set_deserializer(marshal.loads)
    pair = (jsonize, dejsonize)
    assert serializer_for(pair) is jsonize
    assert deserializer_for(pair) is dejsonize
    assert serializer_for(None) is marshal.dumps
    assert serializer_for((None, None)) is marshal.dumps
    assert deserializer_for((None, None)) is marshal.loads
    assert deserialize_user(b"[1, 2]", pair) == [1, 2]


def test_default_mode_uses_instance_serializer_else_default() -> None:
    assert serialize((1,), None, (jsonize, dejsonize)) == (b"[1]", c.AS_BYTES_BLOB)
    assert serialize((1,), None, None)[1] == c.AS_BYTES_PYTHON
    with pytest.raises(exception.ParamError):
        serialize((1,), None, None, default=c.SERIALIZER_NONE)


def test_class_level_serializer_is_not_used_without_serializer_user() -> None:
    # Seed example: put() with no serializer argument pickles even with a class serializer.
    set_serializer(marshal.dumps)
    assert serialize((1, 2, 3))[1] == c.AS_BYTES_PYTHON


@pytest.mark.parametrize(
    ("mode", "error", "code"),
    [
        (c.SERIALIZER_NONE, exception.ParamError, -2),
        (c.SERIALIZER_USER, exception.ClientError, -1),  # nothing registered
        (c.SERIALIZER_JSON, exception.ClientError, -1),
        (99, exception.ClientError, -1),
    ],
)
def test_serialize_errors(mode: int, error: type, code: int) -> None:
    with pytest.raises(error) as info:
        serialize((1, 2), mode)
    assert info.value.code == code
    assert info.value.msg


def test_no_serializer_registered_message() -> None:
    with pytest.raises(exception.ClientError, match="No serializer callback registered"):
        serialize_user((1,))


@pytest.mark.parametrize("result", [None, 5, [1], object()])
def test_serializer_must_return_str_or_bytes(result: Any) -> None:
    set_serializer(lambda value: result)
    with pytest.raises(exception.ClientError):
        serialize_user((1,))


def test_failing_serializer_is_a_client_error_with_cause() -> None:
    set_serializer(boom)
    with pytest.raises(exception.ClientError) as info:
        serialize_user((1,))
    assert isinstance(info.value.__cause__, RuntimeError)


@pytest.mark.parametrize("func", [set_serializer, set_deserializer])
@pytest.mark.parametrize("bad", [None, 5, "json.dumps"])
def test_registration_needs_a_callable(func: Any, bad: object) -> None:
    with pytest.raises(exception.ParamError):
        func(bad)


def test_unset_serializers() -> None:
    set_serializer(jsonize)
    set_deserializer(dejsonize)
    assert unset_serializers() == 0
    assert serializer_for() is None
    assert deserializer_for() is None


def test_deserialize_without_deserializer_returns_bytes() -> None:
    out = deserialize_user(bytearray(b"\x01\x02"))
    assert out == b"\x01\x02"
    assert type(out) is bytes


@pytest.mark.parametrize(
    ("deser", "data", "expected"),
    [
        (boom, b"[1]", b"[1]"),  # failing deserializer: raw bytes, data stays readable
        (lambda s: s + "!", b"abc", "abc!"),  # a str-only deserializer (19.x passes str)
        (lambda s: s + "!", b"\xff\xfe", b"\xff\xfe"),  # not UTF-8, str retry impossible
        (marshal.loads, marshal.dumps((1, 2)), (1, 2)),  # bytes-only deserializer (seed)
    ],
)
def test_deserialize_fallbacks(deser: Any, data: bytes, expected: Any) -> None:
    set_deserializer(deser)
    assert deserialize_user(data) == expected


def test_module_exports() -> None:
    assert set(serialization.__all__) >= {
        "set_serializer",
        "set_deserializer",
        "unset_serializers",
        "serialize",
        "serialize_user",
        "deserialize_user",
        "pickle_dumps",
        "pickle_loads",
    }
