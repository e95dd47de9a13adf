//! Single-record commands (read, write, delete, touch, operate) against the store.
//! The same executor serves batch rows; it appends one record message (no proto
//! header) to the output buffer and returns its result code.

use aeropy_protocol::digest::partition_id;
use aeropy_protocol::msg::{self, field, op, Message, MsgHeader, MsgWriter, MSG_HEADER_SIZE};
use aeropy_protocol::{particle, result_code as rc};

use crate::cluster::Shared;
use crate::exp::Filter;
use crate::ops::{self, OpError};
use crate::store::{Bin, BinName, Namespace, Now, Record};

/// Largest record accepted (the 1 MiB write-block of the default configuration).
pub const MAX_RECORD_SIZE: usize = 1024 * 1024;
/// TTLs above ten years are refused, as the server does.
const MAX_TTL: u32 = 10 * 365 * 24 * 3600;
const TTL_NEVER: u32 = u32::MAX;
const TTL_KEEP: u32 = u32::MAX - 1;

/// One single-record command: header flags plus the fields and ops of the message (or
/// of a batch row).
pub(crate) struct Request<'a> {
    pub info1: u8,
    pub info2: u8,
    pub info3: u8,
    pub generation: u32,
    pub record_ttl: u32,
    /// From the DIGEST field, or from the batch row.
    pub digest: Option<&'a [u8; 20]>,
    /// Packed filter expression (the message's, or the batch row's / batch's).
    pub filter: Option<&'a [u8]>,
    pub msg: Message<'a>,
    /// The fields of `msg` a command reads, found once.
    pub fields: MsgFields<'a>,
}

impl<'a> Request<'a> {
    /// A single command: everything comes from the message.
    pub fn new(m: Message<'a>, fields: MsgFields<'a>) -> Self {
        let h = m.header;
        Request {
            info1: h.info1,
            info2: h.info2,
            info3: h.info3,
            generation: h.generation,
            record_ttl: h.record_ttl,
            digest: fields.digest(),
            filter: fields.filter,
            msg: m,
            fields,
        }
    }
}

/// The fields of a message that record commands read, found in one pass over the
/// fields (the first of each type wins, as with `Message::field`).
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct MsgFields<'a> {
    pub namespace: Option<&'a [u8]>,
    pub set: Option<&'a [u8]>,
    pub key: Option<&'a [u8]>,
    digest: Option<&'a [u8]>,
    pub filter: Option<&'a [u8]>,
    pub udf_filename: Option<&'a [u8]>,
}

impl<'a> MsgFields<'a> {
    pub fn of(m: &Message<'a>) -> Self {
        let mut f = MsgFields::default();
        for x in m.fields() {
            let slot = match x.ftype {
                field::NAMESPACE => &mut f.namespace,
                field::SET => &mut f.set,
                field::KEY => &mut f.key,
                field::DIGEST => &mut f.digest,
                field::FILTER_EXP => &mut f.filter,
                field::UDF_FILENAME => &mut f.udf_filename,
                _ => continue,
            };
            slot.get_or_insert(x.data);
        }
        f
    }

    /// Whether the message has a DIGEST field (of any length).
    pub fn has_digest(&self) -> bool {
        self.digest.is_some()
    }

    /// The DIGEST field, if it is 20 bytes long (as `Message::digest`).
    pub fn digest(&self) -> Option<&'a [u8; 20]> {
        self.digest.and_then(|d| d.try_into().ok())
    }
}

/// The header of a record reply; `slot` is the batch index (0 for single commands).
pub(crate) fn reply_header(code: u8, generation: u32, void_time: u32, slot: u32) -> MsgHeader {
    MsgHeader {
        result_code: code,
        generation,
        record_ttl: void_time,
        transaction_ttl: slot,
        ..MsgHeader::default()
    }
}

/// Appends a header-only record reply.
pub(crate) fn write_result(
    out: &mut Vec<u8>,
    code: u8,
    generation: u32,
    void_time: u32,
    slot: u32,
) {
    out.extend_from_slice(&reply_header(code, generation, void_time, slot).encode());
}

