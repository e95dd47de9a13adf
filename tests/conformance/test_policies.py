"""Write policies with the official client: exists, gen, key, TTL, durable delete."""

from __future__ import annotations

from typing import Any

import pytest
from conformance_harness import (
    OK,
    OP,
    C,
    Case,
    K,
    Meta,
    Ok,
    Raises,
    Record,
    between,
    call,
    check_case,
    get,
    outcomes_for,
    put,
)

NEVER = 4294967295
NOT_FOUND = Raises("RecordNotFound", 2)
GEN_ERR = Raises("RecordGenerationError", 3)


def ex(name: str) -> dict:
    return {"exists": C(f"POLICY_EXISTS_{name}")}


def gen(name: str) -> dict:
    return {"gen": C(f"POLICY_GEN_{name}")}


CASES: dict[str, Case] = {
    # -- exists ----------------------------------------------------------------------
    "exists-create-only": [
        (put(K("xc"), {"a": 1}, policy=ex("CREATE")), Ok(0)),
        (put(K("xc"), {"a": 2, "b": 2}, policy=ex("CREATE")), Raises("RecordExistsError", 5)),
        (get(K("xc")), Record({"a": 1}, gen=1)),
    ],
    "exists-update-only": [
        (put(K("xu"), {"a": 1}, policy=ex("UPDATE")), NOT_FOUND),
        (get(K("xu")), NOT_FOUND),
        (put(K("xu"), {"a": 1}), OK),
        (put(K("xu"), {"b": 2}, policy=ex("UPDATE")), Ok(0)),
        (get(K("xu")), Record({"a": 1, "b": 2}, gen=2)),
    ],
    "exists-replace-only": [
        (put(K("xr"), {"a": 1}, policy=ex("REPLACE")), NOT_FOUND),
        (get(K("xr")), NOT_FOUND),
        (put(K("xr"), {"a": 1, "b": 2}), OK),
        (put(K("xr"), {"c": 3}, policy=ex("REPLACE")), Ok(0)),
        (get(K("xr")), Record({"c": 3}, gen=2)),
    ],
    "exists-create-or-replace": [
        (put(K("xcr"), {"a": 1, "b": 2}, policy=ex("CREATE_OR_REPLACE")), Ok(0)),
        (get(K("xcr")), Record({"a": 1, "b": 2}, gen=1)),
        (put(K("xcr"), {"c": 3}, policy=ex("CREATE_OR_REPLACE")), Ok(0)),
        (get(K("xcr")), Record({"c": 3}, gen=2)),
    ],
    "exists-ignore-merges": [
        (put(K("xi"), {"a": 1}, policy=ex("IGNORE")), Ok(0)),
        (put(K("xi"), {"b": 2}, policy=ex("IGNORE")), Ok(0)),
        (get(K("xi")), Record({"a": 1, "b": 2}, gen=2)),
    ],
    "exists-create-on-operate": [
        (put(K("xo"), {"a": 1}), OK),
        (
            call("operate", K("xo"), [OP("write", "b", 2)], policy=ex("CREATE")),
            Raises("RecordExistsError", 5),
        ),
        (call("operate", K("xo"), [OP("write", "b", 2)], policy=ex("UPDATE")), OK),
        (get(K("xo")), Record({"a": 1, "b": 2}, gen=2)),
        (call("operate", K("xo2"), [OP("write", "b", 2)], policy=ex("UPDATE")), NOT_FOUND),
    ],
    # Real servers refuse bin deletes and modify ops under a record-level replace (4).
    "replace-with-bin-delete-refused": [
        (put(K("xrd"), {"a": 1, "b": 2}), OK),
        (put(K("xrd"), {"a": 5, "b": None}, policy=ex("REPLACE")), Raises("InvalidRequest", 4)),
        (
            put(K("xrd"), {"a": 5, "b": None}, policy=ex("CREATE_OR_REPLACE")),
            Raises("InvalidRequest", 4),
        ),
        (
            call("operate", K("xrd"), [OP("increment", "a", 1)], policy=ex("REPLACE")),
            Raises("InvalidRequest", 4),
        ),
        (get(K("xrd")), Record({"a": 1, "b": 2}, gen=1)),
    ],
    # -- generation --------------------------------------------------------------------
    "gen-eq": [
        (put(K("ge"), {"a": 1}), OK),
        (put(K("ge"), {"a": 2}, meta={"gen": 1}, policy=gen("EQ")), Ok(0)),
        (put(K("ge"), {"a": 3}, meta={"gen": 1}, policy=gen("EQ")), GEN_ERR),
        (put(K("ge"), {"a": 4}, meta={"gen": 3}, policy=gen("EQ")), GEN_ERR),
        (get(K("ge")), Record({"a": 2}, gen=2)),
    ],
    "gen-gt": [
        (put(K("gg"), {"a": 1}), OK),
        (put(K("gg"), {"a": 2}, meta={"gen": 5}, policy=gen("GT")), Ok(0)),
        (put(K("gg"), {"a": 3}, meta={"gen": 2}, policy=gen("GT")), GEN_ERR),
        (put(K("gg"), {"a": 4}, meta={"gen": 1}, policy=gen("GT")), GEN_ERR),
        (get(K("gg")), Record({"a": 2}, gen=2)),
    ],
    # The generation check applies to a record being created too (its generation is 0).
    "gen-on-missing-record": [
        (put(K("gm5"), {"a": 1}, meta={"gen": 5}, policy=gen("EQ")), GEN_ERR),
        (get(K("gm5")), NOT_FOUND),
        (put(K("gm0"), {"a": 1}, meta={"gen": 0}, policy=gen("EQ")), Ok(0)),
        (get(K("gm0")), Record({"a": 1}, gen=1)),
        (put(K("gmgt"), {"a": 1}, meta={"gen": 1}, policy=gen("GT")), Ok(0)),
        (get(K("gmgt")), Record({"a": 1}, gen=1)),
    ],
    "gen-ignore": [
        (put(K("gi"), {"a": 1}), OK),
        (put(K("gi"), {"a": 2}, meta={"gen": 77}, policy=gen("IGNORE")), Ok(0)),
        (get(K("gi")), Record({"a": 2}, gen=2)),
    ],
    "gen-eq-on-touch-and-operate": [
        (put(K("gt"), {"a": 1}), OK),
        (call("touch", K("gt"), 0, meta={"gen": 9}, policy=gen("EQ")), GEN_ERR),
        (call("increment", K("gt"), "a", 1, meta={"gen": 9}, policy=gen("EQ")), GEN_ERR),
        (call("increment", K("gt"), "a", 1, meta={"gen": 1}, policy=gen("EQ")), Ok(0)),
        (get(K("gt")), Record({"a": 2}, gen=2)),
    ],
    # -- key ---------------------------------------------------------------------------
    # A real server keeps a sent key but returns it only in scans/queries: a single-record
    # read reply carries no key field, so the official client shows pk None either way.
    "key-send": [
        (put(K("ks"), {"a": 1}, policy={"key": C("POLICY_KEY_SEND")}), Ok(0)),
        (get(K("ks")), Record({"a": 1}, gen=1, pk=None)),
        (put(K(77), {"a": 1}, policy={"key": C("POLICY_KEY_SEND")}), Ok(0)),
        (get(K(77)), Record({"a": 1}, gen=1, pk=None)),
        (put(K(b"kb"), {"a": 1}, policy={"key": C("POLICY_KEY_SEND")}), Ok(0)),
        (get(K(b"kb")), Record({"a": 1}, gen=1, pk=None)),
    ],
    "key-digest": [
        (put(K("kd"), {"a": 1}, policy={"key": C("POLICY_KEY_DIGEST")}), Ok(0)),
        (get(K("kd")), Record({"a": 1}, gen=1, pk=None)),
    ],
    # -- TTL ---------------------------------------------------------------------------
    "ttl-seconds": [
        (put(K("t100"), {"a": 1}, meta={"ttl": 100}), OK),
        (get(K("t100")), Record({"a": 1}, ttl=between(95, 100))),
    ],
    "ttl-never-expire": [
        (put(K("tn"), {"a": 1}, meta={"ttl": 100}), OK),
        (put(K("tn"), {"a": 2}, meta={"ttl": C("TTL_NEVER_EXPIRE")}), OK),
        (get(K("tn")), Record({"a": 2}, gen=2, ttl=NEVER)),
        (put(K("tn1"), {"a": 1}, meta={"ttl": -1}), OK),
        (get(K("tn1")), Record({"a": 1}, ttl=NEVER)),
    ],
    # Every write sets the TTL from its own request: no TTL given = the namespace default
    # (never expire here), not the record's previous TTL.
    "ttl-reset-by-later-writes": [
        (put(K("tr"), {"a": 1}, meta={"ttl": 100}), OK),
        (put(K("tr"), {"b": 2}), OK),
        (get(K("tr")), Record({"a": 1, "b": 2}, gen=2, ttl=NEVER)),
        (put(K("tr2"), {"n": 1}, meta={"ttl": 100}), OK),
        (call("increment", K("tr2"), "n", 1), OK),
        (get(K("tr2")), Record({"n": 2}, gen=2, ttl=NEVER)),
        (put(K("tr3"), {"n": 1}, meta={"ttl": 100}), OK),
        (call("touch", K("tr3")), OK),
        (get(K("tr3")), Record({"n": 1}, gen=2, ttl=NEVER)),
    ],
    "ttl-dont-update": [
        (put(K("tk"), {"a": 1}, meta={"ttl": 1000}), OK),
        (put(K("tk"), {"a": 2}, meta={"ttl": C("TTL_DONT_UPDATE")}), OK),
        (get(K("tk")), Record({"a": 2}, gen=2, ttl=between(990, 1000))),
        (put(K("tk"), {"a": 3}, meta={"ttl": -2}), OK),
        (get(K("tk")), Record({"a": 3}, gen=3, ttl=between(990, 1000))),
    ],
    "ttl-dont-update-on-create": [
        (put(K("tkc"), {"a": 1}, meta={"ttl": C("TTL_DONT_UPDATE")}), OK),
        (get(K("tkc")), Record({"a": 1}, gen=1, ttl=NEVER)),  # namespace default applies
    ],
    # Over ten years (MAX_ALLOWED_TTL = 315360000 s) is a parameter error on real servers.
    "ttl-too-large": [
        (put(K("tl"), {"a": 1}, meta={"ttl": 315_360_001}), Raises("InvalidRequest", 4)),
        (get(K("tl")), NOT_FOUND),
        (put(K("tl"), {"a": 1}, meta={"ttl": 315_360_000}), OK),
        (get(K("tl")), Record({"a": 1}, ttl=between(315_359_990, 315_360_000))),
    ],
    "ttl-namespace-default": [
        (put(K("td"), {"a": 1}, meta={"ttl": 1000}), OK),
        (put(K("td"), {"a": 2}, meta={"ttl": C("TTL_NAMESPACE_DEFAULT")}), OK),
        # The namespaces here have default-ttl 0: the default is "never expires".
        (get(K("td")), Record({"a": 2}, gen=2, ttl=NEVER)),
    ],
    "ttl-in-write-policy": [
        (put(K("tp"), {"a": 1}, policy={"ttl": 700}), OK),
        (call("exists", K("tp")), Meta(gen=1, ttl=between(695, 700))),
    ],
    # -- durable delete ----------------------------------------------------------------
    # Community Edition answers 25 (ENTERPRISE_ONLY); 19.3.0 has no class for 25 and raises
    # the base AerospikeError with code 25. The record stays.
    "durable-delete-ce": [
        (put(K("dd"), {"a": 1}), OK),
        (call("remove", K("dd"), policy={"durable_delete": True}), Raises("AerospikeError", 25)),
        (get(K("dd")), Record({"a": 1}, gen=1)),
    ],
}


@pytest.fixture(scope="module")
def results(driver: Any, cluster_hosts: Any) -> Any:
    return driver(cluster_hosts, CASES, "policies")


@pytest.mark.parametrize("case", list(CASES))
def test_case(results: Any, case: str) -> None:
    check_case(case, CASES[case], outcomes_for(results, case))
