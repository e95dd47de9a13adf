"""``aerospike.GeoJSON``: geospatial values (server particle type 23).

A :class:`GeoJSON` wraps a dict (``geo_data``); ``str()`` is its GeoJSON text, ``repr()``
the ``repr`` of that text, as in the official client. The Rust layer writes
``value.dumps()`` and builds read values with :func:`geojson`.
"""

from __future__ import annotations

import json
from typing import Any

from .exception import ClientError, ParamError

__all__ = ["GeoJSON", "geodata", "geojson"]

_BAD_DATA = "Geospatial data should be a dictionary or raw GeoJSON string"
_BAD_STR = "String is not GeoJSON serializable -> Unable to load GeoJSON"


def _parse(text: str) -> dict[str, Any]:
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise ClientError(-1, _BAD_STR) from exc
    if not isinstance(data, dict):
        raise ClientError(-1, _BAD_STR)
    return data


class GeoJSON:
    """A geospatial value: a GeoJSON object such as a Point, Polygon or AeroCircle."""

    __slots__ = ("geo_data",)

    def __init__(self, geo_data: dict[str, Any] | str | None = None) -> None:
        """Build from a dict or a GeoJSON string (``None``: empty, as the seed's ``geodata()``)."""
        if isinstance(geo_data, str):
            self.geo_data: dict[str, Any] | None = _parse(geo_data)
        elif isinstance(geo_data, dict) or geo_data is None:
            self.geo_data = geo_data
        else:
            raise ParamError(-2, _BAD_DATA)

    def wrap(self, geo_data: dict[str, Any]) -> None:
        """Replace the wrapped data with the dict ``geo_data``."""
        if not isinstance(geo_data, dict):
            raise ParamError(-2, _BAD_DATA)
        self.geo_data = geo_data

    def unwrap(self) -> dict[str, Any] | None:
        """Return the wrapped dict."""
        return self.geo_data

    def loads(self, raw_geo: str) -> None:
        """Replace the wrapped data with the parsed GeoJSON string ``raw_geo``."""
        if not isinstance(raw_geo, str):
            raise ParamError(-2, "Argument should be a GeoJSON string")
        self.geo_data = _parse(raw_geo)

    def dumps(self) -> str:
        """Return the GeoJSON text of the wrapped data."""
        return json.dumps(self.geo_data)

    def __str__(self) -> str:
        return self.dumps()

    def __repr__(self) -> str:
        return repr(self.dumps())

    def __eq__(self, other: object) -> bool:
        if isinstance(other, GeoJSON):
            return self.geo_data == other.geo_data
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self.dumps())

    def __reduce__(self) -> tuple[Any, ...]:
        return (GeoJSON, (self.geo_data,))


def geodata(geo_data: dict[str, Any] | None = None) -> GeoJSON:
    """Return a :class:`GeoJSON` wrapping the dict ``geo_data``."""
    if geo_data is not None and not isinstance(geo_data, dict):
        raise ParamError(-2, "The geospatial data should be a dictionary")
    return GeoJSON(geo_data)


def geojson(geojson_str: str | None = None) -> GeoJSON:
    """Return a :class:`GeoJSON` parsed from the raw GeoJSON string ``geojson_str``."""
    if geojson_str is not None and not isinstance(geojson_str, str):
        raise ParamError(-2, "The geospatial data should be a GeoJSON string")
    return GeoJSON(geojson_str)
