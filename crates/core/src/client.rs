//! The client: routing, retries and the record commands.
//!
//! Every command is two steps so a binding can hold its interpreter lock only while
//! converting: build the request into a [`MsgWriter`] (with the caller's data, through
//! [`BinEncoder`] or direct writer calls), then [`Client::run`] it with no lock held,
//! then read the reply through a [`RecordVisitor`].

use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::cluster::{Cluster, ClusterConfig};
use crate::error::{Error, Result};
use crate::key::Key;
use crate::node::Node;
use crate::policy::{GenerationPolicy, Policy, RecordExists, WriteMeta};
use crate::wire::{self, Header, MsgWriter, OpView, Reply};

/// Writes the bins of a put as ops.
pub trait BinEncoder {
    /// Appends one op per bin to `w`.
    fn encode_bins(&self, w: &mut MsgWriter) -> Result<()>;
}

/// Receives a record from a reply.
pub trait RecordVisitor {
    /// Generation and void time (seconds since 2010-01-01, 0 = never expires).
    fn meta(&mut self, generation: u32, void_time: u32);
    /// One returned bin or op result, in reply order.
    fn bin(&mut self, op: &OpView<'_>) -> Result<()>;
}

/// Where a command goes.
#[derive(Debug, Clone, Copy)]
pub struct Route<'a> {
    pub namespace: &'a str,
    pub digest: &'a [u8; 20],
    pub write: bool,
}

impl<'a> From<(&'a Key, bool)> for Route<'a> {
    fn from((k, write): (&'a Key, bool)) -> Self {
        Route {
            namespace: &k.namespace,
            digest: &k.digest,
            write,
        }
    }
}

/// An Aerospike client over one cluster.
#[derive(Debug)]
pub struct Client {
    cluster: Cluster,
}

/// Header for a read.
pub fn read_header(policy: &Policy, info1: u8) -> Header {
    let mut info1 = wire::INFO1_READ | info1;
    if policy.read_mode_all {
        info1 |= wire::INFO1_READ_MODE_AP_ALL;
    }
    Header {
        info1,
        timeout_ms: timeout_ms(policy),
        ..Header::default()
    }
}

/// Header for a write with `meta`.
pub fn write_header(policy: &Policy, meta: &WriteMeta, info2: u8) -> Header {
    let mut h = Header {
        info2: wire::INFO2_WRITE | info2,
        ttl: meta.ttl,
        timeout_ms: timeout_ms(policy),
        ..Header::default()
    };
    match meta.exists {
        RecordExists::Update => {}
        RecordExists::UpdateOnly => h.info3 |= wire::INFO3_UPDATE_ONLY,
        RecordExists::Replace => h.info3 |= wire::INFO3_CREATE_OR_REPLACE,
        RecordExists::ReplaceOnly => h.info3 |= wire::INFO3_REPLACE_ONLY,
        RecordExists::CreateOnly => h.info2 |= wire::INFO2_CREATE_ONLY,
    }
    match meta.gen_policy {
        GenerationPolicy::None => {}
        GenerationPolicy::ExpectEqual => {
            h.info2 |= wire::INFO2_GENERATION;
            h.generation = meta.generation;
        }
        GenerationPolicy::ExpectGreater => {
            h.info2 |= wire::INFO2_GENERATION_GT;
            h.generation = meta.generation;
        }
    }
    if policy.commit_master {
        h.info3 |= wire::INFO3_COMMIT_MASTER;
    }
    if policy.durable_delete {
        h.info2 |= wire::INFO2_DURABLE_DELETE;
    }
    h
}

fn timeout_ms(policy: &Policy) -> u32 {
    u32::try_from(policy.total_timeout.as_millis()).unwrap_or(u32::MAX)
}

/// Starts a key command: header, namespace, set, digest and (send_key) the user key.
pub fn begin_key_command(w: &mut MsgWriter, key: &Key, header: &Header, send_key: bool) {
    w.begin(header);
    w.field(wire::FIELD_NAMESPACE, key.namespace.as_bytes());
    if !key.set.is_empty() {
        w.field(wire::FIELD_SET, key.set.as_bytes());
    }
    w.field(wire::FIELD_DIGEST, &key.digest);
    if send_key {
        if let Some(uk) = &key.user_key {
            let (t, b) = uk.particle();
            w.field_parts(wire::FIELD_KEY, &[&[t], &b]);
        }
    }
}

/// Reads a reply: meta and bins to `visitor`; `Ok(false)` for "record not found".
pub fn visit_reply(body: &[u8], visitor: &mut dyn RecordVisitor) -> Result<bool> {
    let r = Reply::parse(body)?;
    match r.result_code {
        0 => {
            visitor.meta(r.generation, r.void_time);
            r.for_each_op(|op| visitor.bin(&op))?;
            Ok(true)
        }
        2 => Ok(false),
        c => Err(Error::server(i32::from(c), false)),
    }
}

/// The result code of a reply.
pub fn reply_code(body: &[u8]) -> Result<u8> {
    Ok(Reply::parse(body)?.result_code)
}

impl Client {
    /// Connects to the cluster (seeds, peers, first partition map).
    pub fn connect(cfg: ClusterConfig) -> Result<Client> {
        Ok(Client {
            cluster: Cluster::connect(cfg)?,
        })
    }

    /// The cluster view.
    pub fn cluster(&self) -> &Cluster {
        &self.cluster
    }

    /// Stops tending and closes the sockets.
    pub fn close(&self) {
        self.cluster.close();
    }

