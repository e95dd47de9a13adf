//! Internal authentication: LOGIN with the bcrypt hash of the password (protocol.md §10).

use std::time::Instant;

use aeropy_protocol::admin::{self, AdminHeader};

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

/// Logs a fresh socket in. A server without security (result 52) accepts the socket as is.
pub(crate) fn login(
    sock: &mut Socket,
    creds: &Credentials,
    deadline: Option<Instant>,
) -> Result<()> {
    let mut req = Vec::new();
    admin::write_message(
        &mut req,
        &AdminHeader {
            command: admin::command::LOGIN,
            ..AdminHeader::default()
        },
        &[
            (admin::field::USER, creds.user.as_bytes()),
            (admin::field::CREDENTIAL, creds.credential.as_bytes()),
        ],
    );
    let mut out = Vec::new();
    exchange(sock, &req, deadline, &mut out)?;
    let code = out
        .get(1)
        .copied()
        .ok_or_else(|| Error::Parse("short login reply".into()))?;
    match code {
        0 | 52 => Ok(()),
        c => Err(Error::Server {
            code: i32::from(c),
            msg: format!(
                "login of user {:?} refused: {}",
                creds.user,
                crate::error::result_code_message(i32::from(c))
            ),
            in_doubt: false,
        }),
    }
}
