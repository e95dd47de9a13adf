"""Harness of the conformance suite: servers, the official-client driver, steps, matchers.

The suite checks the embedded server with clients we did not write: each scenario runs
with the official ``aerospike`` 19.3.0 client in its own virtualenv (scripts/official_venv.py),
in ONE driver subprocess per test module (drivers/runner.py). Cases are tables of
``(step, expectation)`` pairs; the module fixture sends all its cases to the driver, and a
parametrized test checks each case's outcomes.

Servers: ``AEROSPIKE_HOSTS=host:port[,host:port]`` selects an existing server (a real one or a
manually started embedded one). Otherwise an embedded server is started: through
``aerospike.testing.Server`` when our package is importable, else the binary
``target/debug/aerospike-embedded`` (``AEROSPIKE_EMBEDDED=binary|package`` forces one).
Traffic goes only to 127.0.0.1 or AEROSPIKE_HOSTS.
"""

from __future__ import annotations

import importlib.util
import json
import math
import os
import secrets
import select
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
DRIVERS = HERE / "drivers"
NAMESPACES = ("test", "bar")


def _load(name: str, path: Path) -> Any:
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


codec = _load("conformance_codec", DRIVERS / "codec.py")
official_venv = _load("official_venv", REPO / "scripts" / "official_venv.py")


# ---------------------------------------------------------------------------------------
# Servers


def external_hosts() -> list[tuple[str, int]] | None:
    """Hosts from AEROSPIKE_HOSTS, or None when the suite must start its own server."""
    raw = os.environ.get("AEROSPIKE_HOSTS", "").strip()
    if not raw:
        return None
    hosts = []
    for part in raw.split(","):
        host, _, port = part.strip().rpartition(":")
        hosts.append((host.strip("[]"), int(port)))
    return hosts


def binary_path() -> Path:
    target = Path(os.environ.get("CARGO_TARGET_DIR", REPO / "target"))
    return target / "debug" / "aerospike-embedded"


@dataclass
class EmbeddedServer:
    """A running embedded server (the binary, or aerospike.testing.Server)."""

    hosts: list[tuple[str, int]]
    how: str
    _stop: Callable[[], None] = field(repr=False)
    package_server: Any = field(default=None, repr=False)  # aerospike.testing.Server

    def stop(self) -> None:
        self._stop()


def _start_with_package(nodes: int) -> EmbeddedServer | None:
    try:
        import aerospike._aerospike  # noqa: F401 - our extension, when it is built
        from aerospike import testing
    except Exception:  # noqa: BLE001 - absent, not built, or the official client: use the binary
        return None
    srv = testing.Server(nodes=nodes, namespaces=NAMESPACES, port=0)
    srv.__enter__()
    hosts = [(str(h), int(p)) for h, p in srv.hosts]
    return EmbeddedServer(
        hosts, "aerospike.testing.Server", lambda: srv.__exit__(None, None, None), srv
    )


def _start_binary(nodes: int, ready_timeout: float = 30.0) -> EmbeddedServer:
    exe = binary_path()
    if not exe.exists():
        raise RuntimeError(
            f"{exe} not found: build it with `cargo build -p aeropy-server`, or set "
            "AEROSPIKE_HOSTS=host:port to use a running server"
        )
    cmd = [str(exe), "--port", "0", "--nodes", str(nodes)]
    for ns in NAMESPACES:
        cmd += ["--namespace", ns]
    proc = subprocess.Popen(
        cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL
    )
    assert proc.stdout is not None
    deadline = time.monotonic() + ready_timeout
    line = b""
    while not line.endswith(b"\n"):
        left = deadline - time.monotonic()
        if left <= 0 or proc.poll() is not None:
            proc.kill()
            proc.wait()
            raise RuntimeError(f"{' '.join(cmd)}: no ready line (got {line!r})")
        readable, _, _ = select.select([proc.stdout], [], [], left)
        if readable:
            chunk = os.read(proc.stdout.fileno(), 4096)
            if not chunk:
                continue
            line += chunk
    first = line.split(b"\n", 1)[0].decode()
    prefix = "aerospike-embedded ready "
    if not first.startswith(prefix):
        proc.kill()
        proc.wait()
        raise RuntimeError(f"unexpected first line from {exe.name}: {first!r}")
    hosts = []
    for part in first[len(prefix) :].split(","):
        host, _, port = part.strip().rpartition(":")
        if host != "127.0.0.1":
            proc.kill()
            proc.wait()
            raise RuntimeError(f"server announced a non-loopback address: {part!r}")
        hosts.append((host, int(port)))

    # Keep draining stdout so a chatty server never blocks on a full pipe.
    stdout = proc.stdout

    def drain() -> None:
        try:
            while os.read(stdout.fileno(), 65536):
                pass
        except OSError:
            pass

    threading.Thread(target=drain, daemon=True).start()

    def stop() -> None:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        stdout.close()

    return EmbeddedServer(hosts, f"binary {exe.name}", stop)


