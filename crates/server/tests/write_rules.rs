//! The real server's write-path rules (as/src/transaction/write.c, read.c, udf.c) that
//! the conformance suite checks through the official client, here on raw frames.

mod common;

use aeropy_protocol::msg::{self, op, MsgHeader, MsgWriter};
use aeropy_protocol::{particle, result_code as rc};
use aeropy_server::{Cluster, ClusterConfig, NamespaceConfig};
use common::*;

const MAX_RECORD_SIZE: usize = 1024 * 1024;
const TEN_YEARS: u32 = 10 * 365 * 24 * 3600;

fn get(s: &mut std::net::TcpStream, key: &str) -> Rec {
    one(s, &request("test", "w", key, r_all(), &[]))
}

fn put(
    s: &mut std::net::TcpStream,
    key: &str,
    h: MsgHeader,
    ops: &[(u8, u8, &str, Vec<u8>)],
) -> Rec {
    one(s, &request("test", "w", key, h, ops))
}

/// write.c: "bin op(s) expected, none present" - 4, and nothing is written.
#[test]
fn write_without_ops_is_a_parameter_error() {
    let (_c, mut s) = start();
    assert_eq!(put(&mut s, "none", w(), &[]).rc(), rc::PARAMETER_ERROR);
    assert_eq!(get(&mut s, "none").rc(), rc::KEY_NOT_FOUND);
    put(&mut s, "some", w(), &[(op::WRITE, 1, "a", int(1))]);
    assert_eq!(put(&mut s, "some", w(), &[]).rc(), rc::PARAMETER_ERROR);
    assert_eq!(
        get(&mut s, "some").header.generation,
        1,
        "generation untouched"
    );
}

/// write.c: a write leaving no bins on a record that did not exist is "not found".
#[test]
fn bin_deletes_on_a_missing_record_are_not_found() {
    let (_c, mut s) = start();
    let del = [(op::WRITE, particle::NULL, "a", vec![])];
    assert_eq!(put(&mut s, "m", w(), &del).rc(), rc::KEY_NOT_FOUND);
    let del_all = [(op::DELETE_ALL, 0, "", vec![])];
    assert_eq!(put(&mut s, "m", w(), &del_all).rc(), rc::KEY_NOT_FOUND);
    assert_eq!(get(&mut s, "m").rc(), rc::KEY_NOT_FOUND);
    // On an existing record the same write deletes it.
    put(&mut s, "m", w(), &[(op::WRITE, 1, "a", int(1))]);
    let r = put(&mut s, "m", w(), &del);
    assert_eq!((r.rc(), r.header.generation), (rc::OK, 0));
    assert_eq!(get(&mut s, "m").rc(), rc::KEY_NOT_FOUND);
}

/// write.c: record-level replace refuses bin deletes, touch, delete-all and modify ops.
#[test]
fn replace_refuses_bin_deletes_and_modify_ops() {
    let (_c, mut s) = start();
    put(
        &mut s,
        "r",
        w(),
        &[(op::WRITE, 1, "a", int(1)), (op::WRITE, 1, "b", int(2))],
    );
    let refused: [(u8, u8, &str, Vec<u8>); 8] = [
        (op::WRITE, particle::NULL, "b", vec![]),
        (op::INCR, 1, "a", int(1)),
        (op::APPEND, 3, "s", b"x".to_vec()),
        (op::PREPEND, 3, "s", b"x".to_vec()),
        (op::TOUCH, 0, "", vec![]),
        (op::DELETE_ALL, 0, "", vec![]),
        (op::CDT_MODIFY, 0, "l", vec![0x92, 0x01, 0x05]),
        (op::BITS_MODIFY, 0, "l", vec![0x92, 0x00, 0x01]),
    ];
    for info3 in [msg::INFO3_REPLACE_ONLY, msg::INFO3_CREATE_OR_REPLACE] {
        let h = MsgHeader { info3, ..w() };
        for o in &refused {
            let ops = [(op::WRITE, 1, "a", int(5)), o.clone()];
            assert_eq!(
                put(&mut s, "r", h, &ops).rc(),
                rc::PARAMETER_ERROR,
                "{info3} {o:?}"
            );
        }
        // Even when the record is missing: the ops are checked first.
        let h = MsgHeader { info3, ..w() };
        assert_eq!(
            put(&mut s, "missing", h, &refused[1..2]).rc(),
            rc::PARAMETER_ERROR
        );
    }
    let r = get(&mut s, "r");
    assert_eq!(
        (r.header.generation, r.ops.len()),
        (1, 2),
        "record untouched"
    );
    // Plain writes replace as before.
    let h = MsgHeader {
        info3: msg::INFO3_REPLACE_ONLY,
        ..w()
    };
    assert_eq!(
        put(&mut s, "r", h, &[(op::WRITE, 1, "a", int(5))]).rc(),
        rc::OK
    );
    assert_eq!(get(&mut s, "r").ops.len(), 1);
}

