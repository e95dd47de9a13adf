//! A cluster node: its identity and its pool of blocking sockets.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicI64, AtomicU32, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::auth::{authenticate, Credentials, Session};
use crate::error::{Error, Result};
use crate::log::Level;
use aeropy_protocol::frame::{self, ProtoHeader};
use aeropy_protocol::info;

/// Pooled sockets idle longer than this are closed instead of reused (servers close
/// idle client sockets; the official client's default is 55 s).
pub const MAX_SOCKET_IDLE: Duration = Duration::from_secs(55);

/// One server node as the client knows it.
#[derive(Debug)]
pub struct Node {
    name: String,
    host: String,
    port: u16,
    addr: SocketAddr,
    idle: Mutex<Vec<Socket>>,
    open: AtomicUsize,
    max_conns: usize,
    active: AtomicBool,
    pub(crate) partition_generation: AtomicI64,
    pub(crate) replicas: Mutex<Option<String>>,
    connect_timeout: Duration,
    login_timeout: Duration,
    max_idle: Duration,
    /// Errors (failed exchanges) in the current error-rate window, and the limit.
    errors: AtomicU32,
    max_error_rate: u32,
    credentials: Option<Credentials>,
    /// Identity of the tending crate's node object this node follows (0: none yet).
    source: AtomicUsize,
    /// The session token of the last LOGIN on this node, for AUTHENTICATE.
    session: Mutex<Option<Session>>,
    tls: Option<NodeTls>,
}

/// A pooled connection: returned to the pool on success, closed on any failure.
struct Conn<'a> {
    node: &'a Node,
    stream: Option<Socket>,
}

/// Runs the waits on the network of a streamed command, so that a caller can release
/// what it holds meanwhile (the Python layer: the GIL) and keep it while records are
/// handed over.
pub trait Blocking {
    /// Runs `f`, a wait on the network.
    fn blocking<T: Send>(&mut self, f: impl FnOnce() -> T + Send) -> T;
}

/// Waits on the calling thread as it is.
#[derive(Debug, Clone, Copy, Default)]
pub struct InPlace;

impl Blocking for InPlace {
    fn blocking<T: Send>(&mut self, f: impl FnOnce() -> T + Send) -> T {
        f()
    }
}

/// What a stream's reader wants after a reply body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Flow {
    /// Read the next body.
    More,
    /// The stream ended: the socket is clean and goes back to the pool.
    Done,
    /// The caller stops early: the socket is closed.
    Stop,
}

impl Drop for Conn<'_> {
    fn drop(&mut self) {
        if self.stream.take().is_some() {
            self.node.open.fetch_sub(1, Ordering::AcqRel);
        }
    }
}

impl Conn<'_> {
    fn give_back(mut self) {
        if let Some(s) = self.stream.take() {
            match self.node.idle.lock() {
                // Unread bytes after a whole reply: the stream is out of step; close it.
                Ok(mut idle) if self.node.is_active() && s.buffered() == 0 => {
                    let mut s = s;
                    s.last_used = Instant::now();
                    idle.push(s)
                }
                _ => {
                    self.node.open.fetch_sub(1, Ordering::AcqRel);
                }
            }
        }
    }
}

fn remaining(deadline: Option<Instant>) -> Result<Option<Duration>> {
    match deadline {
        None => Ok(None),
        Some(d) => {
            let now = Instant::now();
            if now >= d {
                Err(Error::Timeout {
                    msg: "timeout".into(),
                    in_doubt: false,
                })
            } else {
                Ok(Some(d - now))
            }
        }
    }
}

/// Capacity of a socket's read buffer: a small reply (and several frames of a stream)
/// arrives in one `recv`.
const READ_BUF_SIZE: usize = 16 * 1024;

/// A plain or TLS stream over a TCP socket.
#[derive(Debug)]
enum Stream {
    Plain(TcpStream),
    Tls(Box<rustls::StreamOwned<rustls::ClientConnection, TcpStream>>),
}

impl Stream {
    fn tcp(&self) -> &TcpStream {
        match self {
            Stream::Plain(s) => s,
            Stream::Tls(s) => &s.sock,
        }
    }
}

impl Read for Stream {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        match self {
            Stream::Plain(s) => s.read(buf),
            Stream::Tls(s) => s.read(buf),
        }
    }
}