/// Appends the bare LAST frame that ends a multi-record reply (batch, background job).
pub(crate) fn write_last(out: &mut Vec<u8>, code: u8) {
    let h = MsgHeader {
        result_code: code,
        info3: msg::INFO3_LAST,
        ..MsgHeader::default()
    };
    msg::write_header_only(out, &h);
}

/// The generation after a write: 1 for a new record, else the next one (wrapping past
/// 0, which is never used).
pub(crate) fn next_generation(existing: Option<u16>) -> u16 {
    match existing.map_or(1, |g| g.wrapping_add(1)) {
        0 => 1,
        g => g,
    }
}

/// Executes `req` on behalf of node `node`; `slot` goes in the transaction_ttl slot
/// (batch index, 0 for single commands).
pub(crate) fn execute(
    shared: &Shared,
    node: usize,
    req: &Request,
    slot: u32,
    out: &mut Vec<u8>,
) -> u8 {
    let m = &req.msg;
    let Some(ns_name) = req.fields.namespace else {
        write_result(out, rc::PARAMETER_ERROR, 0, 0, slot);
        return rc::PARAMETER_ERROR;
    };
    let Some(ns) = shared.store.namespace(ns_name) else {
        write_result(out, rc::NAMESPACE_NOT_FOUND, 0, 0, slot);
        return rc::NAMESPACE_NOT_FOUND;
    };
    let Some(digest) = req.digest else {
        write_result(out, rc::PARAMETER_ERROR, 0, 0, slot);
        return rc::PARAMETER_ERROR;
    };
    let is_write = req.info2 & msg::INFO2_WRITE != 0;
    shared.count_request(node, ns, partition_id(digest), is_write);
    let filter = match req.filter.map(Filter::parse).transpose() {
        Ok(f) => f,
        Err(code) => {
            write_result(out, code, 0, 0, slot);
            return code;
        }
    };
    if let Err(code) = validate_ops(m, is_write) {
        write_result(out, code, 0, 0, slot);
        return code;
    }
    if req.fields.udf_filename.is_some() {
        if filter.is_some() {
            // Filters on UDF calls are not evaluated yet: refuse rather than ignore.
            write_result(out, rc::UNSUPPORTED_FEATURE, 0, 0, slot);
            return rc::UNSUPPORTED_FEATURE;
        }
        crate::udf::execute(&shared.udfs, ns, req, digest, slot, out)
    } else if is_write {
        write(ns, req, digest, filter.as_ref(), slot, out)
    } else if req.info1 & msg::INFO1_READ != 0 {
        read(ns, req, digest, filter.as_ref(), slot, out)
    } else {
        write_result(out, rc::PARAMETER_ERROR, 0, 0, slot);
        rc::PARAMETER_ERROR
    }
}

/// Rejects what cannot be executed before anything is touched.
fn validate_ops(m: &Message, is_write: bool) -> Result<(), u8> {
    for o in m.ops() {
        if o.name.len() > msg::MAX_BIN_NAME_LEN {
            return Err(rc::BIN_NAME_TOO_LONG);
        }
        match o.op_type {
            op::READ => {}
            op::WRITE | op::INCR | op::APPEND | op::PREPEND | op::TOUCH | op::DELETE_ALL
                if is_write =>
            {
                if matches!(o.op_type, op::WRITE | op::INCR | op::APPEND | op::PREPEND)
                    && o.name.is_empty()
                {
                    return Err(rc::BIN_NAME_TOO_LONG);
                }
                if o.op_type == op::WRITE {
                    ops::validate_particle(o.particle_type, o.value)?;
                }
            }
            op::CDT_READ
            | op::CDT_MODIFY
            | op::EXP_READ
            | op::EXP_MODIFY
            | op::BITS_READ
            | op::BITS_MODIFY
            | op::HLL_READ
            | op::HLL_MODIFY
                if o.name.is_empty() =>
            {
                return Err(rc::BIN_NAME_TOO_LONG)
            }
            op::CDT_READ | op::EXP_READ | op::BITS_READ | op::HLL_READ => {}
            op::CDT_MODIFY | op::EXP_MODIFY | op::BITS_MODIFY | op::HLL_MODIFY if is_write => {}
            _ => return Err(rc::PARAMETER_ERROR),
        }
    }
    Ok(())
}

