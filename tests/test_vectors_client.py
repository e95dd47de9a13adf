"""Our client's requests against the official client's, recorded from a real server.

``shared/vectors/*.jsonl`` (beside the repository checkout) holds every frame the official
Python client 19.3.0 (and a client on the Rust crate 2.2) exchanged with a real CE 8.1.2
server. For each recorded call, this test makes the same call with our client through a
recording TCP proxy on 127.0.0.1 in front of the embedded server, and compares our
request with the recorded one: info1..info4, generation, record TTL, the fields (types;
values except the ones in NORMALIZED), the ops in order (op type, bin name, particle
type, value bytes), batch rows one by one, info command text.

The arguments of each call are rebuilt from the recorded request itself: namespace and
set from the fields, the key as its recorded digest (or the user key when sent), bin
names and values from the ops' particles, TTL/generation/policies from the header flags.

What may differ is listed: NORMALIZED (values that depend on the clock, the run or the
policy defaults: not compared), DIFFERENCES (kept on purpose, each with its reason: the
test asserts them exactly, so a change shows up), NOT_BUILT (features we do not have:
the call must fail with an aerospike.exception error or not exist, and send nothing).
"""

from __future__ import annotations

import base64
import json
import socket
import struct
import threading
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import aerospike
import pytest
from aerospike import exception as ex
from aerospike import predicates
from aerospike.testing import Server
from aerospike_helpers.batch import records as br
from aerospike_helpers.operations import list_operations as lops
from aerospike_helpers.operations import map_operations as mops
from aerospike_helpers.operations import operations as ops

from tests.fakes import shutdown

VECTORS = Path(__file__).resolve().parents[2] / "shared" / "vectors"

# Values that legitimately differ, not compared (the header word or field must still be
# there on both sides). Digests are compared: keys are called by their recorded digest.
NORMALIZED: dict[str, str] = {
    "transaction_ttl": "the total timeout: the caller's policy, not the encoding",
    "user-agent-set value": "names the client and its version",
}
NORMALIZED_FIELDS: dict[int, str] = {
    7: "scan/query task id: random per call",
    9: "scan/query socket timeout: the caller's policy, not the encoding",
    11: "partition ids: those of the node asked; cut in the recording (frames > 4 KiB)",
}

# Scenario -> {what: (recorded, ours)}: differences kept on purpose, asserted exactly.
DIFFERENCES: dict[str, dict[str, tuple[Any, Any]]] = {
    # Tending is the Rust crate's: it also asks `cluster-name` when it validates a node
    # (the official client only when a cluster name is configured). No record command
    # depends on it.
    "connect": {
        "commands": ([], ["cluster-name"]),
    },
}

# Scenario -> why it is not built yet. Nothing may be sent: the call raises an
# aerospike.exception error, or the method does not exist yet (AttributeError; a raising
# placeholder would have to be declared in python/aerospike/_aerospike.pyi first).
NOT_BUILT: dict[str, str] = {
    "query:aggregate": "stream-UDF aggregation is not built yet (needs a client-side Lua runtime)",
}

# User keys the recording did not send, found from their digest: calling with the key
# (not the digest) checks our digest of it. The others are called by digest.
USER_KEYS: dict[str, Any] = {"key:int": 12345}

# Recorded from another client (the Rust crate): its tending is not ours to match.
OTHER_CLIENT_INFO = {"crate-tend": "the Rust crate's tend loop, not the Python API"}

# Info commands a call repeats while it waits for the cluster (compared once), and the
# calls that wait.
POLLING = ("sindex-stat:", "udf-list")
POLLERS = ("sindex-create:", "udf-put:", "udf-remove:")

FIELD_NS, FIELD_SET, FIELD_KEY, FIELD_DIGEST = 0, 1, 2, 4
FIELD_INDEX_RANGE, FIELD_UDF_FILE, FIELD_UDF_FUNC, FIELD_UDF_ARGS = 22, 30, 31, 32
FIELD_UDF_OP, UDF_OP_BACKGROUND = 33, b"\x02"
FIELD_BATCH = 41
ROW_REPEAT, ROW_INFO23, ROW_GEN, ROW_TTL, ROW_INFO4 = 0x01, 0x02, 0x04, 0x08, 0x10


