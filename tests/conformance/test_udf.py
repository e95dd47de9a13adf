"""Record UDFs with the official client: udf_put / udf_list / udf_get / udf_remove, and
apply() with values in and out, record changes, create/remove from Lua, Lua errors.

The module is drivers/udf/conf_udf.lua; it is registered under a per-run file name
(a copy) so that runs and servers never share it.
"""

from __future__ import annotations

import secrets
import shutil
import tempfile
from pathlib import Path
from typing import Any

import pytest
from conformance_harness import (
    OK,
    SET,
    VAR,
    C,
    Case,
    K,
    Meta,
    Ok,
    Raises,
    Record,
    Satisfies,
    ScanBins,
    call,
    check_case,
    get,
    outcomes_for,
    poll,
    put,
    sleep,
)

SOURCE = Path(__file__).resolve().parent / "drivers" / "udf" / "conf_udf.lua"
MODULE = f"conf_udf_{secrets.token_hex(3)}"
NOT_FOUND = Raises("RecordNotFound", 2)
UDF_ERROR = Raises("UDFError", 100)


def apply(key: Any, fn: str, *args: Any) -> Any:
    return call("apply", key, MODULE, fn, list(args))


def listed(present: bool) -> Satisfies:
    def pred(v: Any) -> str | None:
        names = [u.get("name") for u in v]
        ok = (f"{MODULE}.lua" in names) == present
        return None if ok else f"{MODULE}.lua {'missing from' if present else 'still in'} {names}"

    return Satisfies(pred)


def cases(path: str) -> dict[str, Case]:
    return {
        "register": [
            (call("udf_put", path), Ok(0)),
            (call("udf_list"), listed(True)),
            (call("udf_get", f"{MODULE}.lua"), Ok(SOURCE.read_text())),
        ],
        "apply-updates-record": [
            (put(K("add"), {"n": 1}), OK),
            (apply(K("add"), "add", "n", 5), Ok(6)),
            (get(K("add")), Record({"n": 6}, gen=2)),
        ],
        "apply-values-round-trip": [
            (put(K("echo"), {"a": 1}), OK),
            (apply(K("echo"), "echo", 42), Ok(42)),
            (apply(K("echo"), "echo", -2.5), Ok(-2.5)),
            (apply(K("echo"), "echo", "text"), Ok("text")),
            (apply(K("echo"), "echo", [1, "two", [3]]), Ok([1, "two", [3]])),
            (apply(K("echo"), "echo", {"k": [1, 2]}), Ok({"k": [1, 2]})),
            (apply(K("echo"), "echo", None), Ok(None)),
            (get(K("echo")), Record({"a": 1}, gen=1)),  # read-only calls change nothing
        ],
        "apply-reads-bin": [
            (put(K("rd"), {"s": "hello", "l": [1, 2]}), OK),
            (apply(K("rd"), "get_bin", "s"), Ok("hello")),
            (apply(K("rd"), "get_bin", "l"), Ok([1, 2])),
            (apply(K("rd"), "get_bin", "missing"), Ok(None)),
        ],
        "apply-creates-and-removes": [
            (apply(K("cr"), "create_if_missing", "x", 7), Ok(1)),
            (get(K("cr")), Record({"x": 7}, gen=1)),
            (apply(K("cr"), "create_if_missing", "x", 8), Ok(0)),
            (apply(K("cr"), "drop"), Ok("gone")),
            (get(K("cr")), NOT_FOUND),
            (call("exists", K("cr")), Meta(absent=True)),
        ],
        "apply-lua-error": [
            (put(K("boom"), {"a": 1}), OK),
            (apply(K("boom"), "boom"), Raises("UDFError", 100, msg="kaboom")),
            (get(K("boom")), Record({"a": 1}, gen=1)),
        ],
        "apply-unknown-function": [
            (put(K("nofn"), {"a": 1}), OK),
            (apply(K("nofn"), "no_such_function"), UDF_ERROR),
        ],
        # A background scan running a record UDF on every record of a set (a job).
        "background-udf-scan": [
            *[(put(K(f"bg{i}", set="+bg"), {"n": i}), OK) for i in range(4)],
            (
                call(
                    "scan",
                    "test",
                    SET("bg"),
                    save="job",
                    then=[
                        ("apply", [MODULE, "add", ["n", 10]]),
                        ("execute_background", []),
                    ],
                ),
                Satisfies(lambda v: None if isinstance(v, int) and v > 0 else f"job id {v!r}"),
            ),
            (sleep(1.0), OK),
            (
                call("job_info", VAR("job"), C("JOB_SCAN")),
                Satisfies(lambda v: None if v.get("status") == 2 else f"job_info {v!r}"),
            ),
            (
                call("scan", "test", SET("bg"), then=[("results", [])]),
                ScanBins([{"n": 10 + i} for i in range(4)]),
            ),
        ],
        "remove-module": [
            (call("udf_remove", f"{MODULE}.lua"), Ok(0)),
            (poll(call("udf_list"), until="ok", timeout=1.0), listed(False)),
        ],
    }


@pytest.fixture(scope="module")
def run(driver: Any, cluster_hosts: Any) -> Any:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"{MODULE}.lua"
        shutil.copyfile(SOURCE, path)
        table = cases(str(path))
        return table, driver(cluster_hosts, table, "udf")


CASE_IDS = list(cases("x"))


@pytest.mark.parametrize("case", CASE_IDS)
def test_case(run: Any, case: str) -> None:
    table, result = run
    check_case(case, table[case], outcomes_for(result, case))
