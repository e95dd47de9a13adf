"""Every single-record method against the embedded server, with its return shapes."""

from __future__ import annotations

from typing import Any

import aerospike
import pytest
from aerospike import exception as ex
from aerospike_helpers.operations import operations as ops


def test_connect_returns_self_and_is_connected(config: dict[str, Any]) -> None:
    c = aerospike.client(config)
    assert c.is_connected() is False
    assert c.connect() is c
    assert c.is_connected() is True
    c.close()
    assert c.is_connected() is False
    c.close()  # closing twice is harmless
    assert c.connect() is c  # and a closed client connects again
    assert c.get_nodes()
    c.close()


def test_command_before_connect_raises_cluster_error(config: dict[str, Any]) -> None:
    c = aerospike.client(config)
    with pytest.raises(ex.ClusterError):
        c.get(("test", "demo", 1))


def test_put_get_shape(client: Any, make_key: Any) -> None:
    key = make_key("k1")
    assert client.put(key, {"a": 1, "b": "two"}) == 0
    rkey, meta, bins = client.get(key)
    assert rkey[:3] == key
    assert isinstance(rkey[3], bytearray)
    assert bytes(rkey[3]) == bytes(aerospike.calc_digest(*key))
    assert meta["gen"] == 1
    assert isinstance(meta["ttl"], int)
    assert bins == {"a": 1, "b": "two"}


def test_get_missing_raises_record_not_found(client: Any, make_key: Any) -> None:
    with pytest.raises(ex.RecordNotFound) as info:
        client.get(make_key("nope"))
    assert info.value.code == 2


def test_select(client: Any, make_key: Any) -> None:
    key = make_key(1)
    client.put(key, {"a": 1, "b": 2, "c": 3})
    _, _, bins = client.select(key, ["a", "c"])
    assert bins == {"a": 1, "c": 3}
    with pytest.raises(ex.RecordNotFound):
        client.select(make_key(2), ["a"])


def test_exists(client: Any, make_key: Any) -> None:
    key = make_key(b"bytes-key")
    rkey, meta = client.exists(key)
    assert meta is None and rkey[:3] == key
    client.put(key, {"a": 1})
    _, meta = client.exists(key)
    assert meta is not None and meta["gen"] == 1


def test_remove(client: Any, make_key: Any) -> None:
    key = make_key("r")
    client.put(key, {"a": 1})
    assert client.remove(key) == 0
    assert client.exists(key)[1] is None
    with pytest.raises(ex.RecordNotFound):
        client.remove(key)


def test_remove_bin(client: Any, make_key: Any) -> None:
    key = make_key("rb")
    client.put(key, {"a": 1, "b": 2})
    assert client.remove_bin(key, ["a"]) == 0
    assert client.get(key)[2] == {"b": 2}


def test_touch_bumps_generation(client: Any, make_key: Any) -> None:
    key = make_key("t")
    client.put(key, {"a": 1})
    assert client.touch(key, 100) == 0
    _, meta, _ = client.get(key)
    assert meta["gen"] == 2
    assert 0 < meta["ttl"] <= 100


@pytest.mark.parametrize(
    ("method", "initial", "arg", "expected"),
    [
        ("append", "ab", "cd", "abcd"),
        ("prepend", "ab", "cd", "cdab"),
        ("append", b"ab", b"cd", b"abcd"),
        ("increment", 1, 41, 42),
        ("increment", 1.5, 1.0, 2.5),
    ],
)
def test_single_bin_writes(
    client: Any, make_key: Any, method: str, initial: Any, arg: Any, expected: Any
) -> None:
    key = make_key(method)
    client.put(key, {"v": initial})
    assert getattr(client, method)(key, "v", arg) == 0
    assert client.get(key)[2]["v"] == expected


def test_increment_creates_bin(client: Any, make_key: Any) -> None:
    key = make_key("inc")
    client.increment(key, "n", 5)
    assert client.get(key)[2] == {"n": 5}


