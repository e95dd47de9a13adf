"""Replay the frames recorded against a real CE 8.1.2 server to the embedded server.

``shared/vectors/*.jsonl`` (beside the repository checkout) holds every frame exchanged
between real clients (the official Python client 19.3.0, the Rust crate 2.2) and a real
server. For each scenario, in recorded order (scenarios build on each other's records),
every client->server request is sent over a raw socket and the reply is compared with the
recorded one: result code, generation, whether a void time is set, the ops (type, bin
name, particle type, and the value for scalar particles), the fields, batch rows by index;
for info, one echoed line per request line with a value of the same form.

What legitimately differs (node ids, ports, clocks, cell ids in GeoJSON, record order in
streams) is not compared. Scenarios of features the server does not have yet are listed
in EXCEPTIONS with a reason: for those the server must answer with a clear error (an error
result code, an ``ERROR``/``FAIL``/``error=`` info value), never a wrong success; once it
answers like the real server, the test fails to ask for the entry to be removed.

AEROSPIKE_HOSTS=host:port replays to (the first of) those hosts instead; use a single-node
server, as recorded (a real one must pass as is): scans of all 4096 partitions sent to one
node of a bigger cluster come back with unavailable partitions.
"""

from __future__ import annotations

import base64
import importlib.util
import json
import re
import socket
import struct
import sys
import zlib
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

VECTORS = Path(__file__).resolve().parents[2] / "shared" / "vectors"
HARNESS = Path(__file__).resolve().parent / "conformance" / "conformance_harness.py"

# Scenario -> why it is not compared yet. The server must refuse these clearly.
EXCEPTIONS: dict[str, str] = {
    "query:aggregate": "stream UDF aggregation: not implemented yet",
}

# Info commands of features the server may not have: the recorded value or an error.
OPTIONAL_INFO: set[str] = set()

# Particle types whose value bytes must round-trip exactly (msgpack and GeoJSON may differ).
SCALAR_PARTICLES = {1, 2, 3, 4, 17}

INFO1_GET_ALL, INFO1_BATCH = 0x02, 0x08
INFO3_LAST = 0x01
FIELD_DIGEST, FIELD_PID_ARRAY = 4, 11
ERROR_PREFIXES = ("ERROR", "FAIL", "error=")


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
    info1: int
    info2: int
    info3: int
    info4: int
    result: int
    generation: int
    void_time: int
    txn_ttl: int  # batch replies: the row index
    fields: list[tuple[int, bytes]]
    ops: list[Op]

    def has_field(self, ftype: int) -> bool:
        return any(t == ftype for t, _ in self.fields)


def parse_msgs(body: bytes) -> list[Msg]:
    """Every AS_MSG in a type-3 body (batch and scan replies pack several)."""
    msgs, off = [], 0
    while off < len(body):
        if len(body) - off < 22:
            raise ValueError(f"{len(body) - off} trailing bytes, less than a header")
        hsz, i1, i2, i3, i4, rc, gen, ttl, tttl, nf, no = struct.unpack_from(
            ">BBBBBBIIIHH", body, off
        )
        off += hsz
        fields = []
        for _ in range(nf):
            size, ftype = struct.unpack_from(">IB", body, off)
            fields.append((ftype, body[off + 5 : off + 4 + size]))
            off += 4 + size
        ops = []
        for _ in range(no):
            size, op, ptype, _flags, nlen = struct.unpack_from(">IBBBB", body, off)
            name = body[off + 8 : off + 8 + nlen].decode("utf-8", "replace")
            ops.append(Op(op, ptype, name, body[off + 8 + nlen : off + 4 + size]))
            off += 4 + size
        if off > len(body):
            raise ValueError("message runs past the end of the frame")
        msgs.append(Msg(i1, i2, i3, i4, rc, gen, ttl, tttl, fields, ops))
    return msgs


def frame(ptype: int, body: bytes) -> bytes:
    return struct.pack(">Q", (2 << 56) | (ptype << 48) | len(body)) + body


def split_frame(data: bytes) -> tuple[int, int, bytes]:
    (head,) = struct.unpack_from(">Q", data)
    return (head >> 56) & 0xFF, (head >> 48) & 0xFF, data[8:]


