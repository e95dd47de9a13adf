//! The `aerospike` crate (3.0.0) tends a 3-node embedded cluster: it discovers every
//! node through peers, routes each key to its master (no misroutes), and carries on
//! when a node is stopped and started again; scans, secondary-index queries, batch,
//! CDT and expression operations go through the crate's own commands.

#![allow(clippy::unwrap_used, clippy::panic)] // test code: a failed unwrap is a failed test

use std::sync::Arc;
use std::time::{Duration, Instant};

use aeropy_server::{Cluster, ClusterConfig};
use aerospike::expressions::lists as exp_lists;
use aerospike::expressions::{eq, ge, int_bin, int_val, list_bin, num_mul, string_bin, string_val};
use aerospike::operations::{self, exp, lists, maps, ListPolicy, ListReturnType, MapPolicy};
use aerospike::query::Filter;
use aerospike::task::Task;
use aerospike::{
    as_bin, as_key, BatchOperation, BatchPolicy, BatchReadPolicy, Bins, Client, ClientPolicy,
    PartitionFilter, QueryPolicy, ReadPolicy, Recordset, Statement, Value, WritePolicy,
};
use aerospike::{as_list, as_val, AdminPolicy, CollectionIndexType, IndexType};
use futures::StreamExt;

async fn wait_for(what: &str, mut cond: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(15);
    while !cond() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn put_get_all(client: &Client, round: i64, n: i64) {
    let (wp, rp) = (WritePolicy::default(), ReadPolicy::default());
    for i in 0..n {
        let key = as_key!("test", "crate", i);
        let bins = [
            as_bin!("i", i),
            as_bin!("round", round),
            as_bin!("s", format!("v{i}")),
        ];
        client.put(&wp, &key, &bins).await.unwrap();
    }
    for i in 0..n {
        let rec = client
            .get(&rp, &as_key!("test", "crate", i), Bins::All)
            .await
            .unwrap();
        assert_eq!(rec.bins.get("i"), Some(&Value::Int(i)));
        assert_eq!(rec.bins.get("round"), Some(&Value::Int(round)));
        assert_eq!(rec.bins.get("s"), Some(&Value::String(format!("v{i}"))));
    }
}

/// The int bin "i" of every record of a scan/query, sorted.
async fn sorted_i(rs: Arc<Recordset>) -> Vec<i64> {
    let mut v: Vec<i64> = rs
        .into_stream()
        .map(|r| match r.unwrap().bins.get("i") {
            Some(Value::Int(i)) => *i,
            other => panic!("bin i = {other:?}"),
        })
        .collect()
        .await;
    v.sort_unstable();
    v
}

fn totals(c: &Cluster) -> (u64, u64) {
    (0..c.len())
        .map(|i| c.counters(i))
        .fold((0, 0), |(r, m), x| (r + x.requests, m + x.misroutes))
}

/// Waits until the client sees `nodes` nodes and routes a probe of 64 reads without a
/// misroute (it has re-read every changed partition map); the counters are then reset
/// so the assertions measure steady-state routing only.
async fn settle(c: &Cluster, client: &Client, nodes: usize) {
    wait_for("all nodes", || client.nodes().len() == nodes).await;
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        tokio::time::sleep(Duration::from_millis(300)).await;
        c.reset_counters();
        for i in 0..64 {
            let _ = client
                .get(
                    &ReadPolicy::default(),
                    &as_key!("test", "probe", i),
                    Bins::All,
                )
                .await;
        }
        if totals(c).1 == 0 {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the client never routed without misroutes"
        );
    }
    c.reset_counters();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn crate_client_tends_three_nodes() {
    let mut cluster = Cluster::start(ClusterConfig {
        nodes: 3,
        ..ClusterConfig::default()
    })
    .unwrap();
    let (host, port) = cluster.hosts()[0].clone();
    let policy = ClientPolicy {
        tend_interval: 250,
        ..ClientPolicy::default()
    };
    let client = Client::new(&policy, &format!("{host}:{port}"))
        .await
        .unwrap();
    settle(&cluster, &client, 3).await;
    let mut names: Vec<String> = client
        .nodes()
        .iter()
        .map(|n| n.name().to_string())
        .collect();
    names.sort();
    assert_eq!(names, cluster.node_ids());

    put_get_all(&client, 1, 300).await;
    let (requests, misroutes) = totals(&cluster);
    assert!(requests >= 600, "requests {requests}");
    assert_eq!(misroutes, 0, "misrouted requests");
    assert!(
        (0..3).all(|i| cluster.counters(i).requests > 50),
        "load spread over the nodes"
    );

    // batch read through the crate
    let bp = BatchReadPolicy::default();
    let mut ops: Vec<BatchOperation> = (0..50)
        .map(|i| BatchOperation::read(&bp, as_key!("test", "crate", i), Bins::All))
        .collect();
    ops.push(BatchOperation::read(
        &bp,
        as_key!("test", "crate", "missing"),
        Bins::All,
    ));
    client
        .batch(&BatchPolicy::default(), &mut ops)
        .await
        .unwrap();
    for (i, op) in ops.iter().take(50).enumerate() {
        assert_eq!(
            op.record().unwrap().bins.get("i"),
            Some(&Value::Int(i as i64))
        );
    }
    assert!(ops[50].record().is_none());
    assert_eq!(totals(&cluster).1, 0, "batch rows misrouted");

    // a partition scan across the three nodes returns every record once
    let stmt = Statement::new("test", "crate", Bins::All);
    let rs = client
        .query(&QueryPolicy::default(), PartitionFilter::all(), stmt)
        .await
        .unwrap();
    let seen = sorted_i(rs).await;
    assert_eq!(seen, (0..300).collect::<Vec<_>>());
    assert_eq!(totals(&cluster).1, 0, "scans misrouted");

    // filter expressions through the crate: a scan and a single read
    let mut qp = QueryPolicy::default();
    qp.base_policy.filter_expression = Some(ge(int_bin("i"), int_val(290)));
    let rs = client
        .query(
            &qp,
            PartitionFilter::all(),
            Statement::new("test", "crate", Bins::All),
        )
        .await
        .unwrap();
    assert_eq!(rs.into_stream().count().await, 10);
    let mut rp = ReadPolicy::default();
    rp.base_policy.filter_expression = Some(eq(string_bin("s"), string_val("v7")));
    assert!(client
        .get(&rp, &as_key!("test", "crate", 7), Bins::All)
        .await
        .is_ok());
    let err = client
        .get(&rp, &as_key!("test", "crate", 8), Bins::All)
        .await
        .unwrap_err();
    assert!(format!("{err:?}").contains("Filtered"), "{err:?}");

    // secondary index: create (polled until load_pct=100 on every node), query, drop
    let ap = AdminPolicy::default();
    let task = client
        .create_index_on_bin(
            &ap,
            "test",
            "crate",
            "i",
            "crate_i",
            IndexType::Numeric,
            CollectionIndexType::Default,
            None,
        )
        .await
        .unwrap();
    task.wait_till_complete(None).await.unwrap();
    let mut stmt = Statement::new("test", "crate", Bins::All);
    stmt.set_filter(Filter::range("i", 10, 19));
    let rs = client
        .query(&QueryPolicy::default(), PartitionFilter::all(), stmt)
        .await
        .unwrap();
    let hits = sorted_i(rs).await;
    assert_eq!(hits, (10..20).collect::<Vec<_>>());
    client
        .drop_index(&ap, "test", "crate", "crate_i")
        .await
        .unwrap()
        .wait_till_complete(None)
        .await
        .unwrap();

    // CDT and expression operations through the crate
    let key = as_key!("test", "crate", "ops");
    let wp = WritePolicy::default();
    client
        .put(
            &wp,
            &key,
            &[as_bin!("l", as_list!(5, 1, 9)), as_bin!("i", 21)],
        )
        .await
        .unwrap();
    let ops = [
        lists::append(&ListPolicy::default(), "l", as_val!(7)),
        lists::get_by_rank("l", -1, ListReturnType::VALUES),
        maps::put(&MapPolicy::default(), "m", as_val!("k"), as_val!(2)),
        exp::write_exp(
            "twice",
            num_mul(vec![int_bin("i"), int_val(2)]),
            exp::ExpWriteFlags::DEFAULT,
        ),
        exp::read_exp(
            "n",
            exp_lists::size(list_bin("l"), &[]),
            exp::ExpReadFlags::DEFAULT,
        ),
        operations::get_bin("twice"),
    ];
    let rec = client.operate(&wp, &key, &ops).await.unwrap();
    // The crate asks for one result per op (RESPOND_ALL_OPS), so bins touched by
    // several ops come back as multi-results: [write result, read result].
    let show = |b: &str| format!("{:?}", rec.bins.get(b));
    assert_eq!(show("twice"), "Some(MultiResult([Nil, Int(42)]))");
    assert_eq!(show("l"), "Some(MultiResult([Int(4), Int(9)]))");
    assert_eq!(show("m"), "Some(Int(1))");
    assert_eq!(rec.bins.get("n"), Some(&Value::Int(4)));

    // stop a node: the client drops it and keeps working on the other two
    cluster.stop_node(1);
    settle(&cluster, &client, 2).await;
    put_get_all(&client, 2, 300).await;
    assert_eq!(totals(&cluster).1, 0, "misroutes with a node down");
    assert_eq!(cluster.counters(1).requests, 0);

    // start it again: it is rediscovered and takes its partitions back
    cluster.start_node(1).unwrap();
    settle(&cluster, &client, 3).await;
    put_get_all(&client, 3, 300).await;
    assert_eq!(totals(&cluster).1, 0, "misroutes after restart");
    assert!(cluster.counters(1).requests > 50);

    // moving partitions bumps partition-generation; the client follows
    cluster.move_partitions(0..4096, 2);
    settle(&cluster, &client, 3).await;
    put_get_all(&client, 4, 100).await;
    assert_eq!(totals(&cluster).1, 0, "misroutes after moving partitions");
    assert_eq!(
        cluster.counters(0).requests + cluster.counters(1).requests,
        0
    );

    client.close().await.unwrap();
    cluster.shutdown();
    // ports are free again
    assert!(std::net::TcpListener::bind((host.as_str(), port)).is_ok());
}

/// Replication factor 2 and per-node racks: the crate reads `rack-ids` and the prole
/// columns of `replicas`, and `Replica::PreferRack` reads go to the replica on the
/// client's rack (else the master); none is a misroute.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn crate_client_prefers_its_rack() {
    let cluster = Cluster::start(ClusterConfig {
        nodes: 3,
        namespaces: vec![aeropy_server::NamespaceConfig {
            replication_factor: 2,
            ..aeropy_server::NamespaceConfig::new("test")
        }],
        ..ClusterConfig::default()
    })
    .unwrap();
    cluster.set_rack_ids(&[1, 2, 3]);
    let (host, port) = cluster.hosts()[0].clone();
    let policy = ClientPolicy {
        tend_interval: 250,
        rack_ids: Some(vec![2]),
        ..ClientPolicy::default()
    };
    let client = Client::new(&policy, &format!("{host}:{port}"))
        .await
        .unwrap();
    settle(&cluster, &client, 3).await;
    let wp = WritePolicy::default();
    let keys: Vec<_> = (0..120).map(|i| as_key!("test", "rack", i)).collect();
    for (i, k) in keys.iter().enumerate() {
        client.put(&wp, k, &[as_bin!("i", i as i64)]).await.unwrap();
    }
    let mut rp = ReadPolicy::default();
    rp.base_policy.replica = aerospike::policy::Replica::PreferRack;
    // node 1 (rack 2) holds pid % 3 == 1 as master and pid % 3 == 0 as prole.
    let mut want = [0u64; 3];
    for k in &keys {
        let pid = aeropy_protocol::digest::partition_id(&k.digest());
        want[if pid % 3 == 2 { 2 } else { 1 }] += 1;
    }
    cluster.reset_counters();
    for (i, k) in keys.iter().enumerate() {
        let rec = client.get(&rp, k, Bins::All).await.unwrap();
        assert_eq!(rec.bins.get("i"), Some(&Value::Int(i as i64)));
    }
    let got: Vec<u64> = (0..3).map(|i| cluster.counters(i).requests).collect();
    assert_eq!(got, want.to_vec());
    assert_eq!(totals(&cluster).1, 0, "misroutes");
}
