//! The cluster view: the `aerospike` crate tends the cluster (seeds, peers, node health,
//! partition and rebalance generations, racks) in its own task; a sync pass copies what
//! it found into our nodes (one pool of blocking sockets each) and our partition table.
//!
//! The crate's task and the sync pass share one background thread that drives a
//! one-thread tokio runtime; no command ever waits on that thread.

use std::collections::HashMap;
use std::net::{SocketAddr, ToSocketAddrs};
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex, RwLock, Weak};
use std::thread::JoinHandle;
use std::time::Duration;

use aeropy_protocol::partitions::PartitionBitmap;

use crate::error::{Error, Result};
use crate::key::PARTITIONS;
use crate::log::Level;
use crate::node::Node;
use crate::policy::Replica;

/// Shorter tend intervals are raised to this (the crate's and the C client's minimum).
pub const MIN_TEND_INTERVAL: Duration = Duration::from_millis(250);

/// A seed host, with the name its TLS certificate carries (the host name when `None`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Seed {
    pub host: String,
    pub port: u16,
    pub tls_name: Option<String>,
}

impl From<(String, u16)> for Seed {
    fn from((host, port): (String, u16)) -> Seed {
        Seed {
            host,
            port,
            tls_name: None,
        }
    }
}

impl From<(&str, u16)> for Seed {
    fn from((host, port): (&str, u16)) -> Seed {
        Seed::from((host.to_string(), port))
    }
}

/// How the client finds and watches the cluster.
#[derive(Debug, Clone)]
pub struct ClusterConfig {
    /// Seed hosts.
    pub hosts: Vec<Seed>,
    /// Expected cluster name, checked when set.
    pub cluster_name: Option<String>,
    /// Time between tends (at least [`MIN_TEND_INTERVAL`], as the C client).
    pub tend_interval: Duration,
    /// Connect/info timeout while tending and seeding.
    pub conn_timeout: Duration,
    /// Largest pool per node.
    pub max_conns_per_node: usize,
    /// User and hashed password, when the cluster needs a login.
    pub credentials: Option<crate::auth::Credentials>,
    /// `<client-name>-<version>`, sent in `user-agent-set` to nodes of build 8.1 or later.
    pub client_name: String,
    /// The application id of `user-agent-set` (`not-set` when `None`, as the C client).
    pub app_id: Option<String>,
    /// The client's racks, most preferred first: reads with [`Replica::PreferRack`] go
    /// to a replica on one of them. Empty: no rack awareness.
    pub rack_ids: Vec<usize>,
    /// Use the nodes' `alternate-access-address` (`services-alternate`).
    pub use_services_alternate: bool,
    /// TLS for every connection (tending's and the pools'), when set.
    pub tls: Option<crate::tls::TlsConfig>,
    /// Requests larger than this are compressed when their policy says `compress`.
    pub compression_threshold: usize,
    /// Timeout of a socket's login.
    pub login_timeout: Duration,
    /// Pooled sockets idle longer than this are closed rather than reused.
    pub max_socket_idle: Duration,
    /// Sockets each node's pool opens as soon as the node is found.
    pub min_conns_per_node: usize,
    /// Failed exchanges a node may have per window before its commands are refused with
    /// `MaxErrorRate` (0: no limit), and the window, in tend intervals.
    pub max_error_rate: u32,
    pub error_rate_window: u32,
}

impl Default for ClusterConfig {
    fn default() -> Self {
        ClusterConfig {
            hosts: vec![Seed::from(("127.0.0.1", 3000))],
            cluster_name: None,
            tend_interval: Duration::from_millis(1000),
            conn_timeout: Duration::from_millis(1000),
            max_conns_per_node: 100,
            credentials: None,
            client_name: format!("aeropy-core-{}", env!("CARGO_PKG_VERSION")),
            app_id: None,
            rack_ids: Vec::new(),
            use_services_alternate: false,
            tls: None,
            compression_threshold: crate::policy::COMPRESS_THRESHOLD,
            login_timeout: Duration::from_millis(5000),
            max_socket_idle: crate::node::MAX_SOCKET_IDLE,
            min_conns_per_node: 0,
            max_error_rate: 100,
            error_rate_window: 1,
        }
    }
}

