//! Raw-socket tests of single-record commands, batch, truncate, admin, compression and
//! bad input against a one-node embedded cluster.

#![allow(clippy::unwrap_used, clippy::panic)] // test code: a failed unwrap is a failed test

mod common;

use std::io::{Read, Write};
use std::time::Duration;

use aeropy_protocol::msg::{self, op, MsgHeader};
use aeropy_protocol::{admin, frame, particle, result_code as rc};
use aeropy_server::{Cluster, ClusterConfig, NamespaceConfig};
use common::*;

fn start() -> (Cluster, std::net::TcpStream) {
    let c = Cluster::start(ClusterConfig::default()).unwrap();
    let s = connect(&c.hosts()[0]);
    (c, s)
}

fn w() -> MsgHeader {
    MsgHeader {
        info2: msg::INFO2_WRITE,
        ..MsgHeader::default()
    }
}

fn r_all() -> MsgHeader {
    MsgHeader {
        info1: msg::INFO1_READ | msg::INFO1_GET_ALL,
        ..MsgHeader::default()
    }
}

fn int(v: i64) -> Vec<u8> {
    v.to_be_bytes().to_vec()
}

#[test]
fn every_particle_type_round_trips() {
    let (_c, mut s) = start();
    let geo = particle::encode_geojson(br#"{"type":"Point","coordinates":[1.5,2.5]}"#);
    let bins: Vec<(u8, &str, Vec<u8>)> = vec![
        (1, "i", int(-42)),
        (2, "f", 2.5f64.to_be_bytes().to_vec()),
        (3, "s", b"h\xc3\xa9llo".to_vec()),
        (4, "b", vec![0, 1, 2, 255]),
        (7, "java", vec![1, 2]),
        (8, "cs", vec![3]),
        (9, "py", b"\x80\x04pickle".to_vec()),
        (10, "rb", vec![4]),
        (11, "php", vec![5]),
        (12, "erl", vec![6]),
        (17, "bool", vec![1]),
        (18, "hll", vec![9; 20]),
        (19, "map", vec![0x81, 0xa2, 3, b'k', 1]),
        (20, "list", vec![0x92, 1, 0xa2, 3, b'x']),
        (23, "geo", geo),
    ];
    let ops: Vec<_> = bins
        .iter()
        .map(|(t, n, v)| (op::WRITE, *t, *n, v.clone()))
        .collect();
    let put = one(&mut s, &request("test", "demo", "k1", w(), &ops));
    assert_eq!(
        (put.rc(), put.header.generation, put.header.record_ttl),
        (0, 1, 0)
    );
    let got = one(&mut s, &request("test", "demo", "k1", r_all(), &[]));
    assert_eq!(got.rc(), 0);
    assert_eq!(got.ops.len(), bins.len());
    for (t, n, v) in &bins {
        assert_eq!(got.bin(n), Some((*t, v.clone())), "bin {n}");
    }
    // select some bins
    let sel = MsgHeader {
        info1: msg::INFO1_READ,
        ..MsgHeader::default()
    };
    let got = one(
        &mut s,
        &request(
            "test",
            "demo",
            "k1",
            sel,
            &[(op::READ, 0, "py", vec![]), (op::READ, 0, "nope", vec![])],
        ),
    );
    assert_eq!(got.ops.len(), 1);
    assert_eq!(got.bin("py").unwrap().0, 9);
    // header only / exists
    let hdr = MsgHeader {
        info1: msg::INFO1_READ | msg::INFO1_GET_NO_BINS,
        ..MsgHeader::default()
    };
    let got = one(&mut s, &request("test", "demo", "k1", hdr, &[]));
    assert_eq!((got.rc(), got.header.generation, got.ops.len()), (0, 1, 0));
    let got = one(&mut s, &request("test", "demo", "missing", hdr, &[]));
    assert_eq!(got.rc(), rc::KEY_NOT_FOUND);
}

#[test]
fn write_policies_and_generations() {
    let (_c, mut s) = start();
    let a = [(op::WRITE, 1, "a", int(1))];
    assert_eq!(
        one(&mut s, &request("test", "p", "k", w(), &a))
            .header
            .generation,
        1
    );
    // create-only on existing: 5 with the record's generation
    let create = MsgHeader {
        info2: msg::INFO2_WRITE | msg::INFO2_CREATE_ONLY,
        ..MsgHeader::default()
    };
    let r = one(&mut s, &request("test", "p", "k", create, &a));
    assert_eq!((r.rc(), r.header.generation), (rc::KEY_EXISTS, 1));
    // update-only / replace-only on missing: 2
    for info3 in [msg::INFO3_UPDATE_ONLY, msg::INFO3_REPLACE_ONLY] {
        let h = MsgHeader { info3, ..w() };
        assert_eq!(
            one(&mut s, &request("test", "p", "nokey", h, &a)).rc(),
            rc::KEY_NOT_FOUND
        );
    }
    // replace drops bins not written
    one(
        &mut s,
        &request("test", "p", "k", w(), &[(op::WRITE, 3, "b", b"x".to_vec())]),
    );
    let h = MsgHeader {
        info3: msg::INFO3_CREATE_OR_REPLACE,
        ..w()
    };
    assert_eq!(
        one(
            &mut s,
            &request("test", "p", "k", h, &[(op::WRITE, 3, "c", b"y".to_vec())])
        )
        .header
        .generation,
        3
    );
    let got = one(&mut s, &request("test", "p", "k", r_all(), &[]));
    assert_eq!(got.ops.len(), 1);
    // generation equal / greater
    let eq = |g| MsgHeader {
        info2: msg::INFO2_WRITE | msg::INFO2_GENERATION,
        generation: g,
        ..MsgHeader::default()
    };
    let r = one(&mut s, &request("test", "p", "k", eq(1), &a));
    assert_eq!((r.rc(), r.header.generation), (rc::GENERATION_ERROR, 3));
    assert_eq!(
        one(&mut s, &request("test", "p", "k", eq(3), &a))
            .header
            .generation,
        4
    );
    let gt = |g| MsgHeader {
        info2: msg::INFO2_WRITE | msg::INFO2_GENERATION_GT,
        generation: g,
        ..MsgHeader::default()
    };
    assert_eq!(
        one(&mut s, &request("test", "p", "k", gt(4), &a)).rc(),
        rc::GENERATION_ERROR
    );
    assert_eq!(one(&mut s, &request("test", "p", "k", gt(9), &a)).rc(), 0);
    // delete, delete missing, durable delete (CE: 25)
    let del = MsgHeader {
        info2: msg::INFO2_WRITE | msg::INFO2_DELETE,
        ..MsgHeader::default()
    };
    let durable = MsgHeader {
        info2: del.info2 | msg::INFO2_DURABLE_DELETE,
        ..MsgHeader::default()
    };
    assert_eq!(
        one(&mut s, &request("test", "p", "k", durable, &[])).rc(),
        rc::ENTERPRISE_ONLY
    );
    assert_eq!(one(&mut s, &request("test", "p", "k", del, &[])).rc(), 0);
    assert_eq!(
        one(&mut s, &request("test", "p", "k", del, &[])).rc(),
        rc::KEY_NOT_FOUND
    );
    assert_eq!(
        one(&mut s, &request("test", "p", "k", r_all(), &[])).rc(),
        rc::KEY_NOT_FOUND
    );
}

#[test]
fn errors_and_limits() {
    let (_c, mut s) = start();
    let a = [(op::WRITE, 1, "a", int(1))];
    assert_eq!(
        one(&mut s, &request("nons", "p", "k", w(), &a)).rc(),
        rc::NAMESPACE_NOT_FOUND
    );
    let long = [(op::WRITE, 1, "a234567890123456", int(1))];
    assert_eq!(
        one(&mut s, &request("test", "p", "k", w(), &long)).rc(),
        rc::BIN_NAME_TOO_LONG
    );
    let big = [(op::WRITE, 4, "a", vec![0u8; 2 << 20])];
    assert_eq!(
        one(&mut s, &request("test", "p", "k", w(), &big)).rc(),
        rc::RECORD_TOO_BIG
    );
    let bad_int = [(op::WRITE, 1, "a", vec![1, 2, 3])];
    assert_eq!(
        one(&mut s, &request("test", "p", "k", w(), &bad_int)).rc(),
        rc::PARAMETER_ERROR
    );
    let cdt = [(op::CDT_MODIFY, 4, "l", vec![0x92, 1, 1])];
    assert_eq!(
        one(&mut s, &request("test", "p", "k", w(), &cdt)).rc(),
        rc::UNSUPPORTED_FEATURE
    );
    let neither = MsgHeader::default();
    assert_eq!(
        one(&mut s, &request("test", "p", "k", neither, &[])).rc(),
        rc::PARAMETER_ERROR
    );
    // TTL above ten years
    let h = MsgHeader {
        record_ttl: 400_000_000,
        ..w()
    };
    assert_eq!(
        one(&mut s, &request("test", "p", "k", h, &a)).rc(),
        rc::PARAMETER_ERROR
    );
    // filter expression: refused, not ignored
    let mut f = Vec::new();
    let mut wr = msg::MsgWriter::start(&mut f, &r_all());
    wr.namespace_field(b"test")
        .digest_field(&[1; 20])
        .field(msg::field::FILTER_EXP, &[0x93, 1, 2, 3]);
    wr.finish();
    assert_eq!(one(&mut s, &f).rc(), rc::UNSUPPORTED_FEATURE);
    // secondary-index query (a later issue): 16
    let mut f = Vec::new();
    let mut wr = msg::MsgWriter::start(
        &mut f,
        &MsgHeader {
            info1: msg::INFO1_READ,
            ..MsgHeader::default()
        },
    );
    wr.namespace_field(b"test").field(
        msg::field::INDEX_RANGE,
        &[1, 1, b'a', 1, 0, 0, 0, 8, 0, 0, 0, 0, 0, 0, 0, 1],
    );
    wr.finish();
    assert_eq!(one(&mut s, &f).rc(), rc::UNSUPPORTED_FEATURE);
}

fn scan_frame(
    set: &str,
    pids: &[u16],
    resume: &[[u8; 20]],
    max: u64,
    info1: u8,
    bins: &[&str],
) -> Vec<u8> {
    let mut f = Vec::new();
    let mut wr = msg::MsgWriter::start(
        &mut f,
        &MsgHeader {
            info1: msg::INFO1_READ | info1,
            info3: 4,
            ..MsgHeader::default()
        },
    );
    wr.namespace_field(b"test")
        .set_field(set.as_bytes())
        .field_u32(msg::field::SOCKET_TIMEOUT, 0)
        .field_u64(msg::field::TRID, 7);
    if !pids.is_empty() {
        wr.field_with(msg::field::PID_ARRAY, |b| {
            pids.iter()
                .for_each(|p| b.extend_from_slice(&p.to_le_bytes()))
        });
    }
    if !resume.is_empty() {
        wr.field(msg::field::DIGEST_ARRAY, &resume.concat());
    }
    if max > 0 {
        wr.field_u64(msg::field::MAX_RECORDS, max);
    }
    for b in bins {
        wr.op(op::READ, 0, b.as_bytes(), &[]);
    }
    wr.finish();
    f
}

#[test]
fn scans() {
    let (_c, mut s) = start();
    for i in 0..200 {
        let ops = [
            (op::WRITE, 1, "i", int(i)),
            (op::WRITE, 3, "s", b"x".to_vec()),
        ];
        one(&mut s, &request("test", "sa", &i.to_string(), w(), &ops));
        one(&mut s, &request("test", "sb", &i.to_string(), w(), &ops));
    }
    let all: Vec<u16> = (0..4096).collect();
    let recs = exchange(&mut s, &scan_frame("sa", &all, &[], 0, 0, &[]), true);
    let (last, rows) = recs.split_last().unwrap();
    assert_eq!(
        (last.header.info3 & msg::INFO3_LAST, last.rc()),
        (msg::INFO3_LAST, 0)
    );
    assert_eq!(rows.len(), 200);
    assert!(rows
        .iter()
        .all(|r| r.ops.len() == 2 && r.header.generation == 1 && r.header.n_fields == 3));
    // whole namespace, selected bins, no bins, max records
    assert_eq!(
        exchange(&mut s, &scan_frame("", &all, &[], 0, 0, &[]), true).len(),
        401
    );
    let sel = exchange(&mut s, &scan_frame("sb", &all, &[], 0, 0, &["i"]), true);
    assert!(sel[..200]
        .iter()
        .all(|r| r.ops.len() == 1 && r.bin("i").is_some()));
    let nob = exchange(
        &mut s,
        &scan_frame("sb", &all, &[], 0, msg::INFO1_GET_NO_BINS, &[]),
        true,
    );
    assert!(nob[..200].iter().all(|r| r.ops.is_empty()));
    assert_eq!(
        exchange(&mut s, &scan_frame("sb", &all, &[], 10, 0, &[]), true).len(),
        11
    );
    // one partition, then resume below a digest: strictly smaller digests only
    let d = aeropy_protocol::digest::digest_str(b"sa", "7");
    let pid = aeropy_protocol::digest::partition_id(&d);
    let one_part = exchange(&mut s, &scan_frame("", &[pid], &[], 0, 0, &[]), true);
    let resumed = exchange(&mut s, &scan_frame("", &[], &[d], 0, 0, &[]), true);
    assert!(one_part.len() >= 2);
    assert!(resumed.len() < one_part.len());
    assert_eq!(
        exchange(&mut s, &scan_frame("nosuchset", &all, &[], 0, 0, &[]), true).len(),
        1
    );
}

#[test]
fn incr_append_touch_operate() {
    let (_c, mut s) = start();
    let put = [
        (op::WRITE, 1, "n", int(1)),
        (op::WRITE, 3, "s", b"b".to_vec()),
        (op::WRITE, 2, "f", 1.5f64.to_be_bytes().to_vec()),
    ];
    one(&mut s, &request("test", "o", "k", w(), &put));
    assert_eq!(
        one(
            &mut s,
            &request("test", "o", "k", w(), &[(op::INCR, 1, "n", int(41))])
        )
        .header
        .generation,
        2
    );
    assert_eq!(
        one(
            &mut s,
            &request(
                "test",
                "o",
                "k",
                w(),
                &[(op::INCR, 2, "f", 1.0f64.to_be_bytes().to_vec())]
            )
        )
        .rc(),
        0
    );
    let r = one(
        &mut s,
        &request("test", "o", "k", w(), &[(op::INCR, 1, "s", int(1))]),
    );
    assert_eq!((r.rc(), r.header.generation), (rc::BIN_TYPE_ERROR, 3));
    assert_eq!(
        one(
            &mut s,
            &request("test", "o", "k", w(), &[(op::INCR, 2, "n", int(1))])
        )
        .rc(),
        rc::BIN_TYPE_ERROR
    );
    one(
        &mut s,
        &request(
            "test",
            "o",
            "k",
            w(),
            &[(op::APPEND, 3, "s", b"c".to_vec())],
        ),
    );
    one(
        &mut s,
        &request(
            "test",
            "o",
            "k",
            w(),
            &[(op::PREPEND, 3, "s", b"a".to_vec())],
        ),
    );
    assert_eq!(
        one(
            &mut s,
            &request(
                "test",
                "o",
                "k",
                w(),
                &[(op::APPEND, 4, "s", b"c".to_vec())]
            )
        )
        .rc(),
        rc::BIN_TYPE_ERROR
    );
    // operate: reads see earlier ops, writes answer nothing without RESPOND_ALL_OPS
    let rw = MsgHeader {
        info1: msg::INFO1_READ,
        ..w()
    };
    let ops = [
        (op::INCR, 1, "n", int(10)),
        (op::READ, 0, "n", vec![]),
        (op::READ, 0, "s", vec![]),
        (op::READ, 0, "f", vec![]),
        (op::TOUCH, 0, "", vec![]),
    ];
    let r = one(
        &mut s,
        &request(
            "test",
            "o",
            "k",
            MsgHeader {
                record_ttl: 100,
                ..rw
            },
            &ops,
        ),
    );
    assert_eq!(r.rc(), 0);
    assert_eq!(r.ops.len(), 3);
    assert_eq!(r.bin("n"), Some((1, int(52))));
    assert_eq!(r.bin("s"), Some((3, b"abc".to_vec())));
    assert_eq!(r.bin("f"), Some((2, 2.5f64.to_be_bytes().to_vec())));
    assert!(r.header.record_ttl > 0);
    // RESPOND_ALL_OPS: one reply op per request op, in order
    let all = MsgHeader {
        info2: msg::INFO2_WRITE | msg::INFO2_RESPOND_ALL_OPS,
        ..rw
    };
    let ops = [
        (op::WRITE, 1, "x", int(5)),
        (op::READ, 0, "x", vec![]),
        (op::READ, 0, "zz", vec![]),
    ];
    let r = one(&mut s, &request("test", "o", "k", all, &ops));
    let shape: Vec<_> = r.ops.iter().map(|o| (o.0, o.1, o.2.clone())).collect();
    assert_eq!(
        shape,
        vec![
            (2, 0, b"x".to_vec()),
            (1, 1, b"x".to_vec()),
            (1, 0, b"zz".to_vec())
        ]
    );
    // touch on a missing record
    assert_eq!(
        one(
            &mut s,
            &request("test", "o", "none", w(), &[(op::TOUCH, 0, "", vec![])])
        )
        .rc(),
        rc::KEY_NOT_FOUND
    );
    // DELETE_ALL then write inside one operate: only the new bin survives
    let ops = [
        (op::DELETE_ALL, 0, "", vec![]),
        (op::WRITE, 1, "only", int(1)),
    ];
    one(&mut s, &request("test", "o", "k", w(), &ops));
    assert_eq!(
        one(&mut s, &request("test", "o", "k", r_all(), &[]))
            .ops
            .len(),
        1
    );
    // writing NULL to every bin deletes the record
    let r = one(
        &mut s,
        &request("test", "o", "k", w(), &[(op::WRITE, 0, "only", vec![])]),
    );
    assert_eq!((r.rc(), r.header.generation), (0, 0));
    assert_eq!(
        one(&mut s, &request("test", "o", "k", r_all(), &[])).rc(),
        rc::KEY_NOT_FOUND
    );
}

#[test]
fn ttl_expiry_and_defaults() {
    let cfg = ClusterConfig {
        namespaces: vec![NamespaceConfig {
            name: "ttl".into(),
            default_ttl: 1000,
            replication_factor: 1,
        }],
        ..ClusterConfig::default()
    };
    let c = Cluster::start(cfg).unwrap();
    let mut s = connect(&c.hosts()[0]);
    let a = [(op::WRITE, 1, "a", int(1))];
    let r = one(&mut s, &request("ttl", "", "def", w(), &a));
    assert!(r.header.record_ttl > 0, "namespace default applies");
    let keep = MsgHeader {
        record_ttl: u32::MAX - 1,
        ..w()
    };
    let r2 = one(&mut s, &request("ttl", "", "def", keep, &a));
    assert_eq!(r2.header.record_ttl, r.header.record_ttl);
    let never = MsgHeader {
        record_ttl: u32::MAX,
        ..w()
    };
    assert_eq!(
        one(&mut s, &request("ttl", "", "def", never, &a))
            .header
            .record_ttl,
        0
    );
    let short = MsgHeader {
        record_ttl: 1,
        ..w()
    };
    one(&mut s, &request("ttl", "", "short", short, &a));
    assert_eq!(
        one(&mut s, &request("ttl", "", "short", r_all(), &[])).rc(),
        0
    );
    std::thread::sleep(Duration::from_millis(2100));
    assert_eq!(
        one(&mut s, &request("ttl", "", "short", r_all(), &[])).rc(),
        rc::KEY_NOT_FOUND
    );
}

fn batch_frame(rows: &[(u32, &str, u8, Vec<u8>)]) -> Vec<u8> {
    // rows: (index, key, row flags, row bytes after the flags byte)
    let mut body = Vec::new();
    body.extend_from_slice(&(rows.len() as u32).to_be_bytes());
    body.push(0x01);
    for (i, key, flags, rest) in rows {
        body.extend_from_slice(&i.to_be_bytes());
        body.extend_from_slice(&aeropy_protocol::digest::digest_str(b"bs", key));
        body.push(*flags);
        body.extend_from_slice(rest);
    }
    let mut f = Vec::new();
    let mut wr = msg::MsgWriter::start(
        &mut f,
        &MsgHeader {
            info1: msg::INFO1_BATCH,
            ..MsgHeader::default()
        },
    );
    wr.field(msg::field::BATCH_INDEX, &body);
    wr.finish();
    f
}

fn row(info1: u8, info2: u8, ops: &[(u8, u8, &str, Vec<u8>)]) -> Vec<u8> {
    let mut v = vec![info1, info2, 0, 0, 0, 0, 0, 0, 0];
    v.extend_from_slice(&2u16.to_be_bytes());
    v.extend_from_slice(&(ops.len() as u16).to_be_bytes());
    for (id, data) in [(0u8, &b"test"[..]), (1, b"bs")] {
        v.extend_from_slice(&(data.len() as u32 + 1).to_be_bytes());
        v.push(id);
        v.extend_from_slice(data);
    }
    for (o, t, n, val) in ops {
        v.extend_from_slice(&((4 + n.len() + val.len()) as u32).to_be_bytes());
        v.extend_from_slice(&[*o, *t, 0, n.len() as u8]);
        v.extend_from_slice(n.as_bytes());
        v.extend_from_slice(val);
    }
    v
}

#[test]
fn batch_rows() {
    let (_c, mut s) = start();
    const RW: u8 = 0x02 | 0x04 | 0x08;
    let write = row(
        0,
        msg::INFO2_WRITE | msg::INFO2_RESPOND_ALL_OPS,
        &[(op::WRITE, 1, "v", int(7))],
    );
    let f = batch_frame(&[
        (0, "a", RW, write.clone()),
        (1, "b", 0x01, vec![]),
        (2, "c", 0x01, vec![]),
    ]);
    let recs = exchange(&mut s, &f, true);
    assert_eq!(recs.len(), 4);
    for (i, r) in recs[..3].iter().enumerate() {
        assert_eq!(
            (r.rc(), r.header.transaction_ttl, r.header.generation),
            (0, i as u32, 1)
        );
        assert_eq!(r.ops.len(), 1);
    }
    assert_eq!(recs[3].header.info3 & msg::INFO3_LAST, msg::INFO3_LAST);
    // reads: all bins, some bins, header only, missing
    let all = row(msg::INFO1_READ | msg::INFO1_GET_ALL, 0, &[]);
    let some = row(msg::INFO1_READ, 0, &[(op::READ, 0, "v", vec![])]);
    let head = row(msg::INFO1_READ | msg::INFO1_GET_NO_BINS, 0, &[]);
    let f = batch_frame(&[
        (0, "a", RW, all),
        (1, "b", RW, some),
        (2, "c", RW, head),
        (3, "zz", 0x01, vec![]),
    ]);
    let recs = exchange(&mut s, &f, true);
    let summary: Vec<_> = recs
        .iter()
        .map(|r| (r.rc(), r.header.transaction_ttl, r.ops.len()))
        .collect();
    assert_eq!(
        summary,
        vec![(0, 0, 1), (0, 1, 1), (0, 2, 0), (2, 3, 0), (0, 0, 0)]
    );
    assert_eq!(recs[0].bin("v"), Some((1, int(7))));
    // deletes
    let del = row(0, msg::INFO2_WRITE | msg::INFO2_DELETE, &[]);
    let recs = exchange(
        &mut s,
        &batch_frame(&[(0, "a", RW, del), (1, "nope", 0x01, vec![])]),
        true,
    );
    assert_eq!((recs[0].rc(), recs[1].rc()), (0, 2));
    // a truncated batch body: error in the LAST message, connection still usable
    let mut f = batch_frame(&[(0, "a", RW, write)]);
    let cut = f.len() - 6;
    f.truncate(cut);
    let body_len = (f.len() - 8) as u64;
    f[..8].copy_from_slice(&frame::ProtoHeader::new(3, body_len).encode());
    let field_size = (f.len() - 8 - 22 - 4) as u32;
    f[8 + 22..8 + 26].copy_from_slice(&field_size.to_be_bytes());
    let recs = exchange(&mut s, &f, true);
    assert_eq!(recs.last().unwrap().rc(), rc::PARAMETER_ERROR);
    assert_eq!(info1(&mut s, "build"), "8.1.0.0");
}

#[test]
fn truncate_set_namespace_and_lut() {
    let (_c, mut s) = start();
    let a = [(op::WRITE, 1, "a", int(1))];
    for k in ["1", "2"] {
        one(&mut s, &request("test", "t1", k, w(), &a));
        one(&mut s, &request("test", "t2", k, w(), &a));
    }
    assert!(info1(&mut s, "sets/test").contains("set=t1:objects=2"));
    assert_eq!(info1(&mut s, "truncate:namespace=test;set=t1"), "ok");
    assert_eq!(
        one(&mut s, &request("test", "t1", "1", r_all(), &[])).rc(),
        2
    );
    assert_eq!(
        one(&mut s, &request("test", "t2", "1", r_all(), &[])).rc(),
        0
    );
    assert!(info1(&mut s, "sets/test/t1").starts_with("objects=0:"));
    // a lut in the past keeps newer records; a future one is refused
    let past = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos()
        - 60_000_000_000;
    assert_eq!(
        info1(
            &mut s,
            &format!("truncate-namespace:namespace=test;lut={past}")
        ),
        "ok"
    );
    assert_eq!(
        one(&mut s, &request("test", "t2", "1", r_all(), &[])).rc(),
        0
    );
    assert!(info1(
        &mut s,
        &format!("truncate:namespace=test;set=t2;lut={}", past * 2)
    )
    .starts_with("ERROR:4"));
    assert_eq!(info1(&mut s, "truncate-namespace:namespace=test"), "ok");
    assert_eq!(
        one(&mut s, &request("test", "t2", "1", r_all(), &[])).rc(),
        2
    );
    one(&mut s, &request("test", "t2", "1", w(), &a));
    assert_eq!(
        one(&mut s, &request("test", "t2", "1", r_all(), &[])).rc(),
        0,
        "written after truncate"
    );
    assert!(info1(&mut s, "truncate:namespace=nope;set=x").starts_with("ERROR:4"));
}

#[test]
fn info_commands() {
    let c = Cluster::start(ClusterConfig {
        nodes: 3,
        ..ClusterConfig::default()
    })
    .unwrap();
    let hosts = c.hosts();
    let mut s = connect(&hosts[1]);
    let cmds = [
        "node",
        "cluster-name",
        "build",
        "features",
        "partition-generation",
        "peers-generation",
        "peers-clear-std",
        "peers-clear-alt",
        "service-clear-std",
        "service-clear-alt",
        "services",
        "replicas",
        "replicas-all",
        "replicas-master",
        "partitions",
        "namespaces",
        "namespace/test",
        "sets",
        "sets/test",
        "statistics",
        "version",
        "edition",
        "release",
        "rebalance-generation",
        "namespace/nope",
        "no-such-command",
        "embedded-stats",
    ];
    let reply = info(&mut s, &cmds);
    let names: Vec<_> = reply.iter().map(|r| r.0.as_str()).collect();
    assert_eq!(names, cmds);
    let get = |n: &str| reply.iter().find(|r| r.0 == n).unwrap().1.clone();
    assert_eq!(get("node"), c.node_ids()[1]);
    assert_eq!(
        get("service-clear-std"),
        format!("127.0.0.1:{}", hosts[1].1)
    );
    let peers = get("peers-clear-std");
    assert!(
        peers.contains(&format!(
            "[{},,[127.0.0.1:{}]]",
            c.node_ids()[0],
            hosts[0].1
        )),
        "{peers}"
    );
    assert!(!peers.contains(&c.node_ids()[1]));
    let r = aeropy_protocol::partitions::parse_replicas(&get("replicas")).unwrap();
    assert_eq!((r.len(), r[0].replicas[0].count()), (2, 1365));
    assert_eq!(r[0].replicas[0].0[0], 0x49);
    assert_eq!(get("no-such-command"), "ERROR:4:unrecognized command");
    assert_eq!(get("namespace/nope"), "type=unknown");
    assert!(get("namespace/test").contains("replication-factor=1"));
    assert_eq!(get("version"), "Aerospike Community Edition build 8.1.0.0");
    let ua = "user-agent-set:value=MSxydXN0LTIuMi4wLG5vdC1zZXQ=";
    assert_eq!(info1(&mut s, ua), "ok");
    assert_eq!(info1(&mut s, ua), "ERROR:4:already set");
    // only newline-terminated lines execute; the echo is exact
    let mut f = vec![2, 1, 0, 0, 0, 0, 0, 10];
    f.extend_from_slice(b"node\nbuild");
    s.write_all(&f).unwrap();
    let (_, body) = read_frame(&mut s).unwrap();
    assert_eq!(body, format!("node\t{}\n", c.node_ids()[1]).into_bytes());
}

#[test]
fn admin_compression_and_bad_input() {
    let (c, mut s) = start();
    // admin LOGIN with security disabled: 52
    let mut f = Vec::new();
    let login = admin::AdminHeader {
        command: admin::command::LOGIN,
        ..Default::default()
    };
    admin::write_message(
        &mut f,
        &login,
        &[(admin::field::USER, b"u"), (admin::field::CREDENTIAL, b"x")],
    );
    s.write_all(&f).unwrap();
    let (t, body) = read_frame(&mut s).unwrap();
    assert_eq!((t, body.len(), body[1]), (2, 16, rc::SECURITY_NOT_ENABLED));
    // a compressed put is inflated and executed; the reply is not compressed
    let put = request(
        "test",
        "z",
        "k",
        w(),
        &[(op::WRITE, 3, "s", vec![b'a'; 300])],
    );
    s.write_all(&frame::deflate(&put)).unwrap();
    let (t, body) = read_frame(&mut s).unwrap();
    assert_eq!((t, body[5]), (3, 0));
    assert_eq!(
        one(&mut s, &request("test", "z", "k", r_all(), &[]))
            .bin("s")
            .unwrap()
            .1
            .len(),
        300
    );
    // garbage in a well-framed message: error reply, connection stays usable
    s.write_all(&[2, 3, 0, 0, 0, 0, 0, 5, 1, 2, 3, 4, 5])
        .unwrap();
    let (_, body) = read_frame(&mut s).unwrap();
    assert_eq!(body[5], rc::PARAMETER_ERROR);
    // bad version, oversized body, garbage compression: connection closed
    for bad in [
        vec![9u8, 3, 0, 0, 0, 0, 0, 1, 0],
        vec![2, 3, 0, 0x10, 0, 0, 0, 0],
        vec![2, 4, 0, 0, 0, 0, 0, 3, 1, 2, 3],
    ] {
        let mut b = connect(&c.hosts()[0]);
        b.write_all(&bad).unwrap();
        let mut buf = [0u8; 1];
        assert!(matches!(b.read(&mut buf), Ok(0) | Err(_)));
    }
    // a half-sent request followed by a close does not disturb others
    let mut h = connect(&c.hosts()[0]);
    h.write_all(&[2, 3, 0, 0, 0, 0, 1, 0, 22]).unwrap();
    drop(h);
    assert_eq!(info1(&mut s, "build"), "8.1.0.0");
}