impl Write for Stream {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        match self {
            Stream::Plain(s) => s.write(buf),
            Stream::Tls(s) => s.write(buf),
        }
    }

    fn flush(&mut self) -> std::io::Result<()> {
        match self {
            Stream::Plain(s) => s.flush(),
            Stream::Tls(s) => s.flush(),
        }
    }
}

/// How a node's pool opens sockets: its size, the connect timeout, the login and TLS.
#[derive(Debug, Clone)]
pub(crate) struct Access {
    pub(crate) max_conns: usize,
    pub(crate) connect_timeout: Duration,
    pub(crate) login_timeout: Duration,
    pub(crate) max_idle: Duration,
    /// Errors per window before commands are refused (0: no limit).
    pub(crate) max_error_rate: u32,
    pub(crate) credentials: Option<Credentials>,
    pub(crate) tls: Option<NodeTls>,
}

/// How a node's sockets speak TLS: the shared configuration and the name its
/// certificate must carry.
#[derive(Debug, Clone)]
pub(crate) struct NodeTls {
    pub(crate) config: Arc<rustls::ClientConfig>,
    pub(crate) name: rustls::pki_types::ServerName<'static>,
    pub(crate) log_session_info: bool,
}

impl NodeTls {
    /// TLS over a connected socket, handshake done before `deadline`.
    fn handshake(&self, mut tcp: TcpStream, addr: SocketAddr) -> Result<Stream> {
        let failed = |e: &dyn std::fmt::Display| {
            Error::Tls(format!("TLS handshake with {addr} failed: {e}"))
        };
        let mut conn = rustls::ClientConnection::new(self.config.clone(), self.name.clone())
            .map_err(|e| failed(&e))?;
        while conn.is_handshaking() {
            conn.complete_io(&mut tcp).map_err(|e| match e.kind() {
                std::io::ErrorKind::TimedOut | std::io::ErrorKind::WouldBlock => Error::Timeout {
                    msg: format!("TLS handshake with {addr} timed out"),
                    in_doubt: false,
                },
                _ => failed(&e),
            })?;
        }
        if self.log_session_info {
            crate::log!(
                Level::Info,
                "TLS session with {addr}: {:?}, {:?}",
                conn.protocol_version(),
                conn.negotiated_cipher_suite().map(|s| s.suite())
            );
        }
        Ok(Stream::Tls(Box::new(rustls::StreamOwned::new(conn, tcp))))
    }
}

/// A socket, the timeout last set on it (setting it costs a syscall; skipped while
/// the wanted value is within 10% of the current one), and its read buffer: bytes
/// received but not yet consumed are `rbuf[rstart..rend]` and belong to the next frame.
#[derive(Debug)]
pub(crate) struct Socket {
    stream: Stream,
    timeout: Option<Duration>,
    last_used: Instant,
    rbuf: Vec<u8>,
    rstart: usize,
    rend: usize,
}

impl Socket {
    fn new(stream: TcpStream) -> Self {
        Self::over(Stream::Plain(stream))
    }

    fn over(stream: Stream) -> Self {
        Socket {
            stream,
            timeout: None,
            last_used: Instant::now(),
            rbuf: Vec::new(),
            rstart: 0,
            rend: 0,
        }
    }

    fn set_timeout(&mut self, want: Option<Duration>) -> Result<()> {
        let close_enough = match (self.timeout, want) {
            (Some(cur), Some(w)) => cur >= w && cur - w <= w / 10,
            (None, None) => true,
            _ => false,
        };
        if !close_enough {
            self.stream.tcp().set_read_timeout(want)?;
            self.stream.tcp().set_write_timeout(want)?;
            self.timeout = want;
        }
        Ok(())
    }

    /// Bytes received and not yet consumed.
    fn buffered(&self) -> usize {
        self.rend - self.rstart
    }

