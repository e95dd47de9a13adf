//! Cluster configuration, topology (nodes, partition ownership, generations) and the
//! public [`Cluster`] handle.

use std::io;
use std::net::TcpListener;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock, RwLockReadGuard, RwLockWriteGuard};

use aeropy_protocol::digest::N_PARTITIONS;
use aeropy_protocol::partitions::{NamespaceReplicas, PartitionBitmap};

use crate::node::RunningNode;
use crate::store::{Namespace, Store};
use crate::tls::{self, TlsFiles, TlsOptions};

/// Most nodes one embedded cluster may have.
pub const MAX_NODES: usize = 64;

/// One namespace of the embedded cluster.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NamespaceConfig {
    /// Namespace name.
    pub name: String,
    /// TTL applied when a write asks for the namespace default (0 = never expire).
    pub default_ttl: u32,
    /// Replication factor advertised in `replicas` (capped by the node count).
    pub replication_factor: u8,
}

impl NamespaceConfig {
    /// A namespace with default TTL 0 (never expire) and replication factor 1.
    pub fn new(name: &str) -> Self {
        NamespaceConfig {
            name: name.to_string(),
            default_ttl: 0,
            replication_factor: 1,
        }
    }
}

/// How to start an embedded cluster.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClusterConfig {
    /// Address every node binds and advertises.
    pub host: String,
    /// Port of node 0; node i uses `port + i`. 0 = each node picks a free port.
    pub port: u16,
    /// Number of nodes (1..=64).
    pub nodes: usize,
    /// Namespaces (default `test` and `bar`).
    pub namespaces: Vec<NamespaceConfig>,
    /// Value of the `cluster-name` info command.
    pub cluster_name: String,
    /// A TLS listener on every node beside the clear one (`None` = clear text only).
    pub tls: Option<TlsOptions>,
    /// Access control as an Enterprise server with security enabled (users, roles,
    /// LOGIN with session tokens); the default user is `admin` / `admin`.
    pub security: bool,
}

impl Default for ClusterConfig {
    fn default() -> Self {
        ClusterConfig {
            host: "127.0.0.1".to_string(),
            port: 0,
            nodes: 1,
            namespaces: vec![NamespaceConfig::new("test"), NamespaceConfig::new("bar")],
            cluster_name: "aerospike-embedded".to_string(),
            tls: None,
            security: false,
        }
    }
}

/// Counters of one node.
#[derive(Debug, Default)]
pub(crate) struct NodeStats {
    pub requests: AtomicU64,
    pub misroutes: AtomicU64,
    pub info_requests: AtomicU64,
    pub connections: AtomicU64,
}

/// A snapshot of one node's counters.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct NodeCounters {
    /// Record commands received (single-record commands and batch rows; a scan or a
    /// batch also counts once as a whole).
    pub requests: u64,
    /// Record commands for a partition this node holds no replica of (writes: is not
    /// master of).
    pub misroutes: u64,
    /// Info requests received.
    pub info_requests: u64,
    /// Connections accepted.
    pub connections: u64,
}

/// Static and dynamic facts about one node.
#[derive(Debug, Clone)]
pub(crate) struct NodeMeta {
    pub id: String,
    pub port: u16,
    /// Port of the TLS listener (0 = no TLS).
    pub tls_port: u16,
    pub live: bool,
    pub partition_generation: i64,
    /// Rack id reported by `rack-ids` for every namespace (default 0).
    pub rack: u32,
}

/// Who owns what. `preferred[pid]` is the configured master; `masters[pid]` the live
/// node actually serving it (the next live one in ring order when the preferred is down).
#[derive(Debug, Clone)]
pub(crate) struct Topology {
    pub nodes: Vec<NodeMeta>,
    pub preferred: Vec<u16>,
    pub masters: Vec<u16>,
    pub peers_generation: u64,
    pub rebalance_generation: u64,
}

impl Topology {
    fn live_count(&self) -> usize {
        self.nodes.iter().filter(|n| n.live).count()
    }

    /// Node holding replica `k` (0 = master) of `pid`: the k-th live node in ring order
    /// starting at the master.
    pub fn replica(&self, pid: u16, k: usize) -> Option<usize> {
        let n = self.nodes.len();
        let master = usize::from(*self.masters.get(usize::from(pid))?);
        (0..n)
            .map(|j| (master + j) % n)
            .filter(|i| self.nodes[*i].live)
            .nth(k)
    }

