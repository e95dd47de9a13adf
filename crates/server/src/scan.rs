//! Scans and queries (AS_MSG without a digest): partition walks with resume digests,
//! set filter, bin selection, max-records, filter expressions and secondary-index
//! ranges (numeric range, string/blob equality, list/map-key/map-value "contains").
//! A write header or UDF_OP 2 makes it a background job (see `jobs`). Context and
//! expression indexes and aggregations are refused with 16 rather than answered
//! wrongly.

use std::sync::atomic::Ordering;

use aeropy_protocol::digest::{partition_id, N_PARTITIONS};
use aeropy_protocol::frame::{self, TYPE_MSG};
use aeropy_protocol::msg::{self, field, op, Message, MsgHeader, MsgWriter};
use aeropy_protocol::result_code as rc;

use crate::cluster::Shared;
use crate::exp::Filter;
use crate::sindex::{self, Query};
use crate::store::{Namespace, Now, Record};

/// Reply frames are cut at about this size.
const FRAME_SPLIT: usize = 256 * 1024;

fn refuse(out: &mut Vec<u8>, code: u8) {
    msg::write_header_only(
        out,
        &MsgHeader {
            result_code: code,
            ..MsgHeader::default()
        },
    );
}

/// One partition to scan, optionally resuming below a digest.
pub(crate) struct Part {
    pub pid: u16,
    pub below: Option<[u8; 20]>,
}

fn partitions(m: &Message, shared: &Shared, node: usize) -> Option<Vec<Part>> {
    let pids = m.field(field::PID_ARRAY);
    let digests = m.field(field::DIGEST_ARRAY);
    if pids.is_none() && digests.is_none() {
        // Old-style scan sent to every node: each node returns what it masters.
        let t = shared.topo();
        return Some(
            (0..N_PARTITIONS)
                .filter(|p| t.replica(*p, 0) == Some(node))
                .map(|pid| Part { pid, below: None })
                .collect(),
        );
    }
    let mut parts = Vec::new();
    if let Some(p) = pids {
        if p.len() % 2 != 0 {
            return None;
        }
        for c in p.chunks_exact(2) {
            let pid = u16::from_le_bytes([c[0], c[1]]);
            if pid >= N_PARTITIONS {
                return None;
            }
            parts.push(Part { pid, below: None });
        }
    }
    if let Some(d) = digests {
        if d.len() % 20 != 0 {
            return None;
        }
        for c in d.chunks_exact(20) {
            let digest: [u8; 20] = c.try_into().ok()?;
            parts.push(Part {
                pid: partition_id(&digest),
                below: Some(digest),
            });
        }
    }
    Some(parts)
}

/// Selected bin names: READ ops, or the legacy QUERY_BINLIST field. `None` = all bins.
fn selected_bins<'a>(m: &Message<'a>) -> Option<Vec<&'a [u8]>> {
    let from_ops: Vec<&[u8]> = m
        .ops()
        .filter(|o| o.op_type == op::READ)
        .map(|o| o.name)
        .collect();
    if !from_ops.is_empty() {
        return Some(from_ops);
    }
    let list = m.field(field::QUERY_BINLIST)?;
    let (n, mut rest) = list.split_first()?;
    let mut names = Vec::with_capacity(usize::from(*n));
    for _ in 0..*n {
        let (len, r) = rest.split_first()?;
        let (name, r) = r.split_at_checked(usize::from(*len))?;
        names.push(name);
        rest = r;
    }
    Some(names)
}

fn write_record(
    out: &mut Vec<u8>,
    ns: &Namespace,
    digest: &[u8; 20],
    r: &Record,
    no_bins: bool,
    bins: &Option<Vec<&[u8]>>,
    bval: Option<i64>,
) {
    let header = MsgHeader {
        info1: if no_bins { msg::INFO1_GET_NO_BINS } else { 0 },
        generation: u32::from(r.generation),
        record_ttl: r.void_time,
        ..MsgHeader::default()
    };
    let mut w = MsgWriter::start_record(out, &header);
    w.namespace_field(ns.name.as_bytes()).digest_field(digest);
    if !r.set.is_empty() {
        w.set_field(&r.set);
    }
    if let Some(k) = &r.key {
        w.field(field::KEY, k);
    }
    if let Some(b) = bval {
        // Secondary-index replies carry the matched value (little-endian i64).
        w.field(field::BVAL_ARRAY, &b.to_le_bytes());
    }
    if !no_bins {
        for b in &r.bins {
            if bins
                .as_ref()
                .is_none_or(|names| names.contains(&b.name.as_bytes()))
            {
                w.op(op::READ, b.ptype, b.name.as_bytes(), &b.value);
            }
        }
    }
    w.finish();
}