def start_embedded(nodes: int) -> EmbeddedServer:
    """aerospike.testing.Server when our package provides it, else the binary.
    AEROSPIKE_EMBEDDED=binary (or =package) forces one of the two."""
    forced = os.environ.get("AEROSPIKE_EMBEDDED", "").strip().lower()
    if forced == "binary":
        return _start_binary(nodes)
    if forced == "package":
        srv = _start_with_package(nodes)
        if srv is None:
            raise RuntimeError("AEROSPIKE_EMBEDDED=package but aerospike.testing is unavailable")
        return srv
    try:
        srv = _start_with_package(nodes)
    except Exception as exc:  # noqa: BLE001 - e.g. a build without the server: try the binary
        package_error = f"aerospike.testing.Server failed: {exc!r}; "
    else:
        if srv is not None:
            return srv
        package_error = ""
    try:
        return _start_binary(nodes)
    except RuntimeError as exc:
        raise RuntimeError(package_error + str(exc)) from None


def info(host: tuple[str, int], command: str, timeout: float = 5.0) -> str:
    """One info command over a raw socket; returns the value (after the echoed name)."""
    body = (command + "\n").encode()
    with socket.create_connection(host, timeout=timeout) as s:
        s.sendall(struct.pack(">Q", (2 << 56) | (1 << 48) | len(body)) + body)
        head = _recv_exact(s, 8)
        (size,) = struct.unpack(">Q", head)
        text = _recv_exact(s, size & 0xFFFF_FFFF_FFFF).decode("utf-8", "replace")
    line = text.split("\n", 1)[0]
    return line.partition("\t")[2]


def _recv_exact(s: socket.socket, n: int) -> bytes:
    buf = bytearray()
    while len(buf) < n:
        chunk = s.recv(n - len(buf))
        if not chunk:
            raise ConnectionError("connection closed")
        buf += chunk
    return bytes(buf)


# ---------------------------------------------------------------------------------------
# Steps (the request side of the tables)


class Tagged:
    """A value the driver resolves on its side (key, constant, helper call...)."""

    def __init__(self, tag: str, payload: Any) -> None:
        self.tag, self.payload = tag, payload

    def __repr__(self) -> str:
        p = self.payload
        if self.tag == "$key":
            extra = "".join(f", {k}={p[k]!r}" for k in ("ns", "set") if k in p and p[k] != "test")
            return f"K({p['pk']!r}{extra})"
        if self.tag == "$const":
            return f"aerospike.{p}"
        if self.tag == "$call":
            name, args, kwargs = p
            inner = [repr(a) for a in args] + [f"{k}={v!r}" for k, v in kwargs.items()]
            return f"{name.rsplit('.', 1)[-1]}({', '.join(inner)})"
        return f"{self.tag}({p!r})"


def _enc(value: Any) -> Any:
    def obj_hook(v: Any) -> Any:
        if isinstance(v, Geo):
            return {"$geo": str(v)}
        if isinstance(v, Tagged):
            nested = v.tag in ("$call", "$key", "$compiled")
            return {v.tag: _enc(v.payload) if nested else v.payload}
        raise TypeError(f"cannot send {v!r}")

    return codec.encode(value, obj_hook)


def K(pk: Any, ns: str = "test", set: str | None = None) -> Tagged:
    """A key in this run's set of ``ns``; ``set="+sfx"`` names this run's set + sfx."""
    payload: dict[str, Any] = {"pk": pk, "ns": ns}
    if set is not None:
        payload["set"] = set
    return Tagged("$key", payload)


NO_SET = "\x00none"  # K(pk, set=NO_SET): a key with no set (None), as drivers/runner.py reads it


def SET(suffix: str = "") -> Tagged:
    """This run's set name (+ suffix), resolved by the driver."""
    return Tagged("$set", suffix)


def ZEROS(n: int) -> Tagged:
    """bytes(n), made on the driver's side (large values stay out of the JSON)."""
    return Tagged("$zeros", n)


def C(name: str) -> Tagged:
    """An ``aerospike`` module constant, e.g. C("POLICY_EXISTS_CREATE")."""
    return Tagged("$const", name)


