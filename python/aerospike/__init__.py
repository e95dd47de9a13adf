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
from ._aerospike import Query, Scan, __version__, calc_digest, get_partition_id
from ._constants import *
from ._logging import set_log_handler, set_log_level
from ._seed_methods import Client
from .geojson import GeoJSON, geodata, geojson
from .serialization import set_deserializer, set_serializer, unset_serializers


class CDTWildcard:
    """Matches any value in list/map range operations (msgpack ext ``0xff``/``0x00``)."""

    def __repr__(self) -> str:
        return "aerospike.CDTWildcard()"


class CDTInfinite:
    """Greater than any value: the open end of list/map ranges (ext ``0xff``/``0x01``)."""

    def __repr__(self) -> str:
        return "aerospike.CDTInfinite()"


class HyperLogLog(bytes):
    """The bytes of a HyperLogLog bin (particle type 18)."""


class KeyOrderedDict(dict):  # type: ignore[type-arg]
    """A dict written to the server as a key-ordered map."""


class _Null:
    """A server-side nil inside lists and maps (see :func:`null`)."""

    def __repr__(self) -> str:
        return "aerospike.null()"


def null() -> _Null:
    """A value that writes msgpack nil where ``None`` would mean something else."""
    return _Null()


def client(config: dict[str, Any]) -> Client:
    """Create a :class:`Client` from ``config``; call ``connect()`` on it before use.

    Every key of the seed document and of today's client is accepted. Beyond both:

    - ``serialization_default``: the serializer for values with no server type when
      ``put`` is given none: ``SERIALIZER_PYTHON`` (the seed's default: pickle, particle
      type 9) or ``SERIALIZER_NONE`` (today's behaviour: raise ``ParamError``), or
      ``SERIALIZER_USER``.
    - ``send_bool_as``: ``AS_BOOL`` (default), ``INTEGER`` or ``PY_BYTES`` (pickled,
      what pre-6.x clients wrote).

    Accepted but without effect here: ``shm`` (no shared-memory tending; ``shm_key()``
    reports the key), ``thread_pool_size``, ``batch_direct``, ``min_conns_per_node``,
    ``rack_aware``/``rack_id``, ``use_services_alternate``, ``lua``. ``max_threads`` and
    ``max_conns_per_node`` cap each node's connection pool. ``tls`` with ``enable`` set
    raises ``ParamError`` (not supported yet).

    An unknown config key or a value of the wrong type raises
    :class:`aerospike.exception.ParamError` naming the key.
    """
    return Client(config)


__all__ = [
    "CDTInfinite",
    "CDTWildcard",
    "Client",
    "GeoJSON",
    "HyperLogLog",
    "KeyOrderedDict",
    "Query",
    "Scan",
    "__version__",
    "calc_digest",
    "client",
    "exception",
    "geodata",
    "geojson",
    "get_partition_id",
    "null",
    "predicates",
    "serialization",
    "set_deserializer",
    "set_log_handler",
    "set_log_level",
    "set_serializer",
    "unset_serializers",
]
__all__ += [name for name in dir() if name.isupper() and not name.startswith("_")]
