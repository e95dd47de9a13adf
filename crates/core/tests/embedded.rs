//! The core client against the embedded server: commands, routing, node loss.

#![allow(clippy::unwrap_used, clippy::panic)]

use std::time::{Duration, Instant};

use aeropy_core::client::write_op;
use aeropy_core::protocol::msg::op;
use aeropy_core::protocol::particle;
use aeropy_core::{
    BatchBins, Bins, Client, ClusterConfig, Error, GenerationPolicy, InPlace, Key, Policy,
    QuerySpec, Record, RecordExists, RecordVisitor, UserKey, Value, WriteMeta,
};
use aeropy_server::{Cluster, ClusterConfig as ServerConfig};

fn start(nodes: usize) -> (Cluster, Client) {
    let server = Cluster::start(ServerConfig {
        nodes,
        ..ServerConfig::default()
    })
    .unwrap();
    let client = Client::connect(ClusterConfig {
        hosts: server.hosts().into_iter().map(Into::into).collect(),
        tend_interval: Duration::from_millis(50),
        ..ClusterConfig::default()
    })
    .unwrap();
    (server, client)
}

fn key(pk: i64) -> Key {
    Key::new("test", "core", UserKey::Int(pk)).unwrap()
}

#[test]
fn put_get_operate_remove() {
    let (mut server, client) = start(1);
    let p = Policy::default();
    let m = WriteMeta::default();
    let k = key(1);
    let bins = Bins(vec![
        ("i".into(), Value::Int(7)),
        ("s".into(), Value::String("ab".into())),
        ("f".into(), Value::Float(1.5)),
        ("b".into(), Value::blob(vec![0, 1])),
        (
            "l".into(),
            Value::list(vec![Value::Int(1), Value::String("x".into())]),
        ),
        (
            "m".into(),
            Value::map(vec![(Value::String("k".into()), Value::Bool(true))]),
        ),
    ]);
    client.put(&k, &bins, &m, &p).unwrap();

    let mut r = Record::default();
    assert!(client.get(&k, None, &p, &mut r).unwrap());
    assert_eq!(r.generation, 1);
    for (name, v) in &bins.0 {
        assert_eq!(r.bin(name), Some(v), "{name}");
    }

    let mut some = Record::default();
    client.get(&k, Some(&["i"]), &p, &mut some).unwrap();
    assert_eq!(some.bins, vec![("i".to_string(), Value::Int(7))]);

    let mut op = Record::default();
    client
        .operate(
            &k,
            &|w| {
                write_op(w, op::INCR, particle::INTEGER, b"i", &3i64.to_be_bytes())?;
                write_op(w, op::APPEND, particle::STRING, b"s", b"cd")?;
                write_op(w, op::READ, particle::NULL, b"i", &[])?;
                write_op(w, op::READ, particle::NULL, b"s", &[])
            },
            &m,
            &p,
            &mut op,
        )
        .unwrap();
    assert_eq!(op.bin("i"), Some(&Value::Int(10)));
    assert_eq!(op.bin("s"), Some(&Value::String("abcd".into())));

    assert!(client.remove(&k, &m, &p).unwrap());
    assert!(!client.remove(&k, &m, &p).unwrap());
    assert!(!client.get(&k, None, &p, &mut Record::default()).unwrap());
    client.close();
    server.shutdown();
}

#[test]
fn write_policies_map_to_server_errors() {
    let (mut server, client) = start(1);
    let p = Policy::default();
    let k = key(2);
    let bins = Bins(vec![("a".into(), Value::Int(1))]);
    client.put(&k, &bins, &WriteMeta::default(), &p).unwrap();
    let create = WriteMeta {
        exists: RecordExists::CreateOnly,
        ..WriteMeta::default()
    };
    assert_eq!(client.put(&k, &bins, &create, &p).unwrap_err().code(), 5);
    let gen = WriteMeta {
        gen_policy: GenerationPolicy::ExpectEqual,
        generation: 9,
        ..WriteMeta::default()
    };
    assert_eq!(client.put(&k, &bins, &gen, &p).unwrap_err().code(), 3);
    let missing = Key::new("nope", "core", UserKey::Int(1)).unwrap();
    let err = client
        .put(&missing, &bins, &WriteMeta::default(), &p)
        .unwrap_err();
    assert_eq!(err.code(), 20, "{err}");
    client.close();
    server.shutdown();
}

/// Writes records 0..n, each with bin `i` = its key.
fn put_ints(client: &Client, n: i64) {
    for i in 0..n {
        let bins = Bins(vec![("i".into(), Value::Int(i))]);
        client
            .put(&key(i), &bins, &WriteMeta::default(), &Policy::default())
            .unwrap();
    }
}