    /// Reads until at least `min` (at most `READ_BUF_SIZE`) bytes are buffered, taking
    /// whatever more is already available, up to the buffer's capacity.
    fn fill(&mut self, min: usize) -> std::io::Result<()> {
        debug_assert!(min <= READ_BUF_SIZE);
        if self.buffered() >= min {
            return Ok(());
        }
        if self.rbuf.is_empty() {
            self.rbuf = vec![0; READ_BUF_SIZE];
        }
        if self.rstart == self.rend {
            self.rstart = 0;
            self.rend = 0;
        } else if self.rbuf.len() - self.rstart < min {
            self.rbuf.copy_within(self.rstart..self.rend, 0);
            self.rend -= self.rstart;
            self.rstart = 0;
        }
        while self.buffered() < min {
            match self.stream.read(&mut self.rbuf[self.rend..]) {
                Ok(0) => {
                    return Err(std::io::Error::new(
                        std::io::ErrorKind::UnexpectedEof,
                        "connection closed by the server",
                    ))
                }
                Ok(n) => self.rend += n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        Ok(())
    }

    /// Moves the next `n` buffered bytes (`n <= buffered()`) to the end of `out`.
    fn take_into(&mut self, n: usize, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.rbuf[self.rstart..self.rstart + n]);
        self.rstart += n;
    }
}

/// Reads one whole message: (proto type, body). Bytes received past its end stay in
/// the socket's buffer for the next message.
pub(crate) fn read_message(
    sock: &mut Socket,
    deadline: Option<Instant>,
    out: &mut Vec<u8>,
) -> Result<u8> {
    sock.set_timeout(remaining(deadline)?)?;
    sock.fill(frame::HEADER_SIZE)?;
    let h = ProtoHeader::parse(&sock.rbuf[sock.rstart..sock.rstart + frame::HEADER_SIZE])?;
    sock.rstart += frame::HEADER_SIZE;
    // The length was checked against MAX_BODY_SIZE, so it fits in usize.
    let len = h.length as usize;
    out.clear();
    if len <= READ_BUF_SIZE {
        sock.fill(len)?;
        sock.take_into(len, out);
    } else {
        // A big body: what is buffered, then the rest straight into `out`.
        out.reserve(len);
        let have = sock.buffered();
        sock.take_into(have, out);
        out.resize(len, 0);
        sock.stream.read_exact(&mut out[have..])?;
    }
    if h.msg_type == frame::TYPE_COMPRESSED {
        // A compressed reply (asked for with `compress`): the inner frame's body.
        let inner = frame::inflate(out)?;
        let ih = ProtoHeader::parse(&inner)?;
        out.clear();
        out.extend_from_slice(&inner[frame::HEADER_SIZE..]);
        return Ok(ih.msg_type);
    }
    Ok(h.msg_type)
}

/// Writes a request and reads one whole reply: (proto type, body).
pub(crate) fn exchange(
    sock: &mut Socket,
    request: &[u8],
    deadline: Option<Instant>,
    out: &mut Vec<u8>,
) -> Result<u8> {
    sock.set_timeout(remaining(deadline)?)?;
    sock.stream.write_all(request)?;
    read_message(sock, deadline, out)
}

/// An info request frame for `cmds` (one per line).
fn info_request(cmds: &[&str]) -> Vec<u8> {
    let mut out = Vec::new();
    info::write_request(&mut out, cmds);
    out
}

/// Splits an info reply into owned `(name, value)` pairs, in order (invalid UTF-8 is
/// replaced, never an error: a reply must stay readable).
pub(crate) fn parse_info(body: &[u8]) -> Vec<(String, String)> {
    let text = String::from_utf8_lossy(body);
    info::parse_reply(text.as_bytes())
        .map(|pairs| {
            pairs
                .into_iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect()
        })
        .unwrap_or_default()
}

impl Node {
    pub(crate) fn new(
        name: String,
        (host, port, addr): (String, u16, SocketAddr),
        access: Access,
    ) -> Node {
        Node {
            name,
            host,
            port,
            addr,
            idle: Mutex::new(Vec::new()),
            open: AtomicUsize::new(0),
            max_conns: access.max_conns.max(1),
            active: AtomicBool::new(true),
            partition_generation: AtomicI64::new(-1),
            replicas: Mutex::new(None),
            connect_timeout: access.connect_timeout,
            login_timeout: access.login_timeout,
            max_idle: access.max_idle,
            errors: AtomicU32::new(0),
            max_error_rate: access.max_error_rate,
            credentials: access.credentials,
            source: AtomicUsize::new(0),
            session: Mutex::new(None),
            tls: access.tls,
        }
    }

    /// The node id the server reports.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Host the client reaches the node at.
    pub fn host(&self) -> &str {
        &self.host
    }

    /// Port the client reaches the node at.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// Resolved socket address.
    pub fn address(&self) -> SocketAddr {
        self.addr
    }

