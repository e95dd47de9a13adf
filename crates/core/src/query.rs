//! Scans and secondary-index queries: one request per node for the partitions it
//! masters, replies streamed until LAST (protocol.md §7.3-7.4, §9.3).

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use crate::client::Client;
use crate::error::{Error, Result};
use crate::node::{Blocking, Flow, InPlace, Node};
use crate::policy::Policy;
use aeropy_protocol::frame;
use aeropy_protocol::msg::{
    self as wire, field, op, Message, MsgHeader, MsgWriter, MAX_BIN_NAME_LEN,
};
use aeropy_protocol::{particle, query};

use crate::client::{finish, on_wire, write_op};

const INFO3_PARTITION_DONE: u8 = wire::INFO3_PARTITION_DONE;

/// A secondary-index filter (one range; equality is begin = end).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndexFilter {
    pub bin: String,
    /// Particle type of the values: 1 integer, 3 string, 4 blob, 23 GeoJSON.
    pub particle: u8,
    pub begin: Vec<u8>,
    pub end: Vec<u8>,
    /// 0 default, 1 list, 2 map keys, 3 map values.
    pub index_type: u8,
}

impl IndexFilter {
    fn encode(&self) -> Result<Vec<u8>> {
        if self.bin.len() > MAX_BIN_NAME_LEN {
            return Err(Error::Param(format!(
                "bin name too long (max {MAX_BIN_NAME_LEN} bytes): {:?}",
                self.bin
            )));
        }
        let mut b = Vec::new();
        query::write_index_range(
            &mut b,
            self.bin.as_bytes(),
            self.particle,
            &self.begin,
            &self.end,
        )
        .map_err(|e| Error::Param(format!("bad query filter: {e}")))?;
        Ok(b)
    }
}

/// What a scan or query reads.
#[derive(Debug, Clone, Default)]
pub struct QuerySpec {
    pub namespace: String,
    pub set: String,
    /// Bins to return (`None`: all).
    pub bins: Option<Vec<String>>,
    /// Metadata only.
    pub no_bins: bool,
    pub filter: Option<IndexFilter>,
    /// Per-node record cap (0 = none).
    pub max_records: u64,
    pub records_per_second: u32,
}

/// The records of a scan or query (each its raw reply message), in arrival order.
#[derive(Debug, Default)]
pub struct QueryReplies {
    bodies: Vec<Vec<u8>>,
}

impl QueryReplies {
    /// Calls `f` for every record; `f` returns false to stop early.
    pub fn for_each(&self, mut f: impl FnMut(&Message<'_>) -> Result<bool>) -> Result<()> {
        for body in &self.bodies {
            let mut at = 0;
            while at < body.len() {
                let (r, used) = Message::parse_prefix(&body[at..])?;
                at += used;
                let h = &r.header;
                if h.info3 & (wire::INFO3_LAST | INFO3_PARTITION_DONE) != 0 || h.result_code != 0 {
                    continue;
                }
                if !f(&r)? {
                    return Ok(());
                }
            }
        }
        Ok(())
    }
}

static TASK_IDS: AtomicU64 = AtomicU64::new(0);

fn task_id() -> u64 {
    let t = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_nanos() as u64)
        .unwrap_or(0);
    (t ^ TASK_IDS.fetch_add(0x9E37_79B9_7F4A_7C15, Ordering::Relaxed)) | 1
}