/// The secondary-index filter of a query (INDEX_RANGE, by bin or INDEX_NAME), or
/// `None` for a plain scan; a missing index is 201.
fn index_query(shared: &Shared, ns: &Namespace, m: &Message) -> Result<Option<Query>, u8> {
    let Some(range) = m.field(field::INDEX_RANGE) else {
        return if m.field(field::INDEX_NAME).is_some() {
            Err(rc::PARAMETER_ERROR)
        } else {
            Ok(None)
        };
    };
    let (bin, ptype, begin, end) = sindex::parse_range(range)?;
    let itype = match m.field(field::INDEX_TYPE) {
        Some([t]) => *t,
        Some(_) => return Err(rc::PARAMETER_ERROR),
        None => 0,
    };
    let name = m
        .field(field::INDEX_NAME)
        .map(|n| String::from_utf8_lossy(n).into_owned());
    let def = shared
        .indexes
        .find(&ns.name, name.as_deref(), &bin, ptype, itype)
        .ok_or(rc::INDEX_NOT_FOUND)?;
    if def.ptype != ptype {
        return Err(rc::PARAMETER_ERROR);
    }
    Query::new(def, begin, end).map(Some)
}

/// Executes a scan request, appending the reply frames to `out`.
pub(crate) fn handle(shared: &Shared, node: usize, m: &Message, out: &mut Vec<u8>) {
    if let Some(s) = shared.stats.get(node) {
        s.requests.fetch_add(1, Ordering::Relaxed);
    }
    let Some(ns) = m
        .field(field::NAMESPACE)
        .and_then(|n| shared.store.namespace(n))
    else {
        let code = if m.field(field::NAMESPACE).is_some() {
            rc::NAMESPACE_NOT_FOUND
        } else {
            rc::PARAMETER_ERROR
        };
        return refuse(out, code);
    };
    let later_issue = [field::INDEX_EXPRESSION, field::INDEX_CONTEXT];
    // UDF_OP 1 is an aggregation (stream UDF with a client-side reduce): not emulated.
    if later_issue.iter().any(|f| m.field(*f).is_some()) || m.field(field::UDF_OP) == Some(&[1]) {
        return refuse(out, rc::UNSUPPORTED_FEATURE);
    }
    // A write-style header or a background UDF (UDF_OP 2; Rust sends it with a
    // read-style header) makes it a job applied to each record.
    let background = m.header.info2 & msg::INFO2_WRITE != 0 || m.field(field::UDF_OP) == Some(&[2]);
    if !background && m.ops().any(|o| o.op_type != op::READ) {
        return refuse(out, rc::PARAMETER_ERROR);
    }
    let query = match index_query(shared, ns, m) {
        Ok(q) => q,
        Err(code) => return refuse(out, code),
    };
    let Some(parts) = partitions(m, shared, node) else {
        return refuse(out, rc::PARAMETER_ERROR);
    };
    {
        let t = shared.topo();
        if parts
            .iter()
            .any(|p| !t.serves(node, p.pid, ns.replication_factor, false))
        {
            if let Some(s) = shared.stats.get(node) {
                s.misroutes.fetch_add(1, Ordering::Relaxed);
            }
        }
    }
    let set = m.field(field::SET).filter(|s| !s.is_empty());
    if background {
        return crate::jobs::run(shared, node, ns, m, &parts, set, query.as_ref(), out);
    }
    let max = m
        .field(field::MAX_RECORDS)
        .and_then(|v| v.try_into().ok())
        .map(u64::from_be_bytes)
        .filter(|v| *v > 0)
        .unwrap_or(u64::MAX);
    let filter = match m.field(field::FILTER_EXP).map(Filter::parse).transpose() {
        Ok(f) => f,
        Err(code) => return refuse(out, code),
    };
    let no_bins = m.header.info1 & msg::INFO1_GET_NO_BINS != 0;
    let bins = selected_bins(m);
    let now = Now::get();
    let mut sent = 0u64;
    let scan_start = out.len();
    let mut start = frame::begin_frame(out, TYPE_MSG);
    'parts: for p in &parts {
        let part = ns.lock(p.pid);
        // Primary-index order: descending digest; resume strictly below the digest.
        let mut digests: Vec<&[u8; 20]> = part
            .iter()
            .filter(|(d, r)| {
                !r.is_expired(&now)
                    && set.is_none_or(|s| &*r.set == s)
                    && p.below.is_none_or(|b| **d < b)
            })
            .map(|(d, _)| d)
            .collect();
        digests.sort_unstable_by(|a, b| b.cmp(a));
        for d in digests {
            if sent >= max {
                break 'parts;
            }
            let Some(r) = part.get(d) else { continue };
            match filter.as_ref().map(|f| f.matches(r, &now)) {
                Some(Ok(false)) => continue,
                Some(Err(code)) => {
                    // An expression we cannot evaluate: refuse the whole scan.
                    out.truncate(scan_start);
                    return refuse(out, code);
                }
                _ => {}
            }
            let bval = match &query {
                Some(q) => match q.matches(r) {
                    Some(b) => Some(b),
                    None => continue,
                },
                None => None,
            };
            write_record(out, ns, d, r, no_bins, &bins, bval);
            sent += 1;
            if out.len() - start > FRAME_SPLIT {
                frame::end_frame(out, start);
                start = frame::begin_frame(out, TYPE_MSG);
            }
        }
    }
    MsgWriter::start_record(
        out,
        &MsgHeader {
            info3: msg::INFO3_LAST,
            ..MsgHeader::default()
        },
    )
    .finish();
    frame::end_frame(out, start);
}
