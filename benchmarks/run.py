"""Side-by-side benchmark: this client vs the official client, same server, one run.

    python benchmarks/run.py [--hosts host:port] [--seconds 3] [--rounds 3]
                             [--server-cpus 1 --client-cpus 0]

Runs every workload with each client in turn (alternating, ``--rounds`` times each)
against the embedded server, and prints a table of ops/s, client CPU microseconds per op
and the ratio ours / official (median of the rounds). With ``--hosts`` (a real server)
it measures against that server too, and also prints the embedded server's throughput
against it, both driven by the official client. Only 127.0.0.1 is used unless
``--hosts`` names another server.

``--server-cpus`` / ``--client-cpus`` pin the embedded server and the client processes
to separate CPUs (Linux), so that on a small machine the clients do not share cores with
the server, as they would not with a server on its own machine.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
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
def embedded_server() -> Iterator[str]:
    from aerospike.testing import Server

    with Server() as srv:
        yield ",".join(f"{h}:{p}" for h, p in srv.hosts)


CLIENT_CPUS: set[int] | None = None


def pin_client() -> None:
    if CLIENT_CPUS:
        os.sched_setaffinity(0, CLIENT_CPUS)


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
    out = subprocess.run(
        cmd,
        check=True,
        capture_output=True,
        text=True,
        cwd=ROOT / "benchmarks",
        preexec_fn=pin_client if CLIENT_CPUS else None,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


Results = dict[str, dict[str, list[dict]]]


def measure(clients: dict[str, str], hosts: str, rounds: int, seconds: float) -> Results:
    """Every workload with every client against `hosts`, alternating clients per round."""
    results: Results = {}
    for label, workload, threads in WORKLOADS:
        results[label] = {name: [] for name in clients}
        for _ in range(rounds):
            for name, python in clients.items():
                results[label][name].append(one(python, hosts, workload, threads, seconds))
    return results


def median(runs: list[dict], field: str) -> float:
    return statistics.median(r[field] for r in runs)


def client_table(results: Results) -> str:
    rows = [
        (
            "| workload | ours ops/s | official ops/s | ops ratio | ours CPU us/op "
            "| official CPU us/op | CPU ratio | target |"
        ),
        "|---|---|---|---|---|---|---|---|",
    ]
    for label, by_client in results.items():
        ours_ops = median(by_client["ours"], "ops_per_s")
        off_ops = median(by_client["official"], "ops_per_s")
        ours_cpu = median(by_client["ours"], "cpu_us_per_op")
        off_cpu = median(by_client["official"], "cpu_us_per_op")
        rows.append(
            f"| {label} | {ours_ops:,.0f} | {off_ops:,.0f} | {ours_ops / off_ops:.2f} "
            f"| {ours_cpu:.1f} | {off_cpu:.1f} | {ours_cpu / off_cpu:.2f} "
            f"| {TARGETS[label]} |"
        )
    return "\n".join(rows)


def server_table(embedded: Results, given: Results) -> str:
    """The embedded server against the given one, both driven by the official client."""
    rows = [
        "| workload | embedded ops/s | given server ops/s | ratio embedded / given |",
        "|---|---|---|---|",
    ]
    for label in embedded:
        ops_e = median(embedded[label]["official"], "ops_per_s")
        ops_g = median(given[label]["official"], "ops_per_s")
        rows.append(f"| {label} | {ops_e:,.0f} | {ops_g:,.0f} | {ops_e / ops_g:.2f} |")
    return "\n".join(rows)


def cpus(text: str) -> set[int]:
    try:
        return {int(c) for c in text.split(",") if c.strip()}
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a list of CPU numbers: {text!r}") from None


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument(
        "--hosts", default="", help="also measure against this server (host:port[,...])"
    )
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--json", help="also write the raw results here")
    parser.add_argument("--server-cpus", type=cpus, help="pin the embedded server: 1 or 2,3")
    parser.add_argument("--client-cpus", type=cpus, help="pin the client processes: 0 or 0,1")
    args = parser.parse_args()
    global CLIENT_CPUS
    if args.server_cpus or args.client_cpus:
        # Clients get theirs, or every CPU: not the server's pinning inherited.
        CLIENT_CPUS = args.client_cpus or os.sched_getaffinity(0)
    if args.server_cpus:
        # Threads inherit the affinity of the thread that starts them: the server's.
        os.sched_setaffinity(0, args.server_cpus)
    if args.server_cpus or args.client_cpus:
        print(f"CPUs: server {args.server_cpus or 'any'}, clients {args.client_cpus or 'any'}")

    clients = {"ours": sys.executable, "official": str(ensure_official_python())}
    runs: dict[str, Results] = {}
    with embedded_server() as embedded_hosts:
        runs["embedded"] = measure(clients, embedded_hosts, args.rounds, args.seconds)
    if args.hosts:
        runs["given"] = measure(clients, args.hosts, args.rounds, args.seconds)

    for name, results in runs.items():
        where = "the embedded server" if name == "embedded" else args.hosts
        print(f"Clients against {where}:\n{client_table(results)}\n")
    if "given" in runs:
        print(f"Servers, official client:\n{server_table(runs['embedded'], runs['given'])}")
    if args.json:
        Path(args.json).write_text(json.dumps(runs, indent=2))


if __name__ == "__main__":
    main()