fn build_request(spec: &QuerySpec, pids: &[u16], policy: &Policy) -> Result<Vec<u8>> {
    let mut info1 = wire::INFO1_READ;
    if spec.no_bins {
        info1 |= wire::INFO1_GET_NO_BINS;
    }
    let h = MsgHeader {
        info1,
        info3: INFO3_PARTITION_DONE,
        record_ttl: u32::MAX,
        transaction_ttl: u32::try_from(policy.total_timeout.as_millis()).unwrap_or(u32::MAX),
        ..MsgHeader::default()
    };
    let mut req = Vec::new();
    let mut w = MsgWriter::start(&mut req, &h);
    w.namespace_field(spec.namespace.as_bytes());
    if !spec.set.is_empty() {
        w.set_field(spec.set.as_bytes());
    }
    let st = u32::try_from(policy.socket_timeout.as_millis()).unwrap_or(u32::MAX);
    w.field_u32(field::SOCKET_TIMEOUT, st);
    w.field_u64(field::TRID, task_id());
    w.field_with(field::PID_ARRAY, |b| query::write_pid_array(b, pids));
    if spec.max_records > 0 {
        w.field_u64(field::MAX_RECORDS, spec.max_records);
    }
    if spec.records_per_second > 0 {
        w.field_u32(field::RECORDS_PER_SECOND, spec.records_per_second);
    }
    if let Some(f) = &policy.filter_exp {
        w.field(field::FILTER_EXP, f);
    }
    if let Some(f) = &spec.filter {
        if f.index_type != 0 {
            w.field(field::INDEX_TYPE, &[f.index_type]);
        }
        w.field(field::INDEX_RANGE, &f.encode()?);
    }
    if let Some(bins) = &spec.bins {
        for b in bins {
            write_op(&mut w, op::READ, particle::NULL, b.as_bytes(), &[])?;
        }
    }
    finish(w)?;
    Ok(req)
}