# ---------------------------------------------------------------------------------------
# Frames


@dataclass
class Op:
    op: int
    particle: int
    name: str
    value: bytes


@dataclass
class Msg:
    info: tuple[int, int, int, int]
    generation: int
    record_ttl: int
    fields: list[tuple[int, bytes]]
    ops: list[Op]
    n_ops: int
    cut: bool = False

    def field(self, ftype: int) -> bytes | None:
        return next((v for t, v in self.fields if t == ftype), None)


def parse_msg(body: bytes) -> Msg:
    """One AS_MSG; a recording cut at 4 KiB keeps what is whole (cut data kept as is)."""
    hsz, i1, i2, i3, i4, _rc, gen, ttl, _tttl, nf, no = struct.unpack_from(">BBBBBBIIIHH", body)
    off, fields, ops_, cut = hsz, [], [], False
    for _ in range(nf):
        if off + 5 > len(body):
            cut = True
            break
        size, ftype = struct.unpack_from(">IB", body, off)
        cut = cut or off + 4 + size > len(body)
        fields.append((ftype, body[off + 5 : off + 4 + size]))
        off += 4 + size
    for _ in range(no):
        if off + 8 > len(body):
            cut = True
            break
        size, op, ptype, _flags, nlen = struct.unpack_from(">IBBBB", body, off)
        name = body[off + 8 : off + 8 + nlen].decode("utf-8", "replace")
        ops_.append(Op(op, ptype, name, body[off + 8 + nlen : off + 4 + size]))
        off += 4 + size
    return Msg((i1, i2, i3, i4), gen, ttl, fields, ops_, no, cut)


def parse_batch(data: bytes) -> tuple[int, list[dict[str, Any]]]:
    """A BATCH_INDEX field: parent flags and rows (repeat rows as such)."""
    count, parent = struct.unpack_from(">IB", data)
    off, rows = 5, []
    for _ in range(count):
        index = struct.unpack_from(">I", data, off)[0]
        digest, flags = data[off + 4 : off + 24], data[off + 24]
        off += 25
        row: dict[str, Any] = {"index": index, "digest": digest.hex(), "flags": flags}
        if flags & ROW_REPEAT == 0:
            row["info1"] = data[off]
            off += 1
            if flags & ROW_INFO23:
                row["info2"], row["info3"] = data[off], data[off + 1]
                off += 2
            if flags & ROW_GEN:
                row["generation"] = struct.unpack_from(">H", data, off)[0]
                off += 2
            if flags & ROW_TTL:
                row["record_ttl"] = struct.unpack_from(">I", data, off)[0]
                off += 4
            if flags & ROW_INFO4:
                row["info4"] = data[off]
                off += 1
            nf, no = struct.unpack_from(">HH", data, off)
            off += 4
            fields = []
            for _ in range(nf):
                size, ftype = struct.unpack_from(">IB", data, off)
                fields.append((ftype, data[off + 5 : off + 4 + size].hex()))
                off += 4 + size
            row["fields"] = fields
            row_ops = []
            for _ in range(no):
                size, op, ptype, _fl, nlen = struct.unpack_from(">IBBBB", data, off)
                value = data[off + 8 + nlen : off + 4 + size]
                name = data[off + 8 : off + 8 + nlen].decode()
                row_ops.append((op, ptype, name, value.hex()))
                off += 4 + size
            row["ops"] = row_ops
        rows.append(row)
    return parent, rows


def frame_type(data: bytes) -> int:
    return data[1]


def info_lines(data: bytes) -> list[str]:
    return [line for line in data[8:].decode("utf-8", "replace").split("\n") if line]


# ---------------------------------------------------------------------------------------
# Values: particles and Aerospike msgpack back to Python


