//! Writer/parser round trips and malformed-input checks.

use super::*;
use crate::frame::{self, TYPE_MSG};
use crate::{ProtocolError, Result};

fn hex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

#[test]
fn writer_and_parser_roundtrip() {
    let mut buf = vec![0xAA]; // pre-existing bytes must be kept
    let mut w = MsgWriter::start(
        &mut buf,
        &MsgHeader {
            info2: INFO2_WRITE,
            transaction_ttl: 1000,
            ..Default::default()
        },
    );
    w.namespace_field(b"test")
        .set_field(b"demo")
        .digest_field(&[7; 20]);
    w.key_field(3, b"k1");
    w.op(op::WRITE, 1, b"a", &7i64.to_be_bytes());
    w.op_with(op::WRITE, 3, b"s", |b| b.extend_from_slice(b"xyz"));
    let end = w.finish();
    assert_eq!(end, buf.len());
    let m = Message::parse_frame(&buf[1..]).unwrap();
    assert_eq!(m.header.n_fields, 4);
    assert_eq!(m.header.n_ops, 2);
    assert_eq!(m.header.info2, INFO2_WRITE);
    assert_eq!(m.field(field::NAMESPACE), Some(&b"test"[..]));
    assert_eq!(m.digest(), Some(&[7; 20]));
    assert_eq!(m.field(field::KEY), Some(&b"\x03k1"[..]));
    let ops: Vec<_> = m.ops().collect();
    assert_eq!(ops[0].name, b"a");
    assert_eq!(ops[0].value, &7i64.to_be_bytes());
    assert_eq!((ops[1].particle_type, ops[1].value), (3, &b"xyz"[..]));
}

#[test]
fn fallible_ops_and_header_rewrite() {
    let mut buf = Vec::new();
    let mut w = MsgWriter::start(&mut buf, &MsgHeader::default());
    w.namespace_field(b"test");
    let s = w.op_begin(op::WRITE, b"bin").unwrap();
    w.buffer().extend_from_slice(b"abc");
    w.op_end(s, 3).unwrap();
    let s = w.op_begin(op::READ, b"r").unwrap();
    w.op_end(s, 0).unwrap();
    assert_eq!((w.n_ops(), w.n_read_ops()), (2, 1));
    assert!(w.op_begin(op::WRITE, &[b'x'; 16]).is_err());
    let mut h = w.header();
    h.info2 |= INFO2_WRITE;
    h.record_ttl = 77;
    w.set_header(&h);
    assert_eq!(w.message_len(), w.buffer().len());
    let end = w.finish_checked().unwrap();
    let m = Message::parse_frame(&buf[..end]).unwrap();
    assert_eq!((m.header.info2, m.header.record_ttl), (INFO2_WRITE, 77));
    assert_eq!((m.header.n_fields, m.header.n_ops), (1, 2));
    let ops: Vec<_> = m.ops().collect();
    assert_eq!(
        (
            ops[0].op_type,
            ops[0].particle_type,
            ops[0].name,
            ops[0].value
        ),
        (op::WRITE, 3, &b"bin"[..], &b"abc"[..])
    );
    assert_eq!((ops[1].op_type, ops[1].value), (op::READ, &b""[..]));
    assert!(op::is_read(op::HLL_READ) && !op::is_read(op::INCR));
}

#[test]
fn worked_example_reply() {
    // protocol.md §11b: reply with a=7 and s="x".
    let body = hex("16000000000000000001000000000000000000000002\
                    0000000d0101000161000000000000000700000006010300017378");
    let m = Message::parse(&body).unwrap();
    let ops: Vec<_> = m.ops().collect();
    assert_eq!(ops.len(), 2);
    assert_eq!(ops[1].name, b"s");
    assert_eq!(ops[1].value, b"x");
}

#[test]
fn parser_rejects_bad_lengths() {
    let mut buf = Vec::new();
    let mut w = MsgWriter::start_record(&mut buf, &MsgHeader::default());
    w.field(field::NAMESPACE, b"test")
        .op(op::READ, 0, b"abc", b"");
    w.finish();
    for cut in 0..buf.len() {
        assert!(Message::parse(&buf[..cut]).is_err(), "cut at {cut}");
    }
    let mut extra = buf.clone();
    extra.push(0);
    assert_eq!(
        Message::parse(&extra).unwrap_err(),
        ProtocolError::Trailing(1)
    );
    let mut bad = buf.clone();
    bad[22..26].copy_from_slice(&0u32.to_be_bytes());
    assert!(Message::parse(&bad).is_err());
    let mut huge = buf.clone();
    huge[22..26].copy_from_slice(&u32::MAX.to_be_bytes());
    assert!(Message::parse(&huge).is_err());
    let mut name = buf.clone();
    let op_at = 22 + 9;
    name[op_at + 7] = 200; // name longer than the op
    assert!(Message::parse(&name).is_err());
}

#[test]
fn record_stream() {
    let mut buf = Vec::new();
    let s = frame::begin_frame(&mut buf, TYPE_MSG);
    for i in 0..3u32 {
        let mut w = MsgWriter::start_record(
            &mut buf,
            &MsgHeader {
                transaction_ttl: i,
                ..Default::default()
            },
        );
        w.op(op::READ, 1, b"i", &u64::from(i).to_be_bytes());
        w.finish();
    }
    MsgWriter::start_record(
        &mut buf,
        &MsgHeader {
            info3: INFO3_LAST,
            ..Default::default()
        },
    )
    .finish();
    frame::end_frame(&mut buf, s);
    let recs: Vec<_> = RecordIter::new(&buf[8..]).collect::<Result<_>>().unwrap();
    assert_eq!(recs.len(), 4);
    assert_eq!(recs[2].header.transaction_ttl, 2);
    assert_eq!(recs[3].header.info3, INFO3_LAST);
    let mut broken = buf[8..].to_vec();
    broken.truncate(broken.len() - 3);
    let items: Vec<_> = RecordIter::new(&broken).collect();
    assert!(items.last().unwrap().is_err());
}