    /// Whether tending still sees the node.
    pub fn is_active(&self) -> bool {
        self.active.load(Ordering::Acquire)
    }

    /// Open connections (pooled and in use).
    pub fn open_connections(&self) -> usize {
        self.open.load(Ordering::Acquire)
    }

    pub(crate) fn deactivate(&self) {
        self.active.store(false, Ordering::Release);
        self.drop_idle();
    }

    /// A new socket (TLS and login done); a refused session token means one more
    /// socket, logged in afresh.
    fn connect(&self, deadline: Option<Instant>) -> Result<Socket> {
        for _ in 0..3 {
            if let Some(sock) = self.open_socket(deadline)? {
                return Ok(sock);
            }
        }
        Err(Error::Connection(format!(
            "node {}: session tokens refused, login did not help",
            self.name
        )))
    }

    /// One socket; `None` when the server refused the session token (now forgotten).
    fn open_socket(&self, deadline: Option<Instant>) -> Result<Option<Socket>> {
        let mut t = self.connect_timeout;
        if let Some(r) = remaining(deadline)? {
            t = t.min(r);
        }
        let s = TcpStream::connect_timeout(&self.addr, t).map_err(|e| match e.kind() {
            std::io::ErrorKind::TimedOut => Error::Timeout {
                msg: format!("connect to {} timed out", self.addr),
                in_doubt: false,
            },
            _ => Error::Connection(format!("failed to connect to {}: {e}", self.addr)),
        })?;
        let _ = s.set_nodelay(true);
        let mut sock = match &self.tls {
            None => Socket::new(s),
            Some(tls) => {
                s.set_read_timeout(Some(t))?;
                s.set_write_timeout(Some(t))?;
                let mut sock = Socket::over(tls.handshake(s, self.addr)?);
                // What the OS has now, so that the next exchange sets its own.
                sock.timeout = Some(t);
                sock
            }
        };
        if let Some(c) = &self.credentials {
            let login_deadline = Some(Instant::now() + self.login_timeout);
            if !authenticate(&mut sock, c, &self.session, login_deadline)? {
                return Ok(None);
            }
        }
        Ok(Some(sock))
    }

    fn checkout(&self, deadline: Option<Instant>) -> Result<Conn<'_>> {
        if !self.is_active() {
            return Err(Error::Connection(format!(
                "node {} is not active",
                self.name
            )));
        }
        if self.max_error_rate > 0 && self.errors.load(Ordering::Relaxed) > self.max_error_rate {
            return Err(Error::MaxErrorRate(format!(
                "node {} had more than {} errors in this window (max_error_rate)",
                self.name, self.max_error_rate
            )));
        }
        if let Ok(mut idle) = self.idle.lock() {
            // Sockets idle longer than the server may keep them are closed, not reused.
            while idle
                .first()
                .is_some_and(|s| s.last_used.elapsed() > self.max_idle)
            {
                idle.remove(0);
                self.open.fetch_sub(1, Ordering::AcqRel);
            }
            if let Some(s) = idle.pop() {
                return Ok(Conn {
                    node: self,
                    stream: Some(s),
                });
            }
        }
        let n = self.open.fetch_add(1, Ordering::AcqRel);
        if n >= self.max_conns {
            self.open.fetch_sub(1, Ordering::AcqRel);
            return Err(Error::NoMoreConnections(format!(
                "max_conns_per_node ({}) reached on node {}",
                self.max_conns, self.name
            )));
        }
        match self.connect(deadline) {
            Ok(s) => Ok(Conn {
                node: self,
                stream: Some(s),
            }),
            Err(e) => {
                self.open.fetch_sub(1, Ordering::AcqRel);
                Err(e)
            }
        }
    }

    /// One request/reply on a pooled socket. `out` receives the reply body.
    pub(crate) fn send(
        &self,
        request: &[u8],
        deadline: Option<Instant>,
        out: &mut Vec<u8>,
    ) -> Result<u8> {
        let mut conn = self.checkout(deadline)?;
        let stream = conn
            .stream
            .as_mut()
            .ok_or_else(|| Error::Client("connection already closed".into()))?;
        match exchange(stream, request, deadline, out) {
            Ok(t) => {
                conn.give_back();
                Ok(t)
            }
            // `conn` drops here: the socket is closed, never reused after a failure.
            Err(e) => {
                self.errors.fetch_add(1, Ordering::Relaxed);
                Err(e)
            }
        }
    }