/// Streams one node's replies: every record to `f` as its reply body arrives. Returns
/// whether `f` stopped the scan (the socket is then closed, its stream unread).
fn run_node(
    node: &Node,
    request: &[u8],
    deadline: Option<Instant>,
    idle: Option<std::time::Duration>,
    delivered: &mut bool,
    waits: &mut impl Blocking,
    f: &mut impl FnMut(&[u8], &Message<'_>) -> Result<bool>,
) -> Result<bool> {
    let mut stopped = false;
    node.stream_of(frame::TYPE_MSG, request, deadline, idle, waits, |body| {
        let mut at = 0;
        let mut done = false;
        while at < body.len() {
            let raw = &body[at..];
            let (r, used) = Message::parse_prefix(raw)?;
            let raw = &raw[..used];
            at += used;
            let h = &r.header;
            let marker = h.info3 & INFO3_PARTITION_DONE != 0;
            if h.info3 & wire::INFO3_LAST != 0 {
                if h.result_code != 0 {
                    return Err(Error::server(i32::from(h.result_code), false));
                }
                done = true;
            } else if h.result_code != 0 && !marker {
                // Errors before the stream starts come as one bare header without LAST.
                return Err(Error::server(i32::from(h.result_code), false));
            } else if !marker {
                *delivered = true;
                if !f(raw, &r)? {
                    stopped = true;
                    return Ok(Flow::Stop);
                }
            }
        }
        Ok(if done { Flow::Done } else { Flow::More })
    })?;
    Ok(stopped)
}

impl Client {
    /// Scans (no filter) or queries (with `spec.filter`) every node for the partitions it
    /// masters; returns every record.
    pub fn query(&self, spec: &QuerySpec, policy: &Policy) -> Result<QueryReplies> {
        let mut replies = QueryReplies::default();
        self.query_raw(spec, policy, &mut InPlace, |raw, _| {
            replies.bodies.push(raw.to_vec());
            Ok(true)
        })?;
        Ok(replies)
    }

    /// Scans or queries every node, calling `f` for each record as its reply arrives;
    /// `f` returns false to stop (the node's socket is closed, no other node is asked).
    /// A node is retried only while none of its records has been delivered. Every wait on
    /// the network runs through `waits`, `f` outside it.
    pub fn query_each(
        &self,
        spec: &QuerySpec,
        policy: &Policy,
        waits: &mut impl Blocking,
        mut f: impl FnMut(&Message<'_>) -> Result<bool>,
    ) -> Result<()> {
        self.query_raw(spec, policy, waits, |_, r| f(r))
    }

    /// `query_each`, with each record's raw message bytes too.
    fn query_raw(
        &self,
        spec: &QuerySpec,
        policy: &Policy,
        waits: &mut impl Blocking,
        mut f: impl FnMut(&[u8], &Message<'_>) -> Result<bool>,
    ) -> Result<()> {
        let nodes = self.nodes();
        if nodes.is_empty() {
            return Err(Error::Cluster("no node in the cluster".into()));
        }
        let total =
            (!policy.total_timeout.is_zero()).then(|| Instant::now() + policy.total_timeout);
        for node in nodes.iter() {
            let pids = self.cluster().partitions_of(&spec.namespace, node)?;
            if pids.is_empty() {
                continue;
            }
            let request = build_request(spec, &pids, policy)?;
            let request = on_wire(&request, policy, self.cluster().compression_threshold());
            let mut attempt = 0;
            loop {
                let idle = (!policy.socket_timeout.is_zero()).then_some(policy.socket_timeout);
                let mut delivered = false;
                match run_node(node, &request, total, idle, &mut delivered, waits, &mut f) {
                    Ok(true) => return Ok(()),
                    Ok(false) => break,
                    Err(e)
                        if !delivered
                            && e.is_retryable()
                            && attempt < policy.max_retries
                            && total.is_none_or(|d| Instant::now() < d) =>
                    {
                        attempt += 1;
                    }
                    Err(e) => return Err(e),
                }
            }
        }
        Ok(())
    }
}

/// A background job's request (protocol.md §7.5): the scan/query fields, then what
/// `extra` writes (the UDF fields, or write ops). The same request goes to every node
/// (no partition list: each node runs the job over the partitions it masters).
/// Returns the job id (the task id) and the request.
pub fn build_background(
    spec: &QuerySpec,
    policy: &Policy,
    header: &MsgHeader,
    extra: impl FnOnce(&mut MsgWriter<'_>) -> Result<()>,
) -> Result<(u64, Vec<u8>)> {
    let h = MsgHeader {
        transaction_ttl: u32::try_from(policy.total_timeout.as_millis()).unwrap_or(u32::MAX),
        ..*header
    };
    let id = task_id() >> 1;
    let mut req = Vec::new();
    let mut w = MsgWriter::start(&mut req, &h);
    w.namespace_field(spec.namespace.as_bytes());
    if !spec.set.is_empty() {
        w.set_field(spec.set.as_bytes());
    }
    let st = u32::try_from(policy.socket_timeout.as_millis()).unwrap_or(u32::MAX);
    w.field_u32(field::SOCKET_TIMEOUT, st);
    w.field_u64(field::TRID, id);
    if spec.records_per_second > 0 {
        w.field_u32(field::RECORDS_PER_SECOND, spec.records_per_second);
    }
    if let Some(f) = &policy.filter_exp {
        w.field(field::FILTER_EXP, f);
    }
    if let Some(f) = &spec.filter {
        if f.index_type != 0 {
            w.field(field::INDEX_TYPE, &[f.index_type]);
        }
        w.field(field::INDEX_RANGE, &f.encode()?);
    }
    extra(&mut w)?;
    finish(w)?;
    Ok((id, req))
}

/// Writes the fields of a background record UDF: UDF_OP 2, module, function, args.
pub fn write_background_udf(
    w: &mut MsgWriter<'_>,
    module: &str,
    function: &str,
    packed_args: &[u8],
) {
    w.field(field::UDF_OP, &[2]);
    w.field(field::UDF_FILENAME, module.as_bytes());
    w.field(field::UDF_FUNCTION, function.as_bytes());
    w.field(field::UDF_ARGLIST, packed_args);
}

/// The state of a background job, summed over the nodes (`aerospike.JOB_STATUS_*`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct JobInfo {
    /// 0 undefined, 1 in progress, 2 completed.
    pub status: u8,
    pub progress_pct: u32,
    pub records_read: u64,
}

/// Reads one node's `query-show` reply into `info`; false when the node does not know
/// the job (`ERROR:2:...`: finished and forgotten, or never started there).
fn merge_job_reply(value: &str, info: &mut JobInfo, first: bool) -> Result<bool> {
    let v = value.trim();
    if let Some(rest) = v.strip_prefix("ERROR").or_else(|| v.strip_prefix("FAIL")) {
        let rest = rest.trim_start_matches([':', '=']);
        let (code, msg) = rest.split_once(':').unwrap_or((rest, ""));
        let code = code.trim().parse().unwrap_or(1);
        if code == 2 {
            return Ok(false);
        }
        return Err(Error::Server {
            code,
            msg: if msg.is_empty() {
                v.to_string()
            } else {
                msg.to_string()
            },
            in_doubt: false,
        });
    }
    let mut status = 0u8;
    let mut pct = 0u32;
    for kv in v.split([':', ';']) {
        let Some((k, val)) = kv.split_once('=') else {
            continue;
        };
        match k.trim() {
            "status" => {
                let s = val.trim().to_ascii_lowercase();
                status = if s.starts_with("done") {
                    2
                } else if s.starts_with("active") || s.starts_with("in") {
                    1
                } else {
                    0
                };
            }
            "job-progress" | "job_progress" => {
                pct = val.trim().parse::<f64>().map(|p| p as u32).unwrap_or(0);
            }
            "recs-read" | "recs-succeeded" | "recs_read" => {
                info.records_read += val.trim().parse::<u64>().unwrap_or(0);
            }
            _ => {}
        }
    }
    if first {
        info.status = status;
        info.progress_pct = pct;
    } else {
        // In progress anywhere means in progress; progress is the slowest node's.
        if status == 1 || info.status == 1 {
            info.status = 1;
        } else {
            info.status = info.status.min(status);
        }
        info.progress_pct = info.progress_pct.min(pct);
    }
    Ok(true)
}

impl Client {
    /// Sends a background job request to every node; each answers once the job is
    /// registered.
    pub fn execute_background(&self, request: &[u8], policy: &Policy) -> Result<()> {
        let nodes = self.nodes();
        if nodes.is_empty() {
            return Err(Error::Cluster("no node in the cluster".into()));
        }
        let total =
            (!policy.total_timeout.is_zero()).then(|| Instant::now() + policy.total_timeout);
        let idle = (!policy.socket_timeout.is_zero()).then_some(policy.socket_timeout);
        let request = on_wire(request, policy, self.cluster().compression_threshold());
        for node in nodes.iter() {
            let mut none = |_: &[u8], _: &Message<'_>| Ok(true);
            run_node(
                node,
                &request,
                total,
                idle,
                &mut false,
                &mut InPlace,
                &mut none,
            )?;
        }
        Ok(())
    }

    /// The state of job `id` over every node (`query-show:id=<id>`, protocol.md §7.6).
    pub fn job_info(&self, id: u64, timeout: std::time::Duration) -> Result<JobInfo> {
        let nodes = self.nodes();
        if nodes.is_empty() {
            return Err(Error::Cluster("no node in the cluster".into()));
        }
        let cmd = format!("query-show:id={id}");
        let mut info = JobInfo {
            status: 2,
            progress_pct: 100,
            records_read: 0,
        };
        let mut first = true;
        for node in nodes.iter() {
            let pairs = node.info(&[cmd.as_str()], timeout)?;
            let value = pairs.into_iter().next().map(|(_, v)| v).unwrap_or_default();
            if merge_job_reply(&value, &mut info, first)? {
                first = false;
            }
        }
        Ok(info)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod job_tests {
    use super::*;

    #[test]
    fn job_replies() {
        let mut i = JobInfo {
            status: 2,
            progress_pct: 100,
            records_read: 0,
        };
        let done = "trid=1:ns=test:set=vecs:status=done(ok):job-progress=100.00:recs-succeeded=20";
        assert!(merge_job_reply(done, &mut i, true).unwrap());
        assert_eq!((i.status, i.progress_pct, i.records_read), (2, 100, 20));
        let active = "trid=1:status=active(ok):job-progress=42.50:recs-read=5";
        assert!(merge_job_reply(active, &mut i, false).unwrap());
        assert_eq!((i.status, i.progress_pct, i.records_read), (1, 42, 25));
        assert!(!merge_job_reply("ERROR:2:job not found", &mut i, false).unwrap());
        assert!(merge_job_reply("ERROR:4:bad id", &mut i, false).is_err());
    }
}
