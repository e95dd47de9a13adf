//! Info commands: one reply line per request line, echoing the line exactly.

use std::time::{SystemTime, UNIX_EPOCH};

use aeropy_protocol::frame::{self, TYPE_INFO};
use aeropy_protocol::info::{self as wire, Command};
use aeropy_protocol::partitions;

use crate::cluster::Shared;
use crate::node::ConnState;
use crate::store::{Now, CITRUSLEAF_EPOCH};

/// Version reported by `build`: ≥ 8.1 selects the modern info syntax in clients, and
/// staying below 8.1.2 avoids the query "ops projection" we do not implement.
pub const BUILD: &str = "8.1.0.0";
const EDITION: &str = "Aerospike Community Edition";
const FEATURES: &str = "batch-any;batch-index;blob-bits;cdt-index;cdt-list;cdt-map;cluster-stable;float;geo;\
sindex-exists;peers;pipelining;pquery;pscans;query-show;relaxed-sc;replicas;replicas-all;replicas-master;\
replicas-max;truncate-namespace;udf";

/// Answers an info request body, appending the reply frame to `out`.
pub(crate) fn handle(
    shared: &Shared,
    idx: usize,
    state: &mut ConnState,
    body: &[u8],
    out: &mut Vec<u8>,
) {
    let start = frame::begin_frame(out, TYPE_INFO);
    let lines = wire::parse_request(body).unwrap_or_default();
    if lines.is_empty() && body.is_empty() {
        // The deprecated "summary" of an empty request.
        for name in ["node", "build", "edition", "version", "cluster-name"] {
            let v = value(shared, idx, state, name);
            wire::write_reply_line(out, name, &v);
        }
    }
    for line in lines {
        // Security on: admin-ish commands need their privilege.
        if let (Some(sec), Some(user)) = (&shared.security, &state.user) {
            if !sec.may_run_info(user, line) {
                wire::write_reply_line(out, line, "ERROR:81:role violation");
                continue;
            }
        }
        let v = value(shared, idx, state, line);
        wire::write_reply_line(out, line, &v);
    }
    frame::end_frame(out, start);
}

/// Security on, connection not authenticated: every command answers
/// `ERROR:80:not authenticated`.
pub(crate) fn refuse(body: &[u8], out: &mut Vec<u8>) {
    let start = frame::begin_frame(out, TYPE_INFO);
    for line in wire::parse_request(body).unwrap_or_default() {
        wire::write_reply_line(out, line, "ERROR:80:not authenticated");
    }
    frame::end_frame(out, start);
}

/// `peers-clear-*` (`tls` false) or `peers-tls-*`: `<gen>,<port>,[[<id>,<tls-name>,[<addr>]],…]`.
/// Without TLS the TLS variant lists no peer, as a real server with no `tls-port`.
fn peers_value(shared: &Shared, idx: usize, tls: bool) -> String {
    let t = shared.topo();
    let tls_name = match (&shared.tls, tls) {
        (Some((name, _)), true) => Some(name.as_str()),
        _ => None,
    };
    let port_of = |n: &crate::cluster::NodeMeta| match tls_name {
        Some(_) => n.tls_port,
        None => n.port,
    };
    let own_port = t.nodes.get(idx).map_or(0, port_of);
    let peers: Vec<String> = if tls && tls_name.is_none() {
        Vec::new()
    } else {
        t.nodes
            .iter()
            .enumerate()
            .filter(|(i, n)| *i != idx && n.live)
            .map(|(_, n)| {
                let addr = host_port(&shared.host, port_of(n));
                format!("[{},{},[{addr}]]", n.id, tls_name.unwrap_or(""))
            })
            .collect()
    };
    format!("{},{},[{}]", t.peers_generation, own_port, peers.join(","))
}

fn host_port(host: &str, port: u16) -> String {
    if host.contains(':') {
        format!("[{host}]:{port}")
    } else {
        format!("{host}:{port}")
    }
}

