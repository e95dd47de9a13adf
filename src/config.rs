//! `aerospike.client(config)`: the config dict and policy dicts, checked key by key.

use std::time::Duration;

use aeropy_core::{
    ClusterConfig, GenerationPolicy, Policy, RecordExists, Replica, Seed, TlsConfig, TlsOptions,
};
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyInt, PyList, PyString, PyTuple};
use std::path::PathBuf;

use crate::errors::param_err;
use crate::serialization::{BOOL_AS_BOOL, SERIALIZER_PYTHON};

/// A command policy with the write metadata defaults it carries.
#[derive(Debug, Clone)]
pub struct CmdPolicy {
    pub base: Policy,
    pub exists: RecordExists,
    pub gen: GenerationPolicy,
    /// Default TTL of writes (seconds; 0 = namespace default).
    pub ttl: Option<u32>,
    /// Whether values are deserialized on read (19.x `deserialize`).
    pub deserialize: bool,
}

impl Default for CmdPolicy {
    fn default() -> Self {
        CmdPolicy {
            base: Policy::default(),
            exists: RecordExists::default(),
            gen: GenerationPolicy::default(),
            ttl: None,
            deserialize: true,
        }
    }
}

/// Default policies per command group.
#[derive(Debug, Clone, Default)]
pub struct Policies {
    pub read: CmdPolicy,
    pub write: CmdPolicy,
    pub apply: CmdPolicy,
    pub operate: CmdPolicy,
    pub remove: CmdPolicy,
    pub query: CmdPolicy,
    pub scan: CmdPolicy,
    pub batch: CmdPolicy,
    pub info: CmdPolicy,
    pub admin: CmdPolicy,
}

/// Everything `aerospike.client(config)` accepted.
#[derive(Debug)]
pub struct Settings {
    pub cluster: ClusterConfig,
    pub policies: Policies,
    pub send_bool_as: i64,
    pub serializer_default: i64,
    pub pair: Option<Py<PyAny>>,
    pub user: Option<String>,
    pub password: Option<String>,
    pub shm_key: Option<i64>,
}

fn is_int(v: &Bound<'_, PyAny>) -> bool {
    v.cast::<PyInt>().is_ok() && v.cast::<PyBool>().is_err()
}

/// An int value for `name`, else ParamError naming it.
pub fn int_of(py: Python<'_>, name: &str, v: &Bound<'_, PyAny>) -> PyResult<i64> {
    if !is_int(v) {
        return Err(param_err(
            py,
            format!("{name} must be an int, not {}", type_name(v)),
        ));
    }
    v.extract::<i64>()
        .map_err(|_| param_err(py, format!("{name} is out of range")))
}

fn u32_of(py: Python<'_>, name: &str, v: &Bound<'_, PyAny>) -> PyResult<u32> {
    let i = int_of(py, name, v)?;
    u32::try_from(i).map_err(|_| param_err(py, format!("{name} must be between 0 and 4294967295")))
}

fn bool_of(py: Python<'_>, name: &str, v: &Bound<'_, PyAny>) -> PyResult<bool> {
    if let Ok(b) = v.cast::<PyBool>() {
        return Ok(b.is_true());
    }
    if is_int(v) {
        return Ok(int_of(py, name, v)? != 0);
    }
    Err(param_err(
        py,
        format!("{name} must be a bool, not {}", type_name(v)),
    ))
}

fn str_of(py: Python<'_>, name: &str, v: &Bound<'_, PyAny>) -> PyResult<String> {
    v.cast::<PyString>()
        .map_err(|_| param_err(py, format!("{name} must be a str, not {}", type_name(v))))?
        .to_cow()
        .map(|c| c.into_owned())
}

fn dict_of<'a, 'py>(
    py: Python<'py>,
    name: &str,
    v: &'a Bound<'py, PyAny>,
) -> PyResult<&'a Bound<'py, PyDict>> {
    v.cast::<PyDict>()
        .map_err(|_| param_err(py, format!("{name} must be a dict, not {}", type_name(v))))
}