    /// Sends a finished request to the node that owns `route`, with retries; the reply
    /// body lands in `out`. Runs on the calling thread.
    pub fn run(
        &self,
        route: Route<'_>,
        policy: &Policy,
        request: &[u8],
        out: &mut Vec<u8>,
    ) -> Result<()> {
        let start = Instant::now();
        let total = (!policy.total_timeout.is_zero()).then(|| start + policy.total_timeout);
        let pid = crate::key::partition_id(route.digest);
        let mut attempt = 0u32;
        loop {
            let mut deadline = total;
            if !policy.socket_timeout.is_zero() {
                let sd = Instant::now() + policy.socket_timeout;
                deadline = Some(deadline.map_or(sd, |d| d.min(sd)));
            }
            let res = self
                .cluster
                .node_for(route.namespace, pid, route.write, policy.replica, attempt)
                .and_then(|node| node.send(request, deadline, out));
            let err = match res {
                Ok(wire::MSG_AS) => return Ok(()),
                Ok(t) => Error::Parse(format!("unexpected reply message type {t}")),
                Err(e) => e,
            };
            let err = match err {
                Error::Timeout { msg, .. } => Error::Timeout {
                    msg,
                    in_doubt: route.write,
                },
                e => e,
            };
            let total_left = total.is_none_or(|d| Instant::now() < d);
            if !err.is_retryable() || attempt >= policy.max_retries || !total_left {
                return Err(err);
            }
            attempt += 1;
            crate::log!(crate::log::Level::Debug, "retry {attempt} after: {err}");
            if !policy.sleep_between_retries.is_zero() {
                std::thread::sleep(policy.sleep_between_retries);
            }
        }
    }

    /// Writes bins.
    pub fn put(
        &self,
        key: &Key,
        bins: &dyn BinEncoder,
        meta: &WriteMeta,
        policy: &Policy,
    ) -> Result<()> {
        let mut w = MsgWriter::default();
        begin_key_command(&mut w, key, &write_header(policy, meta, 0), policy.send_key);
        bins.encode_bins(&mut w)?;
        let mut out = Vec::new();
        self.run((key, true).into(), policy, w.finish()?, &mut out)?;
        match reply_code(&out)? {
            0 => Ok(()),
            c => Err(Error::server(i32::from(c), false)),
        }
    }

    /// Reads all bins (`bins = None`) or the named ones; `Ok(false)` when missing.
    pub fn get(
        &self,
        key: &Key,
        bins: Option<&[&str]>,
        policy: &Policy,
        visitor: &mut dyn RecordVisitor,
    ) -> Result<bool> {
        let mut w = MsgWriter::default();
        match bins {
            None => begin_key_command(
                &mut w,
                key,
                &read_header(policy, wire::INFO1_GET_ALL),
                false,
            ),
            Some(names) => {
                begin_key_command(&mut w, key, &read_header(policy, 0), false);
                for n in names {
                    w.op(wire::OP_READ, wire::P_NULL, n.as_bytes(), &[])?;
                }
            }
        }
        let mut out = Vec::new();
        self.run((key, false).into(), policy, w.finish()?, &mut out)?;
        visit_reply(&out, visitor)
    }

    /// Runs ops written by `encode` (e.g. through [`BinEncoder`] or `MsgWriter::op`).
    pub fn operate(
        &self,
        key: &Key,
        encode: &dyn Fn(&mut MsgWriter) -> Result<()>,
        meta: &WriteMeta,
        policy: &Policy,
        visitor: &mut dyn RecordVisitor,
    ) -> Result<bool> {
        let mut w = MsgWriter::default();
        begin_key_command(&mut w, key, &Header::default(), policy.send_key);
        encode(&mut w)?;
        let write = finish_operate_header(&mut w, policy, meta);
        let mut out = Vec::new();
        self.run((key, write).into(), policy, w.finish()?, &mut out)?;
        visit_reply(&out, visitor)
    }

    /// Removes a record; `Ok(false)` when it did not exist.
    pub fn remove(&self, key: &Key, meta: &WriteMeta, policy: &Policy) -> Result<bool> {
        let mut w = MsgWriter::default();
        begin_key_command(
            &mut w,
            key,
            &write_header(policy, meta, wire::INFO2_DELETE),
            policy.send_key,
        );
        let mut out = Vec::new();
        self.run((key, true).into(), policy, w.finish()?, &mut out)?;
        match reply_code(&out)? {
            0 => Ok(true),
            2 => Ok(false),
            c => Err(Error::server(i32::from(c), false)),
        }
    }

    /// Info commands on one node.
    pub fn info_node(
        &self,
        node: &Node,
        cmds: &[&str],
        timeout: Duration,
    ) -> Result<Vec<(String, String)>> {
        node.info(cmds, timeout)
    }

    /// Active nodes.
    pub fn nodes(&self) -> Arc<Vec<Arc<Node>>> {
        self.cluster.nodes()
    }
}

/// Sets the header of an operate from the ops written and returns whether it writes.
pub fn finish_operate_header(w: &mut MsgWriter, policy: &Policy, meta: &WriteMeta) -> bool {
    let (reads, writes) = w.op_kinds();
    let mut h = Header::default();
    if writes > 0 {
        h = write_header(policy, meta, 0);
    }
    if reads > 0 {
        let r = read_header(policy, 0);
        h.info1 |= r.info1;
        h.timeout_ms = r.timeout_ms;
    }
    w.or_info(h.info1, h.info2, h.info3);
    w.set_header_numbers(h.generation, h.ttl, h.timeout_ms);
    writes > 0
}
