"""``aerospike.predicates``: secondary-index query predicates.

Each helper returns the tuple the official client returns, which a query encodes:

- ``(predicate, data_type, bin, value)`` for :func:`equals`,
- ``(predicate, data_type, bin, min, max)`` for :func:`between`,
- ``(predicate, data_type, bin, value_or_min, max_or_None, index_type)`` for the others.

``predicate`` is :data:`PREDICATE_EQUAL` (0) or :data:`PREDICATE_RANGE` (1); ``data_type``
is an ``INDEX_*`` data type (string 0, geo2dsphere 2, blob 3, numeric 4); ``index_type`` an
``INDEX_TYPE_*`` collection type. Like the official client, an unsupported value type
returns ``None`` rather than raising.
"""

from __future__ import annotations

import json
from typing import Any, Optional

from ._constants import (
    INDEX_BLOB,
    INDEX_GEO2DSPHERE,
    INDEX_NUMERIC,
    INDEX_STRING,
    INDEX_TYPE_DEFAULT,
)
from .exception import ParamError

__all__ = [
    "PREDICATE_EQUAL",
    "PREDICATE_RANGE",
    "between",
    "contains",
    "equals",
    "geo_contains_geojson_point",
    "geo_contains_point",
    "geo_within_geojson_region",
    "geo_within_radius",
    "range",
]

PREDICATE_EQUAL = 0
PREDICATE_RANGE = 1

Predicate = Optional[tuple]


def _data_type(val: Any) -> int | None:
    # bool is an int here, as in the official client
    if isinstance(val, int):
        return INDEX_NUMERIC
    if isinstance(val, str):
        return INDEX_STRING
    if isinstance(val, (bytes, bytearray)):
        return INDEX_BLOB
    return None


def equals(bin: str | None, val: str | int | bytes | bytearray) -> Predicate:
    """Match records whose ``bin`` equals ``val`` (int, str or bytes)."""
    data_type = _data_type(val)
    if data_type is None:
        return None
    return (PREDICATE_EQUAL, data_type, bin, val)


def between(bin: str | None, min: int, max: int) -> Predicate:
    """Match records whose integer ``bin`` lies in ``[min, max]``."""
    if not (isinstance(min, int) and isinstance(max, int)):
        return None
    return (PREDICATE_RANGE, INDEX_NUMERIC, bin, min, max)


def contains(bin: str | None, index_type: int, val: str | int | bytes | bytearray) -> Predicate:
    """Match records whose list/map ``bin`` contains ``val`` (per ``index_type``)."""
    data_type = _data_type(val)
    if data_type is None:
        return None
    return (PREDICATE_EQUAL, data_type, bin, val, None, index_type)


def range(bin: str | None, index_type: int, min: int, max: int) -> Predicate:
    """Match records whose list/map ``bin`` holds an integer in ``[min, max]``."""
    if not (isinstance(min, int) and isinstance(max, int)):
        return None
    return (PREDICATE_RANGE, INDEX_NUMERIC, bin, min, max, index_type)


def _geo(bin: str | None, shape: str, index_type: int) -> tuple:
    return (PREDICATE_RANGE, INDEX_GEO2DSPHERE, bin, shape, None, index_type)


def _check_numbers(*values: Any) -> None:
    for value in values:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ParamError(
                -2,
                "Latitude, longitude and radius should be integer or double type, "
                "bin of string type",
            )


def geo_within_geojson_region(
    bin: str | None,
    shape: str,
    index_type: int = INDEX_TYPE_DEFAULT,
) -> Predicate:
    """Match points of ``bin`` inside the GeoJSON region ``shape`` (a str)."""
    if not isinstance(shape, str):
        return None
    return _geo(bin, shape, index_type)


def geo_within_radius(
    bin: str | None,
    long: float,
    lat: float,
    radius_meters: float,
    index_type: int = INDEX_TYPE_DEFAULT,
) -> Predicate:
    """Match points of ``bin`` within ``radius_meters`` of (``long``, ``lat``)."""
    _check_numbers(long, lat, radius_meters)
    shape = json.dumps({"type": "AeroCircle", "coordinates": [[long, lat], radius_meters]})
    return _geo(bin, shape, index_type)


def geo_contains_geojson_point(
    bin: str | None,
    point: str,
    index_type: int = INDEX_TYPE_DEFAULT,
) -> Predicate:
    """Match regions of ``bin`` that contain the GeoJSON point ``point`` (a str)."""
    if not isinstance(point, str):
        return None
    return _geo(bin, point, index_type)


def geo_contains_point(
    bin: str | None,
    long: float,
    lat: float,
    index_type: int = INDEX_TYPE_DEFAULT,
) -> Predicate:
    """Match regions of ``bin`` that contain the point (``long``, ``lat``)."""
    _check_numbers(long, lat)
    shape = json.dumps({"type": "Point", "coordinates": [long, lat]})
    return _geo(bin, shape, index_type)
