"""``python -m aerospike.testing``: run the embedded server until SIGINT or SIGTERM.

With ``--tls`` a second line follows the ready line:
``aerospike-embedded tls h:p,... tls-name=NAME cafile=PATH`` (and ``certfile=`` /
``keyfile=`` with ``--tls-mutual``).
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading

from aerospike.testing import Server


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m aerospike.testing",
        description="Run the embedded Aerospike server on this machine.",
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to bind and advertise")
    parser.add_argument("--port", type=int, default=3000, help="first node's port; 0 = free")
    parser.add_argument("--nodes", type=int, default=1, help="number of nodes")
    parser.add_argument(
        "--namespace",
        action="append",
        dest="namespaces",
        help="a namespace to serve (repeatable; default: test and bar)",
    )
    parser.add_argument("--cluster-name", default="embedded")
    parser.add_argument(
        "--tls", action="store_true", help="also listen for TLS (free ports, generated CA)"
    )
    parser.add_argument("--tls-name", default="embedded", help="name in the server certificate")
    parser.add_argument(
        "--tls-mutual", action="store_true", help="require client certificates (implies --tls)"
    )
    parser.add_argument(
        "--security",
        action="store_true",
        help="access control: clients log in (default user admin / admin)",
    )
    args = parser.parse_args(argv)

    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    server = Server(
        nodes=args.nodes,
        namespaces=tuple(args.namespaces or ("test", "bar")),
        port=args.port,
        host=args.host,
        cluster_name=args.cluster_name,
        tls=args.tls or args.tls_mutual,
        tls_name=args.tls_name,
        tls_mutual=args.tls_mutual,
        security=args.security,
    )
    with server:
        hosts = ",".join(f"{h}:{p}" for h, p in server.hosts)
        print(f"aerospike-embedded ready {hosts}", flush=True)
        if args.tls or args.tls_mutual:
            tls_hosts = ",".join(f"{h}:{p}" for h, p, _ in server.tls_hosts)
            files = " ".join(f"{k}={v}" for k, v in server.tls_config.items() if k != "enable")
            print(
                f"aerospike-embedded tls {tls_hosts} tls-name={args.tls_name} {files}", flush=True
            )
        while not stop.wait(0.5):
            pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
