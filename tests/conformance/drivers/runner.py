"""Conformance driver: runs scenario steps with the OFFICIAL aerospike client.

Started by tests/conformance (``.venv-official/bin/python runner.py``) with one JSON document
on stdin::

    {"hosts": [["127.0.0.1", 3000]], "config": {...}, "set": "cf_x", "cases": [
        {"id": "put-get", "steps": [{"call": "put", "args": [...], "kwargs": {...}}, ...]}]}

and prints one JSON line per case, ``{"id": ..., "outcomes": [...]}``, as soon as the case
is done (so a hang or a crash still leaves the earlier results). Each outcome is
``{"ok": <value>}`` or ``{"exc": {"type", "code", "msg", "file", "in_doubt", "mro"}}``,
values in the tagged JSON of codec.py.

Step kinds: ``call`` (a client method), ``fn`` (a function of the aerospike /
aerospike_helpers modules), ``sleep`` (seconds), ``mark`` (remember time.time_ns() under a
name, read back with the ``$mark`` tag), ``poll`` (repeat a step until its outcome
has the exception type ``until``, or succeeds when ``until`` is "ok", for at most
``timeout`` seconds), ``parallel`` (steps run in ``threads`` threads at once: counts of
successes and the exception types), ``pages`` (a paginated scan: the list of pages); a
``call`` may carry ``then``, methods chained on its result
(``[["results", []]]``). Request-only tags: ``$key`` {pk, ns, set}, ``$set`` (this run's set),
``$const`` (an aerospike constant), ``$call`` [dotted name, args, kwargs], ``$now_ns``
(time.time_ns() plus an offset in seconds), ``$geo`` (GeoJSON text), ``$zeros`` (bytes(n)),
``$compiled`` (a ``$call`` whose result gets ``.compile()``: expressions), ``$var`` (the result of an
earlier ``call`` step that carried ``"save": name``).
A key's set "+sfx" means this run's set followed by sfx; NO_SET means None.
"""

from __future__ import annotations

import importlib
import json
import sys
import time
import traceback
from typing import Any

import aerospike
from aerospike import exception as aex
from codec import decode, encode

ALLOWED_ROOTS = ("aerospike", "aerospike_helpers")
NO_SET = "\x00none"  # a key's set given as this means a key without a set (None)


def resolve(dotted: str) -> Any:
    if dotted.split(".")[0] not in ALLOWED_ROOTS:
        raise ValueError(f"refusing to resolve {dotted}")
    module, _, attr = dotted.rpartition(".")
    try:
        return getattr(importlib.import_module(module), attr)
    except (ImportError, AttributeError):
        parent = resolve(module)
        return getattr(parent, attr)


