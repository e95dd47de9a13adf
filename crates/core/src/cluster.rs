//! Tending: seeds, peers, node health and the partition table, in a background thread.

use std::collections::HashMap;
use std::net::{SocketAddr, ToSocketAddrs};
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex, RwLock, Weak};
use std::thread::JoinHandle;
use std::time::Duration;

use aeropy_protocol::partitions::PartitionBitmap;
use aeropy_protocol::peers::parse_peers;

use crate::error::{Error, Result};
use crate::key::PARTITIONS;
use crate::log::Level;
use crate::node::{info_at, Node};
use crate::policy::Replica;

/// How the client finds and watches the cluster.
#[derive(Debug, Clone)]
pub struct ClusterConfig {
    /// Seed hosts.
    pub hosts: Vec<(String, u16)>,
    /// Expected cluster name, checked when set.
    pub cluster_name: Option<String>,
    /// Time between tends.
    pub tend_interval: Duration,
    /// Connect/info timeout while tending and seeding.
    pub conn_timeout: Duration,
    /// Largest pool per node.
    pub max_conns_per_node: usize,
    /// Failed tends before a node is dropped.
    pub max_tend_failures: u32,
    /// User and hashed password, when the cluster needs a login.
    pub credentials: Option<crate::auth::Credentials>,
    /// `<client-name>-<version>`, sent in `user-agent-set` to nodes of build 8.1 or later.
    pub client_name: String,
    /// The application id of `user-agent-set` (`not-set` when `None`, as the C client).
    pub app_id: Option<String>,
}

impl Default for ClusterConfig {
    fn default() -> Self {
        ClusterConfig {
            hosts: vec![("127.0.0.1".into(), 3000)],
            cluster_name: None,
            tend_interval: Duration::from_millis(1000),
            conn_timeout: Duration::from_millis(1000),
            max_conns_per_node: 100,
            max_tend_failures: 3,
            credentials: None,
            client_name: format!("aeropy-core-{}", env!("CARGO_PKG_VERSION")),
            app_id: None,
        }
    }
}

/// The owners of each partition of one namespace: `[replica][partition]`.
#[derive(Debug, Default)]
struct Partitions {
    columns: Vec<Vec<Option<Arc<Node>>>>,
}

#[derive(Debug)]
pub(crate) struct Inner {
    cfg: ClusterConfig,
    nodes: RwLock<Arc<Vec<Arc<Node>>>>,
    table: RwLock<Arc<HashMap<String, Partitions>>>,
    tend_lock: Mutex<()>,
}

/// The cluster view shared by every command; tending runs until it is dropped.
#[derive(Debug)]
pub struct Cluster {
    inner: Arc<Inner>,
    tender: Mutex<Option<(JoinHandle<()>, std::sync::mpsc::Sender<()>)>>,
}

fn resolve(host: &str, port: u16) -> Result<SocketAddr> {
    (host, port)
        .to_socket_addrs()
        .map_err(|e| Error::Connection(format!("cannot resolve {host}:{port}: {e}")))?
        .next()
        .ok_or_else(|| Error::Connection(format!("no address for {host}:{port}")))
}

fn value<'a>(pairs: &'a [(String, String)], name: &str) -> Option<&'a str> {
    pairs
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

/// Whether a `build` value (`8.1.2.0`) is at least `(major, minor)`.
fn build_at_least(build: &str, want: (u32, u32)) -> bool {
    let mut parts = build.split('.').map(|p| p.parse::<u32>().ok());
    match (parts.next().flatten(), parts.next().flatten()) {
        (Some(major), Some(minor)) => (major, minor) >= want,
        _ => false,
    }
}

/// `user-agent-set:value=<base64("1,<client-name>-<version>,<app-id>")>`.
fn user_agent_command(client_name: &str, app_id: Option<&str>) -> String {
    let text = format!("1,{client_name},{}", app_id.unwrap_or("not-set"));
    format!("user-agent-set:value={}", base64(text.as_bytes()))
}