def rebuild_truncated(prefix: bytes, total: int, reply_bins: list[str]) -> bytes | None:
    """Rebuild a request recorded only in part (frames > 4 KiB keep their first 4 KiB).

    Known shapes: a write whose last op value was cut (padded with zeros: record-too-big),
    and scans/queries cut inside PID_ARRAY (refilled with 0..n-1; ops after it, all bin
    reads, are rebuilt from the bins of the recorded reply). None when it does not fit.
    """
    body = bytearray(prefix[8:])
    want = total - 8
    hsz, nf, no = body[0], *struct.unpack_from(">HH", body, 18)
    off, out = hsz, bytearray(body[:hsz])
    for _ in range(nf):
        size, ftype = struct.unpack_from(">IB", body, off)
        data = bytes(body[off + 5 : off + 4 + size])
        if len(data) < size - 1:
            if ftype != FIELD_PID_ARRAY:
                return None
            data = b"".join(struct.pack("<H", i) for i in range((size - 1) // 2))
        out += struct.pack(">IB", size, ftype) + data
        off += 4 + size
    for i in range(no):
        if off + 8 <= len(body):
            size, _op, _pt, _fl, _nl = struct.unpack_from(">IBBBB", body, off)
            chunk = bytes(body[off : off + 4 + size])
            out += chunk + b"\0" * (4 + size - len(chunk))
            off += 4 + size
        else:
            left = no - i
            if left != len(reply_bins):
                return None
            for name in reply_bins:
                raw = name.encode()
                out += struct.pack(">IBBBB", 4 + len(raw), 1, 0, 0, len(raw)) + raw
            break
    if len(out) != want:
        return None
    return frame(prefix[1], bytes(out))


# ---------------------------------------------------------------------------------------
# Recorded scenarios


@dataclass
class Exchange:
    seq: int
    conn: int
    ptype: int
    request: bytes | None  # None when the request was not recorded or cannot be rebuilt
    replies: list[bytes] = field(default_factory=list)
    note: str = ""
    prefix: bytes = b""  # the recorded first 4 KiB of a truncated request
    total: int = 0  # its real length


def load_scenarios() -> OrderedDict[str, list[Exchange]]:
    scenarios: OrderedDict[str, list[Exchange]] = OrderedDict()
    if not VECTORS.is_dir():
        return scenarios
    rows = []
    for path in sorted(VECTORS.glob("*.jsonl")):
        with path.open() as fh:
            rows += [json.loads(line) for line in fh if line.strip()]
    rows.sort(key=lambda r: r["seq"])
    open_by_conn: dict[int, Exchange] = {}
    for row in rows:
        data = bytes.fromhex(row["hex"])
        exchanges = scenarios.setdefault(row["scenario"], [])
        if row["dir"] == "c2s":
            ex = Exchange(row["seq"], row["conn"], row["type"], data)
            if row.get("truncated"):
                ex.request, ex.prefix, ex.total = None, data, row["len"]
                ex.note = f"(truncated request of {row['len']} bytes, not rebuilt)"
            exchanges.append(ex)
            open_by_conn[row["conn"]] = ex
        else:
            ex = open_by_conn.get(row["conn"])
            if ex is None or ex not in exchanges:
                continue  # a reply whose request is not in the file
            ex.replies.append(data)
    for exchanges in scenarios.values():
        for ex in exchanges:
            if ex.request is None and ex.prefix:
                bins = [op.name for m in _reply_msgs(ex) for op in m.ops]
                ex.request = rebuild_truncated(ex.prefix, ex.total, sorted(set(bins)))
                if ex.request is not None:
                    ex.note = f"(request rebuilt from a truncated recording of {ex.total} bytes)"
    return scenarios


def _reply_msgs(ex: Exchange) -> list[Msg]:
    msgs = []
    for data in ex.replies:
        _, ptype, body = split_frame(data)
        if ptype == 3 and len(body) < 4096:
            try:
                msgs += parse_msgs(body)
            except (ValueError, struct.error):
                pass
    return msgs


SCENARIOS = load_scenarios()


# ---------------------------------------------------------------------------------------
# Talking to the server


def _load_harness() -> Any:
    name = "conformance_harness"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, HARNESS)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


class Replayer:
    def __init__(self, host: tuple[str, int], single_node: bool) -> None:
        self.host = host
        self.socks: dict[int, socket.socket] = {}
        self.checks = InfoChecks(host, single_node)

    def sock(self, conn: int) -> socket.socket:
        if conn not in self.socks:
            s = socket.create_connection(self.host, timeout=5)
            s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            self.socks[conn] = s
        return self.socks[conn]

    def drop(self, conn: int) -> None:
        s = self.socks.pop(conn, None)
        if s is not None:
            s.close()

    def close(self) -> None:
        for conn in list(self.socks):
            self.drop(conn)

    @staticmethod
    def _recv(s: socket.socket, n: int) -> bytes:
        buf = bytearray()
        while len(buf) < n:
            chunk = s.recv(min(n - len(buf), 1 << 20))
            if not chunk:
                raise ConnectionError(f"connection closed after {len(buf)} of {n} bytes")
            buf += chunk
        return bytes(buf)

    def read_frame(self, s: socket.socket) -> bytes:
        head = self._recv(s, 8)
        (size,) = struct.unpack(">Q", head)
        return head + self._recv(s, size & 0xFFFF_FFFF_FFFF)

    def exchange(self, ex: Exchange) -> list[bytes]:
        """Send one request, read its whole reply (one frame, or a stream up to LAST)."""
        assert ex.request is not None
        s = self.sock(ex.conn)
        s.sendall(ex.request)
        first = self.read_frame(s)
        if ex.ptype != 3:
            return [first]
        req = parse_msgs(ex.request[8:])[0]
        stream = bool(req.info1 & INFO1_BATCH) or not req.has_field(FIELD_DIGEST)
        frames = [first]
        while stream:
            msgs = body_msgs(frames[-1])
            if any(m.info3 & INFO3_LAST for m in msgs):
                break
            if len(frames) == 1 and len(msgs) == 1 and msgs[0].result and not msgs[0].ops:
                # An error before a stream starts comes without LAST: wait briefly for more.
                s.settimeout(0.5)
                try:
                    frames.append(self.read_frame(s))
                except socket.timeout:
                    break
                finally:
                    s.settimeout(5)
                continue
            frames.append(self.read_frame(s))
        return frames


def body_msgs(data: bytes) -> list[Msg]:
    _, ptype, body = split_frame(data)
    if ptype == 4:
        (size,) = struct.unpack_from(">Q", body)
        inner = zlib.decompress(body[8:])
        assert len(inner) == size
        _, ptype, body = split_frame(inner)
    return parse_msgs(body) if ptype == 3 else []


# ---------------------------------------------------------------------------------------
# Comparing replies


def info_lines(data: bytes) -> list[tuple[str, str]]:
    text = split_frame(data)[2].decode("utf-8", "replace")
    lines = []
    for line in text.split("\n")[:-1] if text.endswith("\n") else text.split("\n"):
        name, _, value = line.partition("\t")
        lines.append((name, value))
    return lines


def _kv(value: str, sep: str = ";") -> dict[str, str]:
    pairs = {}
    for item in filter(None, value.split(sep)):
        k, eq, v = item.partition("=")
        if not eq:
            raise ValueError(item)
        pairs[k] = v
    return pairs


class InfoChecks:
    """Per-command checks of a value's form; returns a problem or None."""

    def __init__(self, host: tuple[str, int], single_node: bool) -> None:
        self.host, self.single = host, single_node

    def check(self, cmd: str, got: str, recorded: str) -> str | None:
        name = cmd.split(":", 1)[0]
        if name in OPTIONAL_INFO and (got == recorded or got.startswith(ERROR_PREFIXES)):
            return None
        checker = getattr(self, "c_" + re.sub(r"[^a-z0-9]", "_", name.split("/")[0]), None)
        if recorded.startswith(ERROR_PREFIXES) != got.startswith(ERROR_PREFIXES):
            return f"error-ness differs: recorded {recorded[:80]!r}"
        if checker is None:
            return None if got == recorded else f"expected {recorded[:200]!r}"
        return checker(got, recorded, cmd)

    @staticmethod
    def _int(got: str) -> str | None:
        return None if re.fullmatch(r"\d+", got) else "expected a non-negative integer"

    def c_node(self, got: str, rec: str, cmd: str) -> str | None:
        return None if re.fullmatch(r"[0-9A-Za-z]{1,19}", got) else "expected a node id"

    def c_partition_generation(self, got: str, rec: str, cmd: str) -> str | None:
        return self._int(got)

    c_peers_generation = c_partition_generation

    def c_build(self, got: str, rec: str, cmd: str) -> str | None:
        m = re.fullmatch(r"(\d+)\.(\d+)\.(\d+)\.(\d+)", got)
        if not m:
            return "expected N.N.N.N"
        return None if int(m.group(1)) >= 6 else "a build below 6.0 makes clients use old formats"

    def c_cluster_name(self, got: str, rec: str, cmd: str) -> str | None:
        return None if got else "empty cluster-name"

    def c_user_agent_set(self, got: str, rec: str, cmd: str) -> str | None:
        return None if got == "ok" else "expected ok"

    c_truncate = c_truncate_namespace = c_user_agent_set

    def c_service_clear_std(self, got: str, rec: str, cmd: str) -> str | None:
        want = f"{self.host[0]}:{self.host[1]}"
        return None if want in got.split(",") else f"expected to contain {want}"

    def c_peers_clear_std(self, got: str, rec: str, cmd: str) -> str | None:
        m = re.fullmatch(r"(\d+),(\d+),\[(.*)\]", got)
        if not m:
            return "expected <gen>,<port>,[peers]"
        if self.single and m.group(3):
            return "a single node must list no peers"
        return None

    def c_replicas(self, got: str, rec: str, cmd: str) -> str | None:
        seen = {}
        for entry in filter(None, got.split(";")):
            ns, _, rest = entry.partition(":")
            parts = rest.split(",")
            if len(parts) < 3 or not parts[0].isdigit() or not parts[1].isdigit():
                return f"bad entry {entry[:60]!r}"
            if int(parts[1]) != len(parts) - 2:
                return f"{ns}: n_replicas {parts[1]} but {len(parts) - 2} bitmaps"
            for bitmap in parts[2:]:
                if len(bitmap) != 684:
                    return f"{ns}: bitmap of {len(bitmap)} chars, not 684"
            seen[ns] = base64.b64decode(parts[2])
        if "test" not in seen:
            return "namespace test missing"
        if self.single and any(b != b"\xff" * 512 for b in seen.values()):
            return "a single node must master every partition"
        return None

    def c_namespaces(self, got: str, rec: str, cmd: str) -> str | None:
        return None if "test" in got.split(";") else "expected test among the namespaces"

    def c_namespace(self, got: str, rec: str, cmd: str) -> str | None:
        try:
            pairs = _kv(got)
        except ValueError as exc:
            return f"not k=v;k=v: {exc}"
        return None if "objects" in pairs else "no objects= statistic"

    def c_statistics(self, got: str, rec: str, cmd: str) -> str | None:
        try:
            pairs = _kv(got)
        except ValueError as exc:
            return f"not k=v;k=v: {exc}"
        return None if "cluster_size" in pairs else "no cluster_size= statistic"

    def c_sets(self, got: str, rec: str, cmd: str) -> str | None:
        sets = {}
        try:
            for entry in filter(None, got.split(";")):
                pairs = _kv(entry, ":")
                sets[pairs.get("set")] = pairs
        except ValueError as exc:
            return f"not ns=..:set=..:k=v;...: {exc}"
        for entry in filter(None, rec.split(";")):
            name = entry.split(":set=", 1)[-1].split(":", 1)[0]
            if name not in sets or "objects" not in sets[name]:
                return f"set {name!r} (objects=) missing"
        return None

    def c_sindex_stat(self, got: str, rec: str, cmd: str) -> str | None:
        """Clients poll load_pct=100; entries must match; sizes and timings may differ."""
        try:
            g, r = _kv(got), _kv(rec)
        except ValueError as exc:
            return f"not k=v;k=v: {exc}"
        if g.get("load_pct") != "100":
            return "load_pct is not 100"
        if g.get("entries") != r.get("entries"):
            return f"entries {g.get('entries')}, recorded {r.get('entries')}"
        missing = sorted(set(r) - set(g))
        return f"statistics missing: {missing}" if missing else None

    def c_udf_list(self, got: str, rec: str, cmd: str) -> str | None:
        """Same files and types; the hash is opaque to clients (CE 8.1.2's is not a plain
        SHA-1 of the source), so only its form is checked."""

        def files(value: str) -> dict[str, dict[str, str]]:
            out = {}
            for entry in filter(None, value.split(";")):
                pairs = _kv(entry, ",")
                out[pairs.get("filename", "")] = pairs
            return out

        try:
            g, r = files(got), files(rec)
        except ValueError as exc:
            return f"not filename=..,hash=..,type=..;: {exc}"
        if sorted(g) != sorted(r):
            return f"files {sorted(g)}, recorded {sorted(r)}"
        for name, pairs in g.items():
            if pairs.get("type") != r[name].get("type"):
                return f"{name}: type {pairs.get('type')}, recorded {r[name].get('type')}"
            if not re.fullmatch(r"[0-9a-f]{40}", pairs.get("hash", "")):
                return f"{name}: hash {pairs.get('hash')!r} is not 40 hex digits"
        return None

    def c_query_show(self, got: str, rec: str, cmd: str) -> str | None:
        """A job's status: same id, namespace and set; finished (clients poll for done)."""
        try:
            g, r = _kv(got, ":"), _kv(rec.rsplit(":", 1)[0] if not rec.endswith(":") else rec, ":")
        except ValueError as exc:
            return f"not k=v:k=v: {exc}"
        for k in ("trid", "ns", "set"):
            if g.get(k) != r.get(k):
                return f"{k}={g.get(k)!r}, recorded {r.get(k)!r}"
        if not g.get("status", "").startswith("done"):
            return f"status {g.get('status')!r}, expected done(...)"
        return None

    def c_features(self, got: str, rec: str, cmd: str) -> str | None:
        tokens, known = set(got.split(";")), set(rec.split(";"))
        needed = {"pscans", "pquery", "batch-any", "query-show", "peers", "replicas"}
        if needed - tokens:
            return f"missing {sorted(needed - tokens)}"
        if tokens - known:
            return f"tokens the real server does not have: {sorted(tokens - known)}"
        return None


def ops_key(msg: Msg, ordered: bool) -> list[tuple[int, str, int]]:
    keys = [(o.op, o.name, o.particle) for o in msg.ops]
    return keys if ordered else sorted(keys)


def compare_msg(exp: Msg, got: Msg, ordered: bool, where: str) -> list[str]:
    diffs = []
    if got.result != exp.result:
        diffs.append(f"{where}: result {got.result}, recorded {exp.result}")
    if got.generation != exp.generation:
        diffs.append(f"{where}: generation {got.generation}, recorded {exp.generation}")
    if (got.void_time == 0) != (exp.void_time == 0):
        diffs.append(f"{where}: void time {got.void_time}, recorded {exp.void_time} (0 = none)")
    if (got.info3 & INFO3_LAST) != (exp.info3 & INFO3_LAST):
        diffs.append(f"{where}: info3 LAST {got.info3:#x}, recorded {exp.info3:#x}")
    if sorted(t for t, _ in got.fields) != sorted(t for t, _ in exp.fields):
        diffs.append(
            f"{where}: field types {[t for t, _ in got.fields]}, "
            f"recorded {[t for t, _ in exp.fields]}"
        )
    if ops_key(got, ordered) != ops_key(exp, ordered):
        diffs.append(
            f"{where}: ops (op, bin, particle) {ops_key(got, ordered)}, "
            f"recorded {ops_key(exp, ordered)}"
        )
    else:
        gv = {(o.op, o.name): o.value for o in got.ops if o.particle in SCALAR_PARTICLES}
        for o in exp.ops:
            if o.particle in SCALAR_PARTICLES and gv.get((o.op, o.name)) != o.value:
                diffs.append(
                    f"{where}: bin {o.name!r} value {gv.get((o.op, o.name))!r}, "
                    f"recorded {o.value!r}"
                )
    return diffs


def compare_as_msg(ex: Exchange, got_frames: list[bytes]) -> list[str]:
    req = parse_msgs(ex.request[8:])[0]  # type: ignore[index]
    where = f"seq {ex.seq}"
    for data in got_frames:
        if split_frame(data)[1] != 3:
            return [f"{where}: reply proto type {split_frame(data)[1]}, expected 3"]
    exp_msgs = [m for data in ex.replies for m in body_msgs(data)]
    got_msgs = [m for data in got_frames for m in body_msgs(data)]
    ordered = not req.info1 & INFO1_GET_ALL
    if req.info1 & INFO1_BATCH:
        diffs = []
        exp_rows = {m.txn_ttl: m for m in exp_msgs if not m.info3 & INFO3_LAST}
        got_rows = {m.txn_ttl: m for m in got_msgs if not m.info3 & INFO3_LAST}
        if sorted(exp_rows) != sorted(got_rows):
            diffs.append(f"{where}: batch rows {sorted(got_rows)}, recorded {sorted(exp_rows)}")
        for idx in sorted(set(exp_rows) & set(got_rows)):
            # Row ops compared as a multiset: a row has no GET_ALL flag visible here.
            diffs += compare_msg(exp_rows[idx], got_rows[idx], False, f"{where} row {idx}")
        exp_last = [m for m in exp_msgs if m.info3 & INFO3_LAST]
        got_last = [m for m in got_msgs if m.info3 & INFO3_LAST]
        if len(got_last) != 1 or got_last[0].result != exp_last[0].result:
            diffs.append(
                f"{where}: final LAST message {[m.result for m in got_last]}, "
                f"recorded result {exp_last[0].result}"
            )
        return diffs
    if not req.has_field(FIELD_DIGEST):
        return compare_stream(exp_msgs, got_msgs, where)
    if len(got_msgs) != len(exp_msgs):
        return [f"{where}: {len(got_msgs)} messages, recorded {len(exp_msgs)}"]
    diffs = []
    for i, (e, g) in enumerate(zip(exp_msgs, got_msgs)):
        diffs += compare_msg(e, g, ordered, where if len(exp_msgs) == 1 else f"{where} msg {i}")
    return diffs


def compare_stream(exp_msgs: list[Msg], got_msgs: list[Msg], where: str) -> list[str]:
    """A scan/query reply: records matched by digest (any order), partition-done markers
    (optional: only failures must show), one final LAST with the same result."""

    def split(msgs: list[Msg]) -> tuple[dict[bytes, Msg], list[Msg], list[Msg]]:
        recs: dict[bytes, Msg] = {}
        markers, last = [], []
        for m in msgs:
            digest = next((d for t, d in m.fields if t == FIELD_DIGEST), None)
            if m.info3 & INFO3_LAST:
                last.append(m)
            elif digest is None:
                markers.append(m)
            else:
                recs[digest] = m
        return recs, markers, last

    exp_recs, _, exp_last = split(exp_msgs)
    got_recs, got_markers, got_last = split(got_msgs)
    diffs = []
    if sorted(got_recs) != sorted(exp_recs):
        missing = [d.hex()[:8] for d in exp_recs if d not in got_recs]
        extra = [d.hex()[:8] for d in got_recs if d not in exp_recs]
        diffs.append(f"{where}: records missing {missing}, unexpected {extra}")
    for digest in sorted(set(exp_recs) & set(got_recs)):
        diffs += compare_msg(
            exp_recs[digest], got_recs[digest], False, f"{where} record {digest.hex()[:8]}"
        )
    bad = [(m.generation, m.result) for m in got_markers if m.result != 0]
    if bad:
        diffs.append(f"{where}: partitions reported failed (pid, result): {bad[:10]}")
    if len(got_last) != 1 or (exp_last and got_last[0].result != exp_last[0].result):
        diffs.append(
            f"{where}: final LAST {[m.result for m in got_last]}, recorded "
            f"{[m.result for m in exp_last]}"
        )
    return diffs


def compare_info(ex: Exchange, got_frames: list[bytes], checks: InfoChecks) -> list[str]:
    where = f"seq {ex.seq}"
    if split_frame(got_frames[0])[1] != 1:
        return [f"{where}: reply proto type {split_frame(got_frames[0])[1]}, expected 1"]
    sent = split_frame(ex.request)[2].decode().split("\n")[:-1]  # type: ignore[index]
    got = info_lines(got_frames[0])
    rec = dict(info_lines(ex.replies[0])) if ex.replies else {}
    if [n for n, _ in got] != sent:
        return [f"{where}: echoed lines {[n for n, _ in got]}, sent {sent}"]
    diffs = []
    for cmd, value in got:
        if cmd not in rec:
            continue  # the recording kept no reply (or a truncated one) for this command
        problem = checks.check(cmd, value, rec[cmd])
        if problem:
            diffs.append(f"{where}: {cmd[:60]!r} -> {value[:120]!r}: {problem}")
    return diffs


def is_clear_error(ex: Exchange, got_frames: list[bytes]) -> bool:
    """An error reply; for info, an empty list (udf-list, sindex-list) is consistent too."""
    if ex.ptype == 1:
        return all(
            v.startswith(ERROR_PREFIXES) or (n.split(":")[0] in OPTIONAL_INFO and not v)
            for n, v in info_lines(got_frames[0])
        )
    msgs = [m for data in got_frames for m in body_msgs(data)]
    return bool(msgs) and msgs[0].result != 0


# ---------------------------------------------------------------------------------------
# The test


@pytest.fixture(scope="module")
def replayer() -> Any:
    if not SCENARIOS:
        pytest.skip(f"no recorded vectors at {VECTORS}")
    harness = _load_harness()
    ext = harness.external_hosts()
    server = None
    if ext is None:
        try:
            server = harness.start_embedded(1)
        except RuntimeError as exc:
            pytest.fail(str(exc), pytrace=False)
        host = server.hosts[0]
    else:
        host = ext[0]
    rp = Replayer(host, single_node=ext is None or len(ext) == 1)
    yield rp
    rp.close()
    if server is not None:
        server.stop()


@pytest.mark.parametrize("scenario", list(SCENARIOS) or ["<no vectors>"])
def test_replay(replayer: Replayer, scenario: str) -> None:
    exchanges = SCENARIOS[scenario]
    diffs: list[str] = []
    matched = refused = 0
    for ex in exchanges:
        if ex.request is None or (ex.ptype == 3 and not ex.replies):
            continue  # cannot be rebuilt, or no recorded reply to compare with
        if ex.ptype not in (1, 3):
            continue
        try:
            got = replayer.exchange(ex)
        except (OSError, ConnectionError) as exc:
            replayer.drop(ex.conn)
            diffs.append(f"seq {ex.seq}: no reply ({exc}) {ex.note}")
            continue
        if ex.ptype == 3:
            found = compare_as_msg(ex, got)
        else:
            found = compare_info(ex, got, replayer.checks)
        if scenario in EXCEPTIONS:
            if not found:
                matched += 1
            elif is_clear_error(ex, got):
                refused += 1
            else:
                diffs.append(f"wrong success instead of an error: {'; '.join(found)}")
        else:
            diffs += [f"{d} {ex.note}".rstrip() for d in found]
    if scenario in EXCEPTIONS:
        if diffs:
            pytest.fail(f"{scenario} ({EXCEPTIONS[scenario]}):\n" + "\n".join(diffs), pytrace=False)
        if refused == 0 and matched:
            pytest.fail(f"{scenario} now answers like the real server: remove it from EXCEPTIONS")
        return
    if diffs:
        pytest.fail(f"{scenario}:\n" + "\n".join(diffs), pytrace=False)


# ---------------------------------------------------------------------------------------
# Requests derived from recorded ones, for server paths the official client never reaches
# (it refuses these before sending). Expected codes: protocol.md §3.2, §5.4, §2.1.


def build_msg(m: Msg) -> bytes:
    body = bytearray(
        struct.pack(
            ">BBBBBBIIIHH",
            22,
            m.info1,
            m.info2,
            m.info3,
            m.info4,
            m.result,
            m.generation,
            m.void_time,
            m.txn_ttl,
            len(m.fields),
            len(m.ops),
        )
    )
    for ftype, data in m.fields:
        body += struct.pack(">IB", len(data) + 1, ftype) + data
    for op in m.ops:
        name = op.name.encode()
        body += (
            struct.pack(">IBBBB", 4 + len(name) + len(op.value), op.op, op.particle, 0, len(name))
            + name
            + op.value
        )
    return frame(3, bytes(body))


def _recorded(scenario: str) -> Msg:
    ex = SCENARIOS[scenario][0]
    assert ex.request is not None
    return parse_msgs(ex.request[8:])[0]


def _with_namespace(m: Msg, ns: bytes) -> Msg:
    m.fields = [(t, ns if t == 0 else d) for t, d in m.fields]
    return m


def _with_bin(m: Msg, name: str) -> Msg:
    m.ops = [Op(o.op, o.particle, name, o.value) for o in m.ops]
    return m


def _without_ops(m: Msg) -> Msg:
    m.ops = []
    return m


def _with_flags(m: Msg, info1: int, info2: int) -> Msg:
    m.info1, m.info2 = info1, info2
    return m


# name -> (scenario whose request is the base, mutation, expected result code
#          [, scenario whose recorded request is sent first, e.g. to create the record])
DERIVED: dict[str, tuple[Any, ...]] = {
    "put-unknown-namespace": ("put:int", lambda m: _with_namespace(m, b"nope"), 20),
    "get-unknown-namespace": ("get:int", lambda m: _with_namespace(m, b"nope"), 20),
    "put-bin-name-16-bytes": ("put:int", lambda m: _with_bin(m, "b" * 16), 21),
    "put-bin-name-15-bytes": ("put:int", lambda m: _with_bin(m, "b" * 15), 0),
    "neither-read-nor-write": ("get:int", lambda m: _with_flags(m, 0, 0), 4),
    # read.c: a read that names no bins and does not ask for all of them.
    "read-without-get-all-or-ops": ("get:int", lambda m: _with_flags(m, 1, 0), 4, "put:int"),
    # write.c: "bin op(s) expected, none present".
    "write-without-ops": ("put:int", lambda m: _without_ops(m), 4),
}


@pytest.mark.parametrize("name", list(DERIVED))
def test_derived_request(replayer: Replayer, name: str) -> None:
    scenario, mutate, want, *setup = DERIVED[name]
    if scenario not in SCENARIOS or not set(setup) <= set(SCENARIOS):
        pytest.skip(f"no recorded {scenario} {setup}")
    for first in setup:
        replayer.exchange(SCENARIOS[first][0])
    ex = Exchange(0, 1000, 3, build_msg(mutate(_recorded(scenario))))
    got = [m for data in replayer.exchange(ex) for m in body_msgs(data)]
    assert len(got) == 1, got
    assert got[0].result == want, f"{name}: result {got[0].result}, expected {want}"


# (request lines, what each reply value must look like)
DERIVED_INFO: dict[str, list[tuple[str, str]]] = {
    "unknown-command": [("no-such-command", r"ERROR:4:.*")],
    "order-kept": [
        ("build", r"\d+\.\d+\.\d+\.\d+"),
        ("no-such", r"ERROR.*"),
        ("namespaces", r".*\btest\b.*"),
        ("node", r"[0-9A-Za-z]+"),
    ],
    "unknown-namespace-stats": [("namespace/nope", r"type=unknown|ERROR.*")],
}


@pytest.mark.parametrize("name", list(DERIVED_INFO))
def test_derived_info(replayer: Replayer, name: str) -> None:
    lines = DERIVED_INFO[name]
    body = "".join(cmd + "\n" for cmd, _ in lines).encode()
    got = info_lines(replayer.exchange(Exchange(0, 1001, 1, frame(1, body)))[0])
    assert [n for n, _ in got] == [cmd for cmd, _ in lines], got
    for (cmd, pattern), (_, value) in zip(lines, got):
        assert re.fullmatch(pattern, value), f"{cmd!r} -> {value!r}, expected /{pattern}/"
