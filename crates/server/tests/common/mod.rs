//! Helpers shared by the integration tests: raw frames over a socket.
#![allow(dead_code, clippy::unwrap_used, clippy::panic)]

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use aeropy_protocol::digest;
use aeropy_protocol::frame::{ProtoHeader, TYPE_MSG};
use aeropy_protocol::info;
use aeropy_protocol::msg::{self, Message, MsgHeader, MsgWriter, RecordIter};
use aeropy_server::{Cluster, ClusterConfig};

/// A cluster of `nodes` nodes on free ports.
pub fn cluster(nodes: usize) -> Cluster {
    Cluster::start(ClusterConfig {
        nodes,
        ..ClusterConfig::default()
    })
    .unwrap()
}

/// A one-node cluster on a free port and a connection to it.
pub fn start() -> (Cluster, TcpStream) {
    let c = cluster(1);
    let s = connect(&c.hosts()[0]);
    (c, s)
}

/// A plain write header.
pub fn w() -> MsgHeader {
    MsgHeader {
        info2: msg::INFO2_WRITE,
        ..MsgHeader::default()
    }
}

/// A read-all-bins header.
pub fn r_all() -> MsgHeader {
    MsgHeader {
        info1: msg::INFO1_READ | msg::INFO1_GET_ALL,
        ..MsgHeader::default()
    }
}

/// An integer particle.
pub fn int(v: i64) -> Vec<u8> {
    v.to_be_bytes().to_vec()
}

pub fn connect(host: &(String, u16)) -> TcpStream {
    let s = TcpStream::connect((host.0.as_str(), host.1)).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    s.set_nodelay(true).unwrap();
    s
}

/// Reads one whole frame: (type, body).
pub fn read_frame(s: &mut TcpStream) -> std::io::Result<(u8, Vec<u8>)> {
    let mut h = [0u8; 8];
    s.read_exact(&mut h)?;
    let hdr = ProtoHeader::parse_raw(&h).unwrap();
    let mut body = vec![0u8; hdr.length as usize];
    s.read_exact(&mut body)?;
    Ok((hdr.msg_type, body))
}

pub fn info(s: &mut TcpStream, cmds: &[&str]) -> Vec<(String, String)> {
    let mut f = Vec::new();
    info::write_request(&mut f, cmds);
    s.write_all(&f).unwrap();
    let (t, body) = read_frame(s).unwrap();
    assert_eq!(t, 1);
    info::parse_reply(&body)
        .unwrap()
        .into_iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect()
}

pub fn info1(s: &mut TcpStream, cmd: &str) -> String {
    info(s, &[cmd]).pop().unwrap().1
}

/// An owned copy of a reply record.
#[derive(Debug, Clone)]
pub struct Rec {
    pub header: MsgHeader,
    pub digest: Option<[u8; 20]>,
    pub ops: Vec<(u8, u8, Vec<u8>, Vec<u8>)>,
}

impl Rec {
    pub fn rc(&self) -> u8 {
        self.header.result_code
    }
    pub fn bin(&self, name: &str) -> Option<(u8, Vec<u8>)> {
        self.ops
            .iter()
            .find(|o| o.2 == name.as_bytes())
            .map(|o| (o.1, o.3.clone()))
    }
}

pub fn owned(m: &Message) -> Rec {
    Rec {
        header: m.header,
        digest: m.digest().copied(),
        ops: m
            .ops()
            .map(|o| {
                (
                    o.op_type,
                    o.particle_type,
                    o.name.to_vec(),
                    o.value.to_vec(),
                )
            })
            .collect(),
    }
}

/// Sends a type-3 frame and reads the reply records (until LAST for batch/scan).
pub fn exchange(s: &mut TcpStream, frame: &[u8], multi: bool) -> Vec<Rec> {
    s.write_all(frame).unwrap();
    let mut out = Vec::new();
    loop {
        let (t, body) = read_frame(s).unwrap();
        assert_eq!(t, TYPE_MSG);
        let mut done = !multi;
        let first_frame = out.is_empty();
        let mut in_frame = 0;
        for r in RecordIter::new(&body) {
            let m = r.unwrap();
            done |= m.header.info3 & msg::INFO3_LAST != 0;
            in_frame += 1;
            out.push(owned(&m));
        }
        // A refused scan is one bare error header without LAST.
        if first_frame && in_frame == 1 && out[0].header.result_code != 0 && out[0].ops.is_empty() {
            done = true;
        }
        if done {
            return out;
        }
    }
}

/// Builds a single-record request for key `key` (string) in `ns`/`set`.
pub fn request(
    ns: &str,
    set: &str,
    key: &str,
    header: MsgHeader,
    ops: &[(u8, u8, &str, Vec<u8>)],
) -> Vec<u8> {
    let d = digest::digest_str(set.as_bytes(), key);
    let mut buf = Vec::new();
    let mut w = MsgWriter::start(&mut buf, &header);
    w.namespace_field(ns.as_bytes())
        .set_field(set.as_bytes())
        .digest_field(&d);
    for (op, pt, name, value) in ops {
        w.op(*op, *pt, name.as_bytes(), value);
    }
    w.finish();
    buf
}

/// A secondary-index query frame on namespace `test` (and `set`) with an INDEX_RANGE
/// payload.
pub fn index_query(set: Option<&[u8]>, range: &[u8]) -> Vec<u8> {
    let mut f = Vec::new();
    let h = MsgHeader {
        info1: msg::INFO1_READ,
        ..MsgHeader::default()
    };
    let mut wr = MsgWriter::start(&mut f, &h);
    wr.namespace_field(b"test");
    if let Some(set) = set {
        wr.set_field(set);
    }
    wr.field(msg::field::INDEX_RANGE, range);
    wr.finish();
    f
}

pub fn one(s: &mut TcpStream, frame: &[u8]) -> Rec {
    let mut v = exchange(s, frame, false);
    assert_eq!(v.len(), 1);
    v.pop().unwrap()
}
