"""Aerospike client for Python with a Rust core: ``import aerospike``.

Drop-in for code written against the seed module and today's official client::

    import aerospike

    client = aerospike.client({"hosts": [("127.0.0.1", 3000)]}).connect()
    client.put(("test", "demo", 1), {"a": 1})
    (key, meta, bins) = client.get(("test", "demo", 1))
"""

from __future__ import annotations

from typing import Any

from . import exception, predicates, serialization
from ._aerospike import Client, __version__, calc_digest, get_partition_id
from ._constants import *
from ._logging import set_log_handler, set_log_level
from .geojson import GeoJSON, geodata, geojson
from .serialization import set_deserializer, set_serializer, unset_serializers


def client(config: dict[str, Any]) -> Client:
    """Create a :class:`Client` from ``config``; call ``connect()`` on it before use.

    An unknown config key or a value of the wrong type raises
    :class:`aerospike.exception.ParamError` naming the key.
    """
    return Client(config)


__all__ = [
    "Client",
    "GeoJSON",
    "__version__",
    "calc_digest",
    "client",
    "exception",
    "geodata",
    "geojson",
    "get_partition_id",
    "predicates",
    "serialization",
    "set_deserializer",
    "set_log_handler",
    "set_log_level",
    "set_serializer",
    "unset_serializers",
]
__all__ += [name for name in dir() if name.isupper() and not name.startswith("_")]