def test_operate_seed_dicts(client: Any, make_key: Any) -> None:
    key = make_key("op")
    client.put(key, {"n": 1, "s": "a"})
    _, meta, bins = client.operate(
        key,
        [
            {"op": aerospike.OPERATOR_INCR, "bin": "n", "val": 2},
            {"op": aerospike.OPERATOR_APPEND, "bin": "s", "val": "b"},
            {"op": aerospike.OPERATOR_PREPEND, "bin": "s", "val": "z"},
            {"op": aerospike.OPERATOR_WRITE, "bin": "w", "val": [1, 2]},
            {"op": aerospike.OPERATOR_READ, "bin": "n"},
            {"op": aerospike.OPERATOR_READ, "bin": "s"},
            {"op": aerospike.OPERATOR_READ, "bin": "w"},
        ],
    )
    assert bins == {"n": 3, "s": "zab", "w": [1, 2]}
    assert meta["gen"] == 2


def test_operate_helpers_and_ordered(client: Any, make_key: Any) -> None:
    key = make_key("opo")
    client.put(key, {"a": 1, "b": 2})
    _, _, results = client.operate_ordered(
        key, [ops.increment("a", 10), ops.read("b"), ops.read("a"), ops.write("c", "x")]
    )
    assert results == [("b", 2), ("a", 11)]
    _, _, bins = client.operate(key, [ops.touch(), ops.read("c")])
    assert bins == {"c": "x"}


def test_operate_delete(client: Any, make_key: Any) -> None:
    key = make_key("opd")
    client.put(key, {"a": 1})
    client.operate(key, [ops.delete()])
    assert client.exists(key)[1] is None


def test_put_none_bin_removes_it(client: Any, make_key: Any) -> None:
    key = make_key("nb")
    client.put(key, {"a": 1, "b": 2})
    client.put(key, {"a": None})
    assert client.get(key)[2] == {"b": 2}


def test_key_by_digest(client: Any, make_key: Any) -> None:
    key = make_key(77)
    client.put(key, {"a": 1})
    digest = client.get_key_digest(*key)
    assert isinstance(digest, bytearray) and len(digest) == 20
    _, _, bins = client.get(("test", key[1], None, digest))
    assert bins == {"a": 1}


@pytest.mark.parametrize(
    ("policy", "meta", "error"),
    [
        ({"exists": aerospike.POLICY_EXISTS_CREATE}, None, ex.RecordExistsError),
        ({"gen": aerospike.POLICY_GEN_EQ}, {"gen": 99}, ex.RecordGenerationError),
        ({"gen": aerospike.POLICY_GEN_GT}, {"gen": 1}, ex.RecordGenerationError),
    ],
)
def test_write_policies_fail(
    client: Any, make_key: Any, policy: dict[str, Any], meta: Any, error: type
) -> None:
    key = make_key("wp")
    client.put(key, {"a": 1})
    with pytest.raises(error):
        client.put(key, {"a": 2}, meta=meta, policy=policy)


@pytest.mark.parametrize(
    ("policy", "meta"),
    [
        ({"exists": aerospike.POLICY_EXISTS_UPDATE}, None),
        ({"exists": aerospike.POLICY_EXISTS_REPLACE}, None),
        ({"exists": aerospike.POLICY_EXISTS_CREATE_OR_REPLACE}, None),
        ({"exists": aerospike.POLICY_EXISTS_IGNORE}, None),
        ({"gen": aerospike.POLICY_GEN_EQ}, {"gen": 1}),
        ({"gen": aerospike.POLICY_GEN_GT}, {"gen": 5}),
        ({"key": aerospike.POLICY_KEY_SEND}, None),
        ({"key": aerospike.POLICY_KEY_DIGEST}, None),
        ({"commit_level": aerospike.POLICY_COMMIT_LEVEL_MASTER}, None),
        ({"total_timeout": 2000, "socket_timeout": 1000, "max_retries": 1}, None),
        ({"timeout": 1500, "retry": aerospike.POLICY_RETRY_ONCE}, None),
        ({"durable_delete": False}, None),
    ],
)
def test_write_policies_succeed(
    client: Any, make_key: Any, policy: dict[str, Any], meta: Any
) -> None:
    key = make_key("wps")
    client.put(key, {"a": 1})
    client.put(key, {"a": 2}, meta=meta, policy=policy)
    assert client.get(key)[2]["a"] == 2


