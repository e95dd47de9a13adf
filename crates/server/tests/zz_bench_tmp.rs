#![allow(clippy::unwrap_used, clippy::panic)]
mod common;
use aeropy_protocol::msg::op;
use common::*;
use std::time::Instant;

#[test]
#[ignore]
fn bench_get_put() {
    let (_c, mut s) = start();
    let n = 20000;
    let val = vec![7u8; 100];
    let mut frames = Vec::new();
    for i in 0..100 {
        let key = format!("k{i}");
        frames.push((
            request("test", "b", &key, w(), &[(op::WRITE, 4, "a", val.clone()), (op::WRITE, 1, "n", int(i))]),
            request("test", "b", &key, r_all(), &[]),
        ));
    }
    let t = Instant::now();
    for i in 0..n { assert_eq!(one(&mut s, &frames[i % 100].0).rc(), 0); }
    let put = t.elapsed();
    let t = Instant::now();
    for i in 0..n { assert_eq!(one(&mut s, &frames[i % 100].1).rc(), 0); }
    let get = t.elapsed();
    eprintln!("BENCH put {:?}/op get {:?}/op", put / n as u32, get / n as u32);
}
