//! Info-command methods: secondary index create/remove and truncate.

use std::time::{Duration, Instant};

use aeropy_core::client::write_header;
use aeropy_core::WriteMeta;
use aeropy_protocol::info as udf;
use aeropy_protocol::msg::{field, Message, MsgWriter};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};

use crate::client::{begin_key_command, Client, Shape};
use crate::config::int_of;
use crate::errors::{make_exception, param_err, to_pyerr};
use crate::keys::parse_key;

/// `ERROR:<code>:<msg>` / `FAIL:<code>:<msg>` → Err((code, msg)); anything else is fine.
fn info_error(value: &str) -> Option<(i32, String)> {
    let v = value.trim();
    if let Some(rest) = v.strip_prefix("error=") {
        // UDF commands: error=<reason>[;file=...;line=...;message=<base64>]
        return Some((100, rest.to_string()));
    }
    let rest = v.strip_prefix("ERROR").or_else(|| v.strip_prefix("FAIL"))?;
    let rest = rest.trim_start_matches([':', '=']);
    let (code, msg) = rest.split_once(':').unwrap_or((rest, ""));
    Some((code.trim().parse().unwrap_or(1), msg.to_string()))
}

/// The sindex type name of an `aerospike.INDEX_*` data type.
fn datatype_name(py: Python<'_>, t: i64) -> PyResult<&'static str> {
    Ok(match t {
        0 => "STRING",
        1 | 4 => "NUMERIC",
        2 => "GEO2DSPHERE",
        3 => "BLOB",
        _ => return Err(param_err(py, format!("unknown index data type {t}"))),
    })
}

impl Client {
    /// Sends one info command to one node; raises the error a failing reply carries.
    fn info_checked(&self, py: Python<'_>, cmd: &str) -> PyResult<String> {
        let core = self.core(py)?;
        let nodes = core.nodes();
        let node = nodes
            .first()
            .ok_or_else(|| make_exception(py, 11, "no node in the cluster", false))?
            .clone();
        let timeout = self
            .settings
            .policies
            .info
            .base
            .total_timeout
            .max(Duration::from_secs(1));
        let c = cmd.to_string();
        let pairs = py
            .detach(|| node.info(&[c.as_str()], timeout))
            .map_err(|e| to_pyerr(py, &e))?;
        let value = pairs.into_iter().next().map(|(_, v)| v).unwrap_or_default();
        if let Some((code, msg)) = info_error(&value) {
            let msg = if msg.is_empty() { value.clone() } else { msg };
            return Err(make_exception(py, code, &msg, false));
        }
        Ok(value)
    }

    /// Creates an index and waits until it is fully built (`load_pct=100`).
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn index_create(
        &self,
        py: Python<'_>,
        ns: &str,
        set: Option<&str>,
        bin: &str,
        name: &str,
        datatype: i64,
        collection: Option<&str>,
    ) -> PyResult<i64> {
        let ty = datatype_name(py, datatype)?;
        let mut cmd = format!("sindex-create:namespace={ns};");
        if let Some(s) = set.filter(|s| !s.is_empty()) {
            cmd.push_str(&format!("set={s};"));
        }
        cmd.push_str(&format!("indexname={name};"));
        if let Some(c) = collection {
            cmd.push_str(&format!("indextype={c};"));
        }
        cmd.push_str(&format!("bin={bin};type={ty}"));
        self.info_checked(py, &cmd)?;
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let stat =
                self.info_checked(py, &format!("sindex-stat:namespace={ns};indexname={name}"));
            match stat {
                Ok(v) if v.split(';').any(|kv| kv.trim() == "load_pct=100") => return Ok(0),
                _ if Instant::now() > deadline => return Ok(0),
                _ => py.detach(|| std::thread::sleep(Duration::from_millis(20))),
            }
        }
    }

    /// Removes an index.
    pub(crate) fn index_drop(&self, py: Python<'_>, ns: &str, name: &str) -> PyResult<i64> {
        self.info_checked(
            py,
            &format!("sindex-delete:namespace={ns};indexname={name}"),
        )?;
        Ok(0)
    }

    /// Deletes the records of a set (or namespace) last updated before `nanos`.
    pub(crate) fn truncate_impl(
        &self,
        py: Python<'_>,
        ns: &str,
        set: Option<&str>,
        nanos: &Bound<'_, PyAny>,
    ) -> PyResult<i64> {
        let lut = int_of(py, "nanos", nanos)?;
        if lut < 0 {
            return Err(param_err(py, "nanos must not be negative"));
        }
        let mut cmd = match set.filter(|s| !s.is_empty()) {
            Some(s) => format!("truncate:namespace={ns};set={s}"),
            None => format!("truncate-namespace:namespace={ns}"),
        };
        if lut > 0 {
            cmd.push_str(&format!(";lut={lut}"));
        }
        self.info_checked(py, &cmd)?;
        Ok(0)
    }
}

