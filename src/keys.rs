//! Key tuples, bin names and record metadata <-> Python; the module's digest functions.

use aeropy_core::{Key, UserKey, WriteMeta};
use aeropy_protocol::msg::MAX_BIN_NAME_LEN;
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyByteArray, PyBytes, PyDict, PyInt, PyString, PyTuple};

use crate::config::{self, int_of, type_name, CmdPolicy};
use crate::errors::param_err;

/// Seconds between the Unix epoch and the Aerospike epoch (2010-01-01).
const CITRUSLEAF_EPOCH: u64 = 1_262_304_000;

/// A key tuple as given, with the core key computed from it.
pub(crate) struct PyKey<'py> {
    pub(crate) key: Key,
    ns: Bound<'py, PyAny>,
    set: Bound<'py, PyAny>,
    pk: Bound<'py, PyAny>,
}

impl<'py> PyKey<'py> {
    /// `(ns, set, pk, bytearray(digest))`, as the official client returns keys.
    pub(crate) fn to_tuple(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        PyTuple::new(
            py,
            [
                self.ns.clone(),
                self.set.clone(),
                self.pk.clone(),
                PyByteArray::new(py, &self.key.digest).into_any(),
            ],
        )
    }
}

pub(crate) fn parse_key<'py>(py: Python<'py>, obj: &Bound<'py, PyAny>) -> PyResult<PyKey<'py>> {
    let t = obj.cast::<PyTuple>().map_err(|_| {
        param_err(
            py,
            format!(
                "key must be a tuple (namespace, set, primary key[, digest]), not {}",
                type_name(obj)
            ),
        )
    })?;
    if !(3..=4).contains(&t.len()) {
        return Err(param_err(
            py,
            "key tuple must have 3 or 4 elements: (namespace, set, primary key[, digest])",
        ));
    }
    let ns = t.get_item(0)?;
    let set = t.get_item(1)?;
    let pk = t.get_item(2)?;
    let ns_s = ns
        .cast::<PyString>()
        .map_err(|_| param_err(py, "key: namespace must be a str"))?
        .to_cow()?
        .into_owned();
    let set_s = if set.is_none() {
        String::new()
    } else {
        set.cast::<PyString>()
            .map_err(|_| param_err(py, "key: set must be a str or None"))?
            .to_cow()?
            .into_owned()
    };
    let user_key = if pk.is_none() {
        None
    } else if pk.cast::<PyBool>().is_ok() {
        return Err(param_err(
            py,
            "key: primary key must be an int, str or bytes, not bool",
        ));
    } else if let Ok(i) = pk.cast::<PyInt>() {
        Some(UserKey::Int(i.extract().map_err(|_| {
            param_err(py, "key: integer primary key out of 64-bit range")
        })?))
    } else if let Ok(s) = pk.cast::<PyString>() {
        Some(UserKey::Str(s.to_cow()?.into_owned()))
    } else if let Ok(b) = pk.cast::<PyBytes>() {
        Some(UserKey::Blob(b.as_bytes().to_vec()))
    } else if let Ok(b) = pk.cast::<PyByteArray>() {
        Some(UserKey::Blob(b.to_vec()))
    } else {
        return Err(param_err(
            py,
            format!(
                "key: primary key must be an int, str or bytes, not {}",
                type_name(&pk)
            ),
        ));
    };
    let digest = if t.len() == 4 && !t.get_item(3)?.is_none() {
        let d = t.get_item(3)?;
        let bytes = if let Ok(b) = d.cast::<PyBytes>() {
            b.as_bytes().to_vec()
        } else if let Ok(b) = d.cast::<PyByteArray>() {
            b.to_vec()
        } else {
            return Err(param_err(py, "key: digest must be bytes or bytearray"));
        };
        Some(
            <[u8; 20]>::try_from(bytes.as_slice())
                .map_err(|_| param_err(py, "key: digest must be 20 bytes"))?,
        )
    } else {
        None
    };
    let key = match (user_key, digest) {
        (Some(uk), None) => Key::new(&ns_s, &set_s, uk),
        (uk, Some(d)) => Key::from_digest(&ns_s, &set_s, d).map(|mut k| {
            k.user_key = uk;
            k
        }),
        (None, None) => {
            return Err(param_err(
                py,
                "key: either a primary key or a digest is required",
            ))
        }
    }
    .map_err(|e| param_err(py, format!("key: {}", e.message())))?;
    Ok(PyKey { key, ns, set, pk })
}

