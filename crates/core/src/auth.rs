//! Internal authentication: LOGIN with the bcrypt hash of the password (protocol.md §10).

use std::time::Instant;

use aeropy_protocol::admin::{self, AdminHeader, BCRYPT_COST, BCRYPT_SALT};
use base64::Engine;

use crate::error::{Error, Result};
use crate::node::{exchange, Socket};

/// User name and the hashed password sent as CREDENTIAL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Credentials {
    pub user: String,
    credential: String,
}

impl Credentials {
    /// Hashes `password` once (bcrypt `$2a$`, cost 10, the fixed salt every client uses).
    pub fn new(user: &str, password: &str) -> Result<Credentials> {
        Ok(Credentials {
            user: user.to_string(),
            credential: hash_password(password)?,
        })
    }
}

/// `bcrypt(password)` with the protocol's fixed salt, as a 60-character `$2a$10$...`.
pub fn hash_password(password: &str) -> Result<String> {
    let engine = base64::engine::GeneralPurpose::new(
        &base64::alphabet::BCRYPT,
        base64::engine::general_purpose::NO_PAD,
    );
    let raw = engine
        .decode(BCRYPT_SALT)
        .map_err(|e| Error::Client(format!("bad bcrypt salt: {e}")))?;
    let salt = <[u8; 16]>::try_from(raw.as_slice())
        .map_err(|_| Error::Client("bad bcrypt salt length".into()))?;
    let parts = bcrypt::hash_with_salt(password, BCRYPT_COST, salt)
        .map_err(|e| Error::Param(format!("cannot hash the password: {e}")))?;
    Ok(parts.format_for_version(bcrypt::Version::TwoA))
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

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::panic)]
mod tests {
    use super::*;

    #[test]
    fn hashes_like_libcrypt() {
        // Reference values from the system's crypt(3) with the same salt.
        assert_eq!(
            hash_password("admin").unwrap(),
            "$2a$10$7EqJtq98hPqEX7fNZaFWoO1mVO/4MLpGzsqojz6E9Gef6iXDjXdDa"
        );
        assert_eq!(
            hash_password("secret pw").unwrap(),
            "$2a$10$7EqJtq98hPqEX7fNZaFWoO1bupH.tjYNDoT7JsCIZ8v82OU8viPO6"
        );
    }
}