def H(dotted: str, *args: Any, **kwargs: Any) -> Tagged:
    """A call to an aerospike/aerospike_helpers function, made on the driver's side."""
    return Tagged("$call", [dotted, list(args), kwargs])


def EXP(dotted: str, *args: Any, **kwargs: Any) -> Tagged:
    """aerospike_helpers.expressions.<dotted>(...).compile(), built by the driver."""
    return Tagged("$compiled", [f"aerospike_helpers.expressions.{dotted}", list(args), kwargs])


def OP(name: str, *args: Any, **kwargs: Any) -> Tagged:
    """aerospike_helpers.operations.operations.<name>(...)"""
    return H(f"aerospike_helpers.operations.operations.{name}", *args, **kwargs)


def NOW_NS(offset_s: float = 0.0) -> Tagged:
    return Tagged("$now_ns", offset_s)


class Geo(str):
    """GeoJSON text: sent as aerospike.GeoJSON, and what a returned GeoJSON decodes to."""


@dataclass(frozen=True)
class Step:
    kind: dict

    def wire(self) -> dict:
        return _enc(self.kind)

    def __str__(self) -> str:
        k = self.kind
        if "call" in k:
            return f"client.{k['call']}({', '.join(map(repr, k.get('args', [])))})"
        return repr(k)


def call(
    method: str, *args: Any, then: list | None = None, save: str | None = None, **kwargs: Any
) -> Step:
    """client.<method>(*args, **kwargs), then methods chained on the result; ``save``
    keeps the result for VAR(save) in later steps."""
    step: dict[str, Any] = {"call": method, "args": list(args), "kwargs": kwargs}
    if then:
        step["then"] = [[m, list(a)] for m, a in then]
    if save:
        step["save"] = save
    return Step(step)


def VAR(name: str) -> Tagged:
    """The result of an earlier step of this run that had ``save=name``."""
    return Tagged("$var", name)


def fn(dotted: str, *args: Any, **kwargs: Any) -> Step:
    return Step({"fn": dotted, "args": list(args), "kwargs": kwargs})


def mark(name: str) -> Step:
    """Remember the driver's time.time_ns() now; MARK(name) gives it back later."""
    return Step({"mark": name})


def MARK(name: str) -> Tagged:
    return Tagged("$mark", name)


def parallel(steps: list[Step], threads: int) -> Step:
    """Run ``steps`` in ``threads`` threads at once; Ok({"ok": n, "errors": [types]})."""
    return Step({"parallel": [s.kind for s in steps], "threads": threads})


def pages(ns: str, set_sfx: str, page_size: int, max_pages: int = 100) -> Step:
    """A paginated scan of this run's set + set_sfx: the list of pages of records."""
    return Step(
        {"pages": {"ns": ns, "set": SET(set_sfx), "page_size": page_size, "max_pages": max_pages}}
    )


def sleep(seconds: float) -> Step:
    return Step({"sleep": seconds})


def poll(step: Step, until: str, timeout: float = 5.0) -> Step:
    return Step({"poll": step.kind, "until": until, "timeout": timeout})


def put(key: Any, bins: dict, meta: dict | None = None, policy: dict | None = None) -> Step:
    kwargs: dict[str, Any] = {}
    if meta is not None:
        kwargs["meta"] = meta
    if policy is not None:
        kwargs["policy"] = policy
    return call("put", key, bins, **kwargs)


def get(key: Any, **kwargs: Any) -> Step:
    return call("get", key, **kwargs)


# ---------------------------------------------------------------------------------------
# Outcomes and matchers (the expectation side of the tables)


@dataclass
class Outcome:
    ok: bool
    value: Any = None
    exc: dict | None = None

    def __str__(self) -> str:
        if self.ok:
            return f"ok {self.value!r}"
        assert self.exc is not None
        return f"raised {self.exc['type']}(code={self.exc['code']}, msg={self.exc['msg']!r})"


def _decode_hook(tag: str, payload: Any) -> Any:
    if tag == "$geo":
        return Geo(payload)
    if tag == "$exc":
        return payload
    if tag == "$obj":
        return {
            "__type__": payload["type"],
            **{k: codec.decode(v, _decode_hook) for k, v in payload["attrs"].items()},
        }
    raise ValueError(tag)


def to_outcome(raw: dict) -> Outcome:
    if "ok" in raw:
        return Outcome(True, codec.decode(raw["ok"], _decode_hook))
    return Outcome(False, exc=raw["exc"])


class _Any:
    def __repr__(self) -> str:
        return "ANY"


ANY: Any = _Any()


