"""Tagged JSON for values that plain JSON cannot carry, shared by both sides of the pipe.

Pure Python with no import of ``aerospike``: the pytest process (our client's environment)
and the driver process (the official client's virtualenv) both load this file.

Tags (a one-key dict whose key starts with ``$``):
``$bytes``/``$bytearray`` hex, ``$tuple`` list, ``$map`` list of pairs (dicts whose keys are
not all str), ``$float`` "nan"/"inf"/"-inf", ``$geo`` GeoJSON text, ``$exc`` an exception,
``$obj`` an object by class name and public attributes. The driver adds its own tags for
requests (``$key``, ``$const``, ``$call``, ``$now_ns``), resolved through ``hook``.
"""

from __future__ import annotations

import math
from typing import Any, Callable

Hook = Callable[[str, Any], Any]


def encode(value: Any, obj_hook: Callable[[Any], Any] | None = None) -> Any:
    """Python value -> JSON-able value with tags."""
    if value is None or type(value) in (bool, int, str):
        return value
    if type(value) is float:
        if math.isnan(value) or math.isinf(value):
            return {"$float": repr(value)}
        return value
    if type(value) is bytearray:
        return {"$bytearray": value.hex()}
    if type(value) is bytes:
        return {"$bytes": value.hex()}
    if isinstance(value, (bytes, bytearray)):  # a subclass, e.g. HyperLogLog: keep its name
        return {"$obj": {"type": type(value).__name__, "attrs": {"bytes": {"$bytes": value.hex()}}}}
    if isinstance(value, tuple):
        return {"$tuple": [encode(v, obj_hook) for v in value]}
    if isinstance(value, list):
        return [encode(v, obj_hook) for v in value]
    if isinstance(value, dict):
        if all(isinstance(k, str) and not k.startswith("$") for k in value):
            return {k: encode(v, obj_hook) for k, v in value.items()}
        return {"$map": [[encode(k, obj_hook), encode(v, obj_hook)] for k, v in value.items()]}
    if obj_hook is not None:
        return obj_hook(value)
    raise TypeError(f"cannot encode {type(value).__name__}: {value!r}")


def decode(value: Any, hook: Hook | None = None) -> Any:
    """Tagged JSON -> Python value. Unknown tags go to ``hook(tag, payload)``."""
    if isinstance(value, list):
        return [decode(v, hook) for v in value]
    if not isinstance(value, dict):
        return value
    if len(value) == 1:
        ((tag, payload),) = value.items()
        if tag.startswith("$"):
            if tag == "$bytes":
                return bytes.fromhex(payload)
            if tag == "$bytearray":
                return bytearray.fromhex(payload)
            if tag == "$tuple":
                return tuple(decode(v, hook) for v in payload)
            if tag == "$map":
                return {decode(k, hook): decode(v, hook) for k, v in payload}
            if tag == "$float":
                return float(payload)
            if hook is None:
                raise ValueError(f"unknown tag {tag}")
            return hook(tag, payload)
    return {k: decode(v, hook) for k, v in value.items()}
