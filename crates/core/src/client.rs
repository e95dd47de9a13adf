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
use aeropy_protocol::frame;
use aeropy_protocol::msg::{
    self as wire, op, Message, MsgHeader, MsgWriter, Op, OpStart, MAX_BIN_NAME_LEN,
};
use aeropy_protocol::particle;

/// Writes the bins of a put as ops.
pub trait BinEncoder {
    /// Appends one op per bin to `w`.
    fn encode_bins(&self, w: &mut MsgWriter<'_>) -> Result<()>;
}

/// Receives a record from a reply.
pub trait RecordVisitor {
    /// Generation and void time (seconds since 2010-01-01, 0 = never expires).
    fn meta(&mut self, generation: u32, void_time: u32);
    /// One returned bin or op result, in reply order.
    fn bin(&mut self, op: &Op<'_>) -> Result<()>;
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
pub fn read_header(policy: &Policy, info1: u8) -> MsgHeader {
    let mut info1 = wire::INFO1_READ | info1;
    if policy.read_mode_all {
        info1 |= wire::INFO1_READ_MODE_AP_ALL;
    }
    let info3 = match policy.read_mode_sc {
        1 => wire::INFO3_SC_READ_TYPE,
        2 => wire::INFO3_SC_READ_RELAX,
        3 => wire::INFO3_SC_READ_TYPE | wire::INFO3_SC_READ_RELAX,
        _ => 0,
    };
    MsgHeader {
        info1,
        info3,
        // Reads carry read_touch_ttl_percent where writes carry the TTL (-1 = never).
        record_ttl: policy.read_touch_ttl_percent as u32,
        transaction_ttl: timeout_ms(policy),
        ..MsgHeader::default()
    }
}

/// The request as sent: zlib-compressed into a type-4 frame, asking for a compressed
/// reply, when `policy.compress` is on and it is larger than the policy's threshold
/// (else the client's, `threshold`).
pub(crate) fn on_wire<'r>(
    request: &'r [u8],
    policy: &Policy,
    threshold: usize,
) -> std::borrow::Cow<'r, [u8]> {
    let threshold = match policy.compression_threshold {
        0 => threshold,
        t => t,
    };
    if !policy.compress || request.len() <= threshold || request.get(1) != Some(&frame::TYPE_MSG) {
        return std::borrow::Cow::Borrowed(request);
    }
    let mut plain = request.to_vec();
    if let Some(info1) = plain.get_mut(frame::HEADER_SIZE + 1) {
        *info1 |= wire::INFO1_COMPRESS_RESPONSE;
    }
    std::borrow::Cow::Owned(frame::deflate(&plain))
}

/// Header for a write with `meta`.
pub fn write_header(policy: &Policy, meta: &WriteMeta, info2: u8) -> MsgHeader {
    let mut h = MsgHeader {
        info2: wire::INFO2_WRITE | info2,
        record_ttl: meta.ttl,
        transaction_ttl: timeout_ms(policy),
        ..MsgHeader::default()
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

/// Starts a key command at the end of `buf`: header, namespace, set, digest and
/// (send_key) the user key.
pub fn begin_key_command<'b>(
    buf: &'b mut Vec<u8>,
    key: &Key,
    header: &MsgHeader,
    send_key: bool,
) -> MsgWriter<'b> {
    let mut w = MsgWriter::start(buf, header);
    write_key_fields(&mut w, key, send_key);
    w
}

/// Appends the namespace, set, digest and (send_key) user-key fields of `key`.
pub fn write_key_fields(w: &mut MsgWriter<'_>, key: &Key, send_key: bool) {
    w.namespace_field(key.namespace.as_bytes());
    if !key.set.is_empty() {
        w.set_field(key.set.as_bytes());
    }
    w.digest_field(&key.digest);
    if send_key {
        if let Some(uk) = &key.user_key {
            let (t, b) = uk.particle();
            w.key_field(t, &b);
        }
    }
}

/// Opens an op whose value the caller appends to `w.buffer()` (and may fail half-way);
/// close it with [`end_op`]. Rejects bin names over 15 bytes.
pub fn begin_op(w: &mut MsgWriter<'_>, op_type: u8, bin: &[u8]) -> Result<OpStart> {
    if bin.len() > MAX_BIN_NAME_LEN {
        return Err(Error::Param(format!(
            "bin name too long (max {MAX_BIN_NAME_LEN} bytes): {:?}",
            String::from_utf8_lossy(bin)
        )));
    }
    w.op_begin(op_type, bin).map_err(request_error)
}

/// Closes the op opened by [`begin_op`] with its particle type.
pub fn end_op(w: &mut MsgWriter<'_>, start: OpStart, particle_type: u8) -> Result<()> {
    w.op_end(start, particle_type).map_err(request_error)
}

/// Appends a whole op (bin name checked).
pub fn write_op(
    w: &mut MsgWriter<'_>,
    op_type: u8,
    particle_type: u8,
    bin: &[u8],
    value: &[u8],
) -> Result<()> {
    let s = begin_op(w, op_type, bin)?;
    w.buffer().extend_from_slice(value);
    end_op(w, s, particle_type)
}

/// Finishes a request (counts and proto length); rejects one the server would refuse.
pub fn finish(w: MsgWriter<'_>) -> Result<()> {
    w.finish_checked()
        .map(|_| ())
        .map_err(|_| Error::Param("record too big for one request".into()))
}

fn request_error(e: aeropy_protocol::ProtocolError) -> Error {
    Error::Param(format!("cannot encode the request: {e}"))
}

/// Parses a single-record reply body (after the proto header).
pub fn parse_reply(body: &[u8]) -> Result<Message<'_>> {
    Ok(Message::parse(body)?)
}