/// The type name of a value, for messages.
pub fn type_name(v: &Bound<'_, PyAny>) -> String {
    v.get_type()
        .name()
        .map(|n| n.to_string())
        .unwrap_or_else(|_| "?".into())
}

fn ms(v: u32) -> Duration {
    Duration::from_millis(u64::from(v))
}

/// Applies a policy dict over `p`. Keys unknown to us are accepted and ignored, as the
/// official client does; known keys are type-checked.
pub fn apply_policy(
    py: Python<'_>,
    p: &mut CmdPolicy,
    what: &str,
    d: &Bound<'_, PyAny>,
) -> PyResult<()> {
    if d.is_none() {
        return Ok(());
    }
    let d = dict_of(py, what, d)?;
    for (k, v) in d.iter() {
        let key = str_of(py, &format!("{what} key"), &k)?;
        let name = format!("{what}[{key:?}]");
        let n = name.as_str();
        match key.as_str() {
            "timeout" | "total_timeout" => p.base.total_timeout = ms(u32_of(py, n, &v)?),
            "socket_timeout" => p.base.socket_timeout = ms(u32_of(py, n, &v)?),
            "max_retries" => p.base.max_retries = u32_of(py, n, &v)?,
            "sleep_between_retries" => p.base.sleep_between_retries = ms(u32_of(py, n, &v)?),
            "retry" => {
                p.base.max_retries = match int_of(py, n, &v)? {
                    0 => 0,
                    1 => 1,
                    x if x > 1 => 2,
                    _ => return Err(param_err(py, format!("{n}: invalid retry policy"))),
                }
            }
            "key" => {
                p.base.send_key = match int_of(py, n, &v)? {
                    0 => false,
                    1 => true,
                    _ => return Err(param_err(py, format!("{n}: invalid key policy"))),
                }
            }
            "exists" => {
                p.exists = match int_of(py, n, &v)? {
                    0 => RecordExists::Update,
                    1 => RecordExists::CreateOnly,
                    2 => RecordExists::UpdateOnly,
                    3 => RecordExists::ReplaceOnly,
                    4 => RecordExists::Replace,
                    _ => return Err(param_err(py, format!("{n}: invalid exists policy"))),
                }
            }
            "gen" => {
                p.gen = match int_of(py, n, &v)? {
                    0 => GenerationPolicy::None,
                    1 => GenerationPolicy::ExpectEqual,
                    2 => GenerationPolicy::ExpectGreater,
                    _ => return Err(param_err(py, format!("{n}: invalid gen policy"))),
                }
            }
            "replica" => {
                p.base.replica = match int_of(py, n, &v)? {
                    0 => Replica::Master,
                    1 | 4 => Replica::Any,
                    2 => Replica::Sequence,
                    3 => Replica::PreferRack,
                    _ => return Err(param_err(py, format!("{n}: invalid replica policy"))),
                }
            }
            "consistency_level" | "read_mode_ap" => {
                p.base.read_mode_all = match int_of(py, n, &v)? {
                    0 => false,
                    1 => true,
                    _ => return Err(param_err(py, format!("{n}: invalid consistency level"))),
                }
            }
            "commit_level" => {
                p.base.commit_master = match int_of(py, n, &v)? {
                    0 => false,
                    1 => true,
                    _ => return Err(param_err(py, format!("{n}: invalid commit level"))),
                }
            }
            "durable_delete" => p.base.durable_delete = bool_of(py, n, &v)?,
            "deserialize" => p.deserialize = bool_of(py, n, &v)?,
            "ttl" => p.ttl = Some(ttl_of(py, n, &v)?),
            "send_key" => p.base.send_key = bool_of(py, n, &v)?,
            "expressions" => {
                p.base.filter_exp = if v.is_none() {
                    None
                } else {
                    let packed = py
                        .import("aerospike_helpers.expressions._packer")?
                        .getattr("pack_expression")?
                        .call1((&v,))?;
                    Some(packed.extract::<Vec<u8>>()?)
                }
            }
            "compress" => p.base.compress = bool_of(py, n, &v)?,
            "compression_threshold" => {
                let t = int_of(py, n, &v)?;
                let t = usize::try_from(t)
                    .map_err(|_| param_err(py, format!("{n} must not be negative")))?;
                if t > 0 {
                    p.base.compress = true;
                    p.base.compression_threshold = t;
                }
            }
            "read_mode_sc" => {
                p.base.read_mode_sc = match int_of(py, n, &v)? {
                    i @ 0..=3 => i as u8,
                    _ => return Err(param_err(py, format!("{n}: invalid read mode"))),
                }
            }
            "read_touch_ttl_percent" => {
                p.base.read_touch_ttl_percent = match int_of(py, n, &v)? {
                    i @ -1..=100 => i as i32,
                    _ => return Err(param_err(py, format!("{n} must be -1..100"))),
                }
            }
            _ => {}
        }
    }
    Ok(())
}