/// Standard padded base64.
fn base64(bytes: &[u8]) -> String {
    const ABC: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = u32::from(b[0]) << 16 | u32::from(b[1]) << 8 | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(ABC[(n >> (18 - 6 * i)) as usize & 63]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Decodes `replicas`: ns → bitmaps (column 0 = master), at most 3 columns.
fn parse_replicas(v: &str) -> HashMap<String, Vec<PartitionBitmap>> {
    let mut out = HashMap::new();
    if let Ok(entries) = aeropy_protocol::partitions::parse_replicas(v) {
        for mut e in entries {
            e.replicas.truncate(3);
            out.insert(e.namespace, e.replicas);
        }
    }
    out
}

impl Inner {
    fn nodes(&self) -> Arc<Vec<Arc<Node>>> {
        self.nodes.read().map(|n| n.clone()).unwrap_or_default()
    }

    fn make_node(&self, host: &str, port: u16, expect: Option<&str>) -> Result<Arc<Node>> {
        let addr = resolve(host, port)?;
        let mut cmds = vec!["node", "partition-generation", "build"];
        if self.cfg.cluster_name.is_some() {
            cmds.push("cluster-name");
        }
        let info = info_at(
            addr,
            &cmds,
            self.cfg.conn_timeout,
            self.cfg.credentials.as_ref(),
        )?;
        let name = value(&info, "node")
            .filter(|n| !n.is_empty() && !n.starts_with("ERROR"))
            .ok_or_else(|| Error::Connection(format!("{addr}: no node name")))?
            .to_string();
        if let Some(e) = expect {
            if !e.is_empty() && e != name {
                return Err(Error::Connection(format!(
                    "{addr}: node is {name}, expected {e}"
                )));
            }
        }
        if let Some(want) = &self.cfg.cluster_name {
            let got = value(&info, "cluster-name").unwrap_or("");
            if got != want {
                return Err(Error::Cluster(format!(
                    "{addr}: cluster name {got:?} is not the expected {want:?}"
                )));
            }
        }
        let node = Arc::new(Node::new(
            name,
            host.to_string(),
            port,
            addr,
            self.cfg.max_conns_per_node,
            self.cfg.conn_timeout,
            self.cfg.credentials.clone(),
        ));
        if value(&info, "build").is_some_and(|b| build_at_least(b, (8, 1))) {
            // As the C client: once per node, on its tend socket; the reply is ignored.
            let cmd = user_agent_command(&self.cfg.client_name, self.cfg.app_id.as_deref());
            let _ = node.tend_info(&[&cmd], self.cfg.conn_timeout);
        }
        Ok(node)
    }

    /// One tend pass. Returns an error only when no node at all can be reached.
    fn tend(&self) -> Result<()> {
        let _g = self
            .tend_lock
            .lock()
            .map_err(|_| Error::Client("tend lock poisoned".into()))?;
        let mut nodes: Vec<Arc<Node>> = self.nodes().as_ref().clone();
        let mut changed = false;
        let mut last_err = None;
        if nodes.is_empty() {
            for (h, p) in &self.cfg.hosts {
                match self.make_node(h, *p, None) {
                    Ok(n) => {
                        crate::log!(Level::Info, "seeded from {h}:{p}: node {}", n.name());
                        nodes.push(n);
                        changed = true;
                        break;
                    }
                    Err(e) => last_err = Some(e),
                }
            }
            if nodes.is_empty() {
                return Err(last_err.unwrap_or_else(|| Error::Cluster("no seed hosts".into())));
            }
        }
        let mut peers: Vec<(String, String, u16)> = Vec::new();
        let mut replicas_changed = false;
        for n in &nodes {
            match n.tend_info(
                &["node", "partition-generation", "peers-clear-std"],
                self.cfg.conn_timeout,
            ) {
                Ok(info) => {
                    if value(&info, "node") != Some(n.name()) {
                        n.failures
                            .store(self.cfg.max_tend_failures, Ordering::Release);
                        continue;
                    }
                    n.failures.store(0, Ordering::Release);
                    if let Some(p) = value(&info, "peers-clear-std") {
                        peers.extend(parse_peers(p));
                    }
                    let gen: i64 = value(&info, "partition-generation")
                        .and_then(|g| g.trim().parse().ok())
                        .unwrap_or(-1);
                    if gen != n.partition_generation.load(Ordering::Acquire) {
                        if let Ok(r) = n.tend_info(&["replicas"], self.cfg.conn_timeout) {
                            if let Some(v) = value(&r, "replicas") {
                                if let Ok(mut slot) = n.replicas.lock() {
                                    *slot = Some(v.to_string());
                                }
                                n.partition_generation.store(gen, Ordering::Release);
                                replicas_changed = true;
                            }
                        }
                    }
                }
                Err(e) => {
                    n.failures.fetch_add(1, Ordering::AcqRel);
                    crate::log!(Level::Debug, "tend of node {} failed: {e}", n.name());
                    last_err = Some(e);
                }
            }
        }
        // Drop nodes that failed too often.
        let before = nodes.len();
        nodes.retain(|n| {
            let dead = n.failures.load(Ordering::Acquire) >= self.cfg.max_tend_failures;
            if dead {
                crate::log!(
                    Level::Warn,
                    "node {} ({}) removed from the cluster",
                    n.name(),
                    n.address()
                );
                n.deactivate();
            }
            !dead
        });
        changed |= nodes.len() != before;
        // Add peers we do not know yet.
        for (id, host, port) in peers {
            if nodes.iter().any(|n| n.name() == id) {
                continue;
            }
            if let Ok(n) = self.make_node(&host, port, Some(&id)) {
                if !nodes.iter().any(|m| m.name() == n.name()) {
                    if let Ok(r) =
                        n.tend_info(&["partition-generation", "replicas"], self.cfg.conn_timeout)
                    {
                        if let Some(v) = value(&r, "replicas") {
                            if let Ok(mut slot) = n.replicas.lock() {
                                *slot = Some(v.to_string());
                            }
                        }
                        let gen = value(&r, "partition-generation")
                            .and_then(|g| g.trim().parse().ok())
                            .unwrap_or(-1);
                        n.partition_generation.store(gen, Ordering::Release);
                    }
                    crate::log!(
                        Level::Info,
                        "node {} ({}) added to the cluster",
                        n.name(),
                        n.address()
                    );
                    nodes.push(n);
                    changed = true;
                }
            }
        }
        if changed || replicas_changed {
            self.rebuild_table(&nodes);
            if let Ok(mut w) = self.nodes.write() {
                *w = Arc::new(nodes.clone());
            }
        }
        if nodes.is_empty() {
            // Start over from the seeds next time.
            return Err(last_err.unwrap_or_else(|| Error::Cluster("no node reachable".into())));
        }
        Ok(())
    }

    fn rebuild_table(&self, nodes: &[Arc<Node>]) {
        let mut table: HashMap<String, Partitions> = HashMap::new();
        for n in nodes {
            let Ok(slot) = n.replicas.lock() else {
                continue;
            };
            let Some(text) = slot.as_deref() else {
                continue;
            };
            for (ns, cols) in parse_replicas(text) {
                let parts = table.entry(ns).or_default();
                for (r, bitmap) in cols.iter().enumerate() {
                    while parts.columns.len() <= r {
                        parts.columns.push(vec![None; PARTITIONS]);
                    }
                    for pid in bitmap.iter() {
                        if let Some(owner) = parts.columns[r].get_mut(usize::from(pid)) {
                            *owner = Some(n.clone());
                        }
                    }
                }
            }
        }
        if let Ok(mut w) = self.table.write() {
            *w = Arc::new(table);
        }
    }
}

fn tend_loop(weak: Weak<Inner>, stop: std::sync::mpsc::Receiver<()>, interval: Duration) {
    loop {
        match stop.recv_timeout(interval) {
            Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {}
            _ => return,
        }
        let Some(inner) = weak.upgrade() else { return };
        let _ = inner.tend();
    }
}

impl Cluster {
    /// The credentials the cluster logs in with, if any.
    pub fn credentials(&self) -> Option<&crate::auth::Credentials> {
        self.inner.cfg.credentials.as_ref()
    }

    /// Seeds the cluster, waits for the first partition map, starts tending.
    pub fn connect(cfg: ClusterConfig) -> Result<Cluster> {
        if cfg.hosts.is_empty() {
            return Err(Error::Param("hosts must list at least one seed".into()));
        }
        let interval = cfg.tend_interval.max(Duration::from_millis(10));
        let inner = Arc::new(Inner {
            cfg,
            nodes: RwLock::new(Arc::new(Vec::new())),
            table: RwLock::new(Arc::new(HashMap::new())),
            tend_lock: Mutex::new(()),
        });
        inner
            .tend()
            .map_err(|e| Error::Connection(format!("Failed to connect: {}", e.message())))?;
        // Peers found in the first pass are validated in the same pass; one more pass
        // picks up nodes that joined while seeding.
        let _ = inner.tend();
        let (tx, rx) = std::sync::mpsc::channel();
        let weak = Arc::downgrade(&inner);
        let handle = std::thread::Builder::new()
            .name("aerospike-tend".into())
            .spawn(move || tend_loop(weak, rx, interval))
            .map_err(|e| Error::Client(format!("cannot start the tend thread: {e}")))?;
        Ok(Cluster {
            inner,
            tender: Mutex::new(Some((handle, tx))),
        })
    }

    /// Stops tending and closes every socket.
    pub fn close(&self) {
        if let Ok(mut t) = self.tender.lock() {
            if let Some((h, tx)) = t.take() {
                let _ = tx.send(());
                let _ = h.join();
            }
        }
        for n in self.inner.nodes().iter() {
            n.deactivate();
        }
        if let Ok(mut w) = self.inner.nodes.write() {
            *w = Arc::new(Vec::new());
        }
    }

    /// Runs one tend pass now.
    pub fn tend_now(&self) -> Result<()> {
        self.inner.tend()
    }

    /// Active nodes.
    pub fn nodes(&self) -> Arc<Vec<Arc<Node>>> {
        self.inner.nodes()
    }

    /// A node by name.
    pub fn node_by_name(&self, name: &str) -> Result<Arc<Node>> {
        self.nodes()
            .iter()
            .find(|n| n.name() == name)
            .cloned()
            .ok_or_else(|| Error::InvalidNode(format!("no node named {name}")))
    }

    /// The current partition table (a cheap `Arc` clone; tending swaps in new ones).
    fn partition_table(&self) -> Arc<HashMap<String, Partitions>> {
        self.inner
            .table
            .read()
            .map(|t| t.clone())
            .unwrap_or_default()
    }

    /// Partitions of `namespace` whose master is `node`.
    pub fn partitions_of(&self, namespace: &str, node: &Arc<Node>) -> Result<Vec<u16>> {
        let table = self.partition_table();
        let parts = namespace_partitions(&table, namespace)?;
        Ok(parts
            .columns
            .first()
            .map(|col| {
                col.iter()
                    .enumerate()
                    .filter(|(_, o)| o.as_ref().is_some_and(|o| Arc::ptr_eq(o, node)))
                    .map(|(pid, _)| pid as u16)
                    .collect()
            })
            .unwrap_or_default())
    }

    /// The node that should serve `partition` of `namespace` on attempt `attempt`.
    pub fn node_for(
        &self,
        namespace: &str,
        partition: usize,
        write: bool,
        replica: Replica,
        attempt: u32,
    ) -> Result<Arc<Node>> {
        let table = self.partition_table();
        let parts = namespace_partitions(&table, namespace)?;
        let ncols = parts.columns.len();
        if ncols == 0 {
            return Err(Error::Cluster(format!(
                "no partition owners for {namespace}"
            )));
        }
        let start = if write || replica == Replica::Master {
            0
        } else {
            attempt as usize % ncols
        };
        for i in 0..ncols {
            let col = if write || replica == Replica::Master {
                0
            } else {
                (start + i) % ncols
            };
            if let Some(n) = parts.columns[col].get(partition).and_then(|o| o.as_ref()) {
                if n.is_active() {
                    return Ok(n.clone());
                }
            }
            if write || replica == Replica::Master {
                break;
            }
        }
        Err(Error::Cluster(format!(
            "no active node for partition {partition} of {namespace}"
        )))
    }
}

/// The partitions of `namespace`, or the namespace-not-found error the server would give.
fn namespace_partitions<'t>(
    table: &'t HashMap<String, Partitions>,
    namespace: &str,
) -> Result<&'t Partitions> {
    table.get(namespace).ok_or_else(|| Error::Server {
        code: 20,
        msg: format!(
            "AEROSPIKE_ERR_NAMESPACE_NOT_FOUND: namespace {namespace:?} is not in the partition map"
        ),
        in_doubt: false,
    })
}