pub(crate) fn bin_name(py: Python<'_>, v: &Bound<'_, PyAny>) -> PyResult<String> {
    let s = v
        .cast::<PyString>()
        .map_err(|_| param_err(py, format!("bin name must be a str, not {}", type_name(v))))?
        .to_cow()?;
    if s.len() > MAX_BIN_NAME_LEN {
        return Err(param_err(
            py,
            format!("bin name too long (max 15 bytes): {s:?}"),
        ));
    }
    Ok(s.into_owned())
}

/// `meta` of a write: {"ttl": int, "gen": int}.
pub(crate) fn write_meta(
    py: Python<'_>,
    p: &CmdPolicy,
    meta: Option<&Bound<'_, PyAny>>,
) -> PyResult<WriteMeta> {
    let mut m = WriteMeta {
        exists: p.exists,
        gen_policy: p.gen,
        generation: 0,
        ttl: p.ttl.unwrap_or(0),
    };
    if let Some(meta) = meta.filter(|m| !m.is_none()) {
        let d = meta
            .cast::<PyDict>()
            .map_err(|_| param_err(py, format!("meta must be a dict, not {}", type_name(meta))))?;
        for (k, v) in d.iter() {
            let k: String = k
                .extract()
                .map_err(|_| param_err(py, "meta keys must be str"))?;
            match k.as_str() {
                "ttl" => m.ttl = config::ttl_of(py, "meta[\"ttl\"]", &v)?,
                "gen" => {
                    let g = int_of(py, "meta[\"gen\"]", &v)?;
                    m.generation = u32::try_from(g)
                        .map_err(|_| param_err(py, "meta[\"gen\"] out of range"))?;
                }
                _ => return Err(param_err(py, format!("unknown meta key {k:?}"))),
            }
        }
    }
    if m.ttl == u32::MAX - 2 {
        // TTL_CLIENT_DEFAULT: the policy's TTL.
        m.ttl = p.ttl.filter(|t| *t != u32::MAX - 2).unwrap_or(0);
    }
    Ok(m)
}

pub(crate) fn meta_dict<'py>(
    py: Python<'py>,
    generation: u32,
    void_time: u32,
) -> PyResult<Bound<'py, PyDict>> {
    let ttl: u64 = if void_time == 0 {
        u64::from(u32::MAX)
    } else {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0);
        (u64::from(void_time) + CITRUSLEAF_EPOCH)
            .saturating_sub(now)
            .max(1)
    };
    let d = PyDict::new(py);
    d.set_item(intern!(py, "ttl"), ttl)?;
    d.set_item(intern!(py, "gen"), generation)?;
    Ok(d)
}

/// `aerospike.calc_digest(ns, set, key)`: the RIPEMD-160 digest as a bytearray.
#[pyfunction]
pub fn calc_digest<'py>(
    py: Python<'py>,
    ns: &Bound<'py, PyAny>,
    set: &Bound<'py, PyAny>,
    key: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyByteArray>> {
    let t = PyTuple::new(py, [ns.clone(), set.clone(), key.clone()])?;
    let k = parse_key(py, t.as_any())?;
    Ok(PyByteArray::new(py, &k.key.digest))
}

/// `aerospike.get_partition_id(digest)`: the partition (0..4095) of a digest.
#[pyfunction]
pub fn get_partition_id(py: Python<'_>, digest: &Bound<'_, PyAny>) -> PyResult<usize> {
    let bytes = if let Ok(b) = digest.cast::<PyBytes>() {
        b.as_bytes().to_vec()
    } else if let Ok(b) = digest.cast::<PyByteArray>() {
        b.to_vec()
    } else {
        return Err(param_err(py, "digest must be bytes or bytearray"));
    };
    let d = <[u8; 20]>::try_from(bytes.as_slice())
        .map_err(|_| param_err(py, "digest must be 20 bytes"))?;
    Ok(aeropy_core::key::partition_id(&d))
}
