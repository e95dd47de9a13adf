//! One node: a listener thread (two with TLS), a thread per connection, frame reading and
//! dispatch.

use std::collections::HashMap;
use std::io::{self, BufReader, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

use aeropy_protocol::admin::{self, AdminHeader};
use aeropy_protocol::frame::{self, ProtoHeader, TYPE_ADMIN, TYPE_COMPRESSED, TYPE_INFO, TYPE_MSG};
use aeropy_protocol::msg::{self, Message, MsgHeader};
use aeropy_protocol::result_code as rc;
use rustls::{ServerConfig, ServerConnection, StreamOwned};

use crate::cluster::Shared;
use crate::record::{self, MsgFields, Request};
use crate::{batch, info, scan};

/// Bodies above this are not kept allocated between requests.
const KEEP_BUFFER: usize = 1 << 20;

type Conns = Arc<Mutex<HashMap<u64, (TcpStream, Option<JoinHandle<()>>)>>>;

/// A node that is accepting connections: a clear listener and, with TLS, a second one.
pub(crate) struct RunningNode {
    /// Where each listener accepts (to wake its blocking accept on shutdown).
    addrs: Vec<SocketAddr>,
    stop: Arc<AtomicBool>,
    listeners: Vec<JoinHandle<()>>,
    conns: Conns,
}

impl RunningNode {
    /// Starts the accept loop of node `idx` on `listener` and, when given, a TLS accept
    /// loop on `tls` (each TLS handshake runs in its connection's own thread).
    pub fn spawn(
        shared: Arc<Shared>,
        idx: usize,
        listener: TcpListener,
        tls: Option<(TcpListener, Arc<ServerConfig>)>,
    ) -> io::Result<RunningNode> {
        let mut node = RunningNode {
            addrs: Vec::new(),
            stop: Arc::new(AtomicBool::new(false)),
            listeners: Vec::new(),
            conns: Arc::new(Mutex::new(HashMap::new())),
        };
        // On error `node` drops, which stops the loops already started.
        node.listen(shared.clone(), idx, listener, None)?;
        if let Some((l, config)) = tls {
            node.listen(shared, idx, l, Some(config))?;
        }
        Ok(node)
    }

    fn listen(
        &mut self,
        shared: Arc<Shared>,
        idx: usize,
        listener: TcpListener,
        tls: Option<Arc<ServerConfig>>,
    ) -> io::Result<()> {
        let mut addr = listener.local_addr()?;
        if addr.ip().is_unspecified() {
            addr.set_ip(std::net::Ipv4Addr::LOCALHOST.into());
        }
        let (stop, conns) = (self.stop.clone(), self.conns.clone());
        let kind = if tls.is_some() { "-tls" } else { "" };
        let handle = std::thread::Builder::new()
            .name(format!("aerospike-embedded-node{idx}{kind}"))
            .spawn(move || accept_loop(shared, idx, listener, tls, stop, conns))?;
        self.addrs.push(addr);
        self.listeners.push(handle);
        Ok(())
    }

    /// Stops accepting, closes every connection and joins all threads.
    pub fn stop(self) {
        drop(self);
    }

    fn shutdown(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wake the blocking accept()s so the loops see the flag and drop the listeners.
        for addr in &self.addrs {
            let _ = TcpStream::connect_timeout(addr, std::time::Duration::from_secs(1));
        }
        for h in self.listeners.drain(..) {
            let _ = h.join();
        }
        let drained: Vec<_> = {
            let mut c = self.conns.lock().unwrap_or_else(|e| e.into_inner());
            c.drain().map(|(_, v)| v).collect()
        };
        for (stream, handle) in drained {
            let _ = stream.shutdown(Shutdown::Both);
            if let Some(h) = handle {
                let _ = h.join();
            }
        }
    }
}

impl Drop for RunningNode {
    /// A node never outlives its handle: threads end and the port is freed.
    fn drop(&mut self) {
        self.shutdown();
    }
}

fn accept_loop(
    shared: Arc<Shared>,
    idx: usize,
    listener: TcpListener,
    tls: Option<Arc<ServerConfig>>,
    stop: Arc<AtomicBool>,
    conns: Conns,
) {
    static NEXT_ID: AtomicU64 = AtomicU64::new(1);
    for stream in listener.incoming() {
        if stop.load(Ordering::SeqCst) {
            break;
        }
        let Ok(stream) = stream else { continue };
        let _ = stream.set_nodelay(true);
        let Ok(registered) = stream.try_clone() else {
            continue;
        };
        if let Some(s) = shared.stats.get(idx) {
            s.connections.fetch_add(1, Ordering::Relaxed);
        }
        let id = NEXT_ID.fetch_add(1, Ordering::Relaxed);
        let mut guard = conns.lock().unwrap_or_else(|e| e.into_inner());
        // Registering before spawning means the thread's own removal cannot be missed.
        guard.insert(id, (registered, None));
        let (shared2, conns2, tls2) = (shared.clone(), conns.clone(), tls.clone());
        let spawned = std::thread::Builder::new()
            .name(format!("aerospike-embedded-conn{id}"))
            .spawn(move || {
                match tls2 {
                    None => serve(&shared2, idx, stream),
                    // The handshake happens on the first read, in this thread: a client
                    // that fails it (or never sends it) only loses its own connection.
                    Some(config) => {
                        if let Ok(conn) = ServerConnection::new(config) {
                            serve(&shared2, idx, StreamOwned::new(conn, stream));
                        }
                    }
                }
                conns2.lock().unwrap_or_else(|e| e.into_inner()).remove(&id);
            });
        match spawned {
            Ok(h) => {
                if let Some(entry) = guard.get_mut(&id) {
                    entry.1 = Some(h);
                }
            }
            Err(_) => {
                guard.remove(&id);
            }
        }
    }
}

/// Per-connection state.
#[derive(Default)]
pub(crate) struct ConnState {
    /// `user-agent-set` was already accepted on this connection.
    pub user_agent: bool,
    /// The user this connection authenticated as (security on).
    pub user: Option<String>,
}

/// The request loop of one connection, clear (`TcpStream`) or TLS (`StreamOwned`).
fn serve<S: Read + Write>(shared: &Shared, idx: usize, stream: S) {
    let mut reader = BufReader::with_capacity(64 * 1024, stream);
    let mut body = Vec::new();
    let mut out = Vec::new();
    let mut state = ConnState::default();
    loop {
        let mut hdr = [0u8; frame::HEADER_SIZE];
        if reader.read_exact(&mut hdr).is_err() {
            break;
        }
        // Wrong version, unknown type or a body over 128 MiB: nothing sensible can be
        // answered on a stream we can no longer frame, so close it.
        let Ok(h) = ProtoHeader::parse(&hdr) else {
            break;
        };
        body.clear();
        match (&mut reader).take(h.length).read_to_end(&mut body) {
            Ok(n) if n as u64 == h.length => {}
            _ => break,
        }
        out.clear();
        if handle_frame(shared, idx, &mut state, h.msg_type, &body, &mut out, true).is_err() {
            break;
        }
        // Writes go around the read buffer, straight to the stream; flush sends what a
        // TLS stream still holds.
        let writer = reader.get_mut();
        if writer
            .write_all(&out)
            .and_then(|()| writer.flush())
            .is_err()
        {
            break;
        }
        if body.capacity() > KEEP_BUFFER {
            body = Vec::new();
        }
        if out.capacity() > KEEP_BUFFER {
            out = Vec::new();
        }
    }
    if let (Some(sec), Some(user)) = (&shared.security, &state.user) {
        sec.disconnected(user);
    }
}

/// Handles one frame, appending the whole reply (frames included) to `out`.
/// `Err` means: close the connection.
pub(crate) fn handle_frame(
    shared: &Shared,
    idx: usize,
    state: &mut ConnState,
    msg_type: u8,
    body: &[u8],
    out: &mut Vec<u8>,
    allow_compressed: bool,
) -> Result<(), ()> {
    match msg_type {
        TYPE_INFO => {
            if let Some(s) = shared.stats.get(idx) {
                s.info_requests.fetch_add(1, Ordering::Relaxed);
            }
            if shared.security.is_some() && state.user.is_none() {
                info::refuse(body, out);
            } else {
                info::handle(shared, idx, state, body, out);
            }
            Ok(())
        }
        TYPE_ADMIN => {
            match &shared.security {
                Some(sec) => sec.handle(body, &mut state.user, out),
                None => handle_admin(body, out),
            }
            Ok(())
        }
        TYPE_MSG => {
            if let Some(sec) = &shared.security {
                if let Some(code) = refused(sec, state, body) {
                    // LAST: a batch, scan or query reader stops here too.
                    msg::write_header_only(
                        out,
                        &MsgHeader {
                            result_code: code,
                            info3: msg::INFO3_LAST,
                            ..MsgHeader::default()
                        },
                    );
                    return Ok(());
                }
            }
            handle_msg(shared, idx, body, out, state.user.as_deref());
            Ok(())
        }
        TYPE_COMPRESSED if allow_compressed => {
            let inner = frame::inflate(body).map_err(|_| ())?;
            let h = ProtoHeader::parse(&inner).map_err(|_| ())?;
            let inner_body = inner.get(frame::HEADER_SIZE..).ok_or(())?;
            handle_frame(shared, idx, state, h.msg_type, inner_body, out, false)
        }
        _ => Err(()),
    }
}

/// With security on: the result code that refuses a message (80 unauthenticated, 81
/// without the privilege), or `None`.
fn refused(sec: &crate::security::Security, state: &ConnState, body: &[u8]) -> Option<u8> {
    let Some(user) = &state.user else {
        return Some(crate::security::code::NOT_AUTHENTICATED);
    };
    let m = Message::parse(body).ok()?;
    if m.header.info1 & msg::INFO1_BATCH != 0 {
        return None; // each row is checked
    }
    let (need, ns, set) = crate::security::need_of(&m);
    match sec.check(user, need, &ns, &set) {
        0 => None,
        c => Some(c),
    }
}

/// Security is disabled: LOGIN/AUTHENTICATE (and everything else) get 52, which makes
/// clients carry on without authentication.
fn handle_admin(body: &[u8], out: &mut Vec<u8>) {
    let code = match admin::AdminMessage::parse(body) {
        Ok(_) => rc::SECURITY_NOT_ENABLED,
        Err(_) => rc::PARAMETER_ERROR,
    };
    admin::write_message(
        out,
        &AdminHeader {
            result_code: code,
            ..AdminHeader::default()
        },
        &[],
    );
}

/// A record command; `user` (security on) has been checked for the message itself,
/// batch rows are checked one by one.
fn handle_msg(shared: &Shared, idx: usize, body: &[u8], out: &mut Vec<u8>, user: Option<&str>) {
    let m = match Message::parse(body) {
        Ok(m) => m,
        Err(_) => {
            msg::write_header_only(
                out,
                &MsgHeader {
                    result_code: rc::PARAMETER_ERROR,
                    ..MsgHeader::default()
                },
            );
            return;
        }
    };
    if m.header.info1 & msg::INFO1_BATCH != 0 {
        batch::handle(shared, idx, &m, user, out);
        return;
    }
    let fields = MsgFields::of(&m);
    if !fields.has_digest() {
        scan::handle(shared, idx, &m, out);
        return;
    }
    let start = frame::begin_frame(out, TYPE_MSG);
    record::execute(shared, idx, &Request::new(m, fields), 0, out);
    frame::end_frame(out, start);
}