def test_update_only_on_missing_fails(client: Any, make_key: Any) -> None:
    with pytest.raises(ex.RecordNotFound):
        client.put(make_key("uo"), {"a": 1}, policy={"exists": aerospike.POLICY_EXISTS_UPDATE})


def test_replace_drops_other_bins(client: Any, make_key: Any) -> None:
    key = make_key("rep")
    client.put(key, {"a": 1, "b": 2})
    client.put(key, {"a": 3}, policy={"exists": aerospike.POLICY_EXISTS_REPLACE})
    assert client.get(key)[2] == {"a": 3}


@pytest.mark.parametrize(
    "policy",
    [
        {"replica": aerospike.POLICY_REPLICA_MASTER},
        {"replica": aerospike.POLICY_REPLICA_ANY},
        {"replica": aerospike.POLICY_REPLICA_SEQUENCE},
        {"consistency_level": aerospike.POLICY_CONSISTENCY_ALL},
        {"consistency_level": aerospike.POLICY_CONSISTENCY_ONE},
        {"total_timeout": 500, "max_retries": 0},
        {"timeout": 500},
        {"deserialize": True},
    ],
)
def test_read_policies(client: Any, make_key: Any, policy: dict[str, Any]) -> None:
    key = make_key("rp")
    client.put(key, {"a": 1})
    assert client.get(key, policy=policy)[2] == {"a": 1}
    assert client.select(key, ["a"], policy=policy)[2] == {"a": 1}
    assert client.exists(key, policy=policy)[1] is not None


def test_ttl_meta(client: Any, make_key: Any) -> None:
    key = make_key("ttl")
    client.put(key, {"a": 1}, meta={"ttl": 1000})
    assert 990 <= client.get(key)[1]["ttl"] <= 1000
    client.put(key, {"a": 1}, meta={"ttl": aerospike.TTL_NEVER_EXPIRE})
    assert client.get(key)[1]["ttl"] == 4294967295


def test_info_methods(client: Any, server: Any) -> None:
    host = server.hosts[0]
    names = client.get_node_names()
    assert names and names[0]["port"] == host[1]
    node = names[0]["node_name"]
    assert client.get_nodes() == [tuple(host)]
    assert "test" in client.info_node("namespaces", host)
    assert "test" in client.info_single_node("namespaces", node)
    assert "test" in client.info_random_node("namespaces")
    everything = client.info_all("namespaces")
    assert set(everything) == {node}
    err, text = everything[node]
    assert err is None and "test" in text
    assert client.info("namespaces")[node][1] == text
    assert client.has_geo() is True
    assert client.shm_key() is None


def test_info_unknown_node(client: Any) -> None:
    with pytest.raises(ex.InvalidNodeError):
        client.info_single_node("namespaces", "NO_SUCH_NODE")


def test_batch_seed_methods(client: Any, make_key: Any) -> None:
    keys = [make_key(i) for i in range(3)]
    client.put(keys[0], {"a": 0, "b": 0})
    client.put(keys[2], {"a": 2, "b": 2})
    recs = client.get_many(keys)
    assert [r[2] for r in recs] == [{"a": 0, "b": 0}, None, {"a": 2, "b": 2}]
    assert [r[1] is None for r in client.exists_many(keys)] == [False, True, False]
    assert [r[2] for r in client.select_many(keys, ["a"])] == [{"a": 0}, None, {"a": 2}]


def _operate_or_skip(client: Any, key: Any, ops_list: list[Any], ordered: bool = False) -> Any:
    try:
        if ordered:
            return client.operate_ordered(key, ops_list)
        return client.operate(key, ops_list)
    except ex.UnsupportedFeature:
        pytest.skip("the embedded server does not run list/map operations yet")


