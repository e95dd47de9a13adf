//! Batch reads: one BATCH_INDEX request per node (protocol.md §7.1-7.2).

use std::sync::Arc;
use std::time::Instant;

use crate::client::on_wire;
use crate::client::{read_header, Client};
use crate::error::{Error, Result};
use crate::key::Key;
use crate::node::Node;
use crate::policy::Policy;
use aeropy_protocol::batch::{
    BatchWriter, RowHeader, PARENT_ALLOW_INLINE, PARENT_RESPOND_ALL_KEYS,
};
use aeropy_protocol::msg::{self as wire, field, op, Message, MsgWriter, MAX_BIN_NAME_LEN};
use aeropy_protocol::particle;

use crate::client::finish;

/// Which bins a batch read returns.
#[derive(Debug, Clone, Copy)]
pub enum BatchBins<'a> {
    /// Every bin.
    All,
    /// The named bins.
    Names(&'a [&'a str]),
    /// Metadata only (exists).
    Header,
}

/// Parent flags as the official client sends them: allow inline, respond for all keys,
/// report error records.
const PARENT_FLAGS: u8 = PARENT_ALLOW_INLINE | PARENT_RESPOND_ALL_KEYS | 0x08;

/// The reply bodies of a batch: every row of every node, in any order.
#[derive(Debug, Default)]
pub struct BatchReplies {
    bodies: Vec<Vec<u8>>,
}

impl BatchReplies {
    /// Calls `f` for every row (`Reply::batch_index` is the key's position).
    pub fn for_each(&self, mut f: impl FnMut(&Message<'_>) -> Result<()>) -> Result<()> {
        for body in &self.bodies {
            let mut at = 0;
            while at < body.len() {
                let (r, used) = Message::parse_prefix(&body[at..])?;
                at += used;
                if r.header.info3 & wire::INFO3_LAST != 0 {
                    break;
                }
                f(&r)?;
            }
        }
        Ok(())
    }
}

fn build_request(
    keys: &[Key],
    indexes: &[usize],
    bins: BatchBins<'_>,
    policy: &Policy,
) -> Result<Vec<u8>> {
    let info1 = match bins {
        BatchBins::All => wire::INFO1_READ | wire::INFO1_GET_ALL,
        BatchBins::Names(_) => wire::INFO1_READ,
        BatchBins::Header => wire::INFO1_READ | wire::INFO1_GET_NO_BINS,
    };
    let bad_op = |e| Error::Param(format!("cannot encode the batch: {e}"));
    let mut data = Vec::with_capacity(5 + indexes.len() * 30);
    let mut rows = BatchWriter::start(&mut data, PARENT_FLAGS);
    let mut prev: Option<&Key> = None;
    for &i in indexes {
        let k = &keys[i];
        let index = u32::try_from(i).map_err(|_| Error::Param("too many keys".into()))?;
        if prev.is_some_and(|p| p.namespace == k.namespace && p.set == k.set) {
            rows.repeat_row(index, &k.digest);
            continue;
        }
        prev = Some(k);
        // Row flags replace the parent's: the read's SC mode and touch percent too.
        let read = read_header(policy, 0);
        let header = RowHeader {
            info1,
            info3: read.info3,
            ttl: Some(read.record_ttl),
            ..RowHeader::default()
        };
        rows.row(index, &k.digest, &header);
        rows.field(field::NAMESPACE, k.namespace.as_bytes());
        if !k.set.is_empty() {
            rows.field(field::SET, k.set.as_bytes());
        }
        if let BatchBins::Names(names) = bins {
            if names.len() > usize::from(u16::MAX) {
                return Err(Error::Param("too many bins".into()));
            }
            for n in names {
                if n.len() > MAX_BIN_NAME_LEN {
                    return Err(Error::Param(format!(
                        "bin name too long (max {MAX_BIN_NAME_LEN} bytes): {n:?}"
                    )));
                }
                rows.op(op::READ, particle::NULL, n.as_bytes(), &[])
                    .map_err(bad_op)?;
            }
        }
    }
    rows.finish();
    batch_message(policy, &data)
}

/// The batch-index message around an encoded row list: a BATCH header from the policy,
/// its filter expression (the rows' default) and the BATCH_INDEX field.
fn batch_message(policy: &Policy, data: &[u8]) -> Result<Vec<u8>> {
    let mut h = read_header(policy, 0);
    h.info1 = (h.info1 & !wire::INFO1_READ) | wire::INFO1_BATCH;
    let mut req = Vec::with_capacity(data.len() + 64);
    let mut w = MsgWriter::start(&mut req, &h);
    if let Some(f) = &policy.filter_exp {
        w.field(field::FILTER_EXP, f);
    }
    w.field(field::BATCH_INDEX, data);
    finish(w)?;
    Ok(req)
}

/// Runs one node's part of the batch; appends the reply bodies.
fn run_node(
    node: &Node,
    request: &[u8],
    deadline: Option<Instant>,
    idle: Option<std::time::Duration>,
    out: &mut Vec<Vec<u8>>,
) -> Result<()> {
    let mut bodies = Vec::new();
    node.send_stream(request, deadline, idle, |body| {
        let mut at = 0;
        while at < body.len() {
            let (r, used) = Message::parse_prefix(&body[at..])?;
            at += used;
            if r.header.info3 & wire::INFO3_LAST != 0 {
                bodies.push(body.to_vec());
                return match r.header.result_code {
                    0 => Ok(true),
                    c => Err(Error::server(i32::from(c), false)),
                };
            }
        }
        bodies.push(body.to_vec());
        Ok(false)
    })?;
    out.extend(bodies);
    Ok(())
}

/// One record of a batch of commands (reads, writes, removes): its single-record
/// message as `MsgWriter::start_record` writes it (header, key fields, ops), sent as one
/// row of a BATCH_INDEX request.
#[derive(Debug, Clone)]
pub struct BatchItem<'a> {
    pub key: &'a Key,
    /// The record's message: header, fields (namespace, set, digest, ...) and ops.
    pub record: Vec<u8>,
    /// Whether the record writes (routed to the master, answers every op).
    pub write: bool,
    /// May repeat the previous row when its header, fields and ops are the same (as the
    /// official client does for the same operations on many keys).
    pub may_repeat: bool,
}