/// The owners of each partition of one namespace: `[replica][partition]`, and the rack
/// preference of the nodes that are on one of the client's racks (0 = most preferred).
#[derive(Debug, Default)]
struct Partitions {
    columns: Vec<Vec<Option<Arc<Node>>>>,
    /// The highest regime seen for each partition.
    regimes: Vec<u32>,
    rack_rank: Vec<(Arc<Node>, usize)>,
}

impl Partitions {
    fn rank_of(&self, node: &Arc<Node>) -> Option<usize> {
        self.rack_rank
            .iter()
            .find(|(n, _)| Arc::ptr_eq(n, node))
            .map(|(_, r)| *r)
    }
}

#[derive(Debug)]
pub(crate) struct Inner {
    cfg: ClusterConfig,
    nodes: RwLock<Arc<Vec<Arc<Node>>>>,
    table: RwLock<Arc<HashMap<String, Partitions>>>,
    /// (node, namespace, rack rank) the table was last built with.
    racks: Mutex<Vec<(String, String, usize)>>,
    /// Sync passes so far (two per tend interval): error-rate windows end on them.
    passes: std::sync::atomic::AtomicU64,
}

/// The tend thread: stopping it closes the crate's client and ends the runtime.
#[derive(Debug)]
struct Tender {
    handle: JoinHandle<()>,
    stop: tokio::sync::watch::Sender<bool>,
    /// Disconnected when the thread ends.
    done: std::sync::mpsc::Receiver<()>,
}

/// The cluster view shared by every command; tending runs until it is closed or dropped.
#[derive(Debug)]
pub struct Cluster {
    inner: Arc<Inner>,
    tender: Mutex<Option<Tender>>,
    /// The process that connected: a forked child leaves the parent's thread alone.
    pid: u32,
}

fn resolve(host: &str, port: u16) -> Result<SocketAddr> {
    (host, port)
        .to_socket_addrs()
        .map_err(|e| Error::Connection(format!("cannot resolve {host}:{port}: {e}")))?
        .next()
        .ok_or_else(|| Error::Connection(format!("no address for {host}:{port}")))
}

/// Decodes `replicas`: ns → (regime, bitmaps: column 0 = master, at most 3 columns).
fn parse_replicas(v: &str) -> HashMap<String, (u32, Vec<PartitionBitmap>)> {
    let mut out = HashMap::new();
    if let Ok(entries) = aeropy_protocol::partitions::parse_replicas(v) {
        for mut e in entries {
            e.replicas.truncate(3);
            out.insert(e.namespace, (e.regime, e.replicas));
        }
    }
    out
}

/// The crate's client policy for our config.
fn client_policy(cfg: &ClusterConfig) -> aerospike::ClientPolicy {
    let ms = |d: Duration| u32::try_from(d.as_millis()).unwrap_or(u32::MAX).max(1);
    let mut p = aerospike::ClientPolicy {
        timeout: ms(cfg.conn_timeout),
        connect_timeout: ms(cfg.conn_timeout),
        login_timeout: ms(cfg.login_timeout),
        max_error_rate: cfg.max_error_rate as usize,
        error_rate_window: cfg.error_rate_window.max(1) as usize,
        tend_interval: ms(cfg.tend_interval.max(MIN_TEND_INTERVAL)),
        // The crate's own pool serves only its rare info commands (replicas on a change).
        max_conns_per_node: 2,
        min_conns_per_node: 0,
        fail_if_not_connected: true,
        cluster_name: cfg.cluster_name.clone(),
        use_services_alternate: cfg.use_services_alternate,
        application_id: cfg.app_id.clone(),
        custom_client_id: Some(cfg.client_name.clone()),
        ..aerospike::ClientPolicy::default()
    };
    if !cfg.rack_ids.is_empty() {
        p.rack_ids = Some(cfg.rack_ids.clone());
    }
    if let Some(tls) = &cfg.tls {
        p.tls_policy = Some(aerospike::TlsPolicy::new(tls.config.clone()));
    }
    if let Some(c) = &cfg.credentials {
        p.set_auth_mode(aerospike::AuthMode::Internal(
            c.user.clone(),
            c.password().to_string(),
        ));
    }
    p
}

fn crate_error(e: &aerospike::Error) -> Error {
    Error::Connection(format!("Failed to connect: {e}"))
}