def test_list_operations(client: Any, make_key: Any) -> None:
    from aerospike_helpers.operations import list_operations as lo

    key = make_key("lists")
    client.put(key, {"l": [3, 1, 2]})
    _, _, results = _operate_or_skip(
        client,
        key,
        [
            lo.list_append("l", 4),
            lo.list_get_range("l", 0, 2),
            lo.list_size("l"),
            lo.list_get_by_rank("l", 0, aerospike.LIST_RETURN_VALUE),
        ],
        ordered=True,
    )
    assert results == [("l", 4), ("l", [3, 1]), ("l", 4), ("l", 1)]
    _, _, bins = client.operate(key, [lo.list_sort("l"), ops.read("l")])
    assert bins == {"l": [1, 2, 3, 4]}


def test_map_operations(client: Any, make_key: Any) -> None:
    from aerospike_helpers import cdt_ctx
    from aerospike_helpers.operations import map_operations as mo

    key = make_key("maps")
    client.put(key, {"m": {"a": 1}})
    _, _, results = _operate_or_skip(
        client,
        key,
        [
            mo.map_put("m", "b", 2),
            mo.map_increment("m", "a", 10),
            mo.map_get_by_key("m", "a", aerospike.MAP_RETURN_VALUE),
            mo.map_size("m"),
        ],
        ordered=True,
    )
    assert results == [("m", 2), ("m", 11), ("m", 11), ("m", 2)]
    client.put(key, {"n": {"x": {"y": 1}}})
    _, _, bins = _operate_or_skip(
        client,
        key,
        [
            mo.map_put("n", "z", 2, ctx=[cdt_ctx.cdt_ctx_map_key("x")]),
            ops.read("n"),
        ],
    )
    assert bins["n"] == {"x": {"y": 1, "z": 2}}


def test_batch_19x_methods(client: Any, make_key: Any) -> None:
    from aerospike_helpers.batch import records as br

    keys = [make_key(i) for i in range(3)]
    client.put(keys[0], {"a": 0, "b": 0})
    client.put(keys[2], {"a": 2, "b": 2})
    res = client.batch_read(keys)
    assert [r.result for r in res.batch_records] == [0, 2, 0]
    assert res.batch_records[0].record[2] == {"a": 0, "b": 0}
    assert res.batch_records[1].record is None
    assert [r.record[2] for r in client.batch_read(keys, ["a"]).batch_records if r.record] == [
        {"a": 0},
        {"a": 2},
    ]
    res = client.batch_operate(keys, [ops.increment("a", 1), ops.read("a")])
    assert [r.record[2]["a"] for r in res.batch_records] == [1, 1, 3]
    batch = br.BatchRecords(
        [
            br.Write(keys[0], [ops.write("c", "x")]),
            br.Read(keys[0], None, read_all_bins=True),
            br.Remove(keys[1]),
        ]
    )
    done = client.batch_write(batch)
    assert done is batch
    assert [r.result for r in batch.batch_records] == [0, 0, 0]
    assert batch.batch_records[1].record[2] == {"a": 1, "b": 0, "c": "x"}
    res = client.batch_remove(keys)
    assert [r.result for r in res.batch_records] == [0, 2, 0]


def test_ttl_client_default_uses_policy(client: Any, make_key: Any) -> None:
    key = make_key("tcd")
    client.put(key, {"a": 1}, meta={"ttl": aerospike.TTL_CLIENT_DEFAULT}, policy={"ttl": 500})
    assert 490 <= client.get(key)[1]["ttl"] <= 500


