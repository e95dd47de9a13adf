//! Batch index requests (field 41): one reply record per row, then a LAST message.

use aeropy_protocol::batch::{
    PARENT_RESPOND_ALL_KEYS, ROW_GEN, ROW_INFO23, ROW_INFO4, ROW_REPEAT, ROW_TTL,
};
use aeropy_protocol::frame::{self, TYPE_MSG};
use aeropy_protocol::msg::{field, Message, MsgHeader};
use aeropy_protocol::result_code as rc;

use crate::cluster::Shared;
use crate::record::{self, write_last, MsgFields, Request};

/// Reply frames are cut at about this size.
const FRAME_SPLIT: usize = 1 << 20;

/// Bounds-checked cursor over the batch field.
struct Cursor<'a> {
    data: &'a [u8],
    pos: usize,
}

impl<'a> Cursor<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let s = self.data.get(self.pos..self.pos.checked_add(n)?)?;
        self.pos += n;
        Some(s)
    }
    fn u8(&mut self) -> Option<u8> {
        self.take(1).map(|s| s[0])
    }
    fn u16(&mut self) -> Option<u16> {
        self.take(2).map(|s| u16::from_be_bytes([s[0], s[1]]))
    }
    fn u32(&mut self) -> Option<u32> {
        self.take(4)
            .map(|s| u32::from_be_bytes([s[0], s[1], s[2], s[3]]))
    }
}

/// The part of a row that a REPEAT row reuses.
#[derive(Clone, Copy)]
struct RowTemplate<'a> {
    info1: u8,
    info2: u8,
    info3: u8,
    generation: u32,
    record_ttl: u32,
    msg: Message<'a>,
    fields: MsgFields<'a>,
}

fn parse_row<'a>(c: &mut Cursor<'a>, flags: u8) -> Option<RowTemplate<'a>> {
    let info1 = c.u8()?;
    let (info2, info3) = if flags & ROW_INFO23 != 0 {
        (c.u8()?, c.u8()?)
    } else {
        (0, 0)
    };
    if flags & ROW_INFO4 != 0 {
        c.u8()?;
    }
    let generation = if flags & ROW_GEN != 0 {
        u32::from(c.u16()?)
    } else {
        0
    };
    let record_ttl = if flags & ROW_TTL != 0 { c.u32()? } else { 0 };
    // Old clients send 0 fields yet still include the namespace.
    let n_fields = c.u16()?.max(1);
    let n_ops = c.u16()?;
    let header = MsgHeader {
        info1,
        info2,
        info3,
        generation,
        record_ttl,
        n_fields,
        n_ops,
        ..MsgHeader::default()
    };
    let (msg, used) = Message::parse_with_header(header, c.data.get(c.pos..)?).ok()?;
    c.pos += used;
    Some(RowTemplate {
        info1,
        info2,
        info3,
        generation,
        record_ttl,
        msg,
        fields: MsgFields::of(&msg),
    })
}

/// Executes a batch request, appending the reply frames to `out`.
pub(crate) fn handle(
    shared: &Shared,
    idx: usize,
    m: &Message,
    user: Option<&str>,
    out: &mut Vec<u8>,
) {
    let Some(data) = m.field(field::BATCH_INDEX) else {
        write_last(out, rc::PARAMETER_ERROR);
        return;
    };
    let parent_filter = m.field(field::FILTER_EXP);
    let mut c = Cursor { data, pos: 0 };
    let mut overall = rc::OK;
    let mut start = frame::begin_frame(out, TYPE_MSG);
    let header = (c.u32(), c.u8());
    let (Some(count), Some(parent_flags)) = header else {
        out.truncate(start);
        write_last(out, rc::PARAMETER_ERROR);
        return;
    };
    let mut prev: Option<RowTemplate> = None;
    for _ in 0..count {
        let row = (|| {
            let index = c.u32()?;
            let digest: &[u8; 20] = c.take(20)?.try_into().ok()?;
            let flags = c.u8()?;
            let t = if flags & ROW_REPEAT != 0 {
                prev?
            } else {
                parse_row(&mut c, flags)?
            };
            Some((index, digest, t))
        })();
        let Some((index, digest, t)) = row else {
            overall = rc::PARAMETER_ERROR;
            break;
        };
        prev = Some(t);
        let req = Request {
            info1: t.info1,
            info2: t.info2,
            info3: t.info3,
            generation: t.generation,
            record_ttl: t.record_ttl,
            digest: Some(digest),
            // A row's own filter wins over the batch's.
            filter: t.fields.filter.or(parent_filter),
            msg: t.msg,
            fields: t.fields,
        };
        // Security on: the row needs its own privilege (a write row a write one).
        let refused = match (&shared.security, user) {
            (Some(sec), Some(user)) => {
                let (need, ns, set) = crate::security::need(
                    t.info2,
                    t.fields.udf_filename.is_some(),
                    t.fields.namespace.unwrap_or_default(),
                    t.fields.set.unwrap_or_default(),
                );
                sec.check(user, need, &ns, &set)
            }
            _ => rc::OK,
        };
        let code = if refused == rc::OK {
            record::execute(shared, idx, &req, index, out)
        } else {
            record::write_result(out, refused, 0, 0, index);
            refused
        };
        let row_error = !matches!(code, rc::OK | rc::KEY_NOT_FOUND | rc::FILTERED_OUT);
        if row_error && parent_flags & PARENT_RESPOND_ALL_KEYS == 0 && overall == rc::OK {
            overall = code;
        }
        if out.len() - start > FRAME_SPLIT {
            frame::end_frame(out, start);
            start = frame::begin_frame(out, TYPE_MSG);
        }
    }
    if out.len() - start == frame::HEADER_SIZE {
        out.truncate(start);
    } else {
        frame::end_frame(out, start);
    }
    write_last(out, overall);
}
