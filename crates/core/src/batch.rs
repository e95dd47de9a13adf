//! Batch reads: one BATCH_INDEX request per node (protocol.md §7.1-7.2).

use std::sync::Arc;
use std::time::Instant;

use crate::client::{read_header, Client};
use crate::error::{Error, Result};
use crate::key::Key;
use crate::node::Node;
use crate::policy::Policy;
use crate::wire::{self, MsgWriter, Reply};

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

const FIELD_BATCH_INDEX: u8 = 41;
const INFO1_BATCH: u8 = 0x08;
/// Parent flags as the official client sends them: allow inline, respond for all keys,
/// report error records.
const PARENT_FLAGS: u8 = 0x0d;
const ROW_REPEAT: u8 = 0x01;
const ROW_INFO_TTL: u8 = 0x0a;

/// The reply bodies of a batch: every row of every node, in any order.
#[derive(Debug, Default)]
pub struct BatchReplies {
    bodies: Vec<Vec<u8>>,
}

impl BatchReplies {
    /// Calls `f` for every row (`Reply::batch_index` is the key's position).
    pub fn for_each(&self, mut f: impl FnMut(&Reply<'_>) -> Result<()>) -> Result<()> {
        for body in &self.bodies {
            let mut at = 0;
            while at < body.len() {
                let (r, used) = Reply::parse_prefix(&body[at..])?;
                at += used;
                if r.info3 & wire::INFO3_LAST != 0 {
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
    let mut data = Vec::with_capacity(5 + indexes.len() * 30);
    let count = u32::try_from(indexes.len()).map_err(|_| Error::Param("too many keys".into()))?;
    data.extend_from_slice(&count.to_be_bytes());
    data.push(PARENT_FLAGS);
    let mut prev: Option<&Key> = None;
    for &i in indexes {
        let k = &keys[i];
        data.extend_from_slice(&(i as u32).to_be_bytes());
        data.extend_from_slice(&k.digest);
        if prev.is_some_and(|p| p.namespace == k.namespace && p.set == k.set) {
            data.push(ROW_REPEAT);
            continue;
        }
        prev = Some(k);
        // flags, info1, info2, info3 (flag 0x02), record TTL (flag 0x08)
        data.extend_from_slice(&[ROW_INFO_TTL, info1, 0, 0]);
        data.extend_from_slice(&0u32.to_be_bytes());
        let n_fields: u16 = if k.set.is_empty() { 1 } else { 2 };
        let n_ops: u16 = match bins {
            BatchBins::Names(n) => {
                u16::try_from(n.len()).map_err(|_| Error::Param("too many bins".into()))?
            }
            _ => 0,
        };
        data.extend_from_slice(&n_fields.to_be_bytes());
        data.extend_from_slice(&n_ops.to_be_bytes());
        for (t, v) in [
            (wire::FIELD_NAMESPACE, k.namespace.as_bytes()),
            (wire::FIELD_SET, k.set.as_bytes()),
        ]
        .iter()
        .take(usize::from(n_fields))
        {
            data.extend_from_slice(&((v.len() + 1) as u32).to_be_bytes());
            data.push(*t);
            data.extend_from_slice(v);
        }
        if let BatchBins::Names(names) = bins {
            for n in names {
                if n.len() > wire::MAX_BIN_NAME {
                    return Err(Error::Param(format!(
                        "bin name too long (max 15 bytes): {n:?}"
                    )));
                }
                data.extend_from_slice(&((4 + n.len()) as u32).to_be_bytes());
                data.extend_from_slice(&[wire::OP_READ, wire::P_NULL, 0, n.len() as u8]);
                data.extend_from_slice(n.as_bytes());
            }
        }
    }
    let mut w = MsgWriter::default();
    let mut h = read_header(policy, 0);
    h.info1 = (h.info1 & !wire::INFO1_READ) | INFO1_BATCH;
    w.begin(&h);
    if let Some(f) = &policy.filter_exp {
        w.field(wire::FIELD_FILTER_EXP, f);
    }
    w.field(FIELD_BATCH_INDEX, &data);
    Ok(w.finish()?.to_vec())
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
            let (r, used) = Reply::parse_prefix(&body[at..])?;
            at += used;
            if r.info3 & wire::INFO3_LAST != 0 {
                bodies.push(body.to_vec());
                return match r.result_code {
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
