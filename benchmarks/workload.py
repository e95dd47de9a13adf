"""One benchmark workload, run in the interpreter of the client being measured.

Run by ``benchmarks/run.py`` once with this project's client and once with the official
client (its own virtualenv: both import as ``aerospike``). Prints one JSON line:
``{"client": ..., "ops": n, "seconds": wall, "cpu_us_per_op": ...}``.
"""

from __future__ import annotations

import argparse
import json
import threading
import time
from typing import Any, Callable

import aerospike

NS, SET = "test", "bench"


def small_record() -> dict[str, Any]:
    return {"name": "user-0001", "age": 42, "score": 3.5}


def nested_record() -> dict[str, Any]:
    """About 3 KB: a list of 100, a map of 50, a 1 KB string."""
    return {
        "list": list(range(1000, 1100)),
        "map": {f"k{i:02d}": i * 7 for i in range(50)},
        "text": "x" * 1024,
        "n": 7,
    }


def make_op(client: Any, workload: str, keys: list[tuple[str, str, int]]) -> Callable[[int], None]:
    record = nested_record() if "3k" in workload else small_record()
    if workload.startswith("put"):
        return lambda i: client.put(keys[i % len(keys)], record)
    for key in keys:
        client.put(key, record)
    return lambda i: client.get(keys[i % len(keys)])


def run(
    hosts: list[tuple[str, int]], workload: str, seconds: float, threads: int
) -> dict[str, Any]:
    client = aerospike.client({"hosts": hosts}).connect()
    keys = [(NS, SET, f"{workload}-{i}") for i in range(1000)]
    op = make_op(client, workload, keys)
    for i in range(2000):  # warm the pools and caches
        op(i)
    counts = [0] * threads
    deadline = 0.0

    def worker(slot: int) -> None:
        i = slot * 100_003
        n = 0
        while time.perf_counter() < deadline:
            for _ in range(100):
                op(i)
                i += 1
            n += 100
        counts[slot] = n

    cpu0 = time.process_time()
    wall0 = time.perf_counter()
    deadline = wall0 + seconds
    pool = [threading.Thread(target=worker, args=(t,)) for t in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    wall = time.perf_counter() - wall0
    cpu = time.process_time() - cpu0
    client.close()
    ops = sum(counts)
    return {
        "client": getattr(aerospike, "__version__", "?"),
        "module": aerospike.__file__,
        "ops": ops,
        "seconds": wall,
        "ops_per_s": ops / wall,
        "cpu_us_per_op": cpu / ops * 1e6,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--hosts", required=True, help="host:port[,host:port]")
    parser.add_argument("--workload", required=True)
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()
    hosts = []
    for item in args.hosts.split(","):
        host, port = item.rsplit(":", 1)
        hosts.append((host, int(port)))
    print(json.dumps(run(hosts, args.workload, args.seconds, args.threads)))


if __name__ == "__main__":
    main()