impl Inner {
    fn nodes(&self) -> Arc<Vec<Arc<Node>>> {
        self.nodes.read().map(|n| n.clone()).unwrap_or_default()
    }

    fn make_node(&self, name: &str, host: &aerospike::Host) -> Result<Arc<Node>> {
        let addr = resolve(&host.name, host.port)?;
        let tls = match &self.cfg.tls {
            None => None,
            Some(t) => {
                let want = host.tls_name.as_deref().unwrap_or(&host.name);
                let name = rustls::pki_types::ServerName::try_from(want.to_string())
                    .map_err(|e| Error::Param(format!("bad TLS name {want:?}: {e}")))?;
                Some(crate::node::NodeTls {
                    config: t.config.clone(),
                    name,
                    log_session_info: t.log_session_info,
                })
            }
        };
        Ok(Arc::new(Node::new(
            name.to_string(),
            (host.name.clone(), host.port, addr),
            crate::node::Access {
                max_conns: self.cfg.max_conns_per_node,
                connect_timeout: self.cfg.conn_timeout,
                login_timeout: self.cfg.login_timeout,
                max_idle: self.cfg.max_socket_idle,
                max_error_rate: self.cfg.max_error_rate,
                credentials: self.cfg.credentials.clone(),
                tls,
            },
        )))
    }

    /// One sync pass: the crate's nodes become ours (new pools for new nodes, closed
    /// pools for nodes it dropped), a node's `replicas` is read again when its partition
    /// generation moved (all at once, each within the connect timeout), and the table
    /// is rebuilt when anything changed. Returns whether every node has a partition map.
    async fn sync(&self, client: &aerospike::Client) -> Result<bool> {
        let current = self.nodes();
        let mut next: Vec<Arc<Node>> = Vec::new();
        let mut added: Vec<Arc<Node>> = Vec::new();
        let mut changed = false;
        let live: Vec<Arc<aerospike::Node>> = client
            .nodes()
            .into_iter()
            .filter(|n| n.is_active())
            .collect();
        // A node gone: the others take its partitions, maybe before the crate has seen
        // their new generation; read every `replicas` now rather than a tend later.
        let lost = current
            .iter()
            .any(|n| !live.iter().any(|cn| cn.name() == n.name()));
        let mut fetch = Vec::new();
        for cn in &live {
            let node = match current.iter().find(|n| n.name() == cn.name()) {
                Some(n) => n.clone(),
                None => match self.make_node(cn.name(), &cn.host()) {
                    Ok(n) => {
                        crate::log!(
                            Level::Info,
                            "node {} ({}) added to the cluster",
                            n.name(),
                            n.address()
                        );
                        added.push(n.clone());
                        changed = true;
                        n
                    }
                    Err(e) => {
                        crate::log!(Level::Warn, "node {}: {e}", cn.name());
                        continue;
                    }
                },
            };
            // The crate made a new node object: the node restarted; our pooled
            // sockets to its old incarnation are dead.
            if node.follow_source(Arc::as_ptr(cn) as usize) {
                node.drop_idle();
            }
            let gen = cn.partition_generation() as i64;
            if lost || gen != node.partition_generation.load(Ordering::Acquire) {
                fetch.push((node.clone(), cn.clone(), gen));
            }
            next.push(node);
        }
        let admin = aerospike::policy::AdminPolicy::default();
        let limit = self.cfg.conn_timeout.max(Duration::from_millis(100));
        let replies = futures::future::join_all(
            fetch
                .iter()
                .map(|(_, cn, _)| tokio::time::timeout(limit, cn.info(&admin, &["replicas"]))),
        )
        .await;
        for ((node, cn, gen), reply) in fetch.iter().zip(replies) {
            match reply {
                Ok(Ok(map)) => {
                    if let Some(v) = map.get("replicas") {
                        if let Ok(mut slot) = node.replicas.lock() {
                            *slot = Some(v.clone());
                        }
                        node.partition_generation.store(*gen, Ordering::Release);
                        changed = true;
                    }
                }
                Ok(Err(e)) => crate::log!(Level::Debug, "replicas of node {}: {e}", cn.name()),
                Err(_) => crate::log!(Level::Debug, "replicas of node {}: timeout", cn.name()),
            }
        }
        for n in current.iter() {
            if !next.iter().any(|m| Arc::ptr_eq(m, n)) {
                crate::log!(
                    Level::Warn,
                    "node {} ({}) removed from the cluster",
                    n.name(),
                    n.address()
                );
                n.deactivate();
                changed = true;
            }
        }
        let pass = self.passes.fetch_add(1, Ordering::Relaxed) + 1;
        if pass % (2 * u64::from(self.cfg.error_rate_window.max(1))) == 0 {
            for n in &next {
                n.reset_errors();
            }
        }
        let racks = self.rack_view(client, &next);
        if let Ok(mut last) = self.racks.lock() {
            if *last != racks {
                *last = racks;
                changed = true;
            }
        }
        if changed {
            self.rebuild_table(&next);
            if let Ok(mut w) = self.nodes.write() {
                *w = Arc::new(next.clone());
            }
        }
        // Warm-up opens sockets (and logs in): off this thread, once the node is known.
        let want = self.cfg.min_conns_per_node;
        if want > 0 {
            for n in added {
                let _ = std::thread::Builder::new()
                    .name("aerospike-warm-up".into())
                    .spawn(move || n.warm_up(want));
            }
        }
        if next.is_empty() {
            return Err(Error::Cluster("no node reachable".into()));
        }
        Ok(next
            .iter()
            .all(|n| n.replicas.lock().map(|r| r.is_some()).unwrap_or(false)))
    }

