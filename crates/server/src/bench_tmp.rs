use aeropy_protocol::digest::digest_str;
use aeropy_protocol::msg::{op, MsgHeader, MsgWriter, INFO1_GET_ALL, INFO1_READ, INFO2_WRITE};
use crate::cluster::{Cluster, ClusterConfig};
use crate::node::{handle_frame, ConnState};
use std::time::Instant;

fn req(key: &str, h: MsgHeader, write: bool) -> Vec<u8> {
    let mut b = Vec::new();
    let mut w = MsgWriter::start_record(&mut b, &h);
    w.namespace_field(b"test").set_field(b"s").digest_field(&digest_str(b"s", key));
    if write {
        w.op(op::WRITE, 4, b"a", &[7u8; 100]).op(op::WRITE, 1, b"n", &5i64.to_be_bytes());
    }
    w.finish();
    b
}

#[test]
#[ignore]
fn bench_handle() {
    let c = Cluster::start(ClusterConfig::default()).unwrap();
    let put: Vec<_> = (0..100).map(|i| req(&format!("k{i}"), MsgHeader { info2: INFO2_WRITE, ..Default::default() }, true)).collect();
    let get: Vec<_> = (0..100).map(|i| req(&format!("k{i}"), MsgHeader { info1: INFO1_READ | INFO1_GET_ALL, ..Default::default() }, false)).collect();
    let mut out = Vec::new();
    let mut st = ConnState::default();
    let n = 200_000;
    for round in 0..2 {
        let t = Instant::now();
        for i in 0..n { out.clear(); handle_frame(c.shared(), 0, &mut st, 3, &put[i % 100], &mut out, true).unwrap(); }
        let p = t.elapsed() / n as u32;
        let t = Instant::now();
        for i in 0..n { out.clear(); handle_frame(c.shared(), 0, &mut st, 3, &get[i % 100], &mut out, true).unwrap(); }
        let g = t.elapsed() / n as u32;
        eprintln!("BENCH{round} put {p:?} get {g:?}");
    }
}