class Run:
    def __init__(self, request: dict) -> None:
        self.set = request["set"]
        config = dict(request.get("config") or {})
        config["hosts"] = [tuple(h) for h in request["hosts"]]
        self.config = config
        self.client = None
        self.marks: dict[str, int] = {}  # name -> time.time_ns() at a "mark" step
        self.vars: dict[str, Any] = {}  # name -> result of a step that had "save": name

    def hook(self, tag: str, payload: Any) -> Any:
        if tag == "$key":
            pk = self.decode(payload["pk"])
            set_name = payload.get("set", self.set)
            if set_name == NO_SET:
                set_name = None
            elif set_name.startswith("+"):
                set_name = self.set + set_name[1:]
            return (payload.get("ns", "test"), set_name, pk)
        if tag == "$set":
            return self.set + (payload or "")
        if tag == "$zeros":
            return bytes(payload)
        if tag == "$const":
            return getattr(aerospike, payload)
        if tag == "$call":
            name, args, kwargs = payload
            return resolve(name)(*self.decode(args), **self.decode(kwargs))
        if tag == "$var":
            return self.vars[payload]
        if tag == "$mark":
            return self.marks[payload]
        if tag == "$now_ns":
            return time.time_ns() + int(payload * 1e9)
        if tag == "$compiled":
            return self.hook("$call", payload).compile()
        if tag == "$geo":
            return aerospike.geojson(payload)
        raise ValueError(f"unknown tag {tag}")

    def decode(self, value: Any) -> Any:
        return decode(value, self.hook)

    @staticmethod
    def obj_hook(value: Any) -> Any:
        if isinstance(value, aerospike.GeoJSON):
            return {"$geo": value.dumps()}
        if isinstance(value, BaseException):
            return {"$exc": describe_exc(value)}
        attrs = {k: v for k, v in vars(value).items() if not k.startswith("_")}
        return {
            "$obj": {
                "type": type(value).__name__,
                "attrs": {k: encode(v, Run.obj_hook) for k, v in attrs.items()},
            }
        }

    def connect(self) -> None:
        self.client = aerospike.client(self.config).connect()

    def step(self, step: dict) -> dict:
        try:
            if "mark" in step:
                self.marks[step["mark"]] = time.time_ns()
                return {"ok": None}
            if "sleep" in step:
                time.sleep(step["sleep"])
                return {"ok": None}
            if "poll" in step:
                return self.poll(step)
            if "parallel" in step:
                return self.parallel(step)
            if "pages" in step:
                return self.pages(step)
            if "call" in step:
                target = getattr(self.client, step["call"])
            elif "fn" in step:
                target = resolve(step["fn"])
            else:
                raise ValueError(f"bad step {step}")
            args = self.decode(step.get("args", []))
            kwargs = self.decode(step.get("kwargs", {}))
            value = target(*args, **kwargs)
            for method, m_args in step.get("then", []):
                # Chained calls (scan -> results); a method returning None keeps the object.
                result = getattr(value, method)(*self.decode(m_args))
                value = value if result is None else result
            if "save" in step:
                self.vars[step["save"]] = value
            return {"ok": encode(value, self.obj_hook)}
        except Exception as exc:  # noqa: BLE001 - every outcome is data for the test
            return {"exc": describe_exc(exc)}

    def parallel(self, step: dict) -> dict:
        """The same list of steps in ``threads`` threads at once (one shared client)."""
        from concurrent.futures import ThreadPoolExecutor

        steps, threads = step["parallel"], step["threads"]

        def worker(_: int) -> list:
            return [self.step(s) for s in steps]

        with ThreadPoolExecutor(threads) as pool:
            outs = [o for lst in pool.map(worker, range(threads)) for o in lst]
        errors = sorted({o["exc"]["type"] for o in outs if "exc" in o})
        return {"ok": {"ok": sum("ok" in o for o in outs), "errors": errors}}

    def pages(self, step: dict) -> dict:
        """A paginated scan: results(max_records=page_size) until is_done(); the pages."""
        spec = step["pages"]
        scan = self.client.scan(spec["ns"], self.decode(spec["set"]))
        scan.paginate()
        pages = []
        while not scan.is_done() and len(pages) < spec.get("max_pages", 100):
            pages.append(scan.results(policy={"max_records": spec["page_size"]}))
        return {"ok": encode(pages, self.obj_hook)}

    def poll(self, step: dict) -> dict:
        deadline = time.monotonic() + step.get("timeout", 5.0)
        while True:
            out = self.step(step["poll"])
            done = (
                ("ok" in out)
                if step["until"] == "ok"
                else ("exc" in out and out["exc"]["type"] == step["until"])
            )
            if done or time.monotonic() > deadline:
                return out
            time.sleep(0.05)


def describe_exc(exc: BaseException) -> dict:
    info = {
        "type": type(exc).__name__,
        "mro": [c.__name__ for c in type(exc).__mro__],
        "code": None,
        "msg": str(exc),
        "file": None,
        "in_doubt": None,
    }
    if isinstance(exc, aex.AerospikeError):
        info.update(code=exc.code, msg=exc.msg, file=exc.file, in_doubt=exc.in_doubt)
    elif not isinstance(exc, (TypeError, ValueError)):
        info["traceback"] = traceback.format_exc()[-1500:]
    return info


def main() -> int:
    request = json.load(sys.stdin)
    run = Run(request)
    try:
        run.connect()
    except Exception as exc:  # noqa: BLE001
        print(json.dumps({"connect_error": describe_exc(exc)}), flush=True)
        return 0
    for case in request["cases"]:
        outcomes = [run.step(s) for s in case["steps"]]
        print(json.dumps({"id": case["id"], "outcomes": outcomes}), flush=True)
    run.client.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
