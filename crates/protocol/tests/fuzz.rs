//! Random and mutated input must never panic any parser.

use aeropy_protocol::admin::AdminMessage;
use aeropy_protocol::msg::{Message, MsgHeader, MsgWriter, RecordIter};
use aeropy_protocol::msgpack::{Unpacker, Value};
use aeropy_protocol::{frame, info, partitions};
use proptest::prelude::*;

fn sample_message() -> Vec<u8> {
    let mut buf = Vec::new();
    let mut w = MsgWriter::start_record(
        &mut buf,
        &MsgHeader {
            info1: 3,
            ..Default::default()
        },
    );
    w.namespace_field(b"test")
        .set_field(b"s")
        .digest_field(&[1; 20]);
    w.op(2, 20, b"l", &[0x92, 0x01, 0xa2, 0x03, b'x']);
    w.finish();
    buf
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn random_bytes_never_panic(data in proptest::collection::vec(any::<u8>(), 0..200)) {
        let _ = Message::parse(&data);
        let _ = Message::parse_frame(&data);
        let _ = RecordIter::new(&data).count();
        let _ = Value::from_msgpack(&data);
        let _ = Unpacker::new(&data).skip();
        let _ = frame::inflate(&data);
        let _ = frame::split_frame(&data);
        let _ = AdminMessage::parse(&data);
        let _ = info::parse_reply(&data);
        let _ = info::parse_request(&data);
        if let Ok(s) = std::str::from_utf8(&data) {
            let _ = partitions::parse_replicas(s);
            let _ = info::Command::parse(s).param("x");
        }
        for t in 0..=24u8 {
            let _ = Value::from_particle(t, &data);
        }
    }

    #[test]
    fn mutated_messages_never_panic(pos in 0usize..80, byte in any::<u8>(), cut in 0usize..90) {
        let mut m = sample_message();
        if let Some(b) = m.get_mut(pos) {
            *b = byte;
        }
        m.truncate(cut.min(m.len()));
        if let Ok(parsed) = Message::parse(&m) {
            for op in parsed.ops() {
                let _ = Value::from_particle(op.particle_type, op.value);
            }
            let _ = parsed.fields().count();
        }
    }
}