    /// One request whose reply is a stream of messages: `on_body` gets each message
    /// body and returns true at the last one.
    /// `deadline` bounds the whole exchange; `idle`, when set, bounds each wait for the
    /// next message (a long scan may take longer than one socket timeout in total).
    pub(crate) fn send_stream(
        &self,
        request: &[u8],
        deadline: Option<Instant>,
        idle: Option<Duration>,
        on_body: impl FnMut(&[u8]) -> Result<bool>,
    ) -> Result<()> {
        self.send_stream_of(frame::TYPE_MSG, request, deadline, idle, on_body)
    }

    /// `send_stream` for replies of proto type `msg_type` (3 messages, 2 admin).
    pub(crate) fn send_stream_of(
        &self,
        msg_type: u8,
        request: &[u8],
        deadline: Option<Instant>,
        idle: Option<Duration>,
        mut on_body: impl FnMut(&[u8]) -> Result<bool>,
    ) -> Result<()> {
        self.stream_of(msg_type, request, deadline, idle, &mut InPlace, |body| {
            Ok(if on_body(body)? {
                Flow::Done
            } else {
                Flow::More
            })
        })
    }

    /// Sends `request` and hands every reply body to `on_body` as it arrives, until it
    /// says `Done` (the socket goes back to the pool) or `Stop` (the socket, with the
    /// rest of the stream unread, is closed). Every wait on the network runs through
    /// `waits`; `on_body` runs outside it.
    pub(crate) fn stream_of(
        &self,
        msg_type: u8,
        request: &[u8],
        deadline: Option<Instant>,
        idle: Option<Duration>,
        waits: &mut impl Blocking,
        mut on_body: impl FnMut(&[u8]) -> Result<Flow>,
    ) -> Result<()> {
        let next = |deadline: Option<Instant>| match idle {
            Some(i) => {
                let d = Instant::now() + i;
                Some(deadline.map_or(d, |t| t.min(d)))
            }
            None => deadline,
        };
        let mut conn = waits.blocking(|| self.checkout(next(deadline)))?;
        let sock = conn
            .stream
            .as_mut()
            .ok_or_else(|| Error::Client("connection already closed".into()))?;
        let mut out = Vec::new();
        let failed = |_: &Error| {
            self.errors.fetch_add(1, Ordering::Relaxed);
        };
        let mut t = waits
            .blocking(|| exchange(sock, request, next(deadline), &mut out))
            .inspect_err(failed)?;
        loop {
            if t != msg_type {
                return Err(Error::Parse(format!("unexpected reply message type {t}")));
            }
            match on_body(&out)? {
                Flow::More => {}
                Flow::Done => break,
                // Dropping the connection closes it: a half-read socket never goes back.
                Flow::Stop => return Ok(()),
            }
            t = waits
                .blocking(|| read_message(sock, next(deadline), &mut out))
                .inspect_err(failed)?;
        }
        conn.give_back();
        Ok(())
    }

    /// Follows the tending crate's node object `id`; true when it replaced another
    /// (the node restarted).
    pub(crate) fn follow_source(&self, id: usize) -> bool {
        let old = self.source.swap(id, Ordering::AcqRel);
        old != 0 && old != id
    }

    /// Closes the pooled idle sockets (in-use ones are closed when they fail).
    pub(crate) fn drop_idle(&self) {
        if let Ok(mut idle) = self.idle.lock() {
            let n = idle.len();
            idle.clear();
            self.open.fetch_sub(n, Ordering::AcqRel);
        }
    }

    /// Starts a new error-rate window.
    pub(crate) fn reset_errors(&self) {
        self.errors.store(0, Ordering::Relaxed);
    }

    /// Opens sockets until the pool holds `n` (the `min_conns_per_node` warm-up);
    /// stops at the first failure.
    pub(crate) fn warm_up(&self, n: usize) {
        let deadline = Some(Instant::now() + self.connect_timeout);
        let mut opened = Vec::new();
        while self.open.load(Ordering::Acquire) < n.min(self.max_conns) {
            match self.checkout(deadline) {
                Ok(c) => opened.push(c),
                Err(_) => break,
            }
        }
        for c in opened {
            c.give_back();
        }
    }