def unpack(b: bytes, i: int = 0) -> tuple[Any, int]:
    """The msgpack subset the recorded calls use (strings carry a particle-type byte)."""
    c = b[i]
    if c < 0x80:
        return c, i + 1
    if c >= 0xE0:
        return c - 0x100, i + 1
    if 0x80 <= c <= 0x8F:
        return unpack_map(b, i + 1, c & 0x0F)
    if 0x90 <= c <= 0x9F:
        return unpack_list(b, i + 1, c & 0x0F)
    if 0xA0 <= c <= 0xBF:
        return raw(b[i + 1 : i + 1 + (c & 0x1F)]), i + 1 + (c & 0x1F)
    fixed = {0xC0: None, 0xC2: False, 0xC3: True}
    if c in fixed:
        return fixed[c], i + 1
    sizes = {0xCC: ">B", 0xCD: ">H", 0xCE: ">I", 0xCF: ">Q", 0xD0: ">b", 0xD1: ">h"}
    sizes.update({0xD2: ">i", 0xD3: ">q", 0xCA: ">f", 0xCB: ">d"})
    if c in sizes:
        fmt = sizes[c]
        return struct.unpack_from(fmt, b, i + 1)[0], i + 1 + struct.calcsize(fmt)
    lens = {0xD9: ">B", 0xDA: ">H", 0xDB: ">I", 0xC4: ">B", 0xC5: ">H", 0xC6: ">I"}
    if c in lens:
        fmt = lens[c]
        n = struct.unpack_from(fmt, b, i + 1)[0]
        start = i + 1 + struct.calcsize(fmt)
        return raw(b[start : start + n]), start + n
    raise AssertionError(f"msgpack byte {c:#x} not used by the recorded calls")


def unpack_list(b: bytes, i: int, n: int) -> tuple[list[Any], int]:
    out = []
    for _ in range(n):
        v, i = unpack(b, i)
        out.append(v)
    return out, i


def unpack_map(b: bytes, i: int, n: int) -> tuple[dict[Any, Any], int]:
    out = {}
    for _ in range(n):
        k, i = unpack(b, i)
        v, i = unpack(b, i)
        out[k] = v
    return out, i


def raw(data: bytes) -> Any:
    if data[:1] == b"\x03":
        return data[1:].decode()
    return bytes(data[1:])


def particle_value(op: Op) -> Any:
    p, v = op.particle, op.value
    if p == 1:
        return int.from_bytes(v, "big", signed=True)
    if p == 2:
        return struct.unpack(">d", v)[0]
    if p == 3:
        return v.decode()
    if p == 4:
        return bytes(v)
    if p == 17:
        return v != b"\x00"
    if p in (19, 20):
        return unpack(v)[0]
    if p == 23:
        return aerospike.GeoJSON(v[3:].decode())
    raise AssertionError(f"particle type {p} not used by the recorded calls")


# ---------------------------------------------------------------------------------------
# Recorded scenarios


@dataclass
class Scenario:
    name: str
    requests: list[bytes] = field(default_factory=list)  # c2s frames, recorded order
    reply_bins: list[str] = field(default_factory=list)  # bins of the first record reply


def load() -> OrderedDict[str, Scenario]:
    out: OrderedDict[str, Scenario] = OrderedDict()
    if not VECTORS.is_dir():
        return out
    rows = []
    for path in sorted(VECTORS.glob("*.jsonl")):
        with path.open() as fh:
            rows += [json.loads(line) for line in fh if line.strip()]
    rows.sort(key=lambda r: r["seq"])
    open_conn: set[int] = set()
    for row in rows:
        sc = out.setdefault(row["scenario"], Scenario(row["scenario"]))
        data = bytes.fromhex(row["hex"])
        if row["dir"] == "c2s":
            sc.requests.append(data)
            open_conn.add(row["conn"])
            continue
        if row["conn"] not in open_conn and row["type"] == 1:
            # The recorder missed this reply's request (an info reply echoes its
            # commands): rebuild it from the reply.
            names = [line.split("\t", 1)[0] for line in info_lines(data)]
            body = "".join(f"{n}\n" for n in names).encode()
            sc.requests.append(struct.pack(">Q", (2 << 56) | (1 << 48) | len(body)) + body)
        open_conn.discard(row["conn"])
        if row["type"] == 3 and not sc.reply_bins:
            body = data[8:]
            if len(body) >= 22:
                sc.reply_bins = [o.name for o in parse_msg(body).ops]
    return out


