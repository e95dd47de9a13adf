"""Demo: the client against the embedded server (3 nodes), no installed server needed."""

import aerospike
from aerospike import exception
from aerospike.testing import Server
from aerospike_helpers.operations import operations as op


def main() -> None:
    with Server(nodes=3) as srv:
        print("embedded cluster on", ", ".join(f"{h}:{p}" for h, p in srv.hosts))
        client = aerospike.client(srv.config).connect()
        print("nodes:", client.get_node_names())

        for i in range(1, 6):
            client.put(("test", "people", i), {"id": i, "name": f"person {i}", "tags": ["a", i]})
        _key, meta, bins = client.get(("test", "people", 3))
        print("get:", meta, bins)

        client.increment(("test", "people", 3), "id", 100)
        _, _, bins = client.operate(
            ("test", "people", 3), [op.append("name", " (vip)"), op.read("name"), op.read("id")]
        )
        print("operate:", bins)

        client.put(("test", "people", "t"), {"point": (1, 2, 3)})  # pickled: no server type
        print("tuple round trip:", client.get(("test", "people", "t"))[2])

        client.remove(("test", "people", 1))
        try:
            client.get(("test", "people", 1))
        except exception.RecordNotFound as e:
            print("after remove:", type(e).__name__, e.code)

        for i, (host, port) in enumerate(srv.hosts):
            print(f"node {i} {host}:{port}", srv.node_stats(i))
        client.close()


if __name__ == "__main__":
    main()