/// A row's header, fields and ops (digest left out): equal rows may be sent as repeats.
type RowParts<'m> = (RowHeader, Vec<(u8, &'m [u8])>, &'m [u8]);

fn row_parts<'m>(item: &'m BatchItem<'_>) -> Result<(RowParts<'m>, Message<'m>)> {
    let m = Message::parse(&item.record)?;
    let h = &m.header;
    // UDF rows (three UDF fields, no ops) do not ask for every op's result.
    let udf = m.fields().any(|f| f.ftype == field::UDF_FILENAME);
    let header = if item.write {
        RowHeader {
            info1: h.info1,
            info2: h.info2 | if udf { 0 } else { wire::INFO2_RESPOND_ALL_OPS },
            info3: h.info3,
            info4: (h.info4 != 0).then_some(h.info4),
            generation: Some(u16::try_from(h.generation).unwrap_or(u16::MAX)),
            ttl: Some(h.record_ttl),
        }
    } else {
        RowHeader {
            info1: h.info1,
            info2: h.info2,
            info3: h.info3,
            info4: (h.info4 != 0).then_some(h.info4),
            generation: None,
            ttl: Some(h.record_ttl),
        }
    };
    let fields = m
        .fields()
        .filter(|f| f.ftype != field::DIGEST)
        .map(|f| (f.ftype, f.data))
        .collect();
    Ok(((header, fields, m.ops_bytes()), m))
}

