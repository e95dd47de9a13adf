"""Secondary indexes and queries with the official client: integer, string, list and map-key
indexes; equals, between, contains; select; index life cycle (duplicate create, remove);
records written after the index is built are found, removed ones are not.

Index names are this run's set name plus a suffix, so runs never collide.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from conformance_harness import (
    OK,
    SET,
    C,
    Case,
    Geo,
    H,
    K,
    Ok,
    Raises,
    Satisfies,
    call,
    check_case,
    outcomes_for,
    poll,
    put,
    sleep,
)

N = 15
P = "aerospike.predicates"


def row(i: int) -> dict:
    return {"i": i, "name": f"n{i % 3}", "tags": [f"t{i % 2}", "all"], "attrs": {f"k{i % 4}": i}}


def query(pred: str, *args: Any, select: list | None = None) -> Any:
    then: list = [("select", select)] if select else []
    then += [("where", [H(f"{P}.{pred}", *args)]), ("results", [])]
    return call("query", "test", SET(), then=then)


def ids(want: list[int], bins: set | None = None) -> Satisfies:
    """The records found are exactly these i values (any order); ``bins``: their bin names."""

    def pred(v: Any) -> str | None:
        got = sorted(r[2]["i"] for r in v)
        if got != sorted(want):
            return f"found i={got}, expected {sorted(want)}"
        if bins is not None and any(set(r[2]) != bins for r in v):
            return f"bins {[sorted(r[2]) for r in v]}, expected {sorted(bins)}"
        return None

    return Satisfies(pred)


def GEO_PT(lng: float, lat: float) -> Geo:
    return Geo(json.dumps({"type": "Point", "coordinates": [lng, lat]}))


# A square of about 0.1 degree around the origin (contains geo0 and geo1, not geo2), and a
# region record (geo3) covering (0.5, 0.5).
SQUARE = json.dumps(
    {
        "type": "Polygon",
        "coordinates": [
            [[-0.05, -0.05], [0.05, -0.05], [0.05, 0.05], [-0.05, 0.05], [-0.05, -0.05]]
        ],
    }
)
GEO_REGION = Geo(
    json.dumps(
        {
            "type": "Polygon",
            "coordinates": [[[0.0, 0.0], [1.0, 0.0], [1.0, 1.0], [0.0, 1.0], [0.0, 0.0]]],
        }
    )
)


def idx(sfx: str) -> Any:
    return SET(f"_{sfx}")  # index name: this run's set name + suffix


SETUP: Case = [
    *[(put(K(f"q{i}"), row(i)), OK) for i in range(N)],
    (call("index_integer_create", "test", SET(), "i", idx("i")), Ok(0)),
    (call("index_string_create", "test", SET(), "name", idx("name")), Ok(0)),
    (call("index_list_create", "test", SET(), "tags", C("INDEX_STRING"), idx("tags")), Ok(0)),
    (call("index_map_keys_create", "test", SET(), "attrs", C("INDEX_STRING"), idx("ak")), Ok(0)),
    # Points for the geo index: p0 at the origin, p1 ~1.1 km east, p2 ~111 km north.
    (put(K("geo0"), {"i": 1000, "loc": GEO_PT(0.0, 0.0)}), OK),
    (put(K("geo1"), {"i": 1001, "loc": GEO_PT(0.01, 0.0)}), OK),
    (put(K("geo2"), {"i": 1002, "loc": GEO_PT(0.0, 1.0)}), OK),
    (put(K("geo3"), {"i": 1003, "loc": GEO_REGION}), OK),
    (call("index_geo2dsphere_create", "test", SET(), "loc", idx("loc")), Ok(0)),
    (sleep(0.3), OK),
]

CASES: dict[str, Case] = {
    "setup": SETUP,
    "integer-equals": [(query("equals", "i", 5), ids([5]))],
    "integer-between": [(query("between", "i", 3, 6), ids([3, 4, 5, 6]))],
    "integer-no-match": [(query("between", "i", 100, 200), Ok([]))],
    "string-equals": [(query("equals", "name", "n1"), ids([1, 4, 7, 10, 13]))],
    "list-contains": [
        (query("contains", "tags", C("INDEX_TYPE_LIST"), "t1"), ids([1, 3, 5, 7, 9, 11, 13])),
    ],
    "mapkeys-contains": [
        (query("contains", "attrs", C("INDEX_TYPE_MAPKEYS"), "k2"), ids([2, 6, 10, 14])),
    ],
    "geo-within-radius": [
        (query("geo_within_radius", "loc", 0.0, 0.0, 5000), ids([1000, 1001])),
    ],
    "geo-within-region": [
        (query("geo_within_geojson_region", "loc", SQUARE), ids([1000, 1001])),
    ],
    "geo-regions-containing-point": [
        (query("geo_contains_point", "loc", 0.5, 0.5), ids([1003])),
    ],
    "select-bins": [
        (query("between", "i", 0, 1, select=["i", "name"]), ids([0, 1], bins={"i", "name"})),
    ],
    "later-writes-are-indexed": [
        (put(K("q-new"), row(100)), OK),
        (call("remove", K("q3")), OK),
        (query("between", "i", 2, 100), ids([2, *range(4, N), 100])),
    ],
    "no-index-on-bin": [
        (query("equals", "nope", 1), Raises("IndexNotFound", 201)),
    ],
    # The same definition again is fine; the same name for another bin is refused.
    "index-create-again": [
        (call("index_integer_create", "test", SET(), "i", idx("i")), Ok(0)),
        (
            call("index_integer_create", "test", SET(), "other", idx("i")),
            Raises("IndexFoundError", 200),
        ),
    ],
    "index-remove": [
        (call("index_integer_create", "test", SET(), "tmp", idx("tmp")), Ok(0)),
        (call("index_remove", "test", idx("tmp")), Ok(0)),
        (poll(query("equals", "tmp", 1), until="IndexNotFound"), Raises("IndexNotFound", 201)),
    ],
    "teardown": [
        *[
            (call("index_remove", "test", idx(s)), Ok(0))
            for s in ("i", "name", "tags", "ak", "loc")
        ],
    ],
}


@pytest.fixture(scope="module")
def results(driver: Any, cluster_hosts: Any) -> Any:
    return driver(cluster_hosts, CASES, "query")


@pytest.mark.parametrize("case", list(CASES))
def test_case(results: Any, case: str) -> None:
    check_case(case, CASES[case], outcomes_for(results, case))