impl Client {
    /// The state of background job `id` over every node.
    pub(crate) fn job_state(
        &self,
        py: Python<'_>,
        id: u64,
        policy: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<aeropy_core::JobInfo> {
        let p = self.policy(py, &self.settings.policies.info, policy)?;
        let timeout = p.base.total_timeout.max(Duration::from_secs(1));
        let core = self.core(py)?;
        py.detach(|| core.job_info(id, timeout))
            .map_err(|e| to_pyerr(py, &e))
    }

    fn udf_names(&self, py: Python<'_>) -> PyResult<Vec<(String, String, String)>> {
        Ok(udf::parse_udf_list(&self.info_checked(py, "udf-list")?))
    }

    /// Waits until `present(name)` holds for the module list (registration is
    /// asynchronous on real clusters).
    fn udf_wait(&self, py: Python<'_>, name: &str, present: bool) -> PyResult<()> {
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if self.udf_names(py)?.iter().any(|(n, _, _)| n == name) == present {
                return Ok(());
            }
            py.detach(|| std::thread::sleep(Duration::from_millis(20)));
        }
        Err(make_exception(
            py,
            9,
            &format!("timed out waiting for UDF module {name}"),
            false,
        ))
    }

    /// Registers the Lua file at `path`; returns 0 once every node lists it.
    pub(crate) fn udf_put_impl(&self, py: Python<'_>, path: &str, udf_type: i64) -> PyResult<i64> {
        if udf_type != 0 {
            return Err(param_err(py, "udf_type must be aerospike.UDF_TYPE_LUA"));
        }
        let content = std::fs::read(path).map_err(|e| {
            make_exception(
                py,
                1302,
                &format!("cannot read UDF file {path}: {e}"),
                false,
            )
        })?;
        let name = std::path::Path::new(path)
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| path.to_string());
        self.info_checked(py, &udf::udf_put_command(&name, &content))?;
        self.udf_wait(py, &name, true)?;
        Ok(0)
    }

    /// Removes a registered module (`name` with or without `.lua`).
    pub(crate) fn udf_remove_impl(&self, py: Python<'_>, module: &str) -> PyResult<i64> {
        let name = if module.ends_with(".lua") {
            module.to_string()
        } else {
            format!("{module}.lua")
        };
        self.info_checked(py, &format!("udf-remove:filename={name};"))?;
        self.udf_wait(py, &name, false)?;
        Ok(0)
    }

    /// `[{"name", "hash", "type"}, ...]` of the registered modules.
    pub(crate) fn udf_list_impl<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        let out = PyList::empty(py);
        for (name, hash, _) in self.udf_names(py)? {
            let d = PyDict::new(py);
            d.set_item("name", name)?;
            d.set_item("hash", pyo3::types::PyByteArray::new(py, hash.as_bytes()))?;
            d.set_item("type", 0)?;
            out.append(d)?;
        }
        Ok(out)
    }

    /// The source of a registered module.
    pub(crate) fn udf_get_impl(&self, py: Python<'_>, module: &str) -> PyResult<String> {
        let name = if module.ends_with(".lua") {
            module.to_string()
        } else {
            format!("{module}.lua")
        };
        let reply = self.info_checked(py, &format!("udf-get:filename={name};"))?;
        let content = udf::udf_get_content(&reply).ok_or_else(|| {
            make_exception(py, 1302, &format!("UDF module {name} not found"), false)
        })?;
        Ok(String::from_utf8_lossy(&content).into_owned())
    }

    /// Runs `module.function(record, *args)` on the record of `key`; returns its result.
    pub(crate) fn apply_impl<'py>(
        &self,
        py: Python<'py>,
        key: &Bound<'py, PyAny>,
        module: &str,
        function: &str,
        args: &Bound<'py, PyAny>,
        policy: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let k = parse_key(py, key)?;
        let p = self.policy(py, &self.settings.policies.apply, policy)?;
        if args.cast::<PyList>().is_err() {
            return Err(param_err(py, "args must be a list"));
        }
        let m = WriteMeta {
            exists: p.exists,
            gen_policy: p.gen,
            generation: 0,
            ttl: p.ttl.unwrap_or(0),
        };
        let pair = self.pair(py);
        let ser = self.ser(py, pair.as_ref(), None);
        self.command(
            py,
            &k,
            true,
            &p,
            |w: &mut MsgWriter<'_>| {
                begin_key_command(
                    &p,
                    w,
                    &k.key,
                    &write_header(&p.base, &m, 0),
                    p.base.send_key,
                );
                w.field(field::UDF_FILENAME, module.as_bytes());
                w.field(field::UDF_FUNCTION, function.as_bytes());
                let mut packed = Vec::new();
                ser.pack(&mut packed, args, 0)?;
                w.field(field::UDF_ARGLIST, &packed);
                Ok(true)
            },
            |r: &Message<'_>| {
                let bins = self.bins_from_reply(py, r, Shape::Dict)?;
                let bins = bins.cast::<PyDict>()?;
                match r.header.result_code {
                    0 => Ok(bins
                        .get_item("SUCCESS")?
                        .unwrap_or_else(|| py.None().into_bound(py))),
                    100 => {
                        let msg = match bins.get_item("FAILURE")? {
                            Some(f) => f.str()?.to_cow()?.into_owned(),
                            None => "UDF failure".to_string(),
                        };
                        Err(make_exception(py, 100, &msg, false))
                    }
                    c => Err(to_pyerr(
                        py,
                        &aeropy_core::Error::server(i32::from(c), false),
                    )),
                }
            },
        )
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::panic)]
mod tests {
    use super::*;

    #[test]
    fn info_errors() {
        assert_eq!(info_error("ok"), None);
        assert_eq!(
            info_error("ERROR:200:index exists"),
            Some((200, "index exists".into()))
        );
        assert_eq!(info_error("FAIL:4"), Some((4, String::new())));
    }
}
