//! Batch reads: one BATCH_INDEX request per node (protocol.md §7.1-7.2).

use std::sync::Arc;
use std::time::Instant;

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
        let header = RowHeader {
            info1,
            ttl: Some(0),
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
    let mut h = read_header(policy, 0);
    h.info1 = (h.info1 & !wire::INFO1_READ) | wire::INFO1_BATCH;
    let mut req = Vec::with_capacity(data.len() + 64);
    let mut w = MsgWriter::start(&mut req, &h);
    if let Some(f) = &policy.filter_exp {
        w.field(field::FILTER_EXP, f);
    }
    w.field(field::BATCH_INDEX, &data);
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

impl Client {
    /// Reads `keys` with one request per node; rows come back by key position.
    pub fn batch_read(
        &self,
        keys: &[Key],
        bins: BatchBins<'_>,
        policy: &Policy,
    ) -> Result<BatchReplies> {
        let mut groups: Vec<(Arc<Node>, Vec<usize>)> = Vec::new();
        for (i, k) in keys.iter().enumerate() {
            let node = self.cluster().node_for(
                &k.namespace,
                k.partition_id(),
                false,
                policy.replica,
                0,
            )?;
            match groups.iter_mut().find(|(n, _)| Arc::ptr_eq(n, &node)) {
                Some((_, v)) => v.push(i),
                None => groups.push((node, vec![i])),
            }
        }
        let total =
            (!policy.total_timeout.is_zero()).then(|| Instant::now() + policy.total_timeout);
        let mut replies = BatchReplies::default();
        for (node, idx) in groups {
            let request = build_request(keys, &idx, bins, policy)?;
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
}