/// Removes `digest` if it expired and returns the live record, if any.
pub(crate) fn live<'p>(
    part: &'p mut crate::store::PartitionMap,
    digest: &[u8; 20],
    now: &Now,
) -> Option<&'p mut Record> {
    if part.get(digest).is_some_and(|r| r.is_expired(now)) {
        part.remove(digest);
    }
    part.get_mut(digest)
}

/// Whether the request's KEY field differs from the key stored with `r` (as the
/// server's `check_msg_key`: only when both exist; a record stored without a key
/// takes the one sent, and the digest is never recomputed from the key).
pub(crate) fn key_mismatch(req: &Request, r: &Record) -> bool {
    matches!((req.fields.key, r.key.as_deref()), (Some(sent), Some(stored)) if sent != stored)
}

/// Applies the filter expression to an existing record: `Some(code)` to stop with.
fn filtered(filter: Option<&Filter>, r: &Record, now: &Now) -> Option<u8> {
    match filter.map(|f| f.matches(r, now))? {
        Ok(true) => None,
        Ok(false) => Some(rc::FILTERED_OUT),
        Err(code) => Some(code),
    }
}

fn read(
    ns: &Namespace,
    req: &Request,
    digest: &[u8; 20],
    filter: Option<&Filter>,
    slot: u32,
    out: &mut Vec<u8>,
) -> u8 {
    let now = Now::get();
    let mut part = ns.lock(partition_id(digest));
    let Some(r) = live(&mut part, digest, &now) else {
        write_result(out, rc::KEY_NOT_FOUND, 0, 0, slot);
        return rc::KEY_NOT_FOUND;
    };
    if key_mismatch(req, r) {
        write_result(out, rc::KEY_MISMATCH, 0, 0, slot);
        return rc::KEY_MISMATCH;
    }
    if let Some(code) = filtered(filter, r, &now) {
        write_result(out, code, 0, 0, slot);
        return code;
    }
    let get_all = req.info1 & msg::INFO1_GET_ALL != 0;
    let no_bins = req.info1 & msg::INFO1_GET_NO_BINS != 0;
    if !no_bins && !get_all && req.msg.header.n_ops == 0 {
        // read.c: "bin op(s) expected, none present".
        let code = rc::PARAMETER_ERROR;
        write_result(out, code, u32::from(r.generation), r.void_time, slot);
        return code;
    }
    let header = reply_header(rc::OK, u32::from(r.generation), r.void_time, slot);
    let start = out.len();
    let mut w = MsgWriter::start_record(out, &header);
    if !no_bins {
        let respond_all = req.info2 & msg::INFO2_RESPOND_ALL_OPS != 0;
        if get_all {
            for b in &r.bins {
                w.op(op::READ, b.ptype, b.name.as_bytes(), &b.value);
            }
        } else {
            for o in req.msg.ops() {
                let v = match o.op_type {
                    op::EXP_READ => crate::exp::exp_read(o.value, r, &now).map(Some),
                    op::CDT_READ | op::BITS_READ | op::HLL_READ => {
                        let Some(name) = BinName::new(o.name) else {
                            continue;
                        };
                        // Collection reads never change the bins: run them on a scratch copy.
                        let mut scratch: Vec<Bin> =
                            r.bins.iter().filter(|b| b.name == name).cloned().collect();
                        collection_op(&mut scratch, name, o.op_type, o.value)
                    }
                    _ => {
                        read_op(&mut w, &r.bins, o.name, respond_all);
                        continue;
                    }
                };
                match v {
                    Ok(v) => write_value_op(&mut w, o.op_type, o.name, v, respond_all),
                    Err(OpError(code)) => {
                        w.finish();
                        out.truncate(start);
                        write_result(out, code, u32::from(r.generation), 0, slot);
                        return code;
                    }
                }
            }
        }
    }
    w.finish();
    rc::OK
}

/// List/map, bit and HLL ops: each module parses its own op value.
fn collection_op(
    bins: &mut Vec<Bin>,
    name: BinName,
    op_type: u8,
    value: &[u8],
) -> Result<Option<aeropy_protocol::msgpack::Value>, OpError> {
    match op_type {
        op::BITS_READ | op::BITS_MODIFY => crate::bits::apply(bins, name, op_type, value),
        op::HLL_READ | op::HLL_MODIFY => crate::hll::apply(bins, name, op_type, value),
        _ => crate::cdt::apply(bins, name, op_type, value),
    }
}