    /// (node, namespace, rank) for every node on one of the client's racks.
    fn rack_view(
        &self,
        client: &aerospike::Client,
        nodes: &[Arc<Node>],
    ) -> Vec<(String, String, usize)> {
        let mut out = Vec::new();
        if self.cfg.rack_ids.is_empty() {
            return out;
        }
        // Only the names (`ns:...;ns2:...`): no bitmap is decoded on this path, which
        // runs every sync pass.
        let mut namespaces: Vec<String> = nodes
            .iter()
            .filter_map(|n| n.replicas.lock().ok().and_then(|r| r.clone()))
            .flat_map(|r| {
                r.split(';')
                    .filter_map(|e| e.split_once(':').map(|(ns, _)| ns.trim().to_string()))
                    .collect::<Vec<_>>()
            })
            .collect();
        namespaces.sort();
        namespaces.dedup();
        for cn in client.nodes() {
            for ns in &namespaces {
                if let Some(rank) = self.cfg.rack_ids.iter().position(|r| cn.has_rack(ns, *r)) {
                    let row = (cn.name().to_string(), ns.clone(), rank);
                    if !out.contains(&row) {
                        out.push(row);
                    }
                }
            }
        }
        out.sort();
        out
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
            for (ns, (regime, cols)) in parse_replicas(text) {
                let parts = table.entry(ns).or_default();
                if parts.regimes.is_empty() {
                    parts.regimes = vec![0; PARTITIONS];
                }
                for (r, bitmap) in cols.iter().enumerate() {
                    while parts.columns.len() <= r {
                        parts.columns.push(vec![None; PARTITIONS]);
                    }
                    for pid in bitmap.iter() {
                        let pid = usize::from(pid);
                        // A node with an older regime (strong consistency, mid-rebalance)
                        // does not take a partition from one with a newer regime.
                        let Some(known) = parts.regimes.get_mut(pid) else {
                            continue;
                        };
                        if regime < *known {
                            continue;
                        }
                        *known = regime;
                        if let Some(owner) = parts.columns[r].get_mut(pid) {
                            *owner = Some(n.clone());
                        }
                    }
                }
            }
        }
        if let Ok(racks) = self.racks.lock() {
            for (name, ns, rank) in racks.iter() {
                if let (Some(parts), Some(node)) =
                    (table.get_mut(ns), nodes.iter().find(|n| n.name() == name))
                {
                    parts.rack_rank.push((node.clone(), *rank));
                }
            }
        }
        if let Ok(mut w) = self.table.write() {
            *w = Arc::new(table);
        }
    }
}

/// How long a tend-thread step may take before it is given up: the crate bounds TCP
/// connects but not every TLS handshake, and a node that accepts and stays silent must
/// not hold `connect()` or `close()` forever.
fn step_limit(cfg_timeout: Duration, seeds: usize) -> Duration {
    cfg_timeout * (seeds as u32 + 2) + Duration::from_secs(5)
}

