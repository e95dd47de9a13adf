//! Raw-socket tests of batch requests, scans and truncate against a one-node cluster.

#![allow(clippy::unwrap_used, clippy::panic)] // test code: a failed unwrap is a failed test

mod common;

use aeropy_protocol::msg::{self, op, MsgHeader};
use aeropy_protocol::{frame, result_code as rc};
use common::*;

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
fn batch_with_filter_expression() {
    let (_c, mut s) = start();
    for (k, v) in [("a", 1), ("b", 50)] {
        let put = w();
        one(
            &mut s,
            &request("test", "bs", k, put, &[(op::WRITE, 1, "v", int(v))]),
        );
    }
    // parent filter v > 10 applies to every row
    let read = row(msg::INFO1_READ | msg::INFO1_GET_ALL, 0, &[]);
    let rows = [
        (0, "a", 0x0e, read),
        (1, "b", 0x01, vec![]),
        (2, "none", 0x01, vec![]),
    ];
    let mut f = batch_frame(&rows);
    let exp = [0x93, 3, 0x93, 81, 2, 0xa1, b'v', 10];
    // append the FILTER_EXP field and bump n_fields
    f.extend_from_slice(&(exp.len() as u32 + 1).to_be_bytes());
    f.push(msg::field::FILTER_EXP);
    f.extend_from_slice(&exp);
    f[8 + 19] += 1;
    let len = (f.len() - 8) as u64;
    f[..8].copy_from_slice(&frame::ProtoHeader::new(3, len).encode());
    let recs = exchange(&mut s, &f, true);
    let codes: Vec<_> = recs.iter().map(|r| r.rc()).collect();
    assert_eq!(codes, vec![rc::FILTERED_OUT, 0, rc::KEY_NOT_FOUND, 0]);
}

