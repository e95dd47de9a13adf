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
    let cdt = [(op::CDT_MODIFY, 4, "l", vec![0x91, 14])]; // list op code 14 does not exist
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
    // filter expressions: evaluated on existing records (27 when false), refused
    // with 16 when they use what we do not evaluate (an unknown call module)
    let with_filter = |header: MsgHeader, exp: &[u8], ops: &[(u8, u8, &str, Vec<u8>)]| {
        let d = aeropy_protocol::digest::digest_str(b"p", "f");
        let mut f = Vec::new();
        let mut wr = msg::MsgWriter::start(&mut f, &header);
        wr.namespace_field(b"test")
            .set_field(b"p")
            .digest_field(&d)
            .field(msg::field::FILTER_EXP, exp);
        for (o, t, n, v) in ops {
            wr.op(*o, *t, n.as_bytes(), v);
        }
        wr.finish();
        f
    };
    let age_gt = |n: u8| vec![0x93, 3, 0x93, 81, 2, 0xa3, b'a', b'g', b'e', n];
    assert_eq!(
        one(&mut s, &with_filter(r_all(), &age_gt(1), &[])).rc(),
        rc::KEY_NOT_FOUND
    );
    one(
        &mut s,
        &request("test", "p", "f", w(), &[(op::WRITE, 1, "age", int(30))]),
    );
    assert_eq!(one(&mut s, &with_filter(r_all(), &age_gt(18), &[])).rc(), 0);
    assert_eq!(
        one(&mut s, &with_filter(r_all(), &age_gt(40), &[])).rc(),
        rc::FILTERED_OUT
    );
    let upd = [(op::WRITE, 1, "age", int(50))];
    assert_eq!(
        one(&mut s, &with_filter(w(), &age_gt(40), &upd)).rc(),
        rc::FILTERED_OUT
    );
    assert_eq!(
        one(&mut s, &request("test", "p", "f", r_all(), &[])).bin("age"),
        Some((1, int(30)))
    );
    // a regex on a bin that is not a string: unknown, so filtered out
    let regex = [
        0x94, 7, 0, 0xa2, b'b', b'.', 0x93, 81, 3, 0xa3, b'a', b'g', b'e',
    ];
    assert_eq!(
        one(&mut s, &with_filter(r_all(), &regex, &[])).rc(),
        rc::FILTERED_OUT
    );
    // a call into an unknown module is refused
    let hll = [
        0x95, 0x7f, 2, 3, 0x91, 50, 0x93, 81, 9, 0xa3, b'a', b'g', b'e',
    ];
    assert_eq!(
        one(&mut s, &with_filter(r_all(), &hll, &[])).rc(),
        rc::UNSUPPORTED_FEATURE
    );
    assert_eq!(
        one(&mut s, &with_filter(r_all(), &[0xc1], &[])).rc(),
        rc::PARAMETER_ERROR
    );
    // secondary-index queries without the index: 201
    let query = |range: &[u8]| index_query(None, range);
    let mut range = vec![1, 1, b'a', 1, 0, 0, 0, 8];
    range.extend_from_slice(&1i64.to_be_bytes());
    range.extend_from_slice(&[0, 0, 0, 8]);
    range.extend_from_slice(&9i64.to_be_bytes());
    assert_eq!(one(&mut s, &query(&range)).rc(), rc::INDEX_NOT_FOUND);
    let geo = [
        1, 1, b'g', 23, 0, 0, 0, 2, b'{', b'}', 0, 0, 0, 2, b'{', b'}',
    ];
    assert_eq!(one(&mut s, &query(&geo)).rc(), rc::INDEX_NOT_FOUND);
    assert_eq!(one(&mut s, &query(&range[..5])).rc(), rc::PARAMETER_ERROR);
}