/// Appends the result op of a CDT op (nothing for "no result" unless every op must
/// answer).
fn write_value_op(
    w: &mut MsgWriter,
    op_type: u8,
    name: &[u8],
    v: Option<aeropy_protocol::msgpack::Value>,
    respond_all: bool,
) {
    match v {
        Some(v) => {
            let ptype = v.particle_type();
            w.op_with(op_type, ptype, name, |buf| {
                let _ = v.write_particle(buf);
            });
        }
        None if respond_all => {
            w.op(op_type, particle::NULL, name, &[]);
        }
        None => {}
    }
}

/// Appends the reply op(s) of a READ op: one bin, or every bin for an empty name.
fn read_op(w: &mut MsgWriter, bins: &[Bin], name: &[u8], respond_all: bool) {
    if name.is_empty() {
        for b in bins {
            w.op(op::READ, b.ptype, b.name.as_bytes(), &b.value);
        }
    } else if let Some(b) = bins.iter().find(|b| b.name.as_bytes() == name) {
        w.op(op::READ, b.ptype, name, &b.value);
    } else if respond_all {
        w.op(op::READ, particle::NULL, name, &[]);
    }
}

fn generation_ok(req: &Request, current: u16) -> bool {
    let cur = u32::from(current);
    if req.info2 & msg::INFO2_GENERATION != 0 {
        req.generation == cur
    } else if req.info2 & msg::INFO2_GENERATION_GT != 0 {
        req.generation > cur
    } else {
        true
    }
}

/// Void time for a write (the same rules for bin ops and record UDFs, write.c /
/// udf.c): 0 = namespace default, 0xFFFFFFFF never, 0xFFFFFFFE keep (the default on a
/// record being created), else now + ttl; anything above ten years (the client-only
/// 0xFFFFFFFD "client default" included) is a parameter error.
pub(crate) fn void_time(
    ttl: u32,
    ns: &Namespace,
    existing: Option<u32>,
    now: &Now,
) -> Result<u32, u8> {
    let from_ttl = |t: u32| {
        if t == 0 {
            0
        } else {
            now.secs.saturating_add(t)
        }
    };
    match ttl {
        TTL_NEVER => Ok(0),
        TTL_KEEP => Ok(existing.unwrap_or_else(|| from_ttl(ns.default_ttl))),
        0 => Ok(from_ttl(ns.default_ttl)),
        t if t > MAX_TTL => Err(rc::PARAMETER_ERROR),
        t => Ok(from_ttl(t)),
    }
}

/// What a write starts from and leaves behind, for [`commit`].
pub(crate) struct Commit<'a> {
    /// The bins the record ends with.
    pub bins: Vec<Bin>,
    /// Whether the write started from the bins of a live record (not a create, not a
    /// record-level replace): a write that leaves no bins then deletes the record;
    /// otherwise there was nothing to delete and it fails with 2.
    pub had_bins: bool,
    /// From [`void_time`].
    pub void_time: u32,
    /// Set name for a record being created.
    pub set: &'a [u8],
    /// Key to store (`None` keeps the stored one).
    pub key: Option<&'a [u8]>,
}

/// The end of every write (bin ops, record UDFs): deletes the record when no bin is
/// left, enforces the record size limit on the record as it will be stored, bumps the
/// generation and stores it. Returns the generation and void time to answer with (0
/// and 0 for a delete). `part` must hold no expired record for `digest` (see [`live`]).
pub(crate) fn commit(
    part: &mut crate::store::PartitionMap,
    digest: &[u8; 20],
    c: Commit,
    now: &Now,
) -> Result<(u16, u32), u8> {
    if c.bins.is_empty() {
        // write.c: a write leaving no bins deletes the record - or, when there was
        // none, fails with "not found" (nothing is created).
        if !c.had_bins {
            return Err(rc::KEY_NOT_FOUND);
        }
        part.remove(digest);
        return Ok((0, 0));
    }
    let existing = part.get(digest);
    let record = Record {
        set: existing.map_or_else(|| Box::from(c.set), |r| r.set.clone()),
        key: c
            .key
            .map(Box::from)
            .or_else(|| existing.and_then(|r| r.key.clone())),
        generation: next_generation(existing.map(|r| r.generation)),
        void_time: c.void_time,
        lut_nanos: now.nanos,
        bins: c.bins,
    };
    if record.size() > MAX_RECORD_SIZE {
        return Err(rc::RECORD_TOO_BIG);
    }
    let answer = (record.generation, record.void_time);
    part.insert(*digest, record);
    Ok(answer)
}