def same(a: Any, b: Any) -> bool:
    """Equality that also compares types (True is not 1, bytes is not bytearray)."""
    if b is ANY or a is ANY:
        return True
    if isinstance(b, Check):
        return b.pred(a)
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, (list, tuple)):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    if isinstance(a, float) and math.isnan(a):
        return math.isnan(b)
    return bool(a == b)


@dataclass
class Check:
    """A predicate usable in place of a value: Check(lambda v: 98 <= v <= 100, "~100")."""

    pred: Callable[[Any], bool]
    label: str = "check"

    def __repr__(self) -> str:
        return f"<{self.label}>"


def between(lo: int, hi: int) -> Check:
    return Check(lambda v: isinstance(v, int) and lo <= v <= hi, f"{lo}..{hi}")


class Expect:
    def verify(self, out: Outcome) -> str | None:
        raise NotImplementedError


@dataclass
class Ok(Expect):
    """Success, and the value is ``value`` (types compared) unless ANY."""

    value: Any = ANY

    def verify(self, out: Outcome) -> str | None:
        if not out.ok:
            return f"expected success, {out}"
        if not same(out.value, self.value):
            return f"expected {self.value!r}, got {out.value!r}"
        return None


OK = Ok()


@dataclass
class Raises(Expect):
    """The step raised this exception class (by name) with this code; ``msg``: a substring
    of its message."""

    type: str
    code: int | None = None
    msg: str | None = None

    def verify(self, out: Outcome) -> str | None:
        if out.ok:
            return f"expected {self.type}(code={self.code}), got success {out.value!r}"
        assert out.exc is not None
        if out.exc["type"] != self.type or (self.code is not None and out.exc["code"] != self.code):
            return f"expected {self.type}(code={self.code}), {out}"
        if self.msg is not None and self.msg not in str(out.exc["msg"]):
            return f"expected a message containing {self.msg!r}, {out}"
        return None


@dataclass
class Record(Expect):
    """A (key, meta, bins) result."""

    bins: Any = ANY
    gen: Any = ANY
    ttl: Any = ANY
    pk: Any = ANY

    def verify(self, out: Outcome) -> str | None:
        if not out.ok:
            return f"expected a record, {out}"
        v = out.value
        if not (isinstance(v, tuple) and len(v) == 3):
            return f"expected (key, meta, bins), got {v!r}"
        key, meta, bins = v
        problems = []
        if not same(bins, self.bins):
            problems.append(f"bins {bins!r} != {self.bins!r}")
        if not isinstance(meta, dict):
            problems.append(f"meta {meta!r}")
        else:
            if not same(meta.get("gen"), self.gen):
                problems.append(f"gen {meta.get('gen')!r} != {self.gen!r}")
            if not same(meta.get("ttl"), self.ttl):
                problems.append(f"ttl {meta.get('ttl')!r} != {self.ttl!r}")
        if not (isinstance(key, tuple) and len(key) == 4 and same(key[2], self.pk)):
            problems.append(f"key {key!r}: pk != {self.pk!r}")
        return "; ".join(problems) or None


@dataclass
class Meta(Expect):
    """An exists() result: (key, meta) with meta matching, or (key, None) when absent."""

    gen: Any = ANY
    ttl: Any = ANY
    absent: bool = False

    def verify(self, out: Outcome) -> str | None:
        if not out.ok:
            return f"expected (key, meta), {out}"
        v = out.value
        if not (isinstance(v, tuple) and len(v) == 2):
            return f"expected (key, meta), got {v!r}"
        meta = v[1]
        if self.absent:
            return None if meta is None else f"expected meta None, got {meta!r}"
        if not isinstance(meta, dict):
            return f"expected meta dict, got {meta!r}"
        if not same(meta.get("gen"), self.gen) or not same(meta.get("ttl"), self.ttl):
            return f"meta {meta!r} != gen={self.gen!r} ttl={self.ttl!r}"
        return None


ABSENT = Meta(absent=True)


@dataclass
class Satisfies(Expect):
    """Success and ``pred(value)`` returns None (ok) or a message."""

    pred: Callable[[Any], str | None]

    def verify(self, out: Outcome) -> str | None:
        if not out.ok:
            return f"expected success, {out}"
        try:
            return self.pred(out.value)
        except (LookupError, TypeError, AttributeError) as exc:
            return f"unexpected shape ({exc!r}): {out.value!r}"[:800]


