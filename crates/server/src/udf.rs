//! UDF modules: the `udf-put/-list/-get/-remove` info commands and record UDF
//! execution (single commands, batch rows, background jobs). Aggregations (stream
//! UDFs) are refused with 16.

use std::collections::BTreeMap;
use std::sync::Mutex;

use aeropy_protocol::digest::partition_id;
use aeropy_protocol::info::Command;
use aeropy_protocol::msg::{field, op, MsgWriter};
use aeropy_protocol::msgpack::Value;
use aeropy_protocol::{particle, result_code as rc};
use base64::engine::general_purpose::STANDARD;
use base64::Engine;

use crate::lua::{self, RecChange, RecView};
use crate::record::{self, live, reply_header, write_result, Commit, Request};
use crate::store::{Bin, BinName, Namespace, Now, CITRUSLEAF_EPOCH};

/// Registered modules by file name (`name.lua`).
#[derive(Default)]
pub(crate) struct Udfs(Mutex<BTreeMap<String, Vec<u8>>>);

impl Udfs {
    fn lock(&self) -> std::sync::MutexGuard<'_, BTreeMap<String, Vec<u8>>> {
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// `udf-put:filename=…;content=<base64>;content-len=…;udf-type=LUA;`
    pub fn put(&self, cmd: &Command) -> String {
        let Some(file) = cmd
            .param("filename")
            .filter(|f| !f.is_empty() && f.len() < 128)
        else {
            return "error=invalid_filename".to_string();
        };
        if cmd
            .param("udf-type")
            .is_some_and(|t| !t.eq_ignore_ascii_case("LUA"))
        {
            return "error=invalid_udf_type".to_string();
        }
        let content = cmd.param("content").unwrap_or_default();
        if content.len() % 4 != 0
            || cmd
                .param("content-len")
                .is_some_and(|l| l.parse() != Ok(content.len()))
        {
            return "error=invalid_content_len".to_string();
        }
        let Ok(src) = STANDARD.decode(content) else {
            return "error=invalid_base64_content".to_string();
        };
        let module = file.strip_suffix(".lua").unwrap_or(file);
        if let Err((line, msg)) = lua::compile(module, &src) {
            return format!(
                "error=compile_error;file={file};line={line};message={}",
                STANDARD.encode(msg)
            );
        }
        self.lock().insert(file.to_string(), src);
        "ok".to_string()
    }

    /// `udf-list`: `filename=…,hash=<sha1>,type=LUA;…`
    pub fn list(&self) -> String {
        self.lock()
            .iter()
            .map(|(f, src)| {
                format!(
                    "filename={f},hash={},type=LUA;",
                    sha1_smol::Sha1::from(src).digest()
                )
            })
            .collect()
    }

    /// `udf-get:filename=…;`
    pub fn get(&self, cmd: &Command) -> String {
        match cmd
            .param("filename")
            .and_then(|f| self.lock().get(f).cloned())
        {
            Some(src) => format!("type=LUA;content={};", STANDARD.encode(src)),
            None => "error=not_found".to_string(),
        }
    }

    /// `udf-remove:filename=…;` (ok even when absent, like current servers).
    pub fn remove(&self, cmd: &Command) -> String {
        if let Some(f) = cmd.param("filename") {
            self.lock().remove(f);
        }
        "ok".to_string()
    }

    fn source(&self, module: &str) -> Option<Vec<u8>> {
        self.lock().get(&format!("{module}.lua")).cloned()
    }
}

fn reply_bin(
    out: &mut Vec<u8>,
    code: u8,
    generation: u32,
    void_time: u32,
    slot: u32,
    name: &[u8],
    v: &Value,
) {
    let header = reply_header(code, generation, void_time, slot);
    let mut w = MsgWriter::start_record(out, &header);
    w.op_with(op::READ, v.particle_type(), name, |buf| {
        let _ = v.write_particle(buf);
    });
    w.finish();
}

/// Answers a failed UDF call: result 100 with the message in the FAILURE bin.
fn reply_failure(out: &mut Vec<u8>, generation: u16, slot: u32, msg: String) -> u8 {
    let msg = Value::from(msg);
    let code = rc::UDF_BAD_RESPONSE;
    reply_bin(out, code, u32::from(generation), 0, slot, b"FAILURE", &msg);
    code
}

