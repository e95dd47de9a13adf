"""Time-dependent behaviour with the official client: records really expire, truncate of a
set and of a namespace, truncate with a last-update-time cut-off (later writes survive).

Namespace truncation uses the second namespace ``bar`` only (against AEROSPIKE_HOSTS this
empties ``bar`` on that server). A real server truncates asynchronously, so the checks poll
for a short while; the embedded server is expected to be done at once.
"""

from __future__ import annotations

from typing import Any

import pytest
from conformance_harness import (
    ABSENT,
    MARK,
    NOW_NS,
    OK,
    SET,
    Case,
    K,
    Ok,
    Raises,
    Record,
    ScanBins,
    call,
    check_case,
    get,
    mark,
    outcomes_for,
    poll,
    put,
    sleep,
)

NOT_FOUND = Raises("RecordNotFound", 2)


def scan_bins(set_sfx: str) -> Any:
    """A scan of this run's set + set_sfx."""
    return call("scan", "test", SET(set_sfx), then=[("results", [])])


def gone(key: Any) -> Any:
    return poll(get(key), until="RecordNotFound", timeout=5.0)


CASES: dict[str, Case] = {
    "ttl-expires": [
        (put(K("e1"), {"a": 1}, meta={"ttl": 1}), Ok(0)),
        (put(K("e2"), {"a": 2}, meta={"ttl": 100}), Ok(0)),
        (put(K("e3", set="+ttl"), {"a": 3}, meta={"ttl": 1}), Ok(0)),
        (put(K("e4", set="+ttl"), {"a": 4}, meta={"ttl": 100}), Ok(0)),
        (get(K("e1")), Record({"a": 1}, gen=1)),
        (sleep(2.5), OK),
        (scan_bins("ttl"), ScanBins([{"a": 4}])),  # scans skip expired records too
        (get(K("e1")), NOT_FOUND),
        (call("exists", K("e1")), ABSENT),
        (get(K("e2")), Record({"a": 2}, gen=1)),
        # The expired key is free again: a new record starts at generation 1.
        (put(K("e1"), {"b": 3}), Ok(0)),
        (get(K("e1")), Record({"b": 3}, gen=1)),
    ],
    "truncate-set": [
        (put(K("t1", set="+ts"), {"a": 1}), OK),
        (put(K("t2", set="+ts"), {"a": 2}), OK),
        (put(K("keep", set="+other"), {"a": 3}), OK),
        (call("truncate", "test", SET("ts"), 0), Ok(0)),
        (gone(K("t1", set="+ts")), NOT_FOUND),
        (get(K("t2", set="+ts")), NOT_FOUND),
        (get(K("keep", set="+other")), Record({"a": 3}, gen=1)),
        # Writes after the truncate are kept.
        (put(K("t1", set="+ts"), {"a": 4}), Ok(0)),
        (get(K("t1", set="+ts")), Record({"a": 4}, gen=1)),
        (scan_bins("ts"), ScanBins([{"a": 4}])),
    ],
    "truncate-lut-cutoff": [
        (put(K("old", set="+lut"), {"a": 1}), OK),
        (sleep(0.2), OK),
        (mark("cut"), OK),
        (call("truncate", "test", SET("lut"), MARK("cut")), Ok(0)),
        (gone(K("old", set="+lut")), NOT_FOUND),
    ],
    "truncate-lut-keeps-newer": [
        (put(K("old", set="+lut2"), {"a": 1}), OK),
        (sleep(0.2), OK),
        (mark("cut2"), OK),  # the cut-off: between the two writes
        (sleep(0.2), OK),
        (put(K("new", set="+lut2"), {"a": 2}), OK),
        (call("truncate", "test", SET("lut2"), MARK("cut2")), Ok(0)),
        (gone(K("old", set="+lut2")), NOT_FOUND),
        (get(K("new", set="+lut2")), Record({"a": 2}, gen=1)),
        (scan_bins("lut2"), ScanBins([{"a": 2}])),
    ],
    "truncate-future-lut-refused": [
        (call("truncate", "test", SET("fut"), NOW_NS(3600)), Raises("InvalidRequest", 4)),
    ],
    "truncate-namespace": [
        (put(K("n1", ns="bar"), {"a": 1}), OK),
        (put(K("n2", ns="bar", set="+x"), {"a": 2}), OK),
        (put(K("n3"), {"a": 3}), OK),
        (call("truncate", "bar", None, 0), Ok(0)),
        (gone(K("n1", ns="bar")), NOT_FOUND),
        (get(K("n2", ns="bar", set="+x")), NOT_FOUND),
        (get(K("n3")), Record({"a": 3}, gen=1)),
        (call("scan", "bar", None, then=[("results", [])]), Ok([])),
    ],
}


@pytest.fixture(scope="module")
def results(driver: Any, cluster_hosts: Any) -> Any:
    return driver(cluster_hosts, CASES, "expiry")


@pytest.mark.parametrize("case", list(CASES))
def test_case(results: Any, case: str) -> None:
    check_case(case, CASES[case], outcomes_for(results, case))