/// The checks write.c makes on the ops before touching the record: at least one op,
/// and no op a record-level replace cannot honour (touch, bin delete, delete-all,
/// incr/append/prepend, CDT/bit/HLL modify).
fn write_policies(req: &Request) -> Result<(), u8> {
    if req.msg.header.n_ops == 0 {
        return Err(rc::PARAMETER_ERROR);
    }
    if req.info3 & (msg::INFO3_CREATE_OR_REPLACE | msg::INFO3_REPLACE_ONLY) == 0 {
        return Ok(());
    }
    let refused = |o: &aeropy_protocol::msg::Op| match o.op_type {
        op::WRITE => o.particle_type == particle::NULL,
        op::TOUCH
        | op::DELETE_ALL
        | op::INCR
        | op::APPEND
        | op::PREPEND
        | op::CDT_MODIFY
        | op::BITS_MODIFY
        | op::HLL_MODIFY => true,
        _ => false,
    };
    if req.msg.ops().any(|o| refused(&o)) {
        return Err(rc::PARAMETER_ERROR);
    }
    Ok(())
}

fn write(
    ns: &Namespace,
    req: &Request,
    digest: &[u8; 20],
    filter: Option<&Filter>,
    slot: u32,
    out: &mut Vec<u8>,
) -> u8 {
    let now = Now::get();
    let mut part = ns.lock(partition_id(digest));
    let existing = live(&mut part, digest, &now).map(|r| &*r);
    let cur_gen = existing.map_or(0, |r| r.generation);
    let fail = |out: &mut Vec<u8>, code: u8, generation: u16| {
        write_result(out, code, u32::from(generation), 0, slot);
        code
    };
    // Checked before anything else, as write.c does.
    if req.info2 & msg::INFO2_DELETE == 0 {
        if let Err(code) = write_policies(req) {
            return fail(out, code, 0);
        }
    }
    // read.c / write.c / delete.c: a KEY field that differs from the stored key.
    if existing.is_some_and(|r| key_mismatch(req, r)) {
        return fail(out, rc::KEY_MISMATCH, 0);
    }
    // The filter applies to the record as it is; a record being created has nothing
    // to test.
    if let Some(code) = existing.and_then(|r| filtered(filter, r, &now)) {
        return fail(out, code, 0);
    }

    if req.info2 & msg::INFO2_DELETE != 0 {
        if req.info2 & msg::INFO2_DURABLE_DELETE != 0 {
            return fail(out, rc::ENTERPRISE_ONLY, 0);
        }
        if existing.is_none() {
            return fail(out, rc::KEY_NOT_FOUND, 0);
        }
        if !generation_ok(req, cur_gen) {
            return fail(out, rc::GENERATION_ERROR, cur_gen);
        }
        part.remove(digest);
        return fail(out, rc::OK, 0);
    }
    if existing.is_none() && req.info3 & (msg::INFO3_UPDATE_ONLY | msg::INFO3_REPLACE_ONLY) != 0 {
        return fail(out, rc::KEY_NOT_FOUND, 0);
    }
    if existing.is_some() && req.info2 & msg::INFO2_CREATE_ONLY != 0 {
        return fail(out, rc::KEY_EXISTS, cur_gen);
    }
    // A record being created has generation 0: EQ needs 0, GT anything above.
    if !generation_ok(req, cur_gen) {
        return fail(out, rc::GENERATION_ERROR, cur_gen);
    }
    let existed = existing.is_some();
    let existing_void = existing.map(|r| r.void_time);
    let replace = req.info3 & (msg::INFO3_CREATE_OR_REPLACE | msg::INFO3_REPLACE_ONLY) != 0;
    let mut bins = match (existing, replace) {
        (Some(r), false) => r.bins.clone(),
        _ => Vec::new(),
    };
    let new_void = match void_time(req.record_ttl, ns, existing_void, &now) {
        Ok(v) => v,
        Err(code) => return fail(out, code, cur_gen),
    };

    let start = out.len();
    let respond_all = req.info2 & msg::INFO2_RESPOND_ALL_OPS != 0;
    let mut w = MsgWriter::start_record(
        out,
        &MsgHeader {
            transaction_ttl: slot,
            ..MsgHeader::default()
        },
    );
    let mut failure = None;
    for o in req.msg.ops() {
        let result = match o.op_type {
            op::READ => {
                read_op(&mut w, &bins, o.name, respond_all);
                continue;
            }
            op::TOUCH if !existed => Err(OpError(rc::KEY_NOT_FOUND)),
            op::TOUCH => Ok(()),
            op::DELETE_ALL => {
                bins.clear();
                Ok(())
            }
            op::EXP_READ | op::EXP_MODIFY => {
                // Expressions see the record as modified by the earlier ops.
                let snapshot = Record {
                    set: existing.map_or_else(
                        || Box::from(req.fields.set.unwrap_or_default()),
                        |r| r.set.clone(),
                    ),
                    key: existing.and_then(|r| r.key.clone()),
                    generation: cur_gen,
                    void_time: existing_void.unwrap_or(0),
                    lut_nanos: existing.map_or(now.nanos, |r| r.lut_nanos),
                    bins: bins.clone(),
                };
                if o.op_type == op::EXP_READ {
                    match crate::exp::exp_read(o.value, &snapshot, &now) {
                        Ok(v) => {
                            write_value_op(&mut w, o.op_type, o.name, Some(v), respond_all);
                            continue;
                        }
                        Err(e) => Err(e),
                    }
                } else {
                    match BinName::new(o.name) {
                        Some(name) => {
                            crate::exp::exp_modify(&mut bins, name, o.value, &snapshot, &now)
                        }
                        None => Err(OpError(rc::BIN_NAME_TOO_LONG)),
                    }
                }
            }
            op::CDT_READ
            | op::CDT_MODIFY
            | op::BITS_READ
            | op::BITS_MODIFY
            | op::HLL_READ
            | op::HLL_MODIFY => match BinName::new(o.name) {
                Some(name) => match collection_op(&mut bins, name, o.op_type, o.value) {
                    Ok(v) => {
                        write_value_op(&mut w, o.op_type, o.name, v, respond_all);
                        continue;
                    }
                    Err(e) => Err(e),
                },
                None => Err(OpError(rc::BIN_NAME_TOO_LONG)),
            },
            _ => match BinName::new(o.name) {
                Some(name) => {
                    ops::apply_bin_op(&mut bins, name, o.op_type, o.particle_type, o.value)
                }
                None => Err(OpError(rc::BIN_NAME_TOO_LONG)),
            },
        };
        if let Err(OpError(code)) = result {
            failure = Some(code);
            break;
        }
        if respond_all {
            w.op(o.op_type, particle::NULL, o.name, &[]);
        }
    }
    w.finish();
    if let Some(code) = failure {
        out.truncate(start);
        return fail(out, code, cur_gen);
    }

    let commit_result = commit(
        &mut part,
        digest,
        Commit {
            bins,
            had_bins: existed && !replace,
            void_time: new_void,
            set: req.fields.set.unwrap_or_default(),
            key: req.fields.key,
        },
        &now,
    );
    match commit_result {
        Ok((generation, void_time)) => {
            patch_header(out, start, rc::OK, u32::from(generation), void_time);
            rc::OK
        }
        Err(code) => {
            out.truncate(start);
            fail(out, code, cur_gen)
        }
    }
}

/// Sets result code, generation and void time of a record header written at `start`.
fn patch_header(out: &mut [u8], start: usize, code: u8, generation: u32, void_time: u32) {
    if let Some(h) = out.get_mut(start..start + MSG_HEADER_SIZE) {
        h[5] = code;
        h[6..10].copy_from_slice(&generation.to_be_bytes());
        h[10..14].copy_from_slice(&void_time.to_be_bytes());
    }
}