#[test]
fn routes_to_partition_masters() {
    let (mut server, client) = start(3);
    assert_eq!(client.nodes().len(), 3);
    put_ints(&client, 200);
    let misroutes: u64 = (0..3).map(|n| server.counters(n).misroutes).sum();
    let requests: u64 = (0..3).map(|n| server.counters(n).requests).sum();
    assert!(requests >= 200);
    assert_eq!(misroutes, 0);
    client.close();
    server.shutdown();
}

#[test]
fn query_each_streams_and_stops() {
    let (mut server, client) = start(3);
    let p = Policy::default();
    put_ints(&client, 300);
    let spec = QuerySpec {
        namespace: "test".into(),
        set: "core".into(),
        ..QuerySpec::default()
    };
    let requests = |server: &Cluster| {
        (0..3)
            .map(|n| server.counters(n).requests)
            .collect::<Vec<_>>()
    };
    let before = requests(&server);
    let mut calls = 0;
    client
        .query_each(&spec, &p, &mut InPlace, |_| {
            calls += 1;
            Ok(calls < 10)
        })
        .unwrap();
    assert_eq!(calls, 10);
    // Stopped on the first node asked: no other node saw the scan.
    let asked: u64 = before
        .iter()
        .zip(requests(&server))
        .map(|(a, b)| b - a)
        .sum();
    assert_eq!(asked, 1);
    // The stopped socket was closed, not pooled: the next commands read clean replies.
    let mut all = 0;
    client
        .query_each(&spec, &p, &mut InPlace, |_| {
            all += 1;
            Ok(true)
        })
        .unwrap();
    assert_eq!(all, 300);
    let mut rec = Record::default();
    assert!(client.get(&key(7), None, &p, &mut rec).unwrap());
    assert_eq!(rec.bins, vec![("i".into(), Value::Int(7))]);
    client.close();
    server.shutdown();
}

#[test]
fn survives_a_node_stop() {
    let (mut server, client) = start(2);
    let p = Policy {
        max_retries: 3,
        sleep_between_retries: Duration::from_millis(50),
        ..Policy::default()
    };
    server.stop_node(1);
    let deadline = Instant::now() + Duration::from_secs(10);
    while client.nodes().len() != 1 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
    assert_eq!(client.nodes().len(), 1);
    for i in 0..50 {
        let bins = Bins(vec![("i".into(), Value::Int(i))]);
        client
            .put(&key(i), &bins, &WriteMeta::default(), &p)
            .unwrap();
    }
    server.start_node(1).unwrap();
    let deadline = Instant::now() + Duration::from_secs(10);
    while client.nodes().len() != 2 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
    assert_eq!(client.nodes().len(), 2);
    client.close();
    server.shutdown();
}

#[test]
fn connect_failure_is_a_connection_error() {
    let err = Client::connect(ClusterConfig {
        hosts: vec![("127.0.0.1", 1).into()],
        ..ClusterConfig::default()
    })
    .unwrap_err();
    assert!(matches!(err, Error::Connection(_)), "{err:?}");
}

#[test]
fn batch_read_across_nodes() {
    let (mut server, client) = start(3);
    let p = Policy::default();
    let keys: Vec<Key> = (0..50).map(key).collect();
    for (i, k) in keys.iter().enumerate() {
        if i % 5 != 0 {
            let bins = Bins(vec![
                ("i".into(), Value::Int(i as i64)),
                ("j".into(), Value::Int(1)),
            ]);
            client.put(k, &bins, &WriteMeta::default(), &p).unwrap();
        }
    }
    for bins in [BatchBins::All, BatchBins::Names(&["i"]), BatchBins::Header] {
        let replies = client.batch_read(&keys, bins, &p).unwrap();
        let mut seen = vec![None; keys.len()];
        replies
            .for_each(|r| {
                let mut rec = Record::default();
                aeropy_core::client::for_each_op(r, |op| RecordVisitor::bin(&mut rec, op))?;
                seen[r.header.transaction_ttl as usize] = Some((r.header.result_code, rec));
                Ok(())
            })
            .unwrap();
        for (i, s) in seen.iter().enumerate() {
            let (code, rec) = s.as_ref().unwrap();
            if i % 5 == 0 {
                assert_eq!(*code, 2, "row {i}");
            } else {
                assert_eq!(*code, 0, "row {i}");
                let want = match bins {
                    BatchBins::All => 2,
                    BatchBins::Names(_) => 1,
                    BatchBins::Header => 0,
                };
                assert_eq!(rec.bins.len(), want, "row {i}");
            }
        }
    }
    client.close();
    server.shutdown();
}