/// Executes a record UDF (fields 30-32) against `digest`.
pub(crate) fn execute(
    udfs: &Udfs,
    ns: &Namespace,
    req: &Request,
    digest: &[u8; 20],
    slot: u32,
    out: &mut Vec<u8>,
) -> u8 {
    let m = &req.msg;
    let text = |f: u8| m.field(f).map(|b| String::from_utf8_lossy(b).into_owned());
    // Aggregations (UDF_OP 1) need stream UDFs: not emulated.
    if m.field(field::UDF_OP) == Some(&[1]) {
        write_result(out, rc::UNSUPPORTED_FEATURE, 0, 0, slot);
        return rc::UNSUPPORTED_FEATURE;
    }
    let (Some(module), Some(function)) = (text(field::UDF_FILENAME), text(field::UDF_FUNCTION))
    else {
        write_result(out, rc::PARAMETER_ERROR, 0, 0, slot);
        return rc::PARAMETER_ERROR;
    };
    let args = match m.field(field::UDF_ARGLIST).map(Value::from_msgpack) {
        None => Vec::new(),
        Some(Ok(Value::List { items, .. })) => items,
        Some(_) => {
            write_result(out, rc::PARAMETER_ERROR, 0, 0, slot);
            return rc::PARAMETER_ERROR;
        }
    };
    let now = Now::get();
    let mut part = ns.lock(partition_id(digest));
    let existing = live(&mut part, digest, &now).map(|r| &*r);
    let cur_gen = existing.map_or(0, |r| r.generation);
    if existing.is_some_and(|r| record::key_mismatch(req, r)) {
        write_result(out, rc::KEY_MISMATCH, 0, 0, slot);
        return rc::KEY_MISMATCH;
    }
    let Some(src) = udfs.source(&module) else {
        let msg = format!("UDF module not found: {module}");
        return reply_failure(out, cur_gen, slot, msg);
    };
    let view = RecView {
        exists: existing.is_some(),
        bins: existing
            .map(|r| {
                r.bins
                    .iter()
                    .filter_map(|b| {
                        let name = String::from_utf8(b.name.as_bytes().to_vec()).ok()?;
                        Some((name, Value::from_particle(b.ptype, &b.value).ok()?))
                    })
                    .collect()
            })
            .unwrap_or_default(),
        ttl: existing.map_or(-1, |r| {
            if r.void_time == 0 {
                -1
            } else {
                i64::from(r.void_time.saturating_sub(now.secs))
            }
        }),
        generation: cur_gen,
        digest: *digest,
        key: existing
            .and_then(|r| r.key.as_ref())
            .and_then(|k| k.split_first())
            .and_then(|(p, b)| Value::from_particle(*p, b).ok()),
        set: existing.map_or_else(
            || String::from_utf8_lossy(req.fields.set.unwrap_or_default()).into_owned(),
            |r| String::from_utf8_lossy(&r.set).into_owned(),
        ),
        lut_ms: existing.map_or(0, |r| {
            (r.lut_nanos / 1_000_000).saturating_sub(CITRUSLEAF_EPOCH * 1000) as i64
        }),
    };
    let existing_void = existing.map(|r| r.void_time);
    let (ret, change) = match lua::run(&module, &src, &function, &args, &view) {
        Ok(x) => x,
        Err(msg) => return reply_failure(out, cur_gen, slot, msg),
    };
    let (generation, void_time) = match change {
        RecChange::None => (u32::from(cur_gen), existing_void.unwrap_or(0)),
        RecChange::Remove => {
            part.remove(digest);
            (0, 0)
        }
        RecChange::Write { bins, ttl } => {
            let mut stored = Vec::with_capacity(bins.len());
            for (name, v) in bins {
                let (Some(n), Ok((ptype, value))) =
                    (BinName::new(name.as_bytes()), v.to_particle())
                else {
                    write_result(out, rc::BIN_NAME_TOO_LONG, u32::from(cur_gen), 0, slot);
                    return rc::BIN_NAME_TOO_LONG;
                };
                if ptype != particle::NULL {
                    stored.push(Bin {
                        name: n,
                        ptype,
                        value,
                    });
                }
            }
            // record.set_ttl(rec, t) takes a uint32 (so -2 is "keep"), as mod-lua.
            let ttl = ttl.map_or(req.record_ttl, |t| t as u32);
            let had_bins = existing.is_some();
            // The same TTL, size and delete-when-empty rules as bin-op writes.
            let committed = record::void_time(ttl, ns, existing_void, &now).and_then(|void_time| {
                let c = Commit {
                    bins: stored,
                    had_bins,
                    void_time,
                    set: req.fields.set.unwrap_or_default(),
                    key: req.fields.key,
                };
                record::commit(&mut part, digest, c, &now)
            });
            match committed {
                Ok((generation, void_time)) => (u32::from(generation), void_time),
                Err(code) => {
                    write_result(out, code, u32::from(cur_gen), 0, slot);
                    return code;
                }
            }
        }
    };
    reply_bin(out, rc::OK, generation, void_time, slot, b"SUCCESS", &ret);
    rc::OK
}