#[test]
fn concurrent_clients_on_three_nodes() {
    let c = cluster(3);
    let hosts = c.hosts();
    let threads: Vec<_> = (0..6)
        .map(|t| {
            let host = hosts[t % 3].clone();
            std::thread::spawn(move || {
                let mut s = connect(&host);
                for i in 0..300 {
                    let key = format!("{t}-{i}");
                    let ops = [(op::WRITE, 1, "v", int(i)), (op::INCR, 1, "n", int(1))];
                    assert_eq!(one(&mut s, &request("test", "cc", &key, w(), &ops)).rc(), 0);
                    let incr = [(op::INCR, 1, "shared", int(1))];
                    assert_eq!(
                        one(&mut s, &request("test", "cc", "hot", w(), &incr)).rc(),
                        0
                    );
                    let got = one(&mut s, &request("test", "cc", &key, r_all(), &[]));
                    assert_eq!(got.bin("v"), Some((1, int(i))));
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    let mut s = connect(&hosts[0]);
    let hot = one(&mut s, &request("test", "cc", "hot", r_all(), &[]));
    assert_eq!(hot.bin("shared"), Some((1, int(1800))));
    assert_eq!(hot.header.generation, 1800);
    assert!(info1(&mut s, "sets/test/cc").starts_with("objects=1801:"));
}

#[test]
fn background_ops_and_query_show() {
    let (_c, mut s) = start();
    for i in 0..50 {
        one(
            &mut s,
            &request(
                "test",
                "bg",
                &i.to_string(),
                w(),
                &[(op::WRITE, 1, "i", int(i))],
            ),
        );
    }
    one(
        &mut s,
        &request("test", "other", "x", w(), &[(op::WRITE, 1, "i", int(1))]),
    );
    let mut f = Vec::new();
    let h = MsgHeader {
        info2: msg::INFO2_WRITE,
        info3: msg::INFO3_UPDATE_ONLY,
        ..MsgHeader::default()
    };
    let mut wr = msg::MsgWriter::start(&mut f, &h);
    wr.namespace_field(b"test")
        .set_field(b"bg")
        .field_u64(msg::field::TRID, 4242);
    wr.field_with(msg::field::PID_ARRAY, |b| {
        (0u16..4096).for_each(|p| b.extend_from_slice(&p.to_le_bytes()))
    });
    wr.op(op::WRITE, 1, b"flag", &int(1))
        .op(op::INCR, 1, b"i", &int(100));
    wr.finish();
    let recs = exchange(&mut s, &f, true);
    assert_eq!(recs.len(), 1);
    assert_eq!(
        (recs[0].rc(), recs[0].header.info3 & msg::INFO3_LAST),
        (0, msg::INFO3_LAST)
    );
    let got = one(&mut s, &request("test", "bg", "7", r_all(), &[]));
    assert_eq!(
        (got.bin("i"), got.bin("flag"), got.header.generation),
        (Some((1, int(107))), Some((1, int(1))), 2)
    );
    assert!(one(&mut s, &request("test", "other", "x", r_all(), &[]))
        .bin("flag")
        .is_none());
    let show = info1(&mut s, "query-show:id=4242");
    assert!(
        show.contains("status=done(ok)") && show.contains("recs-succeeded=50"),
        "{show}"
    );
    assert_eq!(info1(&mut s, "query-show:trid=1"), "ERROR:2:job not found");
}

#[test]
fn geo_and_string_index_queries() {
    let (_c, mut s) = start();
    let create = "sindex-create:namespace=test;set=geo;indexname=g_loc;bin=loc;type=GEO2DSPHERE";
    assert_eq!(info1(&mut s, create), "ok");
    let create = "sindex-create:namespace=test;set=geo;indexname=g_name;bin=name;type=STRING";
    assert_eq!(info1(&mut s, create), "ok");
    for (i, (x, y)) in [(1.0, 1.0), (5.0, 5.0), (20.0, 20.0)].iter().enumerate() {
        let point = format!(r#"{{"type":"Point","coordinates":[{x},{y}]}}"#);
        let ops = [
            (
                op::WRITE,
                23,
                "loc",
                aeropy_protocol::particle::encode_geojson(point.as_bytes()),
            ),
            (op::WRITE, 3, "name", format!("n{i}").into_bytes()),
        ];
        one(&mut s, &request("test", "geo", &i.to_string(), w(), &ops));
    }
    let query = |bin: &str, ptype: u8, value: &[u8]| {
        let mut range = vec![1, bin.len() as u8];
        range.extend_from_slice(bin.as_bytes());
        range.push(ptype);
        for _ in 0..2 {
            range.extend_from_slice(&(value.len() as u32).to_be_bytes());
            range.extend_from_slice(value);
        }
        index_query(Some(b"geo"), &range)
    };
    let region = br#"{"type":"Polygon","coordinates":[[[0,0],[10,0],[10,10],[0,10],[0,0]]]}"#;
    let recs = exchange(&mut s, &query("loc", 23, region), true);
    assert_eq!(recs.len(), 3, "two points inside, then LAST");
    let circle = br#"{"type":"AeroCircle","coordinates":[[20.0,20.0],1000]}"#;
    assert_eq!(exchange(&mut s, &query("loc", 23, circle), true).len(), 2);
    let recs = exchange(&mut s, &query("name", 3, b"n1"), true);
    assert_eq!(recs.len(), 2);
    assert_eq!(recs[0].bin("name"), Some((3, b"n1".to_vec())));
    assert_eq!(
        exchange(&mut s, &query("loc", 23, b"{bad"), true)[0].rc(),
        rc::GEO_INVALID_GEOJSON
    );
    assert!(info1(&mut s, "sindex-list:namespace=test")
        .contains("indexname=g_loc:set=geo:bin=loc:type=geo2dsphere"));
    assert!(info1(&mut s, "sindex-stat:namespace=test;indexname=g_name").starts_with("entries=3;"));
}

/// A background-ops job frame (set `bg`, task 77) over `pids`: `i += 100`.
fn job_frame(pids: &[u16]) -> Vec<u8> {
    let mut f = Vec::new();
    let h = MsgHeader {
        info2: msg::INFO2_WRITE,
        ..MsgHeader::default()
    };
    let mut wr = msg::MsgWriter::start(&mut f, &h);
    wr.namespace_field(b"test")
        .set_field(b"bg")
        .field_u64(msg::field::TRID, 77);
    wr.field_with(msg::field::PID_ARRAY, |b| {
        pids.iter()
            .for_each(|p| b.extend_from_slice(&p.to_le_bytes()))
    });
    wr.op(op::INCR, 1, b"i", &int(100));
    wr.finish();
    f
}

fn recs_succeeded(show: &str) -> u64 {
    show.split(':')
        .find_map(|kv| kv.strip_prefix("recs-succeeded="))
        .unwrap()
        .parse()
        .unwrap()
}

#[test]
fn background_job_counts_per_node() {
    let c = cluster(3);
    let mut socks: Vec<_> = c.hosts().iter().map(connect).collect();
    for i in 0..300 {
        let ops = [(op::WRITE, 1, "i", int(i))];
        one(
            &mut socks[0],
            &request("test", "bg", &i.to_string(), w(), &ops),
        );
    }
    // As the clients do: each node gets the job with the partitions it masters.
    for (n, s) in socks.iter_mut().enumerate() {
        let pids: Vec<u16> = (0..4096).filter(|p| c.master_of(*p) == Some(n)).collect();
        let recs = exchange(s, &job_frame(&pids), true);
        assert_eq!((recs.len(), recs[0].rc()), (1, 0));
    }
    let per_node: Vec<u64> = socks
        .iter_mut()
        .map(|s| recs_succeeded(&info1(s, "query-show:id=77")))
        .collect();
    assert_eq!(per_node.iter().sum::<u64>(), 300, "{per_node:?}");
    assert!(per_node.iter().all(|n| *n > 0 && *n < 300), "{per_node:?}");
    // the listing without an id shows the node's own part too
    let all = info1(&mut socks[1], "query-show");
    assert_eq!(recs_succeeded(&all), per_node[1]);
    for i in 0..300 {
        let got = one(
            &mut socks[2],
            &request("test", "bg", &i.to_string(), r_all(), &[]),
        );
        assert_eq!(
            (got.bin("i"), got.header.generation),
            (Some((1, int(i + 100))), 2)
        );
    }
}

/// Pages through one partition as the clients do: MAX_RECORDS per request, then
/// DIGEST_ARRAY with the last digest received; every record comes exactly once, in
/// descending digest order, and a resume returns only strictly smaller digests.
#[test]
fn max_records_and_resume_after_digest() {
    let (_c, mut s) = start();
    let pid =
        aeropy_protocol::digest::partition_id(&aeropy_protocol::digest::digest_str(b"pg", "0"));
    let keys: Vec<String> = (0..400_000)
        .map(|i| i.to_string())
        .filter(|k| {
            aeropy_protocol::digest::partition_id(&aeropy_protocol::digest::digest_str(b"pg", k))
                == pid
        })
        .take(7)
        .collect();
    assert_eq!(keys.len(), 7);
    for k in &keys {
        let ops = [(op::WRITE, 1, "i", int(1))];
        one(&mut s, &request("test", "pg", k, w(), &ops));
    }
    let mut want: Vec<[u8; 20]> = keys
        .iter()
        .map(|k| aeropy_protocol::digest::digest_str(b"pg", k))
        .collect();
    want.sort_unstable_by(|a, b| b.cmp(a));
    let mut got: Vec<[u8; 20]> = Vec::new();
    loop {
        let frame = match got.last() {
            None => scan_frame("pg", &[pid], &[], 3, 0, &[]),
            Some(d) => scan_frame("pg", &[], &[*d], 3, 0, &[]),
        };
        let recs = exchange(&mut s, &frame, true);
        let (last, rows) = recs.split_last().unwrap();
        assert_eq!(last.header.info3 & msg::INFO3_LAST, msg::INFO3_LAST);
        assert!(rows.len() <= 3);
        if let Some(prev) = got.last() {
            assert!(rows.iter().all(|r| r.digest.unwrap() < *prev));
        }
        got.extend(rows.iter().map(|r| r.digest.unwrap()));
        if rows.len() < 3 {
            break;
        }
    }
    assert_eq!(got, want);
    // a resume digest that is not stored: strictly smaller digests only
    let mid = want[3];
    let mut below = mid;
    below[19] ^= 1;
    let expect = want.iter().filter(|d| **d < below).count();
    let recs = exchange(&mut s, &scan_frame("pg", &[], &[below], 0, 0, &[]), true);
    assert_eq!(recs.len() - 1, expect);
}