/// A TTL value: -1 never expire, -2 keep, -3 client default, else 0..=u32::MAX.
pub fn ttl_of(py: Python<'_>, name: &str, v: &Bound<'_, PyAny>) -> PyResult<u32> {
    let i = int_of(py, name, v)?;
    match i {
        -1 => Ok(u32::MAX),
        -2 => Ok(u32::MAX - 1),
        -3 => Ok(u32::MAX - 2),
        _ => u32::try_from(i).map_err(|_| param_err(py, format!("{name} is not a valid TTL: {i}"))),
    }
}

fn parse_hosts(py: Python<'_>, v: &Bound<'_, PyAny>) -> PyResult<Vec<Seed>> {
    let items: Vec<Bound<'_, PyAny>> = if let Ok(l) = v.cast::<PyList>() {
        l.iter().collect()
    } else if let Ok(t) = v.cast::<PyTuple>() {
        t.iter().collect()
    } else {
        return Err(param_err(
            py,
            format!(
                "hosts must be a list of (address, port) tuples, not {}",
                type_name(v)
            ),
        ));
    };
    if items.is_empty() {
        return Err(param_err(py, "hosts must not be empty"));
    }
    let mut out = Vec::new();
    for h in items {
        if let Ok(t) = h.cast::<PyTuple>() {
            if t.len() < 2 || t.len() > 3 {
                return Err(param_err(
                    py,
                    "hosts: each host is (address, port[, tls_name])",
                ));
            }
            let addr = str_of(py, "hosts address", &t.get_item(0)?)?;
            let port = int_of(py, "hosts port", &t.get_item(1)?)?;
            let port = u16::try_from(port)
                .map_err(|_| param_err(py, format!("hosts port out of range: {port}")))?;
            let tls_name = match t.get_item(2) {
                Ok(n) if !n.is_none() => Some(str_of(py, "hosts tls_name", &n)?),
                _ => None,
            };
            out.push(Seed {
                host: addr,
                port,
                tls_name,
            });
        } else if let Ok(s) = h.cast::<PyString>() {
            let s = s.to_cow()?;
            match s.rsplit_once(':') {
                Some((a, p)) if !a.contains(':') => {
                    let port = p
                        .parse()
                        .map_err(|_| param_err(py, format!("hosts: bad port in {s:?}")))?;
                    out.push(Seed::from((a, port)));
                }
                _ => out.push(Seed::from((s.as_ref(), 3000))),
            }
        } else {
            return Err(param_err(
                py,
                format!(
                    "hosts: each host is an (address, port) tuple, not {}",
                    type_name(&h)
                ),
            ));
        }
    }
    Ok(out)
}