/// rw_utils_ce.c generation_check: a record being created has generation 0.
#[test]
fn generation_checks_apply_to_records_being_created() {
    let (_c, mut s) = start();
    let a = [(op::WRITE, 1, "a", int(1))];
    let gen = |flag, generation| MsgHeader {
        info2: msg::INFO2_WRITE | flag,
        generation,
        ..MsgHeader::default()
    };
    let r = put(&mut s, "g5", gen(msg::INFO2_GENERATION, 5), &a);
    assert_eq!((r.rc(), r.header.generation), (rc::GENERATION_ERROR, 0));
    assert_eq!(get(&mut s, "g5").rc(), rc::KEY_NOT_FOUND);
    assert_eq!(
        put(&mut s, "g0", gen(msg::INFO2_GENERATION, 0), &a).rc(),
        rc::OK
    );
    assert_eq!(get(&mut s, "g0").header.generation, 1);
    assert_eq!(
        put(&mut s, "gt0", gen(msg::INFO2_GENERATION_GT, 0), &a).rc(),
        rc::GENERATION_ERROR
    );
    assert_eq!(get(&mut s, "gt0").rc(), rc::KEY_NOT_FOUND);
    assert_eq!(
        put(&mut s, "gt1", gen(msg::INFO2_GENERATION_GT, 1), &a).rc(),
        rc::OK
    );
    assert_eq!(get(&mut s, "gt1").header.generation, 1);
}