    /// Replicas reported for a namespace of replication factor `rf`.
    pub fn effective_rf(&self, rf: u8) -> usize {
        usize::from(rf.max(1)).min(self.live_count().max(1))
    }

    /// Applies `change`, recomputes live masters and bumps the partition generation of
    /// every node whose ownership changed.
    pub fn change(&mut self, rfs: &[u8], change: impl FnOnce(&mut Topology)) {
        let before: Vec<Vec<PartitionBitmap>> =
            (0..self.nodes.len()).map(|i| self.owned(i, rfs)).collect();
        change(self);
        let n = self.nodes.len();
        for pid in 0..usize::from(N_PARTITIONS) {
            let pref = usize::from(self.preferred[pid]);
            if let Some(m) = (0..n).map(|j| (pref + j) % n).find(|i| self.nodes[*i].live) {
                self.masters[pid] = m as u16;
            }
        }
        let mut changed = false;
        for (i, old) in before.iter().enumerate() {
            if *old != self.owned(i, rfs) {
                self.nodes[i].partition_generation += 1;
                changed = true;
            }
        }
        if changed {
            self.rebalance_generation += 1;
        }
    }

    /// Bitmaps of node `i` for every replica column of every namespace (comparison key).
    fn owned(&self, i: usize, rfs: &[u8]) -> Vec<PartitionBitmap> {
        rfs.iter().flat_map(|rf| self.bitmaps(i, *rf)).collect()
    }

    /// One bitmap per replica column for node `i` (empty when the node is down).
    pub fn bitmaps(&self, i: usize, rf: u8) -> Vec<PartitionBitmap> {
        let cols = self.effective_rf(rf);
        let mut maps = vec![PartitionBitmap::default(); cols];
        if self.nodes.get(i).is_some_and(|n| n.live) {
            for pid in 0..N_PARTITIONS {
                for (k, m) in maps.iter_mut().enumerate() {
                    if self.replica(pid, k) == Some(i) {
                        m.set(pid, true);
                    }
                }
            }
        }
        maps
    }

    /// Whether node `i` serves `pid` properly: master for writes, any replica for reads.
    pub fn serves(&self, i: usize, pid: u16, rf: u8, write: bool) -> bool {
        let cols = if write { 1 } else { self.effective_rf(rf) };
        (0..cols).any(|k| self.replica(pid, k) == Some(i))
    }
}

/// State shared by every node and connection of a cluster.
pub(crate) struct Shared {
    pub store: Store,
    pub host: String,
    pub cluster_name: String,
    pub cluster_key: String,
    /// TLS name and server configuration, when the nodes listen for TLS too.
    pub tls: Option<(String, Arc<rustls::ServerConfig>)>,
    topo: RwLock<Topology>,
    pub stats: Vec<NodeStats>,
    pub indexes: crate::sindex::Indexes,
    pub jobs: crate::jobs::Jobs,
    pub udfs: crate::udf::Udfs,
    /// Users, roles and sessions, when security is on.
    pub security: Option<crate::security::Security>,
}

impl Shared {
    pub fn topo(&self) -> RwLockReadGuard<'_, Topology> {
        self.topo.read().unwrap_or_else(|e| e.into_inner())
    }

    fn topo_mut(&self) -> RwLockWriteGuard<'_, Topology> {
        self.topo.write().unwrap_or_else(|e| e.into_inner())
    }

    fn rfs(&self) -> Vec<u8> {
        self.store
            .namespaces
            .iter()
            .map(|n| n.replication_factor)
            .collect()
    }

    /// Counts a record command and whether it reached a node that does not own it.
    pub fn count_request(&self, node: usize, ns: &Namespace, pid: u16, write: bool) {
        if let Some(s) = self.stats.get(node) {
            s.requests.fetch_add(1, Ordering::Relaxed);
            if !self.topo().serves(node, pid, ns.replication_factor, write) {
                s.misroutes.fetch_add(1, Ordering::Relaxed);
            }
        }
    }

    /// Replicas entries of node `i` for every namespace.
    pub fn replicas(&self, i: usize) -> Vec<NamespaceReplicas> {
        let t = self.topo();
        self.store
            .namespaces
            .iter()
            .map(|ns| NamespaceReplicas {
                namespace: ns.name.clone(),
                regime: 0,
                replicas: t.bitmaps(i, ns.replication_factor),
            })
            .collect()
    }

    /// Counters of node `i`.
    pub fn counters(&self, i: usize) -> NodeCounters {
        self.stats
            .get(i)
            .map_or_else(NodeCounters::default, |s| NodeCounters {
                requests: s.requests.load(Ordering::Relaxed),
                misroutes: s.misroutes.load(Ordering::Relaxed),
                info_requests: s.info_requests.load(Ordering::Relaxed),
                connections: s.connections.load(Ordering::Relaxed),
            })
    }
}

