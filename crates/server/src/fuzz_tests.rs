//! Random and mutated frames fed straight to the request handler: it must never
//! panic, and must answer every well-framed AS_MSG with a parsable reply.

use aeropy_protocol::digest::digest_str;
use aeropy_protocol::frame::{self, TYPE_MSG};
use aeropy_protocol::msg::{field, op, MsgHeader, MsgWriter, RecordIter, INFO1_BATCH, INFO2_WRITE};
use proptest::prelude::*;

use crate::cluster::{Cluster, ClusterConfig};
use crate::node::{handle_frame, ConnState};

fn samples() -> Vec<Vec<u8>> {
    let mut put = Vec::new();
    let mut w = MsgWriter::start_record(
        &mut put,
        &MsgHeader {
            info2: INFO2_WRITE,
            ..MsgHeader::default()
        },
    );
    w.namespace_field(b"test")
        .set_field(b"s")
        .digest_field(&digest_str(b"s", "k"));
    w.op(op::WRITE, 1, b"a", &7i64.to_be_bytes())
        .op(op::INCR, 1, b"a", &1i64.to_be_bytes());
    w.op(op::READ, 0, b"a", b"");
    w.finish();
    let mut batch = Vec::new();
    let mut body = vec![0, 0, 0, 2, 1];
    body.extend_from_slice(&0u32.to_be_bytes());
    body.extend_from_slice(&[5; 20]);
    body.extend_from_slice(&[0x0e, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 5, 0]);
    body.extend_from_slice(b"test");
    body.extend_from_slice(&1u32.to_be_bytes());
    body.extend_from_slice(&[6; 20]);
    body.push(1);
    let mut w = MsgWriter::start_record(
        &mut batch,
        &MsgHeader {
            info1: INFO1_BATCH,
            ..MsgHeader::default()
        },
    );
    w.field(field::BATCH_INDEX, &body);
    w.finish();
    vec![put, batch]
}

fn check_reply(msg_type: u8, out: &[u8]) {
    let mut rest = out;
    while !rest.is_empty() {
        let (h, body, used) = frame::split_frame(rest).unwrap().unwrap();
        if msg_type == TYPE_MSG {
            for r in RecordIter::new(body) {
                r.unwrap();
            }
        }
        assert_eq!(h.msg_type == TYPE_MSG, msg_type == TYPE_MSG);
        rest = &rest[used..];
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1500, ..ProptestConfig::default() })]

    #[test]
    fn random_bodies(msg_type in 1u8..=4, data in proptest::collection::vec(any::<u8>(), 0..160)) {
        let cluster = shared_cluster();
        let mut out = Vec::new();
        let mut state = ConnState::default();
        if handle_frame(cluster.shared(), 0, &mut state, msg_type, &data, &mut out, true).is_ok() && msg_type != 4 {
            check_reply(msg_type, &out);
        }
    }

    #[test]
    fn mutated_requests(which in 0usize..2, edits in proptest::collection::vec((0usize..200, any::<u8>()), 1..4), cut in 0usize..220) {
        let cluster = shared_cluster();
        let mut m = samples().swap_remove(which);
        for (pos, b) in edits {
            let len = m.len();
            m[pos % len] = b;
        }
        m.truncate(cut.max(1));
        let mut out = Vec::new();
        let mut state = ConnState::default();
        let r = handle_frame(cluster.shared(), 0, &mut state, TYPE_MSG, &m, &mut out, true);
        prop_assert!(r.is_ok());
        check_reply(TYPE_MSG, &out);
    }
}

fn shared_cluster() -> &'static Cluster {
    static C: std::sync::OnceLock<Cluster> = std::sync::OnceLock::new();
    C.get_or_init(|| Cluster::start(ClusterConfig::default()).unwrap())
}

/// Extreme integers in op arguments (offsets, sizes, indexes) must answer an error
/// code: no arithmetic overflow, no unbounded allocation.
#[test]
fn extreme_op_arguments() {
    use crate::cdt::{run_op, OpResult};
    use crate::ops::OpError;
    use crate::store::{Bin, BinName};
    use aeropy_protocol::msgpack::Value;
    use aeropy_protocol::{particle, result_code as rc};

    let (big, max, int) = (Value::Int(1 << 40), Value::Int(i64::MAX), Value::Int);
    let list = Value::list(vec![int(1), int(2), int(3)])
        .to_particle()
        .unwrap()
        .1;
    let (blob, list) = ((particle::BLOB, vec![0xAA; 4]), (particle::LIST, list));
    let too_big: OpResult = Err(OpError(rc::RECORD_TOO_BIG));
    let not_applicable: OpResult = Err(OpError(rc::OP_NOT_APPLICABLE));
    type Apply = fn(&mut Vec<Bin>, BinName, u8, &[u8]) -> OpResult;
    let (bits, cdt): (Apply, Apply) = (crate::bits::apply, crate::cdt::apply);
    #[rustfmt::skip]
    let cases = [
        // bits: resize, insert past the end, remove and read with overflowing ranges
        (bits, &blob, op::BITS_MODIFY, 0, vec![big.clone()], too_big.clone()),
        (bits, &blob, op::BITS_MODIFY, 1, vec![big.clone(), Value::blob(vec![1])], too_big.clone()),
        (bits, &blob, op::BITS_MODIFY, 2, vec![int(1), max.clone()], not_applicable.clone()),
        (bits, &blob, op::BITS_READ, 50, vec![int(8), max.clone()], not_applicable),
        // lists: insert / set far past the end, relative rank range from i64::MAX
        (cdt, &list, op::CDT_MODIFY, 3, vec![big.clone(), int(1)], too_big.clone()),
        (cdt, &list, op::CDT_MODIFY, 9, vec![big, int(1)], too_big),
        (cdt, &list, op::CDT_READ, 27, vec![int(7), int(2), max], Ok(Some(Value::list(vec![])))),
    ];
    for (apply, (ptype, value), op_type, code, args, want) in cases {
        let name = BinName::new(b"b").unwrap();
        let mut bins = vec![Bin {
            name,
            ptype: *ptype,
            value: value.clone(),
        }];
        let got = run_op(apply, b"b", &mut bins, op_type, code, &args);
        assert_eq!(got, want, "op {op_type} code {code}");
    }
}