/// The tend thread's body: connect the crate's client, report the first complete sync
/// to `ready`, then sync every interval until `stop` says so; `done` is dropped at
/// the end.
fn tend_thread(
    weak: Weak<Inner>,
    policy: aerospike::ClientPolicy,
    hosts: Vec<aerospike::Host>,
    interval: Duration,
    ready: std::sync::mpsc::Sender<Result<()>>,
    mut stop: tokio::sync::watch::Receiver<bool>,
    done: std::sync::mpsc::Sender<()>,
) {
    let rt = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            let _ = ready.send(Err(Error::Client(format!(
                "cannot start the tend runtime: {e}"
            ))));
            return;
        }
    };
    let limit = step_limit(
        Duration::from_millis(u64::from(policy.timeout)),
        hosts.len(),
    );
    rt.block_on(async move {
        let client =
            match tokio::time::timeout(limit, aerospike::Client::new(&policy, &hosts)).await {
                Ok(Ok(c)) => c,
                Ok(Err(e)) => {
                    let _ = ready.send(Err(crate_error(&e)));
                    return;
                }
                Err(_) => {
                    let _ = ready.send(Err(Error::Connection(format!(
                        "Failed to connect: no answer from the seeds within {limit:?}"
                    ))));
                    return;
                }
            };
        // The first sync: until every node has its partition map, within the limit.
        let first_by = tokio::time::Instant::now() + limit;
        let first = loop {
            let Some(inner) = weak.upgrade() else {
                break Err(Error::Client(
                    "the cluster was dropped while connecting".into(),
                ));
            };
            match inner.sync(&client).await {
                Ok(false) if tokio::time::Instant::now() < first_by => {
                    tokio::time::sleep(Duration::from_millis(20)).await;
                }
                Ok(complete) => {
                    if !complete {
                        crate::log!(Level::Warn, "connected without every node's partitions");
                    }
                    break Ok(());
                }
                Err(e) => break Err(e),
            }
        };
        let ok = first.is_ok();
        let _ = ready.send(first);
        if ok {
            loop {
                tokio::select! {
                    _ = stop.changed() => break,
                    () = tokio::time::sleep(interval) => {}
                }
                let Some(inner) = weak.upgrade() else { break };
                tokio::select! {
                    _ = stop.changed() => break,
                    r = inner.sync(&client) => {
                        if let Err(e) = r {
                            crate::log!(Level::Debug, "cluster sync: {e}");
                        }
                    }
                }
            }
        }
        let _ = tokio::time::timeout(Duration::from_secs(2), client.close()).await;
    });
    drop(done);
}

impl Cluster {
    /// The credentials the cluster logs in with, if any.
    pub fn credentials(&self) -> Option<&crate::auth::Credentials> {
        self.inner.cfg.credentials.as_ref()
    }

    /// Seeds the cluster through the crate, waits for the first partition map, keeps
    /// tending in the background.
    pub fn connect(cfg: ClusterConfig) -> Result<Cluster> {
        if cfg.hosts.is_empty() {
            return Err(Error::Param("hosts must list at least one seed".into()));
        }
        let policy = client_policy(&cfg);
        let hosts: Vec<aerospike::Host> = cfg
            .hosts
            .iter()
            .map(|s| match (&s.tls_name, &cfg.tls) {
                (Some(t), Some(_)) => aerospike::Host::new_tls(&s.host, t, s.port),
                // The crate verifies a seed against its TLS name only: the host's name.
                (None, Some(_)) => aerospike::Host::new_tls(&s.host, &s.host, s.port),
                (_, None) => aerospike::Host::new(&s.host, s.port),
            })
            .collect();
        // The crate tends every interval; syncing twice as often keeps the lag short.
        let interval = cfg.tend_interval.max(MIN_TEND_INTERVAL) / 2;
        let inner = Arc::new(Inner {
            cfg,
            nodes: RwLock::new(Arc::new(Vec::new())),
            table: RwLock::new(Arc::new(HashMap::new())),
            racks: Mutex::new(Vec::new()),
            passes: std::sync::atomic::AtomicU64::new(0),
        });
        let (ready_tx, ready_rx) = std::sync::mpsc::channel();
        let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
        let (done_tx, done_rx) = std::sync::mpsc::channel();
        let weak = Arc::downgrade(&inner);
        let handle = std::thread::Builder::new()
            .name("aerospike-tend".into())
            .spawn(move || tend_thread(weak, policy, hosts, interval, ready_tx, stop_rx, done_tx))
            .map_err(|e| Error::Client(format!("cannot start the tend thread: {e}")))?;
        let first = ready_rx
            .recv()
            .unwrap_or_else(|_| Err(Error::Client("the tend thread ended early".into())));
        let cluster = Cluster {
            inner,
            tender: Mutex::new(Some(Tender {
                handle,
                stop: stop_tx,
                done: done_rx,
            })),
            pid: std::process::id(),
        };
        if let Err(e) = first {
            cluster.close();
            return Err(match e {
                Error::Connection(m) => Error::Connection(m),
                other => Error::Connection(format!("Failed to connect: {}", other.message())),
            });
        }
        Ok(cluster)
    }