/// Calls `f` for every op of a reply, in order.
pub fn for_each_op<'a>(r: &Message<'a>, mut f: impl FnMut(&Op<'a>) -> Result<()>) -> Result<()> {
    r.ops().try_for_each(|op| f(&op))
}

/// Reads a reply: meta and bins to `visitor`; `Ok(false)` for "record not found".
pub fn visit_reply(body: &[u8], visitor: &mut dyn RecordVisitor) -> Result<bool> {
    let r = parse_reply(body)?;
    match r.header.result_code {
        0 => {
            visitor.meta(r.header.generation, r.header.record_ttl);
            for_each_op(&r, |op| visitor.bin(op))?;
            Ok(true)
        }
        2 => Ok(false),
        c => Err(Error::server(i32::from(c), false)),
    }
}

/// The result code of a reply.
pub fn reply_code(body: &[u8]) -> Result<u8> {
    Ok(parse_reply(body)?.header.result_code)
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
        let request = &*on_wire(request, policy, self.cluster.compression_threshold());
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
                Ok(frame::TYPE_MSG) => return Ok(()),
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
        let mut req = Vec::new();
        let mut w = begin_key_command(
            &mut req,
            key,
            &write_header(policy, meta, 0),
            policy.send_key,
        );
        bins.encode_bins(&mut w)?;
        finish(w)?;
        let mut out = Vec::new();
        self.run((key, true).into(), policy, &req, &mut out)?;
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
        let mut req = Vec::new();
        match bins {
            None => finish(begin_key_command(
                &mut req,
                key,
                &read_header(policy, wire::INFO1_GET_ALL),
                false,
            ))?,
            Some(names) => {
                let mut w = begin_key_command(&mut req, key, &read_header(policy, 0), false);
                for n in names {
                    write_op(&mut w, op::READ, particle::NULL, n.as_bytes(), &[])?;
                }
                finish(w)?;
            }
        }
        let mut out = Vec::new();
        self.run((key, false).into(), policy, &req, &mut out)?;
        visit_reply(&out, visitor)
    }

    /// Runs ops written by `encode` (e.g. through [`BinEncoder`] or `MsgWriter::op`).
    pub fn operate(
        &self,
        key: &Key,
        encode: &dyn Fn(&mut MsgWriter<'_>) -> Result<()>,
        meta: &WriteMeta,
        policy: &Policy,
        visitor: &mut dyn RecordVisitor,
    ) -> Result<bool> {
        let mut req = Vec::new();
        let mut w = begin_key_command(&mut req, key, &MsgHeader::default(), policy.send_key);
        encode(&mut w)?;
        let write = finish_operate_header(&mut w, policy, meta);
        finish(w)?;
        let mut out = Vec::new();
        self.run((key, write).into(), policy, &req, &mut out)?;
        visit_reply(&out, visitor)
    }

    /// Removes a record; `Ok(false)` when it did not exist.
    pub fn remove(&self, key: &Key, meta: &WriteMeta, policy: &Policy) -> Result<bool> {
        let mut req = Vec::new();
        finish(begin_key_command(
            &mut req,
            key,
            &write_header(policy, meta, wire::INFO2_DELETE),
            policy.send_key,
        ))?;
        let mut out = Vec::new();
        self.run((key, true).into(), policy, &req, &mut out)?;
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

/// Sets the header of an operate from the ops written (flags already set on the
/// header are kept) and returns whether it writes.
pub fn finish_operate_header(w: &mut MsgWriter<'_>, policy: &Policy, meta: &WriteMeta) -> bool {
    let reads = w.n_read_ops();
    let writes = w.n_ops() - reads;
    let mut h = MsgHeader::default();
    if writes > 0 {
        h = write_header(policy, meta, 0);
    }
    if reads > 0 {
        let r = read_header(policy, 0);
        h.info1 |= r.info1;
        h.transaction_ttl = r.transaction_ttl;
        if writes == 0 {
            // A read-only operate is a read: SC read mode and read-touch percent too.
            h.info3 |= r.info3;
            h.record_ttl = r.record_ttl;
        }
    }
    let cur = w.header();
    h.info1 |= cur.info1;
    h.info2 |= cur.info2;
    h.info3 |= cur.info3;
    h.info4 |= cur.info4;
    w.set_header(&h);
    writes > 0
}