/// A running embedded cluster. Dropping it shuts every node down.
pub struct Cluster {
    shared: Arc<Shared>,
    nodes: Vec<Option<RunningNode>>,
    /// PEM files of the TLS CA (and client certificate); removed on shutdown.
    tls_files: Option<TlsFiles>,
}

/// Port of node `i` when node 0 is on `base` (0 = a free port).
fn node_port(base: u16, i: usize) -> u16 {
    if base == 0 {
        0
    } else {
        u16::try_from(i)
            .ok()
            .and_then(|i| base.checked_add(i))
            .unwrap_or(0)
    }
}

impl Cluster {
    /// Binds every node and starts serving.
    pub fn start(cfg: ClusterConfig) -> io::Result<Cluster> {
        if cfg.nodes == 0 || cfg.nodes > MAX_NODES {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "nodes must be 1..=64",
            ));
        }
        if cfg.namespaces.is_empty() {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "at least one namespace",
            ));
        }
        let tls = match &cfg.tls {
            Some(opts) => Some((opts, tls::generate(opts, &cfg.host)?)),
            None => None,
        };
        let mut listeners = Vec::with_capacity(cfg.nodes);
        for i in 0..cfg.nodes {
            listeners.push(TcpListener::bind((
                cfg.host.as_str(),
                node_port(cfg.port, i),
            ))?);
        }
        let mut tls_listeners = Vec::new();
        if let Some((opts, _)) = &tls {
            for i in 0..cfg.nodes {
                let port = node_port(opts.port, i);
                tls_listeners.push(TcpListener::bind((cfg.host.as_str(), port))?);
            }
        }
        let port_of = |l: &TcpListener| l.local_addr().map(|a| a.port());
        let ports: Vec<u16> = listeners.iter().map(port_of).collect::<io::Result<_>>()?;
        let tls_ports: Vec<u16> = tls_listeners
            .iter()
            .map(port_of)
            .collect::<io::Result<_>>()?;
        let first = u64::from(ports[0]);
        let nodes = ports
            .iter()
            .enumerate()
            .map(|(i, p)| NodeMeta {
                // Distinct per cluster and stable across restarts of a node.
                id: format!("BB9{:012X}", (first << 16) | (i as u64 + 1)),
                port: *p,
                tls_port: tls_ports.get(i).copied().unwrap_or(0),
                live: true,
                partition_generation: 1,
                rack: 0,
            })
            .collect();
        let n = cfg.nodes as u16;
        let preferred: Vec<u16> = (0..N_PARTITIONS).map(|p| p % n).collect();
        let topo = Topology {
            nodes,
            masters: preferred.clone(),
            preferred,
            peers_generation: 1,
            rebalance_generation: 1,
        };
        let store = Store {
            namespaces: cfg
                .namespaces
                .iter()
                .map(|c| Namespace::new(&c.name, c.default_ttl, c.replication_factor))
                .collect(),
        };
        let shared = Arc::new(Shared {
            store,
            host: cfg.host.clone(),
            cluster_name: cfg.cluster_name.clone(),
            cluster_key: format!("{:012X}", first * 0x9E37_79B9 % 0xFFFF_FFFF_FFFF),
            tls: tls
                .as_ref()
                .map(|(opts, m)| (opts.name.clone(), m.config.clone())),
            topo: RwLock::new(topo),
            stats: (0..cfg.nodes).map(|_| NodeStats::default()).collect(),
            indexes: crate::sindex::Indexes::default(),
            jobs: crate::jobs::Jobs::default(),
            udfs: crate::udf::Udfs::default(),
            security: cfg.security.then(crate::security::Security::new),
        });
        let mut tls_listeners = tls_listeners.into_iter();
        let nodes = listeners
            .into_iter()
            .enumerate()
            .map(|(i, l)| {
                let t = tls_listeners
                    .next()
                    .zip(shared.tls.as_ref().map(|t| t.1.clone()));
                RunningNode::spawn(shared.clone(), i, l, t).map(Some)
            })
            .collect::<io::Result<_>>()?;
        Ok(Cluster {
            shared,
            nodes,
            tls_files: tls.map(|(_, m)| m.files),
        })
    }

    /// The state shared by the nodes (for in-crate tests).
    #[cfg(test)]
    pub(crate) fn shared(&self) -> &Shared {
        &self.shared
    }

    /// `(host, port)` of every node, in node order (stopped nodes included).
    pub fn hosts(&self) -> Vec<(String, u16)> {
        self.shared
            .topo()
            .nodes
            .iter()
            .map(|n| (self.shared.host.clone(), n.port))
            .collect()
    }

    /// TLS port of node `i` (`None` without TLS or past the last node).
    pub fn tls_port(&self, i: usize) -> Option<u16> {
        self.shared.tls.as_ref()?;
        self.shared.topo().nodes.get(i).map(|n| n.tls_port)
    }

    /// The TLS name clients must verify (`None` without TLS).
    pub fn tls_name(&self) -> Option<&str> {
        self.shared.tls.as_ref().map(|t| t.0.as_str())
    }

    /// `(host, tls_port, tls_name)` of every node, in node order (empty without TLS): the
    /// hosts of a TLS client configuration.
    pub fn tls_hosts(&self) -> Vec<(String, u16, String)> {
        let Some((name, _)) = &self.shared.tls else {
            return Vec::new();
        };
        self.shared
            .topo()
            .nodes
            .iter()
            .map(|n| (self.shared.host.clone(), n.tls_port, name.clone()))
            .collect()
    }

    /// PEM file of the CA that signed the server (and client) certificates; `None`
    /// without TLS or after [`Cluster::shutdown`], which removes the files.
    pub fn tls_ca_file(&self) -> Option<&Path> {
        self.tls_files.as_ref().map(|f| f.ca.as_path())
    }

    /// PEM file of the client certificate (mutual TLS only).
    pub fn tls_client_cert_file(&self) -> Option<&Path> {
        let (cert, _) = self.tls_files.as_ref()?.client.as_ref()?;
        Some(cert.as_path())
    }

    /// PEM file of the client certificate's private key, PKCS #8 (mutual TLS only).
    pub fn tls_client_key_file(&self) -> Option<&Path> {
        let (_, key) = self.tls_files.as_ref()?.client.as_ref()?;
        Some(key.as_path())
    }

    /// Node ids (as returned by the `node` info command).
    pub fn node_ids(&self) -> Vec<String> {
        self.shared
            .topo()
            .nodes
            .iter()
            .map(|n| n.id.clone())
            .collect()
    }

    /// Number of nodes (running or stopped).
    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    /// Always false: a cluster has at least one node.
    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }

    /// Whether node `i` is running.
    pub fn is_running(&self, i: usize) -> bool {
        self.nodes.get(i).is_some_and(Option::is_some)
    }

    /// Stops node `i`: closes its listener and connections; its partitions move to the
    /// other nodes, which bump their partition generation, as in a real cluster.
    pub fn stop_node(&mut self, i: usize) {
        let Some(node) = self.nodes.get_mut(i).and_then(Option::take) else {
            return;
        };
        {
            let rfs = self.shared.rfs();
            let mut t = self.shared.topo_mut();
            t.change(&rfs, |t| {
                t.nodes[i].live = false;
                t.peers_generation += 1;
            });
        }
        node.stop();
    }

    /// Restarts a stopped node on the same port; it takes its partitions back.
    pub fn start_node(&mut self, i: usize) -> io::Result<()> {
        if self.is_running(i) || i >= self.nodes.len() {
            return Ok(());
        }
        let (port, tls_port) = {
            let t = self.shared.topo();
            (t.nodes[i].port, t.nodes[i].tls_port)
        };
        let listener = TcpListener::bind((self.shared.host.as_str(), port))?;
        let tls = match &self.shared.tls {
            Some((_, config)) => Some((
                TcpListener::bind((self.shared.host.as_str(), tls_port))?,
                config.clone(),
            )),
            None => None,
        };
        self.nodes[i] = Some(RunningNode::spawn(self.shared.clone(), i, listener, tls)?);
        let rfs = self.shared.rfs();
        let mut t = self.shared.topo_mut();
        t.change(&rfs, |t| {
            t.nodes[i].live = true;
            t.peers_generation += 1;
        });
        Ok(())
    }

    /// Makes node `to` the preferred master of `pids` (ids ≥ 4096 are ignored); nodes
    /// whose ownership changes bump their partition generation.
    pub fn move_partitions(&self, pids: impl IntoIterator<Item = u16>, to: usize) {
        if to >= self.nodes.len() {
            return;
        }
        let rfs = self.shared.rfs();
        let mut t = self.shared.topo_mut();
        t.change(&rfs, |t| {
            for pid in pids {
                if let Some(p) = t.preferred.get_mut(usize::from(pid)) {
                    *p = to as u16;
                }
            }
        });
    }

    /// Sets the rack id of each node, in node order (nodes beyond `racks` keep theirs;
    /// every node starts on rack 0). Info `rack-ids` reports them; a change bumps
    /// `rebalance-generation`, which rack-aware clients watch before re-reading
    /// `rack-ids`. Replica placement stays ring order (master = pid % N, prole next).
    pub fn set_rack_ids(&self, racks: &[u32]) {
        let mut t = self.shared.topo_mut();
        let mut changed = false;
        for (n, r) in t.nodes.iter_mut().zip(racks) {
            changed |= n.rack != *r;
            n.rack = *r;
        }
        if changed {
            t.rebalance_generation += 1;
        }
    }

    /// Rack id of every node, in node order.
    pub fn rack_ids(&self) -> Vec<u32> {
        self.shared.topo().nodes.iter().map(|n| n.rack).collect()
    }

    /// Master node of partition `pid` right now.
    pub fn master_of(&self, pid: u16) -> Option<usize> {
        self.shared.topo().replica(pid, 0)
    }

    /// Counters of node `i`.
    pub fn counters(&self, i: usize) -> NodeCounters {
        self.shared.counters(i)
    }

    /// Resets every node's counters to zero.
    pub fn reset_counters(&self) {
        for s in &self.shared.stats {
            s.requests.store(0, Ordering::Relaxed);
            s.misroutes.store(0, Ordering::Relaxed);
            s.info_requests.store(0, Ordering::Relaxed);
            s.connections.store(0, Ordering::Relaxed);
        }
    }

    /// Stops every node and waits for their threads; ports are free afterwards, and the
    /// TLS files are removed.
    pub fn shutdown(&mut self) {
        for n in self.nodes.iter_mut() {
            if let Some(node) = n.take() {
                node.stop();
            }
        }
        self.tls_files = None;
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        self.shutdown();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn topo(n: usize) -> Topology {
        let preferred: Vec<u16> = (0..N_PARTITIONS).map(|p| p % n as u16).collect();
        Topology {
            nodes: (0..n)
                .map(|i| NodeMeta {
                    id: format!("N{i}"),
                    port: 0,
                    tls_port: 0,
                    live: true,
                    partition_generation: 1,
                    rack: 0,
                })
                .collect(),
            masters: preferred.clone(),
            preferred,
            peers_generation: 1,
            rebalance_generation: 1,
        }
    }

    #[test]
    fn ownership_and_failover() {
        let mut t = topo(3);
        assert_eq!(t.bitmaps(0, 1)[0].0[0], 0x92);
        assert_eq!(t.bitmaps(1, 1)[0].0[0], 0x49);
        assert_eq!(t.bitmaps(2, 2).len(), 2);
        assert!(t.serves(1, 1, 1, true) && !t.serves(1, 0, 1, false));
        assert!(t.serves(1, 0, 2, false) && !t.serves(1, 0, 2, true));
        t.change(&[1], |t| t.nodes[1].live = false);
        assert_eq!(t.replica(1, 0), Some(2));
        assert_eq!(t.bitmaps(1, 1)[0].count(), 0);
        let total: u32 = (0..3).map(|i| t.bitmaps(i, 1)[0].count()).sum();
        assert_eq!(total, 4096);
        assert_eq!(t.nodes[1].partition_generation, 2);
        assert_eq!(t.nodes[2].partition_generation, 2);
        assert_eq!(t.nodes[0].partition_generation, 1);
    }
}
