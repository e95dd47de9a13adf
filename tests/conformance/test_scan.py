"""Scans (primary-index, no secondary index) with the official client: a set, selected bins,
stored keys, an empty set, max_records, a whole namespace, and a query with no filter
(which servers run as a scan).

Results are lists of (key, meta, bins) in no particular order: compared as sets.
"""

from __future__ import annotations

from typing import Any

import pytest
from conformance_harness import (
    OK,
    OP,
    SET,
    VAR,
    C,
    Case,
    K,
    Ok,
    Raises,
    Satisfies,
    call,
    check_case,
    outcomes_for,
    pages,
    put,
    sleep,
)

N = 12


def scan(ns: str, set_sfx: str | None, *then: tuple[str, list]) -> Any:
    """client.scan(ns, this run's set + set_sfx), then the given calls, then results()."""
    set_name = None if set_sfx is None else SET(set_sfx)
    return call("scan", ns, set_name, then=[*then, ("results", [])])


def records(want_bins: list[dict], pks: Any = None, gen: int = 1) -> Satisfies:
    """Exactly these bins (any order); pks: the primary keys expected (None = not stored)."""

    def pred(v: Any) -> str | None:
        if not isinstance(v, list):
            return f"expected a list of records, got {v!r}"
        got = sorted(repr(sorted(r[2].items())) for r in v)
        want = sorted(repr(sorted(b.items())) for b in want_bins)
        if got != want:
            return f"bins {got} != {want}"
        if any(r[1].get("gen") != gen for r in v):
            return f"generations {[r[1].get('gen') for r in v]} != {gen}"
        got_pks = sorted((r[0][2] for r in v), key=repr)
        want_pks = sorted(pks if pks is not None else [None] * len(want_bins), key=repr)
        if got_pks != want_pks:
            return f"primary keys {got_pks} != {want_pks}"
        return None

    return Satisfies(pred)


def contains(want_bins: list[dict]) -> Satisfies:
    def pred(v: Any) -> str | None:
        got = [r[2] for r in v]
        missing = [b for b in want_bins if b not in got]
        return f"missing {missing} among {len(got)} records" if missing else None

    return Satisfies(pred)


def count_between(lo: int, hi: int) -> Satisfies:
    return Satisfies(lambda v: None if lo <= len(v) <= hi else f"{len(v)} records, not {lo}..{hi}")


def _paged(n: int, size: int) -> Any:
    def pred(v: Any) -> str | None:
        seen = sorted(r[2]["i"] for page in v for r in page)
        if seen != list(range(n)):
            return f"records over all pages {seen}, expected 0..{n - 1} once each"
        if any(len(page) > size for page in v):
            return f"page sizes {[len(p) for p in v]} exceed {size}"
        return None

    return pred


SEND_KEY = {"key": C("POLICY_KEY_SEND")}

CASES: dict[str, Case] = {
    "scan-set": [
        *[(put(K(f"s{i}", set="+s"), {"i": i, "j": -i}), OK) for i in range(N)],
        (put(K("other", set="+o"), {"i": 99}), OK),
        (scan("test", "s"), records([{"i": i, "j": -i} for i in range(N)])),
    ],
    "scan-select-bins": [
        *[(put(K(f"b{i}", set="+b"), {"i": i, "j": -i, "s": "x"}), OK) for i in range(4)],
        (
            scan("test", "b", ("select", ["i", "s"])),
            records([{"i": i, "s": "x"} for i in range(4)]),
        ),
    ],
    # The key sent with POLICY_KEY_SEND is stored and comes back in scans. The official
    # client sends a `bytes` key as a string (particle 3; its digest too), so it returns as str.
    "scan-stored-keys": [
        (put(K("ka", set="+k"), {"v": 1}, policy=SEND_KEY), OK),
        (put(K(7, set="+k"), {"v": 2}, policy=SEND_KEY), OK),
        (put(K(b"kb", set="+k"), {"v": 3}, policy=SEND_KEY), OK),
        (put(K("nokey", set="+k"), {"v": 4}), OK),
        (
            scan("test", "k"),
            records([{"v": 1}, {"v": 2}, {"v": 3}, {"v": 4}], pks=["ka", 7, "kb", None]),
        ),
    ],
    "scan-updated-records": [
        (put(K("u", set="+u"), {"v": 1}), OK),
        (put(K("u", set="+u"), {"v": 2}), OK),
        (call("remove", K("gone", set="+u")), Raises("RecordNotFound", 2)),
        (put(K("gone", set="+u"), {"v": 3}), OK),
        (call("remove", K("gone", set="+u")), Ok(0)),
        (scan("test", "u"), records([{"v": 2}], gen=2)),
    ],
    "scan-unknown-set-is-empty": [(scan("test", "never-written"), Ok([]))],
    "scan-max-records": [
        *[(put(K(f"m{i}", set="+m"), {"i": i}), OK) for i in range(N)],
        (
            call("scan", "test", SET("m"), then=[("results", [{"max_records": 5}])]),
            count_between(1, 5),
        ),
    ],
    # Pages resume where the previous one stopped (per-partition digests): every record
    # exactly once over all pages.
    "scan-paginated": [
        *[(put(K(f"p{i}", set="+p"), {"i": i}), OK) for i in range(25)],
        (pages("test", "p", page_size=7), Satisfies(_paged(25, 7))),
    ],
    "scan-namespace": [
        (put(K("in-bar-1", ns="bar", set="+n1"), {"n": 1}), OK),
        (put(K("in-bar-2", ns="bar", set="+n2"), {"n": 2}), OK),
        (scan("bar", None), contains([{"n": 1}, {"n": 2}])),
    ],
    # A background scan applying write ops to every record of a set (a job), then job_info.
    "background-ops": [
        *[(put(K(f"bg{i}", set="+bg"), {"i": i}), OK) for i in range(5)],
        (
            call(
                "scan",
                "test",
                SET("bg"),
                save="job",
                then=[
                    ("add_ops", [[OP("write", "x", 1), OP("increment", "i", 100)]]),
                    ("execute_background", []),
                ],
            ),
            Satisfies(lambda v: None if isinstance(v, int) and v > 0 else f"job id {v!r}"),
        ),
        (sleep(1.0), OK),
        (
            call("job_info", VAR("job"), C("JOB_SCAN")),
            Satisfies(
                lambda v: (
                    None
                    if v.get("status") == 2  # JOB_STATUS_COMPLETED
                    else f"job_info {v!r}"
                )
            ),
        ),
        (scan("test", "bg"), records([{"i": 100 + i, "x": 1} for i in range(5)], gen=2)),
    ],
    "query-without-filter": [
        *[(put(K(f"q{i}", set="+q"), {"i": i}), OK) for i in range(3)],
        (
            call("query", "test", SET("q"), then=[("results", [])]),
            records([{"i": i} for i in range(3)]),
        ),
    ],
}


@pytest.fixture(scope="module")
def results(driver: Any, cluster_hosts: Any) -> Any:
    return driver(cluster_hosts, CASES, "scan")


@pytest.mark.parametrize("case", list(CASES))
def test_case(results: Any, case: str) -> None:
    check_case(case, CASES[case], outcomes_for(results, case))
