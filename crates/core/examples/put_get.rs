//! Put, get and operate against an embedded cluster, with plain Rust values.
//!
//! `cargo run -p aeropy-core --example put_get`

use aeropy_core::client::write_op;
use aeropy_core::protocol::msg::op;
use aeropy_core::protocol::particle;
use aeropy_core::{Bins, Client, ClusterConfig, Key, Policy, Record, UserKey, Value, WriteMeta};
use aeropy_server::{Cluster, ClusterConfig as ServerConfig};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut server = Cluster::start(ServerConfig {
        nodes: 2,
        ..ServerConfig::default()
    })?;
    let client = Client::connect(ClusterConfig {
        hosts: server.hosts().into_iter().map(Into::into).collect(),
        ..ClusterConfig::default()
    })?;
    let policy = Policy::default();
    let key = Key::new("test", "demo", UserKey::Str("example".into()))?;

    let bins = Bins(vec![
        ("name".into(), Value::String("Ada".into())),
        ("visits".into(), Value::Int(1)),
        (
            "tags".into(),
            Value::list(vec![Value::String("a".into()), Value::Int(2)]),
        ),
    ]);
    client.put(&key, &bins, &WriteMeta::default(), &policy)?;

    let mut record = Record::default();
    client.get(&key, None, &policy, &mut record)?;
    println!("get: gen={} bins={:?}", record.generation, record.bins);

    let mut after = Record::default();
    client.operate(
        &key,
        &|w| {
            write_op(
                w,
                op::INCR,
                particle::INTEGER,
                b"visits",
                &41i64.to_be_bytes(),
            )?;
            write_op(w, op::READ, particle::NULL, b"visits", &[])
        },
        &WriteMeta::default(),
        &policy,
        &mut after,
    )?;
    println!("operate: visits={:?}", after.bin("visits"));

    client.remove(&key, &WriteMeta::default(), &policy)?;
    client.close();
    server.shutdown();
    Ok(())
}
