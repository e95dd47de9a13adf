"""Batch commands of the official 19.x client (it has no get_many/exists_many any more):
batch_read, batch_operate, batch_write (aerospike_helpers.batch.records), batch_remove.

Results come back as BatchRecords: ``result`` for the whole batch and, per key, a
BatchRecord with ``result`` (0, 2 not found, ...) and ``record`` ((key, meta, bins) or None).
"""

from __future__ import annotations

from typing import Any

import pytest
from conformance_harness import (
    OK,
    OP,
    ZEROS,
    C,
    Case,
    H,
    K,
    Raises,
    Record,
    Satisfies,
    between,
    call,
    check_case,
    get,
    outcomes_for,
    put,
)

NOT_FOUND = Raises("RecordNotFound", 2)
BR = "aerospike_helpers.batch.records"


def rows(
    expected: list[tuple[int, dict | None]],
    overall: int | None = 0,
    gen: list[int] | None = None,
    ttl: Any = None,
) -> Satisfies:
    """A BatchRecords whose rows have these (result, bins) in key order; bins None = no record
    check. ``overall`` None: any batch result; ``ttl``: a Check on each record's meta ttl."""

    def pred(v: Any) -> str | None:
        if not isinstance(v, dict) or v.get("__type__") != "BatchRecords":
            return f"expected BatchRecords, got {v!r}"
        problems = []
        if overall is not None and v.get("result") != overall:
            problems.append(f"batch result {v.get('result')} != {overall}")
        recs = v.get("batch_records") or []
        if len(recs) != len(expected):
            return f"{len(recs)} rows, expected {len(expected)}: {recs!r}"
        for i, (rec, (code, bins)) in enumerate(zip(recs, expected)):
            if rec.get("result") != code:
                problems.append(f"row {i}: result {rec.get('result')} != {code}")
            record = rec.get("record")
            if bins is None:
                continue
            if not (isinstance(record, tuple) and len(record) == 3):
                problems.append(f"row {i}: record {record!r}, expected bins {bins!r}")
                continue
            if record[2] != bins or any(type(record[2][b]) is not type(bins[b]) for b in bins):
                problems.append(f"row {i}: bins {record[2]!r} != {bins!r}")
            if gen is not None and record[1].get("gen") != gen[i]:
                problems.append(f"row {i}: gen {record[1].get('gen')} != {gen[i]}")
            if ttl is not None and not ttl.pred(record[1].get("ttl")):
                problems.append(f"row {i}: ttl {record[1].get('ttl')} not {ttl!r}")
        return "; ".join(problems) or None

    return Satisfies(pred)


def keys(*names: str) -> list:
    return [K(n) for n in names]


def br(kind: str, *args: Any, **kwargs: Any) -> Any:
    return H(f"{BR}.{kind}", *args, **kwargs)