fn build_records_request(
    items: &[BatchItem<'_>],
    indexes: &[usize],
    policy: &Policy,
) -> Result<Vec<u8>> {
    let bad_op = |e| Error::Param(format!("cannot encode the batch: {e}"));
    let mut data = Vec::with_capacity(5 + indexes.len() * 60);
    let mut rows = BatchWriter::start(&mut data, PARENT_FLAGS);
    let mut prev: Option<RowParts<'_>> = None;
    for &i in indexes {
        let item = &items[i];
        let index = u32::try_from(i).map_err(|_| Error::Param("too many keys".into()))?;
        let (parts, m) = row_parts(item)?;
        if item.may_repeat && prev.as_ref() == Some(&parts) {
            rows.repeat_row(index, &item.key.digest);
            continue;
        }
        rows.row(index, &item.key.digest, &parts.0);
        for (t, d) in &parts.1 {
            rows.field(*t, d);
        }
        for o in m.ops() {
            rows.op(o.op_type, o.particle_type, o.name, o.value)
                .map_err(bad_op)?;
        }
        prev = Some(parts);
    }
    rows.finish();
    batch_message(policy, &data)
}

impl Client {
    /// Groups key positions by the node that serves them.
    fn batch_groups<'k>(
        &self,
        keys: impl Iterator<Item = (&'k Key, bool)>,
        policy: &Policy,
    ) -> Result<Vec<(Arc<Node>, Vec<usize>)>> {
        let mut groups: Vec<(Arc<Node>, Vec<usize>)> = Vec::new();
        for (i, (k, write)) in keys.enumerate() {
            let node = self.cluster().node_for(
                &k.namespace,
                k.partition_id(),
                write,
                policy.replica,
                0,
            )?;
            match groups.iter_mut().find(|(n, _)| Arc::ptr_eq(n, &node)) {
                Some((_, v)) => v.push(i),
                None => groups.push((node, vec![i])),
            }
        }
        Ok(groups)
    }

    /// Sends each node its request (built by `build` from the key positions), with
    /// retries; returns every reply body.
    fn batch_run(
        &self,
        groups: Vec<(Arc<Node>, Vec<usize>)>,
        policy: &Policy,
        build: impl Fn(&[usize]) -> Result<Vec<u8>>,
    ) -> Result<BatchReplies> {
        let total =
            (!policy.total_timeout.is_zero()).then(|| Instant::now() + policy.total_timeout);
        let mut replies = BatchReplies::default();
        for (node, idx) in groups {
            let request = build(&idx)?;
            let request = on_wire(&request, policy, self.cluster().compression_threshold());
            let mut attempt = 0;
            loop {
                let idle = (!policy.socket_timeout.is_zero()).then_some(policy.socket_timeout);
                let mut got = Vec::new();
                match run_node(&node, &request, total, idle, &mut got) {
                    Ok(()) => {
                        replies.bodies.extend(got);
                        break;
                    }
                    Err(e)
                        if e.is_retryable()
                            && attempt < policy.max_retries
                            && total.is_none_or(|d| Instant::now() < d) =>
                    {
                        attempt += 1;
                    }
                    Err(e) => return Err(e),
                }
            }
        }
        Ok(replies)
    }

    /// Reads `keys` with one request per node; rows come back by key position.
    pub fn batch_read(
        &self,
        keys: &[Key],
        bins: BatchBins<'_>,
        policy: &Policy,
    ) -> Result<BatchReplies> {
        let groups = self.batch_groups(keys.iter().map(|k| (k, false)), policy)?;
        self.batch_run(groups, policy, |idx| build_request(keys, idx, bins, policy))
    }

    /// Runs reads, writes and removes (`items`) with one request per node; rows come
    /// back by item position.
    pub fn batch_records(&self, items: &[BatchItem<'_>], policy: &Policy) -> Result<BatchReplies> {
        let groups = self.batch_groups(items.iter().map(|i| (i.key, i.write)), policy)?;
        self.batch_run(groups, policy, |idx| {
            build_records_request(items, idx, policy)
        })
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::panic)]
mod tests {
    use super::*;
    use crate::client::{write_header, write_key_fields, write_op};
    use crate::policy::WriteMeta;
    use aeropy_protocol::batch::{ROW_GEN, ROW_INFO23, ROW_REPEAT, ROW_TTL};

    fn item(key: &Key, may_repeat: bool) -> BatchItem<'_> {
        let mut record = Vec::new();
        let h = write_header(&Policy::default(), &WriteMeta::default(), 0);
        let mut w = MsgWriter::start_record(&mut record, &h);
        write_key_fields(&mut w, key, false);
        write_op(
            &mut w,
            op::WRITE,
            particle::INTEGER,
            b"w",
            &1i64.to_be_bytes(),
        )
        .unwrap();
        w.finish();
        BatchItem {
            key,
            record,
            write: true,
            may_repeat,
        }
    }

    /// The rows of a request: (index, row flags, the 4 bytes after the flags).
    fn rows(req: &[u8]) -> Vec<(u32, u8, Vec<u8>)> {
        let m = Message::parse(&req[8..]).unwrap();
        assert_eq!(m.header.info1, wire::INFO1_BATCH);
        let data = m
            .fields()
            .find(|f| f.ftype == field::BATCH_INDEX)
            .unwrap()
            .data;
        let n = u32::from_be_bytes(data[..4].try_into().unwrap());
        assert_eq!(data[4], PARENT_FLAGS);
        let mut at = 5;
        let mut out = Vec::new();
        for _ in 0..n {
            let index = u32::from_be_bytes(data[at..at + 4].try_into().unwrap());
            let flags = data[at + 24];
            at += 25;
            if flags & ROW_REPEAT != 0 {
                out.push((index, flags, Vec::new()));
                continue;
            }
            out.push((index, flags, data[at..at + 3].to_vec()));
            at += 3 + 2 + 4; // info1-3, generation, ttl
            let nf = u16::from_be_bytes([data[at], data[at + 1]]);
            let no = u16::from_be_bytes([data[at + 2], data[at + 3]]);
            at += 4;
            for _ in 0..usize::from(nf) + usize::from(no) {
                let size = u32::from_be_bytes(data[at..at + 4].try_into().unwrap());
                at += 4 + size as usize;
            }
        }
        assert_eq!(at, data.len());
        out
    }

    #[test]
    fn write_rows_answer_all_ops_and_repeat_only_when_allowed() {
        let keys: Vec<Key> = (0..3)
            .map(|i| Key::new("test", "s", crate::key::UserKey::Int(i)).unwrap())
            .collect();
        let full = ROW_INFO23 | ROW_GEN | ROW_TTL;
        let wrote = vec![0, wire::INFO2_WRITE | wire::INFO2_RESPOND_ALL_OPS, 0];

        let items: Vec<_> = keys.iter().map(|k| item(k, false)).collect();
        let req = build_records_request(&items, &[0, 1, 2], &Policy::default()).unwrap();
        let got = rows(&req);
        assert!(
            got.iter().all(|(_, f, h)| *f == full && *h == wrote),
            "{got:?}"
        );

        let items: Vec<_> = keys.iter().map(|k| item(k, true)).collect();
        let req = build_records_request(&items, &[0, 2], &Policy::default()).unwrap();
        assert_eq!(
            rows(&req),
            vec![(0, full, wrote), (2, ROW_REPEAT, Vec::new())]
        );
    }
}