SCENARIOS = load()
CALLS = [n for n in SCENARIOS if n != "connect"]


# ---------------------------------------------------------------------------------------
# The recording proxy


class Proxy:
    """Forwards 127.0.0.1 connections to one upstream port; records client frames."""

    def __init__(self, upstream_port: int) -> None:
        self.upstream = ("127.0.0.1", upstream_port)
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.frames: list[bytes] = []
        self.lock = threading.Lock()
        self.socks: list[socket.socket] = []
        self.threads: list[threading.Thread] = []
        self.closed = False
        self.origin: list[int] = []  # per frame: the number of its connection
        self.ignored: set[int] = set()
        self.start(self.accept_loop)

    def start(self, target: Callable[..., None], *args: Any) -> None:
        t = threading.Thread(target=target, args=args, daemon=True)
        self.threads.append(t)
        t.start()

    def accept_loop(self) -> None:
        while True:
            try:
                down, _ = self.listener.accept()
            except OSError:
                return
            up = socket.create_connection(self.upstream)
            with self.lock:
                conn = len(self.socks) // 2
                self.socks += [down, up]
                if self.closed:
                    return
            self.start(self.pump, down, up, True, conn)
            self.start(self.pump, up, down, False, conn)

    def pump(self, src: socket.socket, dst: socket.socket, record: bool, conn: int) -> None:
        buf = b""
        try:
            while True:
                data = src.recv(65536)
                if not data:
                    break
                if record:
                    buf += data
                    while len(buf) >= 8:
                        size = 8 + (struct.unpack_from(">Q", buf)[0] & 0xFFFF_FFFF_FFFF)
                        if len(buf) < size:
                            break
                        with self.lock:
                            self.frames.append(buf[:size])
                            self.origin.append(conn)
                        buf = buf[size:]
                dst.sendall(data)
        except OSError:
            pass
        finally:
            shutdown(src, dst)

    def mark(self) -> int:
        with self.lock:
            return len(self.frames)

    def since(self, mark: int) -> list[bytes]:
        with self.lock:
            return [
                f
                for f, conn in zip(self.frames[mark:], self.origin[mark:])
                if conn not in self.ignored
            ]

    def ignore_open(self) -> None:
        """Leave out, from now on, the connections open now: after connect(), those of
        tending (the crate's tend socket and its info pool), which keeps tending while
        the calls are recorded."""
        with self.lock:
            self.ignored = set(range(len(self.socks) // 2))

    def close(self) -> None:
        with self.lock:
            self.closed = True
            socks = [self.listener, *self.socks]
        for s in socks:
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            s.close()
        for t in self.threads:
            t.join(timeout=5)


@dataclass
class Env:
    proxy: Proxy
    client: Any
    tmp: Path
    connect_frames: list[bytes]


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Env]:
    if not VECTORS.is_dir():
        pytest.skip(f"no recorded vectors at {VECTORS} (the shared/ folder beside the repo)")
    with Server() as srv:
        port = srv.config["hosts"][0][1]
        proxy = Proxy(port)
        try:
            # Tending's connections are left out once connected: every frame recorded
            # after connect() is then the call's.
            config = {"hosts": [("127.0.0.1", proxy.port)], "tend_interval": 600_000}
            client = aerospike.client(config).connect()
            connect_frames = proxy.since(0)
            proxy.ignore_open()
            try:
                yield Env(proxy, client, tmp_path_factory.mktemp("vectors"), connect_frames)
            finally:
                client.close()
        finally:
            proxy.close()


# ---------------------------------------------------------------------------------------
# Calls rebuilt from the recorded requests


def key_of(m: Msg, scenario: str = "") -> tuple[Any, ...]:
    ns = (m.field(FIELD_NS) or b"").decode()
    set_ = m.field(FIELD_SET)
    set_name = set_.decode() if set_ is not None else None
    if scenario in USER_KEYS:
        return (ns, set_name, USER_KEYS[scenario])
    user_key = m.field(FIELD_KEY)
    if user_key is not None:
        return (ns, set_name, particle_value(Op(0, user_key[0], "", user_key[1:])))
    return (ns, set_name, None, bytearray(m.field(FIELD_DIGEST) or b""))


def ttl_of(record_ttl: int) -> int:
    return {0xFFFF_FFFF: aerospike.TTL_NEVER_EXPIRE, 0xFFFF_FFFE: aerospike.TTL_DONT_UPDATE}.get(
        record_ttl, record_ttl
    )


def write_args(m: Msg) -> tuple[dict[str, Any], dict[str, Any]]:
    """meta and policy of a write, from its header flags."""
    _i1, i2, i3, _i4 = m.info
    meta: dict[str, Any] = {}
    policy: dict[str, Any] = {}
    if m.record_ttl:
        meta["ttl"] = ttl_of(m.record_ttl)
    if i2 & 0x04:
        policy["gen"], meta["gen"] = aerospike.POLICY_GEN_EQ, m.generation
    if i2 & 0x08:
        policy["gen"], meta["gen"] = aerospike.POLICY_GEN_GT, m.generation
    if i2 & 0x10:
        policy["durable_delete"] = True
    if i2 & 0x20:
        policy["exists"] = aerospike.POLICY_EXISTS_CREATE
    if i3 & 0x08:
        policy["exists"] = aerospike.POLICY_EXISTS_UPDATE
    if i3 & 0x10:
        policy["exists"] = aerospike.POLICY_EXISTS_CREATE_OR_REPLACE
    if i3 & 0x20:
        policy["exists"] = aerospike.POLICY_EXISTS_REPLACE
    if m.field(FIELD_KEY) is not None:
        policy["key"] = aerospike.POLICY_KEY_SEND
    return meta, policy


LIST_GET_RANGE, LIST_SIZE, LIST_APPEND = 18, 16, 1
MAP_PUT, MAP_GET_BY_KEY = 67, 97


def helper_op(op: Op) -> dict[str, Any]:
    """The aerospike_helpers operation that encodes `op`."""
    simple = {2: ops.write, 5: ops.increment, 9: ops.append, 10: ops.prepend}
    if op.op == 1:
        return ops.read(op.name)
    if op.op == 11:
        return ops.touch()
    if op.op in simple:
        return simple[op.op](op.name, particle_value(op))
    code, *args = unpack(op.value)[0]
    if op.op in (3, 4) and op.name == "l":
        cdt = {
            LIST_APPEND: lambda: lops.list_append(op.name, args[0]),
            LIST_GET_RANGE: lambda: lops.list_get_range(op.name, args[0], args[1]),
            LIST_SIZE: lambda: lops.list_size(op.name),
        }
    else:
        cdt = {
            MAP_PUT: lambda: mops.map_put(op.name, args[0], args[1]),
            MAP_GET_BY_KEY: lambda: mops.map_get_by_key(op.name, args[1], args[0]),
        }
    return cdt[code]()


def record_call(c: Any, scenario: str, m: Msg) -> Callable[[], Any]:
    """The client call that sends the single-record request `m`."""
    key = key_of(m, scenario)
    i1, i2, _i3, _i4 = m.info
    meta, policy = write_args(m)
    udf = m.field(FIELD_UDF_FILE)
    if udf is not None:
        args = unpack(m.field(FIELD_UDF_ARGS) or b"\x90")[0]
        func = (m.field(FIELD_UDF_FUNC) or b"").decode()
        if m.field(FIELD_UDF_OP) == UDF_OP_BACKGROUND and m.field(FIELD_INDEX_RANGE) is None:
            # A background scan UDF: the job's request, sent to every node.
            ns = (m.field(FIELD_NS) or b"").decode()
            set_ = (m.field(FIELD_SET) or b"").decode()
            return lambda: c.scan_apply(ns, set_, udf.decode(), func, args)
        return lambda: c.apply(key, udf.decode(), func, args, policy)
    if scenario.startswith("operate") or {o.op for o in m.ops} & {3, 4} or (i1 and i2):
        method = c.operate_ordered if scenario == "operate_ordered" else c.operate
        if scenario == "operate_ordered":
            meta, policy = {}, {}
        list_ = [helper_op(o) for o in m.ops]
        return lambda: method(key, list_, meta or None, policy or None)
    if i1 & 0x20:
        return lambda: c.exists(key)
    if i1 & 0x02:
        return lambda: c.get(key)
    if i1:
        return lambda: c.select(key, [o.name for o in m.ops])
    if i2 & 0x02:
        return lambda: c.remove(key, meta or None, policy or None)
    kinds = {o.op for o in m.ops}
    if kinds == {11}:
        return lambda: c.touch(key, ttl_of(m.record_ttl), None, policy or None)
    if len(m.ops) == 1 and kinds <= {5, 9, 10}:
        o = m.ops[0]
        method = {5: c.increment, 9: c.append, 10: c.prepend}[o.op]
        return lambda: method(key, o.name, particle_value(o), meta or None, policy or None)
    if all(o.op == 2 and o.particle == 0 for o in m.ops):
        return lambda: c.remove_bin(key, [o.name for o in m.ops], meta or None, policy or None)
    bins = {o.name: particle_value(o) for o in m.ops}
    if m.cut:
        # record-too-big: the value was cut at 4 KiB; its whole length is in the op.
        (o,) = m.ops
        bins = {o.name: b"x" * 9 * 1024 * 1024}
    return lambda: c.put(key, bins, meta or None, policy or None)


def batch_call(c: Any, scenario: str, m: Msg) -> Callable[[], Any]:
    _parent, rows = parse_batch(m.field(FIELD_BATCH) or b"")
    first = rows[0]
    fields = {t: bytes.fromhex(v) for t, v in first["fields"]}
    ns, set_ = fields[FIELD_NS].decode(), fields[FIELD_SET].decode()
    keys = [(ns, set_, None, bytearray.fromhex(r["digest"])) for r in rows]
    row_ops = [Op(o, p, n, bytes.fromhex(v)) for o, p, n, v in first["ops"]]
    if scenario == "batch_write":
        recs = [br.Write(k, [helper_op(o) for o in row_ops]) for k in keys]
        return lambda: c.batch_write(br.BatchRecords(recs))
    if scenario == "batch_operate":
        return lambda: c.batch_operate(keys, [helper_op(o) for o in row_ops])
    if scenario == "batch_remove":
        return lambda: c.batch_remove(keys)
    bins = [o.name for o in row_ops] or None
    return lambda: c.batch_read(keys, bins)


def stream_call(c: Any, sc: Scenario, m: Msg) -> Callable[[], Any]:
    ns = (m.field(FIELD_NS) or b"").decode()
    set_ = (m.field(FIELD_SET) or b"").decode()
    names = [o.name for o in m.ops] if not m.cut else sc.reply_bins[: m.n_ops]
    rng = m.field(FIELD_INDEX_RANGE)
    if rng is None:
        s = c.scan(ns, set_)
        if names:
            s.select(*names)
        return s.results
    q = c.query(ns, set_)
    if names:
        q.select(*names)
    nlen = rng[1]
    bin_ = rng[2 : 2 + nlen].decode()
    ptype = rng[2 + nlen]
    at = 3 + nlen
    begin_len = struct.unpack_from(">I", rng, at)[0]
    begin = rng[at + 4 : at + 4 + begin_len]
    end = rng[at + 8 + begin_len :]
    if ptype == 1:
        lo, hi = (int.from_bytes(v, "big", signed=True) for v in (begin, end))
        q.where(predicates.equals(bin_, lo) if lo == hi else predicates.between(bin_, lo, hi))
    else:
        q.where(predicates.equals(bin_, begin.decode()))
    return q.results


def info_call(c: Any, env: Env, scenario: str, lines: list[str]) -> Callable[[], Any]:
    cmd = lines[0]
    name, _, args = cmd.partition(":")
    kv = dict(p.split("=", 1) for p in args.strip(";").split(";") if "=" in p)
    if name == "sindex-create":
        create = c.index_integer_create if kv["type"] == "NUMERIC" else c.index_string_create
        return lambda: create(kv["namespace"], kv.get("set"), kv["bin"], kv["indexname"])
    if name == "sindex-delete":
        return lambda: c.index_remove(kv["namespace"], kv["indexname"])
    if name == "udf-put":
        path = env.tmp / kv["filename"]
        path.write_bytes(base64.b64decode(kv["content"]))
        return lambda: c.udf_put(str(path))
    if name == "udf-remove":
        return lambda: c.udf_remove(kv["filename"])
    if name == "truncate":
        return lambda: c.truncate(kv["namespace"], kv.get("set"), 0)
    return lambda: c.info_random_node(cmd + "\n")


# ---------------------------------------------------------------------------------------
# Comparable views


def msg_view(m: Msg) -> dict[str, Any]:
    view: dict[str, Any] = {
        "info1": m.info[0],
        "info2": m.info[1],
        "info3": m.info[2],
        "info4": m.info[3],
        "generation": m.generation,
        "record_ttl": m.record_ttl,
        "field types": sorted(t for t, _ in m.fields),
        "ops": m.n_ops,
    }
    for t, v in m.fields:
        if t in NORMALIZED_FIELDS:
            continue
        if t == FIELD_BATCH:
            parent, rows = parse_batch(v)
            view["batch parent flags"] = parent
            view["batch rows"] = len(rows)
            for i, row in enumerate(rows):
                view[f"batch row {i}"] = row
        else:
            view[f"field {t}"] = v.hex()
    for i, o in enumerate(m.ops):
        view[f"op {i}"] = (o.op, o.particle, o.name, o.value.hex())
    return view


def info_view(frames: list[bytes]) -> list[str]:
    """Info commands in order, a polling command once, the user agent's value hidden."""
    out: list[str] = []
    for f in frames:
        for line in info_lines(f):
            if line.startswith("user-agent-set:"):
                line = "user-agent-set:value=..."
            if line.startswith(POLLING) and line in out:
                continue
            out.append(line)
    return out


def diff(recorded: dict[str, Any], ours: dict[str, Any]) -> dict[str, tuple[Any, Any]]:
    keys = list(dict.fromkeys([*recorded, *ours]))
    return {k: (recorded.get(k), ours.get(k)) for k in keys if recorded.get(k) != ours.get(k)}


def views(frames: list[bytes]) -> list[tuple[dict[str, Any], bool]]:
    """The view of each frame, and whether the recording cut it (first 4 KiB only)."""
    return [(msg_view(m), m.cut) for m in (parse_msg(f[8:]) for f in frames)]


def uncut(view: dict[str, Any]) -> dict[str, Any]:
    """A view with the op values left out (a cut recording lost them)."""
    return {k: v[:3] if k.startswith("op ") else v for k, v in view.items()}


def shapes(frames: list[bytes]) -> list[str]:
    out = []
    for f in frames:
        m = parse_msg(f[8:])
        batch = m.field(FIELD_BATCH)
        out.append(f"batch of {len(parse_batch(batch)[1])}" if batch is not None else "single")
    return out


def run(call: Callable[[], Any]) -> None:
    try:
        call()
    except ex.AerospikeError:
        pass  # the request went out; replies are test_vectors_server's business


# ---------------------------------------------------------------------------------------
# Tests


def test_vectors_present() -> None:
    if not VECTORS.is_dir():
        pytest.skip(f"no recorded vectors at {VECTORS} (the shared/ folder beside the repo)")
    assert set(NOT_BUILT) <= set(SCENARIOS)
    assert set(DIFFERENCES) <= set(SCENARIOS)


def test_connect(env: Env) -> None:
    """The info commands of connect() (tending): compared as sets, order is the tender's."""
    sc = SCENARIOS.get("connect")
    if sc is None:
        pytest.skip("no recorded connect")
    recorded = set(info_view([f for f in sc.requests if not f[8:].startswith(b"truncate")]))
    ours = set(info_view([f for f in env.connect_frames if frame_type(f) == 1]))
    got = {"commands": (sorted(recorded - ours), sorted(ours - recorded))}
    assert {k: v for k, v in got.items() if v != ([], [])} == DIFFERENCES.get("connect", {})


@pytest.mark.parametrize("scenario", CALLS or ["(no vectors)"])
def test_call_matches_recording(env: Env, scenario: str) -> None:
    sc = SCENARIOS[scenario]
    c = env.client
    msgs = [f for f in sc.requests if frame_type(f) == 3]
    infos = [f for f in sc.requests if frame_type(f) == 1]
    if scenario in NOT_BUILT:
        mark = env.proxy.mark()
        with pytest.raises((ex.AerospikeError, AttributeError)) as raised:
            not_built_call(c, scenario)
        if raised.type is AttributeError:
            assert "has no attribute" in str(raised.value)
        assert env.proxy.since(mark) == [], "a call of a feature not built sent something"
        return
    calls: list[Callable[[], Any]] = []
    for f in msgs:
        m = parse_msg(f[8:])
        if m.field(FIELD_BATCH) is not None:
            calls.append(batch_call(c, scenario, m))
        elif m.info[2] & 0x04:  # PARTITION_DONE: a scan or query
            calls.append(stream_call(c, sc, m))
        else:
            calls.append(record_call(c, scenario, m))
    if infos and scenario not in OTHER_CLIENT_INFO:
        groups: list[list[str]] = []
        for f in infos:
            lines = info_lines(f)
            if lines[0].startswith(POLLING) and groups and groups[-1][0].startswith(POLLERS):
                continue
            groups.append(lines)
        calls += [info_call(c, env, scenario, g) for g in groups]
    mark = env.proxy.mark()
    for call in calls:
        run(call)
    sent = env.proxy.since(mark)
    ours_msgs = [f for f in sent if frame_type(f) == 3]
    recorded_view: dict[str, Any] = {}
    ours_view: dict[str, Any] = {}
    if shapes(msgs) != shapes(ours_msgs):
        recorded_view["requests"], ours_view["requests"] = shapes(msgs), shapes(ours_msgs)
    for i, ((r, cut), (o, _)) in enumerate(zip(views(msgs), views(ours_msgs))):
        if cut:
            # Recorded frames keep their first 4 KiB: compare what survived.
            r, o = uncut(r), {k: v for k, v in uncut(o).items() if k in r or k[:3] != "op "}
        recorded_view.update({f"#{i} {k}": v for k, v in r.items()})
        ours_view.update({f"#{i} {k}": v for k, v in o.items()})
    if infos and scenario not in OTHER_CLIENT_INFO:
        recorded_view["info"] = info_view(infos)
        ours_view["info"] = info_view([f for f in sent if frame_type(f) == 1])
    assert diff(recorded_view, ours_view) == DIFFERENCES.get(scenario, {})


def not_built_call(c: Any, scenario: str) -> None:
    if scenario == "query:aggregate":
        q = c.query("test", "vecs")
        q.where(predicates.between("i", 0, 100))
        q.apply("vecudf", "total")
        q.results()
    elif scenario == "scan_apply+job_info":
        job = c.scan_apply("test", "vecs", "vecudf", "add", ["i", 1])
        c.job_info(job, aerospike.JOB_SCAN)
    else:
        raise AssertionError(f"no call for {scenario}")
