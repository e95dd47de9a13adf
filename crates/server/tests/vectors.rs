//! Replays the requests recorded between the official clients and a real CE 8.1.2
//! server against the embedded server, and compares the replies: result codes,
//! generations, op types, particle types, bin names, void time set or not, info echo.

#![allow(clippy::unwrap_used, clippy::panic)] // test code: a failed unwrap is a failed test

mod common;

use std::collections::HashMap;
use std::io::Write;
use std::net::TcpStream;

use aeropy_protocol::frame::{ProtoHeader, TYPE_INFO, TYPE_MSG};
use aeropy_protocol::info;
use aeropy_protocol::msg::{self, Message, RecordIter};
use aeropy_server::{Cluster, ClusterConfig};
use common::{connect, owned, read_frame, Rec};

struct Frame {
    scenario: String,
    conn: String,
    c2s: bool,
    bytes: Vec<u8>,
    truncated: bool,
}

fn str_field<'a>(line: &'a str, key: &str) -> Option<&'a str> {
    let pat = format!("\"{key}\": \"");
    let start = line.find(&pat)? + pat.len();
    let end = line[start..].find('"')? + start;
    Some(&line[start..end])
}

fn num_field(line: &str, key: &str) -> Option<String> {
    let pat = format!("\"{key}\": ");
    let start = line.find(&pat)? + pat.len();
    Some(
        line[start..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect(),
    )
}

fn load() -> Option<Vec<Frame>> {
    let dir = std::fs::canonicalize(env!("CARGO_MANIFEST_DIR")).ok()?;
    let path = dir.join("../../../shared/vectors/official-19.3.0-and-crate-2.2-vs-ce-8.1.2.jsonl");
    let text = std::fs::read_to_string(path).ok()?;
    Some(
        text.lines()
            .map(|l| {
                let hex = str_field(l, "hex").unwrap();
                Frame {
                    scenario: str_field(l, "scenario").unwrap().to_string(),
                    conn: num_field(l, "conn").unwrap(),
                    c2s: str_field(l, "dir") == Some("c2s"),
                    bytes: (0..hex.len() / 2)
                        .map(|i| u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).unwrap())
                        .collect(),
                    truncated: l.contains("\"truncated\": true"),
                }
            })
            .collect(),
    )
}

/// Scenarios whose features are later issues (aggregation):
/// the embedded server refuses them explicitly, so their replies differ by design.
fn unsupported(scenario: &str) -> bool {
    ["query:aggregate"].iter().any(|p| scenario.starts_with(p))
}

fn records(frames: &[&Frame]) -> Vec<Rec> {
    frames
        .iter()
        .flat_map(|f| {
            RecordIter::new(&f.bytes[8..])
                .map(|r| owned(&r.unwrap()))
                .collect::<Vec<_>>()
        })
        .collect()
}

#[test]
fn replay_recorded_sessions() {
    let Some(frames) = load() else {
        eprintln!("shared vectors not found; skipping");
        return;
    };
    let cluster = Cluster::start(ClusterConfig::default()).unwrap();
    let host = cluster.hosts()[0].clone();
    let mut conns: HashMap<String, TcpStream> = HashMap::new();
    let (mut compared, mut mismatches) = (0, Vec::new());
    let mut i = 0;
    while i < frames.len() {
        let f = &frames[i];
        i += 1;
        if !f.c2s {
            continue;
        }
        let replies: Vec<&Frame> = frames[i..]
            .iter()
            .take_while(|r| !r.c2s || r.conn != f.conn)
            .filter(|r| r.conn == f.conn && !r.c2s)
            .collect();
        if f.truncated || unsupported(&f.scenario) || replies.iter().any(|r| r.truncated) {
            continue;
        }
        let h = ProtoHeader::parse(&f.bytes).unwrap();
        let s = conns
            .entry(f.conn.clone())
            .or_insert_with(|| connect(&host));
        s.write_all(&f.bytes).unwrap();
        compared += 1;
        match h.msg_type {
            TYPE_INFO => {
                let (_, body) = read_frame(s).unwrap();
                let ours = info::parse_reply(&body).unwrap();
                let theirs = info::parse_reply(&replies[0].bytes[8..]).unwrap();
                let names =
                    |v: &[(&str, &str)]| v.iter().map(|p| p.0.to_string()).collect::<Vec<_>>();
                if names(&ours) != names(&theirs) {
                    mismatches.push(format!(
                        "{}: info echo {:?} vs {:?}",
                        f.scenario,
                        names(&ours),
                        names(&theirs)
                    ));
                }
                for ((n, a), (_, b)) in ours.iter().zip(&theirs) {
                    // (udf-list is not compared exactly: the real server's hash is not a
                    // plain SHA-1 of the source, and clients only look for the file name.)
                    let exact = ["features", "namespaces", "partitions"].contains(n)
                        || n.starts_with("user-agent-set")
                        || n.starts_with("truncate");
                    if exact && a != b {
                        mismatches.push(format!("{}: {n} = {a:?}, real {b:?}", f.scenario));
                    }
                }
            }
            TYPE_MSG => {
                let req = Message::parse(&f.bytes[8..]).unwrap();
                let multi = req.header.info1 & msg::INFO1_BATCH != 0;
                let ours = common::exchange(s, &[], multi);
                let theirs = records(&replies);
                if ours.len() != theirs.len() {
                    mismatches.push(format!(
                        "{}: {} records vs {}",
                        f.scenario,
                        ours.len(),
                        theirs.len()
                    ));
                    continue;
                }
                for (a, b) in ours.iter().zip(&theirs) {
                    let key = |r: &Rec| {
                        (
                            r.header.result_code,
                            r.header.generation,
                            r.header.info3,
                            r.header.transaction_ttl,
                            r.header.record_ttl != 0,
                            // GeoJSON replies legitimately differ in length: the real server adds
                            // the S2 cell ids it computed; we return the client's n = 0 form.
                            r.ops
                                .iter()
                                .map(|o| {
                                    (o.0, o.1, o.2.clone(), if o.1 == 23 { 0 } else { o.3.len() })
                                })
                                .collect::<Vec<_>>(),
                        )
                    };
                    if key(a) != key(b) {
                        mismatches.push(format!(
                            "{}: ours {:?}\n      real {:?}",
                            f.scenario,
                            key(a),
                            key(b)
                        ));
                    }
                }
            }
            _ => {}
        }
    }
    for m in &mismatches {
        eprintln!("MISMATCH {m}");
    }
    eprintln!(
        "compared {compared} requests, {} mismatches",
        mismatches.len()
    );
    assert!(compared > 100);
    assert!(mismatches.is_empty());
}
