"""Serializers for values with no server type (tuple, set, objects...).

Class-level user serializers (:func:`set_serializer`, :func:`set_deserializer`,
:func:`unset_serializers`) live here; a client's instance-level pair (config
``"serialization": (ser, deser)``) is passed in by the Rust layer and wins over them.

Hooks the Rust layer calls:

- :func:`serialize` ``(value, serializer, instance_pair) -> (bytes, particle_type)``:
  the whole decision (pickle -> type 9, user -> type 4, errors as the official client).
- :func:`deserialize_user` ``(data, instance_pair)``: a BLOB (type 4) through the
  deserializer in force; :func:`deserializer_for` tells whether there is one at all, so
  plain BLOBs skip Python when none is registered.
- :func:`pickle_dumps` / :func:`pickle_loads`: the seed's ``SERIALIZER_PYTHON`` (type 9).
"""

from __future__ import annotations

import pickle
from typing import TYPE_CHECKING, Any, Callable

from ._constants import (
    AS_BYTES_BLOB,
    AS_BYTES_PYTHON,
    SERIALIZER_JSON,
    SERIALIZER_NONE,
    SERIALIZER_PYTHON,
    SERIALIZER_USER,
)
from .exception import ClientError, ParamError

__all__ = [
    "deserialize_user",
    "deserializer_for",
    "pickle_dumps",
    "pickle_loads",
    "serialize",
    "serialize_user",
    "serializer_for",
    "set_deserializer",
    "set_serializer",
    "unset_serializers",
]

if TYPE_CHECKING:
    Serializer = Callable[[Any], Any]
    Deserializer = Callable[[Any], Any]
    # (serializer, deserializer) of a client's config "serialization", or None
    InstancePair = tuple[Serializer | None, Deserializer | None] | None

_class_serializer: Serializer | None = None
_class_deserializer: Deserializer | None = None


def set_serializer(function: Serializer) -> int:
    """Register a class-level serializer for every client (used with ``SERIALIZER_USER``)."""
    global _class_serializer
    if not callable(function):
        raise ParamError(-2, "Parameter must be a callable")
    _class_serializer = function
    return 0


def set_deserializer(function: Deserializer) -> int:
    """Register a class-level deserializer: BLOB bins read by any client go through it."""
    global _class_deserializer
    if not callable(function):
        raise ParamError(-2, "Parameter must be a callable")
    _class_deserializer = function
    return 0


def unset_serializers() -> int:
    """Deregister the class-level serializer and deserializer."""
    global _class_serializer, _class_deserializer
    _class_serializer = None
    _class_deserializer = None
    return 0


def serializer_for(instance_pair: InstancePair = None) -> Serializer | None:
    """The serializer in force: the instance's, else the class-level one, else ``None``."""
    if instance_pair is not None and instance_pair[0] is not None:
        return instance_pair[0]
    return _class_serializer


def deserializer_for(instance_pair: InstancePair = None) -> Deserializer | None:
    """The deserializer in force: the instance's, else the class-level one, else ``None``."""
    if instance_pair is not None and len(instance_pair) > 1 and instance_pair[1] is not None:
        return instance_pair[1]
    return _class_deserializer


def _as_bytes(result: Any) -> bytes:
    # The seed's serializers return bytes (marshal, pickle), today's return str (json).
    if isinstance(result, str):
        return result.encode("utf-8")
    if isinstance(result, (bytes, bytearray, memoryview)):
        return bytes(result)
    raise ClientError(
        -1,
        "User serializer must return str or bytes, not " + type(result).__name__,
    )


def serialize_user(value: Any, instance_pair: InstancePair = None) -> bytes:
    """Serialize ``value`` with the user serializer in force (stored as a BLOB, type 4)."""
    function = serializer_for(instance_pair)
    if function is None:
        raise ClientError(-1, "No serializer callback registered")
    try:
        result = function(value)
    except Exception as exc:
        raise ClientError(-1, "Unable to call user's registered serializer callback") from exc
    return _as_bytes(result)


def deserialize_user(
    data: bytes | bytearray | memoryview, instance_pair: InstancePair = None
) -> Any:
    """Run a BLOB through the deserializer in force; raw ``bytes`` if none or if it fails.

    The deserializer gets ``bytes`` (the seed's contract: ``marshal.loads`` works); if it
    raises and the data is UTF-8, it is called again with ``str`` (today's client passes
    ``str``). Data must stay readable, so a failing deserializer yields the raw bytes, as
    the official client does.
    """
    raw = bytes(data)
    function = deserializer_for(instance_pair)
    if function is None:
        return raw
    ok, value = _call(function, raw)
    if ok:
        return value
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw
    ok, value = _call(function, text)
    return value if ok else raw


def _call(function: Deserializer, arg: Any) -> tuple[bool, Any]:
    try:
        return True, function(arg)
    except Exception:  # noqa: BLE001 - user code: any failure means "not decodable"
        return False, None


def pickle_dumps(value: Any) -> bytes:
    """Pickle ``value`` for ``SERIALIZER_PYTHON`` (particle type 9, AS_BYTES_PYTHON)."""
    try:
        return pickle.dumps(value, protocol=pickle.DEFAULT_PROTOCOL)
    except Exception as exc:
        raise ClientError(
            -1, "Unable to serialize " + type(value).__name__ + " with pickle: " + str(exc)
        ) from exc


def pickle_loads(data: bytes | bytearray | memoryview) -> Any:
    """Unpickle a type 9 value; never raises: undecodable data comes back as ``bytearray``.

    Python 2 pickles (what seed-era clients wrote) holding ``str`` load via latin-1.
    """
    raw = bytes(data)
    for encoding in ("ASCII", "latin1"):
        try:
            return pickle.loads(raw, encoding=encoding)
        except UnicodeDecodeError:
            continue
        except Exception:  # noqa: BLE001 - any garbage must still read back
            break
    return bytearray(raw)


def serialize(
    value: Any,
    serializer: int | None = None,
    instance_pair: InstancePair = None,
    default: int = SERIALIZER_PYTHON,
) -> tuple[bytes, int]:
    """Encode a value that has no server type; return ``(payload, particle_type)``.

    ``serializer`` is the per-call ``serializer=`` argument (``None`` if not given). When
    not given, a client with an instance serializer uses it (as the official client does),
    else ``default`` applies (the client's default: ``SERIALIZER_PYTHON`` per the seed).
    Errors: ``SERIALIZER_NONE`` -> :class:`ParamError`; ``SERIALIZER_USER`` with nothing
    registered, ``SERIALIZER_JSON`` or an unknown value -> :class:`ClientError`.
    """
    mode = serializer
    if mode is None:
        has_instance = instance_pair is not None and instance_pair[0] is not None
        mode = SERIALIZER_USER if has_instance else default
    if mode == SERIALIZER_PYTHON:
        return pickle_dumps(value), AS_BYTES_PYTHON
    if mode == SERIALIZER_USER:
        return serialize_user(value, instance_pair), AS_BYTES_BLOB
    if mode == SERIALIZER_NONE:
        raise ParamError(
            -2, "Cannot serialize: SERIALIZER_NONE selected (type " + type(value).__name__ + ")"
        )
    if mode == SERIALIZER_JSON:
        raise ClientError(-1, "Unable to serialize using standard json serializer")
    raise ClientError(-1, "Unsupported serializer")
