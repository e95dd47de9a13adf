//! Internal authentication: LOGIN with the bcrypt hash of the password (protocol.md §10).

use std::time::{Duration, Instant};

use aeropy_protocol::admin::{self, AdminHeader, AdminMessage};

use crate::error::{Error, Result};
use crate::node::{exchange, Socket};

/// User name and the hashed password sent as CREDENTIAL (the clear password is kept
/// for the tending crate, which hashes it itself; `Debug` shows neither).
#[derive(Clone, PartialEq, Eq)]
pub struct Credentials {
    pub user: String,
    password: String,
    credential: String,
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Credentials")
            .field("user", &self.user)
            .finish_non_exhaustive()
    }
}

impl Credentials {
    /// Hashes `password` once (bcrypt `$2a$`, cost 10, the fixed salt every client uses).
    pub fn new(user: &str, password: &str) -> Result<Credentials> {
        Ok(Credentials {
            user: user.to_string(),
            password: password.to_string(),
            credential: hash_password(password)?,
        })
    }

    /// The clear password, for the tending crate's own login.
    pub(crate) fn password(&self) -> &str {
        &self.password
    }

    /// The bcrypt hash sent as CREDENTIAL (and as OLD_PASSWORD when changing it).
    pub fn credential(&self) -> &str {
        &self.credential
    }
}

/// `bcrypt(password)` with the protocol's fixed salt, as a 60-character `$2a$10$...`.
pub fn hash_password(password: &str) -> Result<String> {
    admin::hash_password(password)
        .map_err(|e| Error::Param(format!("cannot hash the password: {e}")))
}

/// A session token from LOGIN, good until `expires` (none: no expiry given).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Session {
    pub(crate) token: Vec<u8>,
    pub(crate) expires: Option<Instant>,
}

impl Session {
    fn usable(&self) -> bool {
        self.expires.is_none_or(|e| Instant::now() < e)
    }
}

/// Result codes of AUTHENTICATE that ask for a new LOGIN: invalid credential, expired
/// session, not authenticated.
const RELOGIN: [u8; 3] = [65, 66, 80];

fn admin_exchange(
    sock: &mut Socket,
    command: u8,
    fields: &[(u8, &[u8])],
    deadline: Option<Instant>,
    out: &mut Vec<u8>,
) -> Result<u8> {
    let mut req = Vec::new();
    admin::write_message(
        &mut req,
        &AdminHeader {
            command,
            ..AdminHeader::default()
        },
        fields,
    );
    exchange(sock, &req, deadline, out)?;
    Ok(AdminMessage::parse(out)?.header.result_code)
}

fn refused(creds: &Credentials, code: u8) -> Error {
    Error::Server {
        code: i32::from(code),
        msg: format!(
            "login of user {:?} refused: {}",
            creds.user,
            crate::error::result_code_message(i32::from(code))
        ),
        in_doubt: false,
    }
}

/// Authenticates a fresh socket: with the node's session token when it has a usable
/// one (AUTHENTICATE), else with LOGIN, whose token (and TTL) then replaces `session`.
/// A server without security (result 52) accepts the socket as is. `Ok(false)`: the
/// token was refused (expired); it is forgotten and the caller logs in on a new
/// socket, as other clients do.
pub(crate) fn authenticate(
    sock: &mut Socket,
    creds: &Credentials,
    session: &std::sync::Mutex<Option<Session>>,
    deadline: Option<Instant>,
) -> Result<bool> {
    let mut out = Vec::new();
    let token = session
        .lock()
        .ok()
        .and_then(|s| s.as_ref().filter(|s| s.usable()).map(|s| s.token.clone()));
    if let Some(token) = token {
        let fields = [
            (admin::field::USER, creds.user.as_bytes()),
            (admin::field::SESSION_TOKEN, token.as_slice()),
        ];
        match admin_exchange(
            sock,
            admin::command::AUTHENTICATE,
            &fields,
            deadline,
            &mut out,
        )? {
            0 | 52 => return Ok(true),
            c if RELOGIN.contains(&c) => {
                // Only this token: another thread may have stored a fresh one.
                if let Ok(mut s) = session.lock() {
                    if s.as_ref().is_some_and(|s| s.token == token) {
                        *s = None;
                    }
                }
                return Ok(false);
            }
            c => return Err(refused(creds, c)),
        }
    }
    let fields = [
        (admin::field::USER, creds.user.as_bytes()),
        (admin::field::CREDENTIAL, creds.credential.as_bytes()),
    ];
    match admin_exchange(sock, admin::command::LOGIN, &fields, deadline, &mut out)? {
        0 => {
            let reply = AdminMessage::parse(&out)?;
            if let Some(token) = reply.field(admin::field::SESSION_TOKEN) {
                // As the C client: renew a minute before the server's TTL runs out.
                let expires = reply
                    .field(admin::field::SESSION_TTL)
                    .and_then(|t| <[u8; 4]>::try_from(t).ok())
                    .map(u32::from_be_bytes)
                    .filter(|&ttl| ttl > 0)
                    .map(|ttl| {
                        Instant::now() + Duration::from_secs(u64::from(ttl.saturating_sub(60)))
                    });
                if let Ok(mut s) = session.lock() {
                    *s = Some(Session {
                        token: token.to_vec(),
                        expires,
                    });
                }
            }
            Ok(true)
        }
        52 => Ok(true),
        c => Err(refused(creds, c)),
    }
}