def test_scan(client: Any, set_name: str) -> None:
    for i in range(25):
        client.put(("test", set_name, i), {"i": i, "s": str(i)}, policy={"key": 1})
    scan = client.scan("test", set_name)
    assert isinstance(scan, aerospike.Scan)
    records = scan.results()
    assert sorted(r[2]["i"] for r in records) == list(range(25))
    key, meta, bins = records[0]
    assert key[0] == "test" and key[1] == set_name and key[2] == bins["i"]
    assert isinstance(key[3], bytearray) and meta["gen"] == 1
    scan.select("i")
    assert all(set(r[2]) == {"i"} for r in scan.results())
    seen: list[Any] = []
    scan.foreach(seen.append)
    assert len(seen) == 25
    stopped: list[Any] = []
    client.scan("test", set_name).foreach(lambda r: stopped.append(r) or len(stopped) < 3)
    assert len(stopped) == 3
    assert all(
        r[2] is None for r in client.scan("test", set_name).results({"include_bin_data": False})
    )
    assert client.scan("test", "no_such_set").results() == []
    limited = client.scan("test", set_name)
    limited.max_records = 5
    assert limited.max_records == 5
    assert 0 < len(limited.results()) <= 5


@pytest.mark.parametrize(
    ("options", "words"),
    [({"percent": 50}, "percent"), ({"bogus": 1}, "bogus"), ("x", "options")],
)
def test_scan_bad_options(client: Any, options: Any, words: str) -> None:
    with pytest.raises(ex.ParamError) as info:
        client.scan("test", "s").foreach(lambda r: None, None, options)
    assert words in info.value.msg


def test_query_by_index(client: Any, set_name: str) -> None:
    from aerospike import predicates as p

    for i in range(10):
        client.put(("test", set_name, i), {"i": i, "s": f"v{i % 2}"})
    index = f"idx_{set_name}"[:60]
    try:
        assert client.index_integer_create("test", set_name, "i", index) == 0
    except ex.AerospikeError as exc:
        pytest.skip(f"the embedded server has no secondary indexes yet: {exc}")
    query = client.query("test", set_name)
    query.select("i")
    try:
        got = sorted(r[2]["i"] for r in query.where(p.between("i", 3, 6)).results())
    except (ex.UnsupportedFeature, ex.IndexNotFound, ex.IndexNotReadable):
        pytest.skip("the embedded server does not answer index queries yet")
    assert got == [3, 4, 5, 6]
    assert [
        r[2]["i"] for r in client.query("test", set_name).where(p.equals("i", 7)).results()
    ] == [7]
    assert client.index_string_create("test", set_name, "s", index + "_s") == 0
    odd = client.query("test", set_name).where(p.equals("s", "v1")).results()
    assert sorted(r[2]["i"] for r in odd) == [1, 3, 5, 7, 9]
    seen: list[Any] = []
    client.query("test", set_name).where(p.between("i", 0, 9)).foreach(seen.append)
    assert len(seen) == 10
    assert client.index_remove("test", index) == 0
    assert client.index_remove("test", index + "_s") == 0


def test_truncate(client: Any, set_name: str) -> None:
    for i in range(5):
        client.put(("test", set_name, i), {"i": i})
    assert client.truncate("test", set_name, 0) == 0
    assert client.scan("test", set_name).results() == []


def test_filter_expressions(client: Any, set_name: str) -> None:
    from aerospike_helpers import expressions as exp

    key = ("test", set_name, 1)
    client.put(key, {"a": 1})
    match = {"expressions": exp.Eq(exp.IntBin("a"), 1).compile()}
    miss = {"expressions": exp.Eq(exp.IntBin("a"), 2).compile()}
    try:
        assert client.get(key, policy=match)[2] == {"a": 1}
    except ex.UnsupportedFeature:
        pytest.skip("the embedded server does not evaluate expressions yet")
    with pytest.raises(ex.FilteredOut):
        client.get(key, policy=miss)
    with pytest.raises(ex.FilteredOut):
        client.put(key, {"a": 5}, policy=miss)
    assert client.get(key)[2] == {"a": 1}
    assert [r.result for r in client.batch_read([key], policy=miss).batch_records] == [27]
    assert client.scan("test", set_name).results(policy=miss) == []
    assert len(client.scan("test", set_name).results(policy=match)) == 1