/// The `tls` dict: `None` unless `enable` is true. Options this client cannot honour
/// raise `ParamError` naming them rather than being ignored.
fn parse_tls(py: Python<'_>, v: &Bound<'_, PyAny>) -> PyResult<Option<TlsConfig>> {
    let d = dict_of(py, "tls", v)?;
    let mut enable = false;
    let mut opts = TlsOptions::default();
    for (k, v) in d.iter() {
        let key = str_of(py, "tls key", &k)?;
        let name = format!("tls[{key:?}]");
        if v.is_none() {
            continue;
        }
        let flag = |v: &Bound<'_, PyAny>| -> PyResult<bool> {
            v.cast::<PyBool>()
                .map(|b| b.is_true())
                .map_err(|_| param_err(py, format!("{name} must be a bool")))
        };
        let path = |v: &Bound<'_, PyAny>| -> PyResult<Option<PathBuf>> {
            Ok(Some(PathBuf::from(str_of(py, &name, v)?)))
        };
        match key.as_str() {
            "enable" => enable = flag(&v)?,
            "cafile" => opts.cafile = path(&v)?,
            "capath" => opts.capath = path(&v)?,
            "certfile" => opts.certfile = path(&v)?,
            "keyfile" => opts.keyfile = path(&v)?,
            "protocols" => opts.protocols = Some(str_of(py, &name, &v)?),
            "log_session_info" => opts.log_session_info = flag(&v)?,
            "crl_check" | "crl_check_all" | "for_login_only" => {
                if flag(&v)? {
                    return Err(param_err(
                        py,
                        format!("{name} is not supported by this client yet"),
                    ));
                }
            }
            "cipher_suite" | "cert_blacklist" | "keyfile_pw" => {
                str_of(py, &name, &v)?;
                let why = match key.as_str() {
                    "keyfile_pw" => "give an unencrypted key file",
                    "cipher_suite" => "rustls negotiates among its own modern suites",
                    _ => "not built yet",
                };
                return Err(param_err(
                    py,
                    format!("{name} is not supported by this client ({why})"),
                ));
            }
            _ => return Err(param_err(py, format!("unknown config key {name}"))),
        }
    }
    if !enable {
        return Ok(None);
    }
    opts.build()
        .map(Some)
        .map_err(|e| param_err(py, e.message()))
}

const TOP_POLICY_SCALARS: &[&str] = &[
    "timeout",
    "key",
    "exists",
    "gen",
    "retry",
    "consistency_level",
    "replica",
    "commit_level",
    "total_timeout",
    "socket_timeout",
    "max_retries",
    "sleep_between_retries",
    "durable_delete",
];