fn value(shared: &Shared, idx: usize, state: &mut ConnState, line: &str) -> String {
    let cmd = Command::parse(line);
    let t = shared.topo();
    let me = t.nodes.get(idx);
    let port = me.map_or(0, |n| n.port);
    let unknown = || "ERROR:4:unrecognized command".to_string();
    match (cmd.name, cmd.args.as_slice()) {
        ("node", []) => me.map(|n| n.id.clone()).unwrap_or_default(),
        ("cluster-name", []) => shared.cluster_name.clone(),
        ("build", []) => BUILD.to_string(),
        ("version", []) => format!("{EDITION} build {BUILD}"),
        ("edition", []) => EDITION.to_string(),
        ("release", []) => format!(
            "edition={EDITION};version={BUILD};os=linux;arch={};sha=embedded",
            std::env::consts::ARCH
        ),
        ("features", []) => FEATURES.to_string(),
        ("partitions", []) => "4096".to_string(),
        ("partition-generation", []) => me.map_or(0, |n| n.partition_generation).to_string(),
        ("peers-generation", []) => t.peers_generation.to_string(),
        ("rebalance-generation", []) => t.rebalance_generation.to_string(),
        ("cluster-stable", []) => shared.cluster_key.clone(),
        ("peers-clear-std" | "peers-clear-alt", []) => {
            drop(t);
            peers_value(shared, idx, false)
        }
        ("peers-tls-std" | "peers-tls-alt", []) => {
            drop(t);
            peers_value(shared, idx, true)
        }
        ("service-clear-std" | "service-clear-alt" | "service", []) => {
            host_port(&shared.host, port)
        }
        // Empty without TLS, as a real server with no `tls-port`.
        ("service-tls-std" | "service-tls-alt", []) => match &shared.tls {
            Some(_) => host_port(&shared.host, me.map_or(0, |n| n.tls_port)),
            None => String::new(),
        },
        ("services" | "services-alternate" | "services-alumni", []) => t
            .nodes
            .iter()
            .enumerate()
            .filter(|(i, n)| *i != idx && n.live)
            .map(|(_, n)| host_port(&shared.host, n.port))
            .collect::<Vec<_>>()
            .join(";"),
        ("replicas", []) => {
            drop(t);
            partitions::format_replicas(&shared.replicas(idx))
        }
        ("replicas-all", []) => {
            drop(t);
            partitions::format_replicas_all(&shared.replicas(idx))
        }
        ("replicas-master", []) => {
            drop(t);
            shared
                .replicas(idx)
                .iter()
                .map(|r| {
                    let b64 = r
                        .replicas
                        .first()
                        .map(|b| b.to_base64())
                        .unwrap_or_default();
                    format!("{}:{}", r.namespace, b64)
                })
                .collect::<Vec<_>>()
                .join(";")
        }
        ("rack-ids", []) => shared
            .store
            .namespaces
            .iter()
            .map(|n| format!("{}:{}", n.name, me.map_or(0, |m| m.rack)))
            .collect::<Vec<_>>()
            .join(";"),
        ("namespaces", []) => shared
            .store
            .namespaces
            .iter()
            .map(|n| n.name.as_str())
            .collect::<Vec<_>>()
            .join(";"),
        ("namespace", [ns]) => {
            let eff = shared
                .store
                .namespace(ns.as_bytes())
                .map(|n| t.effective_rf(n.replication_factor));
            let size = t.nodes.iter().filter(|n| n.live).count();
            drop(t);
            namespace_value(shared, ns, eff.unwrap_or(1), size)
        }
        ("sets", args) if args.len() <= 2 => {
            drop(t);
            sets_value(shared, args)
        }
        ("statistics", []) => {
            let size = t.nodes.iter().filter(|n| n.live).count();
            drop(t);
            statistics(shared, size)
        }
        ("udf-list", []) => shared.udfs.list(),
        ("udf-put", []) => shared.udfs.put(&cmd),
        ("udf-get", []) => shared.udfs.get(&cmd),
        ("udf-remove", []) => shared.udfs.remove(&cmd),
        ("query-show" | "scan-show", []) => shared.jobs.show(idx, &cmd),
        ("jobs", []) if cmd.param("cmd") == Some("get-job") => shared.jobs.show(idx, &cmd),
        ("sindex-list", []) => shared
            .indexes
            .list(cmd.param("namespace").or_else(|| cmd.param("ns"))),
        ("sindex", []) => shared.indexes.list(None),
        ("sindex", [ns]) => shared.indexes.list(Some(ns)),
        ("sindex", [ns, name]) => shared.indexes.stat(&shared.store, ns, name),
        ("sindex-stat", []) => {
            let ns = cmd
                .param("namespace")
                .or_else(|| cmd.param("ns"))
                .unwrap_or_default();
            shared.indexes.stat(
                &shared.store,
                ns,
                cmd.param("indexname").unwrap_or_default(),
            )
        }
        ("sindex-create", []) => shared.indexes.create(&shared.store, &cmd),
        ("sindex-delete", []) => shared.indexes.delete(&cmd),
        ("sindex-exists", []) => shared.indexes.exists(&cmd),
        ("user-agent-set", []) => {
            if state.user_agent {
                "ERROR:4:already set".to_string()
            } else {
                state.user_agent = true;
                "ok".to_string()
            }
        }
        ("truncate", []) => {
            drop(t);
            truncate(shared, &cmd, false)
        }
        ("truncate-namespace", []) => {
            drop(t);
            truncate(shared, &cmd, true)
        }
        ("embedded-stats", []) => {
            let c = shared.counters(idx);
            format!(
                "requests={};misroutes={};info_requests={};connections={}",
                c.requests, c.misroutes, c.info_requests, c.connections
            )
        }
        _ => unknown(),
    }
}

