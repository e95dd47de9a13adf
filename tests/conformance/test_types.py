"""Value types through the official client, and the limits and errors around them.

Each value is written to a bin and read back; the result must be the same value with the
same Python type (True is not 1, bytes is not bytearray). Some refusals happen in the
official client before anything is sent (bin name over 15 bytes, unknown namespace,
integers beyond 64 bits): they are recorded here so that any server-side difference shows.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from conformance_harness import (
    OK,
    ZEROS,
    Case,
    Check,
    Geo,
    K,
    Ok,
    Raises,
    Record,
    check_case,
    get,
    outcomes_for,
    put,
)

NOT_FOUND = Raises("RecordNotFound", 2)

POINT = '{"type": "Point", "coordinates": [-122.5, 37.5]}'
POLYGON = (
    '{"type": "Polygon", "coordinates": [[[-122.5, 37.0], [-121.0, 37.0], [-121.0, 38.0], '
    "[-122.5, 37.0]]]}"
)

# name -> (value written, value read back)
ROUND_TRIPS: dict[str, tuple[Any, Any]] = {
    "int-zero": (0, 0),
    "int-neg": (-8675309, -8675309),
    "int-max": (2**63 - 1, 2**63 - 1),
    "int-min": (-(2**63), -(2**63)),
    "float": (3.25, 3.25),
    "float-neg-tiny": (-5e-324, -5e-324),
    "float-big": (1.7976931348623157e308, 1.7976931348623157e308),
    "float-inf": (float("inf"), float("inf")),
    "float-nan": (float("nan"), float("nan")),
    "str": ("hello", "hello"),
    "str-empty": ("", ""),
    "str-utf8": ("üñí©ødé ✓ 漢字", "üñí©ødé ✓ 漢字"),
    "str-long": ("x" * 100_000, "x" * 100_000),
    "bytes": (b"\x00\x01\xff", b"\x00\x01\xff"),
    "bytes-empty": (b"", b""),
    "bytearray": (bytearray(b"ab\x00"), b"ab\x00"),
    "bool-true": (True, True),
    "bool-false": (False, False),
    "list": ([1, "a", 2.5, b"x", True, None], [1, "a", 2.5, b"x", True, None]),
    "list-empty": ([], []),
    "list-nested": ([[1, [2, [3]]], {"k": [4]}], [[1, [2, [3]]], {"k": [4]}]),
    "dict": ({"a": 1, "b": "two", "c": 3.5}, {"a": 1, "b": "two", "c": 3.5}),
    "dict-empty": ({}, {}),
    "dict-int-keys": ({1: "one", -2: "minus two"}, {1: "one", -2: "minus two"}),
    "dict-nested": (
        {"x": {"y": {"z": [1, {"w": b"\x01"}]}}},
        {"x": {"y": {"z": [1, {"w": b"\x01"}]}}},
    ),
    "dict-mixed-keys": ({"s": 1, 2: "i", b"b": 3.0}, {"s": 1, 2: "i", b"b": 3.0}),
}


def _geo_equals(text: str) -> Check:
    want = json.loads(text)
    return Check(lambda v: isinstance(v, Geo) and json.loads(v) == want, f"GeoJSON {text}")


def type_cases() -> dict[str, Case]:
    cases: dict[str, Case] = {}
    for name, (value, back) in ROUND_TRIPS.items():
        key = K(f"type-{name}")
        cases[f"roundtrip-{name}"] = [
            (put(key, {"v": value}), Ok(0)),
            (get(key), Record({"v": back}, gen=1)),
        ]
    cases.update(
        {
            "many-bins-many-types": [
                (
                    put(
                        K("many"),
                        {"i": 1, "f": 1.5, "s": "s", "b": b"b", "l": [1], "m": {"k": 1}, "t": True},
                    ),
                    OK,
                ),
                (
                    get(K("many")),
                    Record(
                        {"i": 1, "f": 1.5, "s": "s", "b": b"b", "l": [1], "m": {"k": 1}, "t": True},
                        gen=1,
                    ),
                ),
            ],
            "many-bins": [
                (put(K("bins500"), {f"b{i}": i for i in range(500)}), OK),
                (get(K("bins500")), Record({f"b{i}": i for i in range(500)}, gen=1)),
            ],
            "geojson-point": [
                (put(K("geo-pt"), {"g": Geo(POINT)}), Ok(0)),
                (get(K("geo-pt")), Record({"g": _geo_equals(POINT)}, gen=1)),
            ],
            "geojson-polygon": [
                (put(K("geo-poly"), {"g": Geo(POLYGON)}), Ok(0)),
                (get(K("geo-poly")), Record({"g": _geo_equals(POLYGON)}, gen=1)),
            ],
            "geojson-invalid": [
                (
                    put(K("geo-bad"), {"g": Geo('{"type": "Point", "coordinates": "nowhere"}')}),
                    Raises("InvalidGeoJSON", 160),
                ),
                (get(K("geo-bad")), NOT_FOUND),
            ],
            "none-bin-removes": [
                (put(K("none"), {"a": 1, "b": 2}), OK),
                (put(K("none"), {"a": None}), Ok(0)),
                (get(K("none")), Record({"b": 2}, gen=2)),
                (put(K("none"), {"b": None}), Ok(0)),
                (get(K("none")), NOT_FOUND),
            ],
            # Real servers: a write that leaves a record that did not exist with no bins is
            # refused with 2 (write.c: "didn't exist"), and nothing is created.
            "none-bin-on-missing-record": [
                (put(K("none-new"), {"a": None}), NOT_FOUND),
                (get(K("none-new")), NOT_FOUND),
            ],
            # A write with no bin ops at all is a parameter error (4) on a real server.
            "put-no-bins": [
                (put(K("no-bins"), {}), Raises("InvalidRequest", 4)),
                (get(K("no-bins")), NOT_FOUND),
            ],
            "int-over-64-bits": [
                (put(K("big"), {"v": 2**63}), Raises("ParamError", -2)),
                (put(K("big"), {"v": -(2**63) - 1}), Raises("ParamError", -2)),
                (get(K("big")), NOT_FOUND),
            ],
            "bin-name-15-bytes": [
                (put(K("bn15"), {"b" * 15: 1}), Ok(0)),
                (get(K("bn15")), Record({"b" * 15: 1}, gen=1)),
            ],
            # The official client refuses a bin name over 15 bytes before sending anything.
            "bin-name-16-bytes": [
                (put(K("bn16"), {"b" * 16: 1}), Raises("BinNameError", 21)),
                (get(K("bn16")), NOT_FOUND),
            ],
            # And an unknown namespace, from its partition map (no node serves it).
            "unknown-namespace": [
                (put(K("ns", ns="nonexistent"), {"a": 1}), Raises("NamespaceNotFound", 20)),
                (get(K("ns", ns="nonexistent")), Raises("NamespaceNotFound", 20)),
            ],
            "second-namespace": [
                (put(K("in-bar", ns="bar"), {"a": 1}), Ok(0)),
                (get(K("in-bar", ns="bar")), Record({"a": 1}, gen=1)),
                (get(K("in-bar")), NOT_FOUND),  # same key in "test": another record
            ],
            # Real CE 8.1.2 refuses a 9 MiB record with 13 (RECORD_TOO_BIG), as recorded.
            "record-too-big": [
                (put(K("huge"), {"a": ZEROS(9 * 1024 * 1024)}), Raises("RecordTooBig", 13)),
                (get(K("huge")), NOT_FOUND),
            ],
        }
    )
    return cases


CASES = type_cases()


@pytest.fixture(scope="module")
def results(driver: Any, cluster_hosts: Any) -> Any:
    return driver(cluster_hosts, CASES, "types")


@pytest.mark.parametrize("case", list(CASES))
def test_case(results: Any, case: str) -> None:
    check_case(case, CASES[case], outcomes_for(results, case))