CASES: dict[str, Case] = {
    "batch_read-all-bins": [
        (put(K("b1"), {"i": 1, "j": 2}), OK),
        (put(K("b2"), {"i": 2, "j": 4}), OK),
        (put(K("b3"), {"i": 3, "j": 6, "s": "x"}), OK),
        (
            call("batch_read", keys("b1", "b2", "b3", "b-missing")),
            rows(
                [
                    (0, {"i": 1, "j": 2}),
                    (0, {"i": 2, "j": 4}),
                    (0, {"i": 3, "j": 6, "s": "x"}),
                    (2, None),
                ],
                gen=[1, 1, 1, 0],
            ),
        ),
    ],
    "batch_read-some-bins": [
        (put(K("bs1"), {"i": 1, "j": 2}), OK),
        (put(K("bs2"), {"i": 2, "s": "y"}), OK),
        (
            call("batch_read", keys("bs1", "bs2", "bs-missing"), ["i", "s"]),
            rows([(0, {"i": 1}), (0, {"i": 2, "s": "y"}), (2, None)]),
        ),
    ],
    "batch_read-many-keys-across-nodes": [
        *[(put(K(f"bm{i}"), {"i": i}), OK) for i in range(40)],
        (
            call("batch_read", keys(*[f"bm{i}" for i in range(40)])),
            rows([(0, {"i": i}) for i in range(40)]),
        ),
    ],
    # About 2.4 MB of reply: more than one 1 MiB proto frame on the way back.
    "batch_read-large-reply": [
        *[(put(K(f"bl{i}"), {"i": i, "pad": ZEROS(20_000)}), OK) for i in range(120)],
        (
            call("batch_read", keys(*[f"bl{i}" for i in range(120)]), ["i"]),
            rows([(0, {"i": i}) for i in range(120)]),
        ),
        (
            call("batch_read", keys(*[f"bl{i}" for i in range(120)])),
            Satisfies(
                lambda v: (
                    None
                    if all(
                        r["result"] == 0 and len(r["record"][2]["pad"]) == 20_000
                        for r in v["batch_records"]
                    )
                    else f"rows {v!r}"[:500]
                )
            ),
        ),
    ],
    "batch_read-two-namespaces": [
        (put(K("bn", ns="bar"), {"ns": "bar"}), OK),
        (put(K("bn"), {"ns": "test"}), OK),
        (
            call("batch_read", [K("bn", ns="bar"), K("bn")]),
            rows([(0, {"ns": "bar"}), (0, {"ns": "test"})]),
        ),
    ],
    "batch_read-duplicate-keys": [
        (put(K("bd"), {"a": 1}), OK),
        (
            call("batch_read", keys("bd", "bd", "bd-missing", "bd")),
            rows([(0, {"a": 1}), (0, {"a": 1}), (2, None), (0, {"a": 1})]),
        ),
    ],
    "batch_read-all-missing": [
        (call("batch_read", keys("bx1", "bx2")), rows([(2, None), (2, None)])),
    ],
    "batch_operate": [
        (put(K("bo1"), {"w": 1}), OK),
        (put(K("bo2"), {"w": 10}), OK),
        (
            call("batch_operate", keys("bo1", "bo2"), [OP("increment", "w", 1), OP("read", "w")]),
            rows([(0, {"w": 2}), (0, {"w": 11})], gen=[2, 2]),
        ),
        (get(K("bo1")), Record({"w": 2}, gen=2)),
    ],
    "batch_operate-creates-missing": [
        (
            call("batch_operate", keys("boc"), [OP("write", "w", 5), OP("read", "w")]),
            rows([(0, {"w": 5})]),
        ),
        (get(K("boc")), Record({"w": 5}, gen=1)),
    ],
    "batch_write-mixed": [
        (put(K("bw1"), {"a": 1}), OK),
        (put(K("bw3"), {"a": 3}), OK),
        (put(K("bw4"), {"a": 4}), OK),
        (
            call(
                "batch_write",
                br(
                    "BatchRecords",
                    [
                        br("Write", K("bw1"), [OP("write", "b", 2)]),
                        br("Write", K("bw2"), [OP("write", "a", 20), OP("read", "a")]),
                        br("Read", K("bw3"), [OP("read", "a")]),
                        br("Remove", K("bw4")),
                        br("Read", K("bw-missing"), [OP("read", "a")]),
                    ],
                ),
            ),
            rows([(0, None), (0, {"a": 20}), (0, {"a": 3}), (0, None), (2, None)]),
        ),
        (get(K("bw1")), Record({"a": 1, "b": 2}, gen=2)),
        (get(K("bw2")), Record({"a": 20}, gen=1)),
        (get(K("bw3")), Record({"a": 3}, gen=1)),
        (get(K("bw4")), NOT_FOUND),
    ],
    # bins=[]: metadata only, like exists().
    "batch_read-metadata-only": [
        (put(K("bmo"), {"a": 1}), OK),
        (put(K("bmo"), {"a": 2}), OK),
        (
            call("batch_read", keys("bmo", "bmo-missing"), []),
            Satisfies(
                lambda v: (
                    None
                    if [r["result"] for r in v["batch_records"]] == [0, 2]
                    and v["batch_records"][0]["record"][1]["gen"] == 2
                    and len(v["batch_records"][0]["record"]) == 2  # (key, meta), no bins
                    else f"rows {v!r}"[:600]
                )
            ),
        ),
    ],
    "batch_operate-with-ttl": [
        (put(K("bot"), {"a": 1}), OK),
        (
            call("batch_operate", keys("bot"), [OP("increment", "a", 1), OP("read", "a")], ttl=500),
            rows([(0, {"a": 2})], ttl=between(495, 500)),
        ),
        (get(K("bot")), Record({"a": 2}, gen=2, ttl=between(495, 500))),
    ],
    # Per-row write policies: create-only on an existing key fails that row only (5).
    "batch_write-row-policy": [
        (put(K("bwp1"), {"a": 1}), OK),
        (
            call(
                "batch_write",
                br(
                    "BatchRecords",
                    [
                        br(
                            "Write",
                            K("bwp1"),
                            [OP("write", "a", 9)],
                            policy={"exists": C("POLICY_EXISTS_CREATE")},
                        ),
                        br(
                            "Write",
                            K("bwp2"),
                            [OP("write", "a", 9)],
                            policy={"exists": C("POLICY_EXISTS_CREATE")},
                        ),
                        br(
                            "Write",
                            K("bwp3"),
                            [OP("write", "a", 9)],
                            policy={"exists": C("POLICY_EXISTS_UPDATE")},
                        ),
                    ],
                ),
            ),
            rows([(5, None), (0, None), (2, None)], overall=None),
        ),
        (get(K("bwp1")), Record({"a": 1}, gen=1)),
        (get(K("bwp2")), Record({"a": 9}, gen=1)),
        (get(K("bwp3")), NOT_FOUND),
    ],
    "batch_remove": [
        (put(K("br1"), {"a": 1}), OK),
        (put(K("br2"), {"a": 2}), OK),
        (
            call("batch_remove", keys("br1", "br2", "br-missing")),
            rows([(0, None), (0, None), (2, None)]),
        ),
        (get(K("br1")), NOT_FOUND),
        (get(K("br2")), NOT_FOUND),
    ],
}


@pytest.fixture(scope="module")
def results(driver: Any, cluster_hosts: Any) -> Any:
    return driver(cluster_hosts, CASES, "batch")


@pytest.mark.parametrize("case", list(CASES))
def test_case(results: Any, case: str) -> None:
    check_case(case, CASES[case], outcomes_for(results, case))