fn namespace_value(shared: &Shared, ns: &str, eff_rf: usize, cluster_size: usize) -> String {
    let Some(n) = shared.store.namespace(ns.as_bytes()) else {
        return "type=unknown".to_string();
    };
    let objects = n.objects(&Now::get());
    format!(
        "ns_cluster_size={cluster_size};effective_replication_factor={eff_rf};objects={objects};tombstones=0;\
master_objects={objects};prole_objects=0;non_replica_objects=0;dead_partitions=0;unavailable_partitions=0;\
stop_writes=false;hwm_breached=false;current_time={};replication-factor={};default-ttl={};\
storage-engine=memory;strong-consistency=false;allow-ttl-without-nsup=true;nsup-period=0;\
single-scan-threads=4;max-record-size=1048576;write-block-size=1048576",
        Now::get().secs,
        n.replication_factor,
        n.default_ttl
    )
}

fn set_line(
    ns: &crate::store::Namespace,
    set: &[u8],
    objects: u64,
    bytes: u64,
    with_names: bool,
) -> String {
    let lut_ms = ns.truncate_lut(set) / 1_000_000;
    let cl_ms = lut_ms.saturating_sub(CITRUSLEAF_EPOCH * 1000);
    let stats = format!(
        "objects={objects}:tombstones=0:data_used_bytes={bytes}:truncate_lut={cl_ms}:sindexes=0:\
index_populating=false:truncating=false:default-read-touch-ttl-pct=0:default-ttl=0:disable-eviction=false:\
enable-index=false:stop-writes-count=0:stop-writes-size=0;"
    );
    if with_names {
        format!(
            "ns={}:set={}:{stats}",
            ns.name,
            String::from_utf8_lossy(set)
        )
    } else {
        stats
    }
}

fn sets_value(shared: &Shared, args: &[&str]) -> String {
    let now = Now::get();
    let namespaces: Vec<_> = match args.first() {
        None => shared.store.namespaces.iter().collect(),
        Some(ns) => match shared.store.namespace(ns.as_bytes()) {
            Some(n) => vec![n],
            None => return "ns_type=unknown".to_string(),
        },
    };
    let mut out = String::new();
    for ns in namespaces {
        let stats = ns.set_stats(&now);
        match args.get(1) {
            Some(set) => {
                let (o, b) = stats
                    .iter()
                    .find(|(s, _)| s.as_slice() == set.as_bytes())
                    .map_or((0, 0), |(_, st)| (st.objects, st.bytes));
                out.push_str(&set_line(ns, set.as_bytes(), o, b, false));
            }
            None => {
                for (s, st) in &stats {
                    out.push_str(&set_line(ns, s, st.objects, st.bytes, true));
                }
            }
        }
    }
    out
}

fn statistics(shared: &Shared, cluster_size: usize) -> String {
    let now = Now::get();
    let objects: u64 = shared
        .store
        .namespaces
        .iter()
        .map(|n| n.objects(&now))
        .sum();
    format!(
        "cluster_size={cluster_size};cluster_key={};cluster_generation=1;cluster_integrity=true;\
cluster_is_member=true;cluster_clock_skew_ms=0;objects={objects};uptime=1;system_free_mem_pct=90;\
client_connections=1;batch_index_initiate=0",
        shared.cluster_key
    )
}

/// `truncate:namespace=<ns>;set=<set>[;lut=<ns since Unix>]` and
/// `truncate-namespace:namespace=<ns>[;lut=…]`.
fn truncate(shared: &Shared, cmd: &Command, whole_namespace: bool) -> String {
    let ns_name = cmd.param("namespace").or_else(|| cmd.param("ns"));
    let Some(ns) = ns_name.and_then(|n| shared.store.namespace(n.as_bytes())) else {
        return "ERROR:4:namespace not found".to_string();
    };
    let set = if whole_namespace {
        None
    } else {
        cmd.param("set")
    };
    let now_nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as u64);
    let cutoff = match cmd.param("lut") {
        None => now_nanos,
        Some(v) => match v.parse::<u64>() {
            Ok(lut) if lut > now_nanos => {
                return "ERROR:4:would truncate in the future".to_string()
            }
            // The server keeps milliseconds since 2010: a lut at or before that epoch is 0.
            Ok(lut) if lut / 1_000_000 <= CITRUSLEAF_EPOCH * 1000 => {
                return "ERROR:4:invalid lut".to_string()
            }
            Ok(lut) => lut,
            Err(_) => return "ERROR:4:invalid lut".to_string(),
        },
    };
    ns.truncate(set.map(str::as_bytes), cutoff);
    "ok".to_string()
}
