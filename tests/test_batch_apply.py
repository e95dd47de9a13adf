"""`client.batch_apply` and `batch_write` with `Apply` records: UDF rows of the batch
protocol (protocol.md §7.1), results as 19.x's BatchRecords."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import aerospike
import pytest
from aerospike import exception as ex
from aerospike.testing import Server
from aerospike_helpers.batch import records as br

from tests.test_vectors_client import Proxy, frame_type, parse_batch, parse_msg

UDF = """
function add(rec, bin, n)
    rec[bin] = (rec[bin] or 0) + n
    aerospike:update(rec)
    return rec[bin]
end

function boom(rec)
    error("boom")
end
"""


@pytest.fixture(scope="module")
def udf(client: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    path = tmp_path_factory.mktemp("batch_apply") / "bapply.lua"
    path.write_text(UDF)
    client.udf_put(str(path))
    yield "bapply"
    client.udf_remove("bapply")


@pytest.fixture
def keys(client: Any, set_name: str) -> list[tuple[str, str, int]]:
    ks = [("test", set_name, i) for i in range(5)]
    for i, k in enumerate(ks):
        client.put(k, {"n": i})
    return ks


def test_batch_apply_runs_udf_on_every_key(client: Any, udf: str, keys: list[Any]) -> None:
    res = client.batch_apply(keys, udf, "add", ["n", 10])
    assert isinstance(res, br.BatchRecords)
    assert [r.result for r in res.batch_records] == [0] * len(keys)
    assert [r.record[2] for r in res.batch_records] == [{"SUCCESS": 10 + i} for i in range(5)]
    assert [r.key[:3] for r in res.batch_records] == keys
    assert all(r.record[1]["gen"] == 2 for r in res.batch_records)
    assert [client.get(k)[2]["n"] for k in keys] == [10 + i for i in range(5)]


def test_batch_apply_failure_per_row(client: Any, udf: str, keys: list[Any]) -> None:
    res = client.batch_apply(keys[:2], udf, "boom", [])
    for r in res.batch_records:
        assert r.result == 100
        assert "boom" in r.message
        assert "boom" in r.record[2]["FAILURE"]


def test_batch_apply_missing_module_and_mixed_keys(client: Any, keys: list[Any]) -> None:
    res = client.batch_apply(keys[:1], "no_such_module", "f", [])
    assert res.batch_records[0].result != 0
    assert res.batch_records[0].record is None or "FAILURE" in res.batch_records[0].record[2]


def test_batch_write_apply_record(client: Any, udf: str, keys: list[Any]) -> None:
    recs = br.BatchRecords(
        [
            br.Apply(keys[0], udf, "add", ["n", 1]),
            br.Read(keys[1], None, read_all_bins=True),
            br.Apply(keys[2], udf, "add", ["n", 2]),
        ]
    )
    client.batch_write(recs)
    got = [(r.result, r.record[2] if r.record else None) for r in recs.batch_records]
    assert got == [(0, {"SUCCESS": 1}), (0, {"n": 1}), (0, {"SUCCESS": 4})]


@pytest.mark.parametrize(
    ("args", "error"),
    [
        (("notalist",), ex.ParamError),
        ((["n", 1], None, {"ttl": "x"}), ex.ParamError),
    ],
)
def test_batch_apply_bad_input(
    client: Any, udf: str, keys: list[Any], args: tuple[Any, ...], error: type[Exception]
) -> None:
    with pytest.raises(error):
        client.batch_apply(keys, udf, "add", *args)


def test_batch_apply_rows_on_the_wire() -> None:
    """UDF rows: INFO|GEN|TTL flags, info2 WRITE only, the three UDF fields, no ops; the
    second key repeats the first row."""
    with Server() as srv:
        proxy = Proxy(srv.config["hosts"][0][1])
        c = aerospike.client({"hosts": [("127.0.0.1", proxy.port)]}).connect()
        try:
            mark = proxy.mark()
            c.batch_apply([("test", "w", 1), ("test", "w", 2)], "m", "f", [1, "a"])
            frames = [f for f in proxy.since(mark) if frame_type(f) == 3]
        finally:
            c.close()
            proxy.close()
    assert len(frames) == 1
    msg = parse_msg(frames[0][8:])
    assert msg.info[0] & 0x08  # BATCH
    _parent, rows = parse_batch(msg.field(41) or b"")
    first, second = rows
    assert (first["flags"], first["info1"], first["info2"], first["ops"]) == (0x0E, 0, 0x01, [])
    assert [t for t, _ in first["fields"]] == [0, 1, 30, 31, 32]
    assert first["fields"][2:] == [
        (30, b"m".hex()),
        (31, b"f".hex()),
        (32, "9201a20361"),
    ]  # [1, "a"], str with its type byte
    assert second["flags"] == 0x01  # REPEAT