/// Parses the config dict of `aerospike.client`.
pub fn parse(py: Python<'_>, config: &Bound<'_, PyAny>) -> PyResult<Settings> {
    let d = dict_of(py, "config", config)?;
    let mut cluster = ClusterConfig {
        client_name: format!("aeropy-{}", env!("CARGO_PKG_VERSION")),
        ..ClusterConfig::default()
    };
    let mut policies = Policies::default();
    policies.write.base.max_retries = 0;
    policies.remove.base.max_retries = 0;
    policies.operate.base.max_retries = 0;
    policies.apply.base.max_retries = 0;
    // Scans and queries run as long as they need (19.x: total_timeout 0); a retry would
    // repeat records already delivered.
    for p in [&mut policies.scan, &mut policies.query] {
        p.base.total_timeout = Duration::ZERO;
        p.base.max_retries = 0;
    }
    let mut s = Settings {
        cluster: ClusterConfig::default(),
        policies: Policies::default(),
        send_bool_as: BOOL_AS_BOOL,
        serializer_default: SERIALIZER_PYTHON,
        pair: None,
        user: None,
        password: None,
        shm_key: None,
    };
    let mut have_hosts = false;
    let (mut rack_aware, mut rack_id, mut rack_ids) = (false, 0usize, Vec::<usize>::new());
    let mut have_threshold = false;
    for (k, v) in d.iter() {
        let key = str_of(py, "config key", &k)?;
        let n = key.as_str();
        match n {
            "hosts" => {
                cluster.hosts = parse_hosts(py, &v)?;
                have_hosts = true;
            }
            "lua" => {
                for (lk, lv) in dict_of(py, n, &v)?.iter() {
                    let lk = str_of(py, "lua key", &lk)?;
                    match lk.as_str() {
                        "system_path" | "user_path" => {
                            if !lv.is_none() {
                                str_of(py, &format!("lua[{lk:?}]"), &lv)?;
                            }
                        }
                        _ => return Err(param_err(py, format!("unknown config key lua[{lk:?}]"))),
                    }
                }
            }
            "serialization" => {
                if !v.is_none() {
                    let t = v.cast::<PyTuple>().map_err(|_| {
                        param_err(
                            py,
                            "serialization must be a (serializer, deserializer) tuple",
                        )
                    })?;
                    if t.len() != 2 || !t.iter().all(|f| f.is_none() || f.is_callable()) {
                        return Err(param_err(
                            py,
                            "serialization must be a (serializer, deserializer) tuple of callables",
                        ));
                    }
                    s.pair = Some(v.clone().unbind());
                }
            }
            "policies" => {
                let pd = dict_of(py, n, &v)?;
                // Seed-era top-level values first: defaults for every command.
                for p in [
                    &mut policies.read,
                    &mut policies.write,
                    &mut policies.apply,
                    &mut policies.operate,
                    &mut policies.remove,
                    &mut policies.query,
                    &mut policies.scan,
                    &mut policies.batch,
                    &mut policies.info,
                    &mut policies.admin,
                ] {
                    for (pk, pv) in pd.iter() {
                        let pk: String = pk.extract()?;
                        if TOP_POLICY_SCALARS.contains(&pk.as_str()) {
                            let one = PyDict::new(py);
                            one.set_item(&pk, &pv)?;
                            apply_policy(py, p, "policies", one.as_any())?;
                        }
                    }
                }
                for (pk, pv) in pd.iter() {
                    let pk: String = pk.extract()?;
                    let name = format!("policies[{pk:?}]");
                    let target = match pk.as_str() {
                        "read" => &mut policies.read,
                        "write" => &mut policies.write,
                        "apply" => &mut policies.apply,
                        "operate" => &mut policies.operate,
                        "remove" => &mut policies.remove,
                        "query" => &mut policies.query,
                        "scan" => &mut policies.scan,
                        "batch" | "batch_write" | "batch_apply" | "batch_remove"
                        | "batch_parent_write" => &mut policies.batch,
                        "info" => &mut policies.info,
                        "admin" => &mut policies.admin,
                        "auth_mode" | "login_timeout_ms" | "txn_verify" | "txn_roll" => continue,
                        x if TOP_POLICY_SCALARS.contains(&x) => continue,
                        _ => {
                            return Err(param_err(
                                py,
                                format!("unknown config key policies[{pk:?}]"),
                            ))
                        }
                    };
                    apply_policy(py, target, &name, &pv)?;
                }
            }
            "shm" => {
                let sd = dict_of(py, n, &v)?;
                for (sk, sv) in sd.iter() {
                    let sk = str_of(py, "shm key", &sk)?;
                    match sk.as_str() {
                        "max_nodes" | "max_namespaces" | "takeover_threshold_sec" => {
                            int_of(py, &format!("shm[{sk:?}]"), &sv)?;
                        }
                        "shm_key" => s.shm_key = Some(int_of(py, "shm[\"shm_key\"]", &sv)?),
                        _ => return Err(param_err(py, format!("unknown config key shm[{sk:?}]"))),
                    }
                }
                if s.shm_key.is_none() {
                    s.shm_key = Some(0xA500_0000);
                }
            }
            "thread_pool_size"
            | "max_threads"
            | "min_conns_per_node"
            | "rack_id"
            | "connect_timeout"
            | "login_timeout_ms"
            | "max_socket_idle"
            | "max_error_rate"
            | "error_rate_window"
            | "compression_threshold"
            | "async_max_conns_per_node"
            | "async_min_conns_per_node"
            | "max_conns_per_node"
            | "tend_interval"
            | "send_bool_as"
            | "serialization_default" => {
                let i = int_of(py, n, &v)?;
                if i < 0 {
                    return Err(param_err(py, format!("{n} must not be negative")));
                }
                match n {
                    "max_conns_per_node" | "max_threads" => {
                        cluster.max_conns_per_node = usize::try_from(i).unwrap_or(usize::MAX).max(1)
                    }
                    "tend_interval" => cluster.tend_interval = Duration::from_millis(i as u64),
                    "rack_id" => rack_id = usize::try_from(i).unwrap_or(usize::MAX),
                    "min_conns_per_node" => {
                        cluster.min_conns_per_node = usize::try_from(i).unwrap_or(usize::MAX)
                    }
                    "login_timeout_ms" if i > 0 => {
                        cluster.login_timeout = Duration::from_millis(i as u64)
                    }
                    "max_socket_idle" if i > 0 => {
                        cluster.max_socket_idle = Duration::from_secs(i as u64)
                    }
                    "max_error_rate" => {
                        cluster.max_error_rate = u32::try_from(i).unwrap_or(u32::MAX)
                    }
                    "error_rate_window" => {
                        cluster.error_rate_window = u32::try_from(i).unwrap_or(u32::MAX).max(1)
                    }
                    "compression_threshold" if i > 0 => {
                        have_threshold = true;
                        cluster.compression_threshold = usize::try_from(i).unwrap_or(usize::MAX)
                    }
                    "connect_timeout" if i > 0 => {
                        cluster.conn_timeout = Duration::from_millis(i as u64)
                    }
                    "send_bool_as" => {
                        if !(0..=2).contains(&i) {
                            return Err(param_err(py, "send_bool_as must be aerospike.AS_BOOL, aerospike.INTEGER or aerospike.PY_BYTES"));
                        }
                        s.send_bool_as = i;
                    }
                    "serialization_default" => {
                        if !(0..=3).contains(&i) {
                            return Err(param_err(
                                py,
                                "serialization_default must be an aerospike.SERIALIZER_* constant",
                            ));
                        }
                        s.serializer_default = i;
                    }
                    _ => {}
                }
            }
            "batch_direct"
            | "rack_aware"
            | "use_services_alternate"
            | "strict_types"
            | "fail_if_not_connected"
            | "force_single_node"
            | "use_shared_connection" => {
                let b = v.cast::<PyBool>().map_err(|_| {
                    param_err(py, format!("{n} must be a bool, not {}", type_name(&v)))
                })?;
                match n {
                    "rack_aware" => rack_aware = b.is_true(),
                    "use_services_alternate" => cluster.use_services_alternate = b.is_true(),
                    _ => {}
                }
            }
            "user" => s.user = (!v.is_none()).then(|| str_of(py, n, &v)).transpose()?,
            "password" => s.password = (!v.is_none()).then(|| str_of(py, n, &v)).transpose()?,
            "cluster_name" => {
                cluster.cluster_name = (!v.is_none()).then(|| str_of(py, n, &v)).transpose()?
            }
            "app_id" => cluster.app_id = Some(str_of(py, n, &v)?),
            "tls" => cluster.tls = parse_tls(py, &v)?,
            "rack_ids" => {
                let bad = || param_err(py, "rack_ids must be a list of non-negative ints");
                for r in v.cast::<PyList>().map_err(|_| bad())?.iter() {
                    let i = int_of(py, n, &r).map_err(|_| bad())?;
                    rack_ids.push(usize::try_from(i).map_err(|_| bad())?);
                }
            }
            "config_provider" | "metrics" | "validate_keys" => {}
            _ => return Err(param_err(py, format!("unknown config key {key:?}"))),
        }
    }
    if !have_hosts {
        return Err(param_err(py, "config must contain \"hosts\""));
    }
    // Today's deprecated config-level compression_threshold: writes larger than it are
    // compressed (a write policy's own threshold wins).
    if have_threshold && policies.write.base.compression_threshold == 0 {
        policies.write.base.compress = true;
        policies.write.base.compression_threshold = cluster.compression_threshold;
    }
    // As the C client: racks only with rack_aware; rack_ids wins over rack_id.
    if rack_aware {
        cluster.rack_ids = if rack_ids.is_empty() {
            vec![rack_id]
        } else {
            rack_ids
        };
    }
    s.cluster = cluster;
    s.policies = policies;
    Ok(s)
}
