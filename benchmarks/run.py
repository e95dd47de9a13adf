"""Side-by-side benchmark: this client vs the official client, same server, one run.

    python benchmarks/run.py [--hosts host:port] [--seconds 3] [--rounds 3]

Starts the embedded server unless ``--hosts`` is given, then runs every workload with
each client in turn (alternating, ``--rounds`` times each), and prints a table of ops/s,
client CPU microseconds per op and the ratio ours / official (median of the rounds).
Only 127.0.0.1 is used unless ``--hosts`` names another server.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import statistics
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))

from official_venv import ensure_official_python

WORKLOADS: list[tuple[str, str, int]] = [
    # (label, workload, threads)
    ("get small", "get-small", 1),
    ("put small", "put-small", 1),
    ("get 3 KB nested", "get-3k", 1),
    ("put 3 KB nested", "put-3k", 1),
    ("get small, 4 threads", "get-small", 4),
]
TARGETS = {
    "get small": "ops >= 1.0, CPU <= 0.85",
    "put small": "ops >= 1.0",
    "get 3 KB nested": "ops >= 1.0, CPU <= 0.7",
    "put 3 KB nested": "ops >= 1.0",
    "get small, 4 threads": "ops >= 1.1",
}


@contextlib.contextmanager
def server(hosts: str) -> Iterator[str]:
    if hosts:
        yield hosts
        return
    from aerospike.testing import Server

    with Server() as srv:
        yield ",".join(f"{h}:{p}" for h, p in srv.hosts)


def one(python: str, hosts: str, workload: str, threads: int, seconds: float) -> dict:
    cmd = [
        python,
        str(ROOT / "benchmarks" / "workload.py"),
        "--hosts",
        hosts,
        "--workload",
        workload,
        "--threads",
        str(threads),
        "--seconds",
        str(seconds),
    ]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True, cwd=ROOT / "benchmarks")
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--hosts", default="", help="an existing server; default: embedded")
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--json", help="also write the raw results here")
    args = parser.parse_args()

    clients = {"ours": sys.executable, "official": str(ensure_official_python())}
    results: dict[str, dict[str, list[dict]]] = {}
    with server(args.hosts) as hosts:
        for label, workload, threads in WORKLOADS:
            results[label] = {"ours": [], "official": []}
            for _ in range(args.rounds):
                for name, python in clients.items():
                    results[label][name].append(one(python, hosts, workload, threads, args.seconds))

    rows = [
        (
            "| workload | ours ops/s | official ops/s | ops ratio | ours CPU us/op "
            "| official CPU us/op | CPU ratio | target |"
        ),
        "|---|---|---|---|---|---|---|---|",
    ]
    for label, by_client in results.items():
        ours_ops = statistics.median(r["ops_per_s"] for r in by_client["ours"])
        off_ops = statistics.median(r["ops_per_s"] for r in by_client["official"])
        ours_cpu = statistics.median(r["cpu_us_per_op"] for r in by_client["ours"])
        off_cpu = statistics.median(r["cpu_us_per_op"] for r in by_client["official"])
        rows.append(
            f"| {label} | {ours_ops:,.0f} | {off_ops:,.0f} | {ours_ops / off_ops:.2f} "
            f"| {ours_cpu:.1f} | {off_cpu:.1f} | {ours_cpu / off_cpu:.2f} "
            f"| {TARGETS[label]} |"
        )
    print("\n".join(rows))
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
