//! Background scan/query jobs (write ops applied to every selected record) and the
//! `query-show` / `scan-show` / `jobs` info commands that clients poll. Jobs run to
//! completion before the request is answered, so they always report `done`.

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::time::Instant;

use aeropy_protocol::info::Command;
use aeropy_protocol::msg::{self, field, Message};
use aeropy_protocol::result_code as rc;

use crate::cluster::Shared;
use crate::record::{self, MsgFields, Request};
use crate::scan::Part;
use crate::sindex::Query;
use crate::store::{Namespace, Now};

/// What `query-show` reports about a job.
#[derive(Debug, Clone, Default)]
struct Job {
    ns: String,
    set: String,
    succeeded: u64,
    failed: u64,
    run_ms: u128,
}

/// Every job part each node ran, by (node, task id): as on a real cluster, each node
/// tracks only the records of the partitions it was sent, so clients summing
/// `query-show` over the nodes get the real total.
#[derive(Default)]
pub(crate) struct Jobs(Mutex<BTreeMap<(usize, u64), Job>>);

impl Jobs {
    fn lock(&self) -> std::sync::MutexGuard<'_, BTreeMap<(usize, u64), Job>> {
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn format(id: u64, j: &Job) -> String {
        format!(
            "trid={id}:ns={}:set={}:rps=0:active-threads=0:status=done(ok):job-progress=100.00:run-time={}:\
time-since-done=0:recs-throttled=0:recs-filtered-meta=0:recs-filtered-bins=0:recs-succeeded={}:\
recs-failed={}:from=embedded",
            j.ns, j.set, j.run_ms, j.succeeded, j.failed
        )
    }

    /// `query-show[:id=N|trid=N]`, `scan-show…`, `jobs:module=…;cmd=get-job;trid=N`
    /// as answered by node `node` (its own part of each job only).
    pub fn show(&self, node: usize, cmd: &Command) -> String {
        let jobs = self.lock();
        match cmd.param("id").or_else(|| cmd.param("trid")) {
            None => jobs
                .range((node, 0)..=(node, u64::MAX))
                .map(|((_, id), j)| Self::format(*id, j))
                .collect::<Vec<_>>()
                .join(";"),
            Some(id) => match id
                .parse::<u64>()
                .ok()
                .and_then(|i| jobs.get(&(node, i)).map(|j| (i, j)))
            {
                Some((i, j)) => Self::format(i, j),
                None => "ERROR:2:job not found".to_string(),
            },
        }
    }
}

/// Runs a background job over the selected records and answers with a bare LAST
/// header, as the server does once the job is registered.
#[allow(clippy::too_many_arguments)] // the scan's already-parsed selection
pub(crate) fn run(
    shared: &Shared,
    node: usize,
    ns: &Namespace,
    m: &Message,
    parts: &[Part],
    set: Option<&[u8]>,
    query: Option<&Query>,
    out: &mut Vec<u8>,
) {
    let started = Instant::now();
    let now = Now::get();
    let task_id = m
        .field(field::TRID)
        .and_then(|v| v.try_into().ok())
        .map(u64::from_be_bytes)
        .unwrap_or(0);
    let mut job = Job {
        ns: ns.name.clone(),
        set: String::from_utf8_lossy(set.unwrap_or_default()).into_owned(),
        ..Job::default()
    };
    let mut scratch = Vec::new();
    for p in parts {
        // Collect first: executing a write locks the partition again.
        let digests: Vec<[u8; 20]> = {
            let part = ns.lock(p.pid);
            part.iter()
                .filter(|(d, r)| {
                    !r.is_expired(&now)
                        && set.is_none_or(|s| &*r.set == s)
                        && p.below.is_none_or(|b| **d < b)
                        && query.is_none_or(|q| q.matches(r).is_some())
                })
                .map(|(d, _)| *d)
                .collect()
        };
        let fields = MsgFields::of(m);
        for d in &digests {
            let h = m.header;
            let req = Request {
                info1: 0,
                info2: h.info2,
                // The write's exists policy; PARTITION_DONE is only a scan marker.
                info3: h.info3 & !msg::INFO3_PARTITION_DONE,
                generation: h.generation,
                record_ttl: h.record_ttl,
                digest: Some(d),
                filter: fields.filter,
                msg: *m,
                fields,
            };
            scratch.clear();
            match record::execute(shared, node, &req, 0, &mut scratch) {
                rc::OK => job.succeeded += 1,
                rc::FILTERED_OUT => {}
                _ => job.failed += 1,
            }
        }
    }
    job.run_ms = started.elapsed().as_millis();
    {
        let mut jobs = shared.jobs.lock();
        let entry = jobs.entry((node, task_id)).or_default();
        entry.ns = job.ns;
        entry.set = job.set;
        entry.succeeded += job.succeeded;
        entry.failed += job.failed;
        entry.run_ms += job.run_ms;
    }
    record::write_last(out, rc::OK);
}