LUA = """
function add(rec, bin, n)
  rec[bin] = (rec[bin] or 0) + n
  aerospike:update(rec)
  return rec[bin]
end
function boom(rec)
  error('kaboom')
end
"""


def test_udf_lifecycle_and_apply(client: Any, make_key: Any, tmp_path: Any) -> None:
    path = tmp_path / "rs_udf_test.lua"
    path.write_text(LUA)
    try:
        assert client.udf_put(str(path)) == 0
    except ex.AerospikeError as exc:
        pytest.skip(f"the embedded server does not register UDFs yet: {exc}")
    try:
        assert any(m["name"] == "rs_udf_test.lua" for m in client.udf_list())
        assert "function add" in client.udf_get("rs_udf_test")
        key = make_key("udf")
        client.put(key, {"n": 1})
        assert client.apply(key, "rs_udf_test", "add", ["n", 41]) == 42
        assert client.get(key)[2]["n"] == 42
        with pytest.raises(ex.UDFError) as info:
            client.apply(key, "rs_udf_test", "boom", [])
        assert "kaboom" in info.value.msg
    finally:
        client.udf_remove("rs_udf_test")
    assert not any(m["name"] == "rs_udf_test.lua" for m in client.udf_list())


def test_apply_bad_args(client: Any, make_key: Any) -> None:
    with pytest.raises(ex.ParamError):
        client.apply(make_key(1), "m", "f", "not a list")


def test_deserialize_false_returns_raw_collections(client: Any, make_key: Any) -> None:
    key = make_key("raw")
    client.put(key, {"l": [1, 2], "m": {"a": 1}, "i": 5})
    bins = client.get(key, policy={"deserialize": False})[2]
    assert bins["i"] == 5
    assert bins["l"] == bytearray(b"\x92\x01\x02")
    assert isinstance(bins["m"], bytearray)


def test_expression_operations(client: Any, make_key: Any) -> None:
    from aerospike_helpers import expressions as exp
    from aerospike_helpers.operations import expression_operations as eo

    key = make_key("expop")
    client.put(key, {"a": 5})
    try:
        _, _, bins = client.operate(
            key, [eo.expression_read("x", exp.Add(exp.IntBin("a"), 10).compile())]
        )
    except ex.UnsupportedFeature:
        pytest.skip("the embedded server does not run expression operations yet")
    assert bins == {"x": 15}
    _, _, bins = client.operate(
        key,
        [eo.expression_write("b", exp.Mul(exp.IntBin("a"), 2).compile()), ops.read("b")],
    )
    assert bins["b"] == 10


def test_bitwise_operations(client: Any, make_key: Any) -> None:
    from aerospike_helpers.operations import bitwise_operations as bo

    key = make_key("bits")
    client.put(key, {"b": bytearray(b"\x00\x01")})
    try:
        _, _, bins = client.operate(key, [bo.bit_count("b", 0, 16)])
    except ex.UnsupportedFeature:
        pytest.skip("the embedded server does not run bit operations yet")
    assert bins == {"b": 1}
    client.operate(key, [bo.bit_set_int("b", 0, 8, 255, None)])
    assert client.operate(key, [bo.bit_get_int("b", 0, 8, False)])[2] == {"b": 255}
    client.operate(key, [bo.bit_add("b", 8, 8, 2, False, aerospike.BIT_OVERFLOW_FAIL, None)])
    assert client.get(key)[2]["b"] == b"\xff\x03"


def test_hll_operations(client: Any, make_key: Any) -> None:
    from aerospike_helpers.operations import hll_operations as ho

    key = make_key("hll")
    try:
        _, _, bins = client.operate(
            key, [ho.hll_add("h", ["a", "b", "c"], 8), ho.hll_get_count("h")]
        )
    except ex.UnsupportedFeature:
        pytest.skip("the embedded server does not run HLL operations yet")
    assert bins["h"] == 3