impl Drop for Cluster {
    fn drop(&mut self) {
        // Signal only: joining here could wait on a tend thread that is itself waiting
        // for a lock the dropping thread holds (e.g. an interpreter lock for logging).
        if let Ok(mut t) = self.tender.lock() {
            if let Some((_, tx)) = t.take() {
                let _ = tx.send(());
            }
        }
        for n in self.inner.nodes().iter() {
            n.deactivate();
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::panic)]
mod tests {
    use super::*;

    #[test]
    fn user_agent() {
        // As recorded from the official client 19.3.0 (no app_id).
        assert_eq!(
            user_agent_command("python-19.3.0", None),
            "user-agent-set:value=MSxweXRob24tMTkuMy4wLG5vdC1zZXQ="
        );
        for (raw, want) in [("", ""), ("f", "Zg=="), ("fo", "Zm8="), ("foo", "Zm9v")] {
            assert_eq!(base64(raw.as_bytes()), want);
        }
    }

    #[test]
    fn build_gate() {
        for (build, want) in [
            ("8.1.0.0", true),
            ("8.1", true),
            ("9.0.0", true),
            ("8.0.9.9", false),
            ("7.2.0.1", false),
            ("", false),
            ("x.y", false),
        ] {
            assert_eq!(build_at_least(build, (8, 1)), want, "{build}");
        }
    }

    #[test]
    fn replicas() {
        let full = PartitionBitmap::full().to_base64();
        let r = parse_replicas(&format!("test:0,1,{full};bar:0,1,{full}"));
        assert_eq!(r["test"].len(), 1);
        assert_eq!(r["bar"][0].count(), 4096);
    }
}