def ScanBins(want: list[dict]) -> Satisfies:
    """A scan/query result (list of (key, meta, bins)) whose bins are ``want``, any order."""

    def pred(v: Any) -> str | None:
        got = sorted((repr(sorted(r[2].items())) for r in v), key=str)
        exp = sorted((repr(sorted(b.items())) for b in want), key=str)
        return None if got == exp else f"scanned bins {got} != {exp}"

    return Satisfies(pred)


def Pairs(pairs: list[tuple[str, Any]], gen: Any = ANY) -> Satisfies:
    """An operate_ordered result: (key, meta, [(bin, value), ...]) with these pairs."""

    def pred(v: Any) -> str | None:
        if not (isinstance(v, tuple) and len(v) == 3 and isinstance(v[1], dict)):
            return f"expected (key, meta, pairs), got {v!r}"
        if not same(v[1].get("gen"), gen):
            return f"gen {v[1].get('gen')} != {gen!r}"
        got = v[2]
        if not same(got, [tuple(p) for p in pairs]):
            return f"results {got!r} != {pairs!r}"
        return None

    return Satisfies(pred)


Case = list  # list[tuple[Step, Expect]]


def check_case(case_id: str, case: Case, outcomes: list[Outcome] | None) -> None:
    """Assert every step of a case met its expectation; report all mismatches at once."""
    import pytest

    if outcomes is None:
        pytest.fail(f"{case_id}: the driver returned nothing for this case (see its stderr)")
    problems = []
    for i, ((step, expect), out) in enumerate(zip(case, outcomes)):
        msg = expect.verify(out)
        if msg:
            problems.append(f"  step {i} {step}: {msg}")
    if len(outcomes) != len(case):
        problems.append(f"  {len(outcomes)} outcomes for {len(case)} steps")
    if problems:
        pytest.fail(f"{case_id}:\n" + "\n".join(problems), pytrace=False)


# ---------------------------------------------------------------------------------------
# The driver process


DEFAULT_CONFIG: dict[str, Any] = {
    "policies": {
        name: {"total_timeout": 4000}
        for name in ("read", "write", "operate", "remove", "apply", "batch")
    },
}


@dataclass
class DriverResult:
    outcomes: dict[str, list[Outcome]]
    stderr: str
    returncode: int | None
    connect_error: dict | None = None


def run_driver(
    python: Path,
    hosts: list[tuple[str, int]],
    cases: dict[str, Case],
    label: str,
    timeout: float = 50.0,
    config: dict | None = None,
    set_name: str | None = None,
) -> DriverResult:
    """Run every case in one official-client process; outcomes by case id. The run's set is
    ``set_name``, else a fresh random one."""
    request = {
        "hosts": [list(h) for h in hosts],
        "config": config if config is not None else DEFAULT_CONFIG,
        "set": set_name or f"cf_{label}_{secrets.token_hex(3)}",
        "cases": [{"id": cid, "steps": [s.wire() for s, _ in case]} for cid, case in cases.items()],
    }
    cmd = [str(python), str(DRIVERS / "runner.py")]
    # A scratch working directory: the official client copies UDF modules it registers
    # into its Lua user path, "." by default.
    with tempfile.TemporaryDirectory(prefix="conformance-driver-") as scratch:
        try:
            proc = subprocess.run(
                cmd,
                input=json.dumps(request),
                capture_output=True,
                text=True,
                timeout=timeout,
                cwd=scratch,
                check=False,
            )
            stdout, stderr, rc = proc.stdout, proc.stderr, proc.returncode
        except subprocess.TimeoutExpired as exc:
            stdout = _text(exc.stdout)
            stderr = _text(exc.stderr) + f"\n[driver killed after {timeout}s]"
            rc = None
    result = DriverResult({}, stderr, rc)
    for line in stdout.splitlines():
        if not line.strip():
            continue
        doc = json.loads(line)
        if "connect_error" in doc:
            result.connect_error = doc["connect_error"]
            continue
        result.outcomes[doc["id"]] = [to_outcome(o) for o in doc["outcomes"]]
    return result


def _text(data: Any) -> str:
    if data is None:
        return ""
    return data.decode(errors="replace") if isinstance(data, bytes) else str(data)


def outcomes_for(result: DriverResult, case_id: str) -> list[Outcome] | None:
    import pytest

    if result.connect_error is not None:
        pytest.fail(f"official client could not connect: {result.connect_error}", pytrace=False)
    outs = result.outcomes.get(case_id)
    if outs is None:
        pytest.fail(
            f"{case_id}: no result from the driver (rc={result.returncode}); stderr:\n"
            f"{result.stderr[-3000:]}",
            pytrace=False,
        )
    return outs