    /// Info commands on a pooled socket; returns (name, value) pairs.
    pub fn info(&self, cmds: &[&str], timeout: Duration) -> Result<Vec<(String, String)>> {
        let req = info_request(cmds);
        let mut out = Vec::new();
        let deadline = (!timeout.is_zero()).then(|| Instant::now() + timeout);
        let t = self.send(&req, deadline, &mut out)?;
        if t != frame::TYPE_INFO {
            return Err(Error::Parse(format!(
                "expected an info reply, got type {t}"
            )));
        }
        Ok(parse_info(&out))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::TcpListener;

    fn pair() -> (Socket, TcpStream) {
        let l = TcpListener::bind("127.0.0.1:0").expect("test io");
        let c = TcpStream::connect(l.local_addr().expect("test io")).expect("test io");
        let (s, _) = l.accept().expect("test io");
        (Socket::new(c), s)
    }

    fn deadline() -> Option<Instant> {
        Some(Instant::now() + Duration::from_secs(5))
    }

    #[test]
    fn frames_in_one_segment_keep_the_surplus() {
        let (mut sock, mut srv) = pair();
        let mut wire = Vec::new();
        frame::write_frame(&mut wire, frame::TYPE_MSG, b"first");
        frame::write_frame(&mut wire, frame::TYPE_INFO, b"");
        frame::write_frame(&mut wire, frame::TYPE_MSG, b"third body");
        srv.write_all(&wire).expect("test io");
        let mut out = Vec::new();
        assert_eq!(
            read_message(&mut sock, deadline(), &mut out).expect("test io"),
            3
        );
        assert_eq!(out, b"first");
        assert_eq!(
            read_message(&mut sock, deadline(), &mut out).expect("test io"),
            1
        );
        assert!(out.is_empty());
        assert_eq!(
            read_message(&mut sock, deadline(), &mut out).expect("test io"),
            3
        );
        assert_eq!(out, b"third body");
        assert_eq!(sock.buffered(), 0);
    }

    #[test]
    fn split_and_big_frames() {
        let (mut sock, mut srv) = pair();
        let small: Vec<u8> = (0..READ_BUF_SIZE as u32).map(|i| i as u8).collect();
        let big: Vec<u8> = (0..3 * READ_BUF_SIZE as u32 + 7)
            .map(|i| (i * 7) as u8)
            .collect();
        let mut wire = Vec::new();
        frame::write_frame(&mut wire, frame::TYPE_MSG, b"x");
        frame::write_frame(&mut wire, frame::TYPE_MSG, &small);
        frame::write_frame(&mut wire, frame::TYPE_MSG, &big);
        frame::write_frame(&mut wire, frame::TYPE_MSG, b"tail");
        let writer = std::thread::spawn(move || {
            // Odd-sized pieces, so headers and bodies straddle reads.
            for piece in wire.chunks(5000) {
                srv.write_all(piece).expect("test io");
                srv.flush().expect("test io");
                std::thread::sleep(Duration::from_millis(1));
            }
            srv
        });
        let mut out = Vec::new();
        for want in [&b"x"[..], &small, &big, b"tail"] {
            assert_eq!(
                read_message(&mut sock, deadline(), &mut out).expect("test io"),
                3
            );
            assert_eq!(out, want);
        }
        assert_eq!(sock.buffered(), 0);
        drop(writer.join().expect("test io"));
        // The peer closed: an error, never a partial message.
        assert!(read_message(&mut sock, deadline(), &mut out).is_err());
    }

    #[test]
    fn short_frame_then_close_is_an_error() {
        let (mut sock, mut srv) = pair();
        let mut wire = Vec::new();
        frame::write_frame(&mut wire, frame::TYPE_MSG, b"truncated body");
        srv.write_all(&wire[..wire.len() - 3]).expect("test io");
        drop(srv);
        let mut out = Vec::new();
        assert!(matches!(
            read_message(&mut sock, deadline(), &mut out),
            Err(Error::Connection(_))
        ));
    }

    #[test]
    fn timeout_mid_body() {
        let (mut sock, mut srv) = pair();
        let mut wire = Vec::new();
        frame::write_frame(&mut wire, frame::TYPE_MSG, b"never finished");
        srv.write_all(&wire[..10]).expect("test io");
        let mut out = Vec::new();
        let d = Some(Instant::now() + Duration::from_millis(50));
        assert!(matches!(
            read_message(&mut sock, d, &mut out),
            Err(Error::Timeout { .. })
        ));
    }
}
