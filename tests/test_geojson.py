"""aerospike.GeoJSON, geodata, geojson and the geo predicates' shapes."""

from __future__ import annotations

import json
import pickle
from typing import Any

import pytest
from aerospike import exception, predicates
from aerospike.geojson import GeoJSON, geodata, geojson

POINT = {"type": "Point", "coordinates": [1.5, 2]}
POLYGON = {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 0]]]}
CIRCLE = {"type": "AeroCircle", "coordinates": [[-122.0, 37.5], 250.2]}


@pytest.mark.parametrize("data", [POINT, POLYGON, CIRCLE])
def test_dict_round_trip_and_text(data: dict[str, Any]) -> None:
    geo = GeoJSON(data)
    assert geo.unwrap() == data
    assert geo.geo_data == data
    assert str(geo) == json.dumps(data)
    assert geo.dumps() == json.dumps(data)
    assert repr(geo) == repr(json.dumps(data))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('{"type": "Point", "coordinates": [1, 2]}', {"type": "Point", "coordinates": [1, 2]}),
        (
            '{"type":"Point","coordinates":[28.6,-80.6]}',
            {"type": "Point", "coordinates": [28.6, -80.6]},
        ),
    ],
)
def test_built_from_a_string(text: str, expected: dict[str, Any]) -> None:
    assert GeoJSON(text).unwrap() == expected
    assert geojson(text).unwrap() == expected
    assert str(geojson(text)) == json.dumps(expected)


def test_official_text_format() -> None:
    # What 19.x prints for the same input.
    assert str(GeoJSON(POINT)) == '{"type": "Point", "coordinates": [1.5, 2]}'
    assert repr(GeoJSON(POINT)) == '\'{"type": "Point", "coordinates": [1.5, 2]}\''


def test_wrap_and_loads_replace_the_data() -> None:
    geo = GeoJSON(POINT)
    geo.wrap(POLYGON)
    assert geo.unwrap() == POLYGON
    geo.loads(json.dumps(CIRCLE))
    assert geo.unwrap() == CIRCLE


@pytest.mark.parametrize("bad", [5, [1], b"x", 1.5, ("a",)])
def test_constructor_rejects_other_types(bad: object) -> None:
    with pytest.raises(exception.ParamError):
        GeoJSON(bad)  # type: ignore[arg-type]


@pytest.mark.parametrize("bad", [5, None, "not json", b"{}"])
def test_wrap_takes_only_a_dict(bad: object) -> None:
    with pytest.raises(exception.ParamError):
        GeoJSON(POINT).wrap(bad)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("bad", "error"),
    [
        (5, exception.ParamError),
        (None, exception.ParamError),
        ("not json", exception.ClientError),
        ("[1, 2]", exception.ClientError),
    ],
)
def test_loads_errors(bad: object, error: type) -> None:
    with pytest.raises(error):
        GeoJSON(POINT).loads(bad)  # type: ignore[arg-type]


@pytest.mark.parametrize("bad", ["not json", "{", "5"])
def test_invalid_geojson_string_is_a_client_error(bad: str) -> None:
    with pytest.raises(exception.ClientError) as info:
        GeoJSON(bad)
    assert info.value.code == -1
    with pytest.raises(exception.ClientError):
        geojson(bad)


@pytest.mark.parametrize(
    ("func", "bad"),
    [(geodata, "{}"), (geodata, 5), (geojson, {"type": "Point"}), (geojson, 5)],
)
def test_helpers_check_their_argument(func: Any, bad: object) -> None:
    with pytest.raises(exception.ParamError):
        func(bad)


def test_seed_optional_argument() -> None:
    assert geodata().unwrap() is None
    assert geojson().unwrap() is None


def test_equality_pickle_and_hash() -> None:
    geo = geodata(POINT)
    assert geo == GeoJSON(json.dumps(POINT))
    assert geo != GeoJSON(POLYGON)
    assert hash(geo) == hash(GeoJSON(POINT))
    back = pickle.loads(pickle.dumps(geo))
    assert isinstance(back, GeoJSON)
    assert back.unwrap() == POINT


@pytest.mark.parametrize(
    ("call", "expected"),
    [
        (lambda: predicates.equals("b", 5), (0, 4, "b", 5)),
        (lambda: predicates.equals("b", "s"), (0, 0, "b", "s")),
        (lambda: predicates.equals("b", b"x"), (0, 3, "b", b"x")),
        (lambda: predicates.equals("b", True), (0, 4, "b", True)),
        (lambda: predicates.equals("b", 1.5), None),
        (lambda: predicates.equals("b", None), None),
        (lambda: predicates.between("b", 1, 9), (1, 4, "b", 1, 9)),
        (lambda: predicates.between("b", 1.5, 2), None),
        (lambda: predicates.range("b", 1, 1, 9), (1, 4, "b", 1, 9, 1)),
        (lambda: predicates.range("b", 3, "a", "b"), None),
        (lambda: predicates.contains("b", 1, 5), (0, 4, "b", 5, None, 1)),
        (lambda: predicates.contains("b", 2, "k"), (0, 0, "b", "k", None, 2)),
        (lambda: predicates.contains("b", 1, b"x"), (0, 3, "b", b"x", None, 1)),
        (lambda: predicates.contains("b", 1, [1]), None),
        (
            lambda: predicates.geo_within_geojson_region("b", json.dumps(POINT)),
            (1, 2, "b", json.dumps(POINT), None, 0),
        ),
        (
            lambda: predicates.geo_within_geojson_region("b", json.dumps(POINT), 1),
            (1, 2, "b", json.dumps(POINT), None, 1),
        ),
        (lambda: predicates.geo_within_geojson_region("b", 5), None),
        (
            lambda: predicates.geo_within_radius("b", 1.0, 2.0, 3.0),
            (1, 2, "b", '{"type": "AeroCircle", "coordinates": [[1.0, 2.0], 3.0]}', None, 0),
        ),
        (
            lambda: predicates.geo_within_radius("b", 1, 2, 3, 1),
            (1, 2, "b", '{"type": "AeroCircle", "coordinates": [[1, 2], 3]}', None, 1),
        ),
        (
            lambda: predicates.geo_contains_geojson_point("b", json.dumps(POINT)),
            (1, 2, "b", json.dumps(POINT), None, 0),
        ),
        (
            lambda: predicates.geo_contains_point("b", 1.0, 2.0),
            (1, 2, "b", '{"type": "Point", "coordinates": [1.0, 2.0]}', None, 0),
        ),
    ],
)
def test_predicate_shapes(call: Any, expected: tuple | None) -> None:
    assert call() == expected


@pytest.mark.parametrize(
    "call",
    [
        lambda: predicates.geo_within_radius("b", "x", 2, 3),
        lambda: predicates.geo_contains_point("b", 1, None),
    ],
)
def test_geo_point_predicates_check_numbers(call: Any) -> None:
    with pytest.raises(exception.ParamError):
        call()
