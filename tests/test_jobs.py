"""Background jobs: scan_apply / query_apply, Scan/Query apply, add_ops and
execute_background, job_info / scan_info; aggregation refused before anything is sent."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Callable

import aerospike
import pytest
from aerospike import exception as ex
from aerospike import predicates
from aerospike.testing import Server
from aerospike_helpers.operations import operations as ops

from tests.test_vectors_client import SCENARIOS, Proxy, frame_type, info_lines, parse_msg

UDF = """
function add(rec, bin, n)
    rec[bin] = (rec[bin] or 0) + n
    aerospike:update(rec)
end

function total(stream)
    return stream
end
"""

N = 8


@pytest.fixture(scope="module")
def udf(client: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    path = tmp_path_factory.mktemp("jobs") / "jobudf.lua"
    path.write_text(UDF)
    client.udf_put(str(path))
    yield "jobudf"
    client.udf_remove("jobudf")


@pytest.fixture
def records(client: Any, set_name: str) -> list[tuple[str, str, int]]:
    keys = [("test", set_name, i) for i in range(N)]
    for i, k in enumerate(keys):
        client.put(k, {"i": i, "n": 10})
    return keys


def values(client: Any, keys: list[tuple[str, str, int]], bin_: str) -> list[Any]:
    return [client.get(k)[2].get(bin_) for k in keys]


def done(client: Any, job: int, module: str = aerospike.JOB_SCAN) -> dict[str, int]:
    info = client.job_info(job, module)
    assert info["status"] == aerospike.JOB_STATUS_COMPLETED
    return info


def test_scan_apply_runs_udf_and_job_info_reports(client: Any, udf: str, records: Any) -> None:
    set_name = records[0][1]
    job = client.scan_apply("test", set_name, udf, "add", ["n", 5])
    assert isinstance(job, int) and job > 0
    info = done(client, job)
    assert info == {
        "status": aerospike.JOB_STATUS_COMPLETED,
        "progress_pct": 100,
        "records_read": N,
    }
    assert values(client, records, "n") == [15] * N
    seed = client.scan_info(job)
    assert seed == {
        "status": aerospike.SCAN_STATUS_COMPLETED,
        "progress_pct": 100,
        "records_scanned": N,
    }


def _scan_apply(c: Any, s: str, udf: str) -> int:
    scan = c.scan("test", s)
    scan.apply(udf, "add", ["n", 1])
    return int(scan.execute_background())


def _query_apply(c: Any, s: str, udf: str) -> int:
    q = c.query("test", s)
    q.where(predicates.between("i", 2, 4))
    q.apply(udf, "add", ["n", 1])
    return int(q.execute_background())


def _client_query_apply(c: Any, s: str, udf: str) -> int:
    return int(c.query_apply("test", s, predicates.between("i", 2, 4), udf, "add", ["n", 1]))


def _scan_ops(c: Any, s: str, udf: str) -> int:
    scan = c.scan("test", s)
    scan.add_ops([ops.increment("n", 1)])
    return int(scan.execute_background())


def _query_ops(c: Any, s: str, udf: str) -> int:
    q = c.query("test", s)
    q.where(predicates.between("i", 2, 4))
    q.add_ops([ops.increment("n", 1)])
    return int(q.execute_background({"total_timeout": 5000}))


ALL, TWO_TO_FOUR = [11] * N, [11 if 2 <= i <= 4 else 10 for i in range(N)]

JOBS: list[tuple[str, Callable[[Any, str, str], int], str, list[int]]] = [
    ("Scan.apply", _scan_apply, aerospike.JOB_SCAN, ALL),
    ("Query.apply", _query_apply, aerospike.JOB_QUERY, TWO_TO_FOUR),
    ("client.query_apply", _client_query_apply, aerospike.JOB_QUERY, TWO_TO_FOUR),
    ("Scan.add_ops", _scan_ops, aerospike.JOB_SCAN, ALL),
    ("Query.add_ops", _query_ops, aerospike.JOB_QUERY, TWO_TO_FOUR),
]


@pytest.mark.parametrize(
    ("start", "module", "expected"), [j[1:] for j in JOBS], ids=[j[0] for j in JOBS]
)
def test_execute_background(
    client: Any,
    udf: str,
    records: Any,
    start: Callable[[Any, str, str], int],
    module: str,
    expected: list[int],
) -> None:
    set_name = records[0][1]
    index = f"idx_{set_name}"
    client.index_integer_create("test", set_name, "i", index)
    try:
        job = start(client, set_name, udf)
        done(client, job, module)
        assert values(client, records, "n") == expected
    finally:
        client.index_remove("test", index)


def _aggregate_results(c: Any, s: str) -> None:
    q = c.query("test", s)
    q.apply("jobudf", "total")
    q.results()


def _aggregate_foreach(c: Any, s: str) -> None:
    q = c.query("test", s)
    q.where(predicates.between("i", 0, 100))
    q.apply("jobudf", "total")
    q.foreach(lambda _r: None)


def _scan_apply_results(c: Any, s: str) -> None:
    scan = c.scan("test", s)
    scan.apply("jobudf", "total")
    scan.results()


@pytest.mark.parametrize("call", [_aggregate_results, _aggregate_foreach, _scan_apply_results])
def test_aggregation_not_built(client: Any, set_name: str, call: Callable[..., None]) -> None:
    with pytest.raises(ex.ClientError, match="stream-UDF aggregation is not built yet"):
        call(client, set_name)


BAD: list[tuple[str, Callable[[Any], Any], type[Exception]]] = [
    ("no apply or ops", lambda c: c.scan("test", "x").execute_background(), ex.ParamError),
    ("job module", lambda c: c.job_info(1, "nope"), ex.ParamError),
    ("args not a list", lambda c: c.scan_apply("test", "x", "m", "f", "notalist"), ex.ParamError),
    (
        "scan option",
        lambda c: c.scan_apply("test", "x", "m", "f", [], None, {"bogus": 1}),
        ex.ParamError,
    ),
]


@pytest.mark.parametrize(("call", "error"), [b[1:] for b in BAD], ids=[b[0] for b in BAD])
def test_bad_input(client: Any, call: Callable[[Any], Any], error: type[Exception]) -> None:
    with pytest.raises(error):
        call(client)


def test_empty_ops_refused_at_execute(client: Any) -> None:
    q = client.query("test", "x")
    q.add_ops([])
    with pytest.raises(ex.ParamError, match="at least one operation"):
        q.execute_background()


def test_job_info_unknown_job_is_completed(client: Any) -> None:
    # A node that no longer knows a job answers "not found": it is done there.
    assert client.job_info(12345, aerospike.JOB_QUERY)["status"] == aerospike.JOB_STATUS_COMPLETED


@pytest.fixture(scope="module")
def recording() -> Iterator[tuple[Proxy, Any]]:
    if "scan_apply+job_info" not in SCENARIOS:
        pytest.skip("no recorded vectors")
    with Server() as srv:
        proxy = Proxy(srv.config["hosts"][0][1])
        c = aerospike.client(
            {"hosts": [("127.0.0.1", proxy.port)], "tend_interval": 600_000}
        ).connect()
        proxy.ignore_open()
        try:
            yield proxy, c
        finally:
            c.close()
            proxy.close()


def test_scan_apply_encoding_matches_recording(recording: tuple[Proxy, Any]) -> None:
    """Our scan_apply request and job_info command against the official client's."""
    proxy, c = recording
    recorded = SCENARIOS["scan_apply+job_info"].requests
    want = parse_msg(next(f for f in recorded if frame_type(f) == 3)[8:])
    mark = proxy.mark()
    job = c.scan_apply("test", "vecs", "vecudf", "add", ["i", 1])
    c.job_info(job, aerospike.JOB_SCAN)
    sent = proxy.since(mark)
    got = parse_msg(next(f for f in sent if frame_type(f) == 3)[8:])
    varying = {7, 9}  # task id, socket timeout
    assert (got.info, got.generation, got.record_ttl, got.ops) == (
        want.info,
        want.generation,
        want.record_ttl,
        want.ops,
    )
    assert [(t, None if t in varying else v) for t, v in got.fields] == [
        (t, None if t in varying else v) for t, v in want.fields
    ]
    assert int.from_bytes(dict(got.fields)[7], "big") == job
    infos = [info_lines(f) for f in sent if frame_type(f) == 1]
    assert infos == [[f"query-show:id={job}"]]
    recorded_info = info_lines(next(f for f in recorded if frame_type(f) == 1))
    assert recorded_info[0].split("=")[0] == "query-show:id"


def test_background_jobs_on_three_nodes(tmp_path: Any) -> None:
    """Each node runs the job over the partitions it masters: every record once."""
    path = tmp_path / "job3.lua"
    path.write_text(UDF)
    with Server(nodes=3) as srv:
        c = aerospike.client(srv.config).connect()
        try:
            c.udf_put(str(path))
            keys = [("test", "three", i) for i in range(30)]
            for k in keys:
                c.put(k, {"n": 0})
            done(c, c.scan_apply("test", "three", "job3", "add", ["n", 1]))
            scan = c.scan("test", "three")
            scan.add_ops([ops.increment("n", 10)])
            done(c, scan.execute_background())
            assert values(c, keys, "n") == [11] * len(keys)
        finally:
            c.close()