/// particle_geojson.c: GeoJSON the server's parser refuses is 160, and not stored.
#[test]
fn invalid_geojson_is_refused_with_160() {
    let (_c, mut s) = start();
    for bad in [
        r#"{"type": "Point", "coordinates": "nowhere"}"#,
        "not json at all",
        r#"{"type":"Polygon","coordinates":[[[0,0],[1,0],[0,0]]]}"#,
    ] {
        let g = particle::encode_geojson(bad.as_bytes());
        let r = put(
            &mut s,
            "geo",
            w(),
            &[(op::WRITE, particle::GEOJSON, "g", g)],
        );
        assert_eq!(r.rc(), rc::GEO_INVALID_GEOJSON, "{bad}");
        assert_eq!(get(&mut s, "geo").rc(), rc::KEY_NOT_FOUND);
    }
    let good = particle::encode_geojson(br#"{"type":"Point","coordinates":[-122.5,37.5]}"#);
    let r = put(
        &mut s,
        "geo",
        w(),
        &[(op::WRITE, particle::GEOJSON, "g", good.clone())],
    );
    assert_eq!(r.rc(), rc::OK);
    assert_eq!(get(&mut s, "geo").bin("g"), Some((particle::GEOJSON, good)));
}

/// read.c: a read naming no bins and asking for neither all bins nor none is 4.
#[test]
fn read_without_bins_or_get_all_is_a_parameter_error() {
    let (_c, mut s) = start();
    put(&mut s, "rd", w(), &[(op::WRITE, 1, "a", int(1))]);
    let read_only = MsgHeader {
        info1: msg::INFO1_READ,
        ..MsgHeader::default()
    };
    let r = one(&mut s, &request("test", "w", "rd", read_only, &[]));
    assert_eq!((r.rc(), r.ops.len()), (rc::PARAMETER_ERROR, 0));
    // A missing record is still "not found" first.
    assert_eq!(
        one(&mut s, &request("test", "w", "nope", read_only, &[])).rc(),
        rc::KEY_NOT_FOUND
    );
    let header_only = MsgHeader {
        info1: msg::INFO1_READ | msg::INFO1_GET_NO_BINS,
        ..MsgHeader::default()
    };
    let r = one(&mut s, &request("test", "w", "rd", header_only, &[]));
    assert_eq!((r.rc(), r.ops.len(), r.header.generation), (rc::OK, 0, 1));
    let named = one(
        &mut s,
        &request("test", "w", "rd", read_only, &[(op::READ, 0, "a", vec![])]),
    );
    assert_eq!(named.bin("a"), Some((1, int(1))));
}

/// rw_utils.h is_valid_ttl: up to ten years, "never" and "keep"; anything else (the
/// client-only "client default" 0xFFFFFFFD included) is 4.
#[test]
fn ttl_limits() {
    let (_c, mut s) = start();
    let a = [(op::WRITE, 1, "a", int(1))];
    let ttl = |record_ttl| MsgHeader { record_ttl, ..w() };
    for bad in [TEN_YEARS + 1, u32::MAX - 2, 0x8000_0000] {
        assert_eq!(
            put(&mut s, "t", ttl(bad), &a).rc(),
            rc::PARAMETER_ERROR,
            "{bad}"
        );
    }
    assert_eq!(get(&mut s, "t").rc(), rc::KEY_NOT_FOUND);
    assert_eq!(put(&mut s, "t", ttl(TEN_YEARS), &a).rc(), rc::OK);
}

fn ttl_cluster() -> (Cluster, std::net::TcpStream) {
    let cfg = ClusterConfig {
        namespaces: vec![NamespaceConfig {
            default_ttl: 1000,
            ..NamespaceConfig::new("test")
        }],
        ..ClusterConfig::default()
    };
    let c = Cluster::start(cfg).expect("cluster starts");
    let s = connect(&c.hosts()[0]);
    (c, s)
}

fn udf_call(key: &str, record_ttl: u32, function: &str, args: &[u8]) -> Vec<u8> {
    let d = aeropy_protocol::digest::digest_str(b"w", key);
    let mut frame = Vec::new();
    let mut wr = MsgWriter::start(&mut frame, &MsgHeader { record_ttl, ..w() });
    wr.namespace_field(b"test").set_field(b"w").digest_field(&d);
    wr.field(msg::field::UDF_FILENAME, b"m")
        .field(msg::field::UDF_FUNCTION, function.as_bytes())
        .field(msg::field::UDF_ARGLIST, args);
    wr.finish();
    frame
}

fn register(s: &mut std::net::TcpStream, src: &str) {
    use base64::Engine;
    let c = base64::engine::general_purpose::STANDARD.encode(src);
    let cmd = format!(
        "udf-put:filename=m.lua;content={c};content-len={};udf-type=LUA;",
        c.len()
    );
    assert_eq!(info1(s, &cmd), "ok");
}

const MODULE: &str = r#"
function put(rec, v)
  rec['a'] = v
  if aerospike:exists(rec) then aerospike:update(rec) else aerospike:create(rec) end
  return 0
end
function put_ttl(rec, v, ttl)
  rec['a'] = v
  record.set_ttl(rec, ttl)
  if aerospike:exists(rec) then aerospike:update(rec) else aerospike:create(rec) end
  return 0
end
function big(rec, n)
  rec['a'] = string.rep('x', n)
  aerospike:create(rec)
  return 0
end
"#;

/// UDF writes follow the same TTL rules as bin-op writes: "keep" on a record being
/// created is the namespace default, the client-default value and TTLs over ten years
/// are 4.
#[test]
fn udf_writes_use_the_write_ttl_rules() {
    let (_c, mut s) = ttl_cluster();
    register(&mut s, MODULE);
    let keep = u32::MAX - 1;
    // "keep" from the request, on a create: namespace default (1000 s), not "never".
    let created = one(&mut s, &udf_call("k1", keep, "put", &[0x91, 1]));
    assert_eq!(created.rc(), rc::OK);
    assert_ne!(created.header.record_ttl, 0);
    // The same as a bin-op write with "keep" on a create.
    let op_created = put(
        &mut s,
        "k2",
        MsgHeader {
            record_ttl: keep,
            ..w()
        },
        &[(op::WRITE, 1, "a", int(1))],
    );
    assert!(
        created
            .header
            .record_ttl
            .abs_diff(op_created.header.record_ttl)
            <= 1
    );
    // "keep" on an update keeps the void time.
    let kept = one(&mut s, &udf_call("k1", keep, "put", &[0x91, 2]));
    assert_eq!(kept.header.record_ttl, created.header.record_ttl);
    // record.set_ttl(rec, -2) is "keep" too (a uint32 for the server).
    let r = one(&mut s, &udf_call("k3", 0, "put_ttl", &[0x92, 1, 0xfe]));
    assert!(
        r.header.record_ttl.abs_diff(op_created.header.record_ttl) <= 1,
        "{r:?}"
    );
    // set_ttl(-1): never expires.
    let r = one(&mut s, &udf_call("k3", 0, "put_ttl", &[0x92, 1, 0xff]));
    assert_eq!((r.rc(), r.header.record_ttl), (rc::OK, 0));
    // Client default and over ten years: 4, nothing written.
    for bad in [u32::MAX - 2, TEN_YEARS + 1] {
        let r = one(&mut s, &udf_call("k4", bad, "put", &[0x91, 1]));
        assert_eq!(r.rc(), rc::PARAMETER_ERROR, "{bad}");
    }
    // set_ttl beyond ten years (0xce: uint32).
    let mut args = vec![0x92, 1, 0xce];
    args.extend_from_slice(&(TEN_YEARS + 1).to_be_bytes());
    assert_eq!(
        one(&mut s, &udf_call("k4", 0, "put_ttl", &args)).rc(),
        rc::PARAMETER_ERROR
    );
    assert_eq!(
        one(&mut s, &request("test", "w", "k4", r_all(), &[])).rc(),
        rc::KEY_NOT_FOUND
    );
    // A UDF leaving no bins on a record that did not exist: 2, as for bin ops.
    assert_eq!(
        one(&mut s, &udf_call("k5", 0, "put", &[0x91, 0xc0])).rc(),
        rc::KEY_NOT_FOUND
    );
}

/// UDF writes and bin-op writes share one record size rule (the stored record's size).
#[test]
fn udf_and_bin_op_writes_share_the_size_limit() {
    let (_c, mut s) = start();
    register(&mut s, MODULE);
    // Find the largest string bin "a" a bin-op write accepts.
    let fits = |s: &mut std::net::TcpStream, key: &str, n: usize| {
        put(s, key, w(), &[(op::WRITE, 3, "a", vec![b'x'; n])]).rc()
    };
    let mut n = MAX_RECORD_SIZE;
    while fits(&mut s, "bin", n) == rc::RECORD_TOO_BIG {
        n -= 1;
    }
    assert!(n > MAX_RECORD_SIZE - 200);
    assert_eq!(fits(&mut s, "bin2", n + 1), rc::RECORD_TOO_BIG);
    let call = |n: usize| {
        let mut args = vec![0x91, 0xce];
        args.extend_from_slice(&(n as u32).to_be_bytes());
        udf_call("udf", 0, "big", &args)
    };
    assert_eq!(one(&mut s, &call(n + 1)).rc(), rc::RECORD_TOO_BIG);
    assert_eq!(one(&mut s, &call(n)).rc(), rc::OK);
}

/// A request on digest(set `km`, `digest_key`) carrying KEY field `key` (a string).
fn keyed(
    digest_key: &str,
    key: Option<&str>,
    h: MsgHeader,
    ops: &[(u8, u8, &str, Vec<u8>)],
) -> Vec<u8> {
    let d = aeropy_protocol::digest::digest_str(b"km", digest_key);
    let mut frame = Vec::new();
    let mut wr = MsgWriter::start(&mut frame, &h);
    wr.namespace_field(b"test")
        .set_field(b"km")
        .digest_field(&d);
    if let Some(k) = key {
        let mut v = vec![particle::STRING];
        v.extend_from_slice(k.as_bytes());
        wr.field(msg::field::KEY, &v);
    }
    if h.info2 & msg::INFO2_WRITE != 0 && h.info2 & msg::INFO2_DELETE == 0 && ops.is_empty() {
        // a UDF call on the record (module not registered)
        wr.field(msg::field::UDF_FILENAME, b"nomodule")
            .field(msg::field::UDF_FUNCTION, b"f")
            .field(msg::field::UDF_ARGLIST, &[0x90]);
    }
    for (o, pt, name, value) in ops {
        wr.op(*o, *pt, name.as_bytes(), value);
    }
    wr.finish();
    frame
}

/// read.c / write.c / delete.c / udf.c `check_msg_key`: a KEY field that differs from
/// the key stored with the record is 19 and changes nothing; without a stored key the
/// sent key is stored; a missing record is simply missing. The digest is never
/// recomputed from the key.
#[test]
fn key_mismatch_only_against_a_stored_key() {
    let (_c, mut s) = start();
    let a = [(op::WRITE, 1, "i", int(1))];
    let b = [(op::WRITE, 1, "i", int(2))];
    let del = MsgHeader {
        info2: msg::INFO2_WRITE | msg::INFO2_DELETE,
        ..MsgHeader::default()
    };
    let exists = MsgHeader {
        info1: msg::INFO1_READ | msg::INFO1_GET_NO_BINS,
        ..MsgHeader::default()
    };
    assert_eq!(one(&mut s, &keyed("a", Some("a"), w(), &a)).rc(), rc::OK);
    for h in [r_all(), exists, w(), del] {
        let ops: &[_] = if h.info2 == msg::INFO2_WRITE { &b } else { &[] };
        let r = one(&mut s, &keyed("a", Some("other"), h, ops));
        assert_eq!(r.rc(), rc::KEY_MISMATCH, "{h:?}");
    }
    // the UDF path (checked before the module is looked up)
    assert_eq!(
        one(&mut s, &keyed("a", Some("other"), w(), &[])).rc(),
        rc::KEY_MISMATCH
    );
    let r = one(&mut s, &keyed("a", Some("a"), r_all(), &[]));
    assert_eq!(
        (r.rc(), r.bin("i"), r.header.generation),
        (0, Some((1, int(1))), 1)
    );
    assert_eq!(one(&mut s, &keyed("a", None, r_all(), &[])).rc(), rc::OK);
    // stored without a key: any key is accepted and then stored
    assert_eq!(one(&mut s, &keyed("c", None, w(), &a)).rc(), rc::OK);
    assert_eq!(
        one(&mut s, &keyed("c", Some("x"), r_all(), &[])).rc(),
        rc::OK
    );
    assert_eq!(one(&mut s, &keyed("c", Some("x"), w(), &b)).rc(), rc::OK);
    assert_eq!(
        one(&mut s, &keyed("c", Some("y"), r_all(), &[])).rc(),
        rc::KEY_MISMATCH
    );
    // a missing record: not found, and a write creates it with the sent key
    assert_eq!(
        one(&mut s, &keyed("z", Some("q"), r_all(), &[])).rc(),
        rc::KEY_NOT_FOUND
    );
    assert_eq!(one(&mut s, &keyed("z", Some("q"), w(), &a)).rc(), rc::OK);
    assert_eq!(
        one(&mut s, &keyed("z", Some("q"), r_all(), &[])).rc(),
        rc::OK
    );
    assert_eq!(
        one(&mut s, &keyed("z", Some("z"), r_all(), &[])).rc(),
        rc::KEY_MISMATCH
    );
    assert_eq!(one(&mut s, &keyed("a", Some("a"), del, &[])).rc(), rc::OK);
}