    /// Stops tending and closes every socket.
    pub fn close(&self) {
        if let Ok(mut t) = self.tender.lock() {
            if let Some(t) = t.take() {
                let _ = t.stop.send(true);
                // Bounded: a thread stuck in the crate is left to end on its own.
                let ended = matches!(
                    t.done.recv_timeout(Duration::from_secs(5)),
                    Err(std::sync::mpsc::RecvTimeoutError::Disconnected)
                );
                if ended {
                    let _ = t.handle.join();
                }
            }
        }
        for n in self.inner.nodes().iter() {
            n.deactivate();
        }
        if let Ok(mut w) = self.inner.nodes.write() {
            *w = Arc::new(Vec::new());
        }
    }

    /// Requests larger than this are compressed when their policy says `compress`.
    pub fn compression_threshold(&self) -> usize {
        self.inner.cfg.compression_threshold
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
    ///
    /// Writes and [`Replica::Master`] reads go to the master. Other reads go through the
    /// replicas in order, one further on each retry; with [`Replica::PreferRack`] the
    /// replicas on the client's racks (most preferred rack first) come before the rest.
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
        let owner = |col: usize| {
            parts.columns[col]
                .get(partition)
                .and_then(|o| o.as_ref())
                .filter(|n| n.is_active())
        };
        let ncols = parts.columns.len();
        let master_only = write || replica == Replica::Master;
        if master_only || ncols <= 1 {
            if let Some(n) = (ncols > 0).then(|| owner(0)).flatten() {
                return Ok(n.clone());
            }
        } else {
            let mut order: Vec<usize> = (0..ncols).collect();
            if replica == Replica::PreferRack && !parts.rack_rank.is_empty() {
                // Stable: replicas on no rack of ours keep their sequence order, last.
                order.sort_by_key(|c| {
                    parts.columns[*c]
                        .get(partition)
                        .and_then(|o| o.as_ref())
                        .and_then(|n| parts.rank_of(n))
                        .unwrap_or(usize::MAX)
                });
            }
            let live: Vec<&Arc<Node>> = order.into_iter().filter_map(owner).collect();
            if !live.is_empty() {
                return Ok(live[attempt as usize % live.len()].clone());
            }
        }
        if ncols == 0 {
            return Err(Error::Cluster(format!(
                "no partition owners for {namespace}"
            )));
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
        if std::process::id() != self.pid {
            // A forked child: the tend thread, its runtime and the pools' locks belong
            // to the parent (they may have been held at fork()); touch none of them.
            if let Ok(t) = self.tender.get_mut() {
                std::mem::forget(t.take());
            }
            return;
        }
        // Signal only: joining here could wait on a tend thread that is itself waiting
        // for a lock the dropping thread holds (e.g. an interpreter lock for logging).
        if let Ok(mut t) = self.tender.lock() {
            if let Some(t) = t.take() {
                let _ = t.stop.send(true);
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
    fn replicas() {
        let full = PartitionBitmap::full().to_base64();
        let r = parse_replicas(&format!("test:0,1,{full};bar:0,1,{full}"));
        assert_eq!(r["test"].1.len(), 1);
        assert_eq!(r["bar"].1[0].count(), 4096);
    }
}