#[test]
fn incr_append_touch_operate() {
    let (_c, mut s) = start();
    // every command here is on key "k" of set "o"
    let k = |s: &mut std::net::TcpStream, h: MsgHeader, ops: &[(u8, u8, &str, Vec<u8>)]| {
        one(s, &request("test", "o", "k", h, ops))
    };
    let float = |v: f64| v.to_be_bytes().to_vec();
    let put = [
        (op::WRITE, 1, "n", int(1)),
        (op::WRITE, 3, "s", b"b".to_vec()),
        (op::WRITE, 2, "f", float(1.5)),
    ];
    k(&mut s, w(), &put);
    let r = k(&mut s, w(), &[(op::INCR, 1, "n", int(41))]);
    assert_eq!(r.header.generation, 2);
    assert_eq!(k(&mut s, w(), &[(op::INCR, 2, "f", float(1.0))]).rc(), 0);
    let r = k(&mut s, w(), &[(op::INCR, 1, "s", int(1))]);
    assert_eq!((r.rc(), r.header.generation), (rc::BIN_TYPE_ERROR, 3));
    let r = k(&mut s, w(), &[(op::INCR, 2, "n", int(1))]);
    assert_eq!(r.rc(), rc::BIN_TYPE_ERROR);
    k(&mut s, w(), &[(op::APPEND, 3, "s", b"c".to_vec())]);
    k(&mut s, w(), &[(op::PREPEND, 3, "s", b"a".to_vec())]);
    let r = k(&mut s, w(), &[(op::APPEND, 4, "s", b"c".to_vec())]);
    assert_eq!(r.rc(), rc::BIN_TYPE_ERROR);
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
    let with_ttl = MsgHeader {
        record_ttl: 100,
        ..rw
    };
    let r = k(&mut s, with_ttl, &ops);
    assert_eq!(r.rc(), 0);
    assert_eq!(r.ops.len(), 3);
    assert_eq!(r.bin("n"), Some((1, int(52))));
    assert_eq!(r.bin("s"), Some((3, b"abc".to_vec())));
    assert_eq!(r.bin("f"), Some((2, float(2.5))));
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
    let r = k(&mut s, all, &ops);
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
    let touch = [(op::TOUCH, 0, "", vec![])];
    let r = one(&mut s, &request("test", "o", "none", w(), &touch));
    assert_eq!(r.rc(), rc::KEY_NOT_FOUND);
    // DELETE_ALL then write inside one operate: only the new bin survives
    let ops = [
        (op::DELETE_ALL, 0, "", vec![]),
        (op::WRITE, 1, "only", int(1)),
    ];
    k(&mut s, w(), &ops);
    assert_eq!(k(&mut s, r_all(), &[]).ops.len(), 1);
    // writing NULL to every bin deletes the record
    let r = k(&mut s, w(), &[(op::WRITE, 0, "only", vec![])]);
    assert_eq!((r.rc(), r.header.generation), (0, 0));
    assert_eq!(k(&mut s, r_all(), &[]).rc(), rc::KEY_NOT_FOUND);
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

#[test]
fn info_commands() {
    let c = cluster(3);
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

#[test]
fn udf_modules_and_calls() {
    use base64::Engine;
    let (_c, mut s) = start();
    let b64 = |src: &str| base64::engine::general_purpose::STANDARD.encode(src);
    let put = |src: &str| {
        let c = b64(src);
        format!(
            "udf-put:filename=m.lua;content={c};content-len={};udf-type=LUA;",
            c.len()
        )
    };
    let bad = info1(&mut s, &put("function f("));
    assert!(
        bad.starts_with("error=compile_error;file=m.lua;line=1;message="),
        "{bad}"
    );
    let src = "function inc(rec, n)\n  rec['n'] = (rec['n'] or 0) + n\n  aerospike:update(rec)\n  return rec['n']\nend\n";
    assert_eq!(info1(&mut s, &put(src)), "ok");
    assert!(info1(&mut s, "udf-list").starts_with("filename=m.lua,hash="));
    assert_eq!(
        info1(&mut s, "udf-get:filename=m.lua;"),
        format!("type=LUA;content={};", b64(src))
    );
    // a record UDF call: SUCCESS bin with the return value, generation bumped
    let call = |f: &str, args: &[u8]| {
        let d = aeropy_protocol::digest::digest_str(b"u", "k");
        let mut frame = Vec::new();
        let mut wr = msg::MsgWriter::start(&mut frame, &w());
        wr.namespace_field(b"test").set_field(b"u").digest_field(&d);
        wr.field(msg::field::UDF_FILENAME, b"m")
            .field(msg::field::UDF_FUNCTION, f.as_bytes());
        wr.field(msg::field::UDF_ARGLIST, args);
        wr.finish();
        frame
    };
    let r = one(&mut s, &call("inc", &[0x91, 5]));
    assert_eq!((r.rc(), r.header.generation), (0, 1));
    assert_eq!(r.bin("SUCCESS"), Some((1, int(5))));
    let r = one(&mut s, &call("nope", &[0x90]));
    assert_eq!(r.rc(), rc::UDF_BAD_RESPONSE);
    assert_eq!(r.bin("FAILURE").map(|b| b.0), Some(3));
    assert_eq!(info1(&mut s, "udf-remove:filename=m.lua;"), "ok");
    assert_eq!(info1(&mut s, "udf-get:filename=m.lua;"), "error=not_found");
    assert_eq!(
        one(&mut s, &call("inc", &[0x91, 5])).rc(),
        rc::UDF_BAD_RESPONSE
    );
}

/// Per-node rack ids and replication factor 2: `rack-ids`, `rebalance-generation` and
/// the prole column of `replicas` (master = pid % N, prole = (pid + 1) % N).
#[test]
fn rack_ids_and_prole_replicas() {
    let cfg = ClusterConfig {
        nodes: 3,
        namespaces: vec![
            NamespaceConfig {
                replication_factor: 2,
                ..NamespaceConfig::new("test")
            },
            NamespaceConfig::new("bar"),
        ],
        ..ClusterConfig::default()
    };
    let c = Cluster::start(cfg).unwrap();
    let mut socks: Vec<_> = c.hosts().iter().map(connect).collect();
    assert_eq!(info1(&mut socks[1], "rack-ids"), "test:0;bar:0");
    let gen0: u64 = info1(&mut socks[0], "rebalance-generation")
        .parse()
        .unwrap();
    c.set_rack_ids(&[1, 2, 3]);
    assert_eq!(c.rack_ids(), vec![1, 2, 3]);
    for (i, s) in socks.iter_mut().enumerate() {
        assert_eq!(info1(s, "rack-ids"), format!("test:{0};bar:{0}", i + 1));
        let g: u64 = info1(s, "rebalance-generation").parse().unwrap();
        assert_eq!(g, gen0 + 1);
    }
    c.set_rack_ids(&[1, 2, 3]); // unchanged: same generation
    let g: u64 = info1(&mut socks[0], "rebalance-generation")
        .parse()
        .unwrap();
    assert_eq!(g, gen0 + 1);
    for (i, s) in socks.iter_mut().enumerate() {
        let r = aeropy_protocol::partitions::parse_replicas(&info1(s, "replicas")).unwrap();
        assert_eq!((r[0].namespace.as_str(), r[0].replicas.len()), ("test", 2));
        assert_eq!((r[1].namespace.as_str(), r[1].replicas.len()), ("bar", 1));
        for pid in 0..4096u16 {
            let master = usize::from(pid % 3) == i;
            let prole = usize::from((pid + 1) % 3) == i;
            assert_eq!(r[0].replicas[0].get(pid), master, "node {i} pid {pid}");
            assert_eq!(r[0].replicas[1].get(pid), prole, "node {i} pid {pid}");
            assert_eq!(r[1].replicas[0].get(pid), master);
        }
    }
    assert!(info1(&mut socks[2], "namespace/test").contains("effective_replication_factor=2"));
}
