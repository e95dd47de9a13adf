//! The type-2 admin/security message: a 16-byte header and fields.

use crate::frame::{self, TYPE_ADMIN};
use crate::{ProtocolError, Result};

/// Size of the admin header (after the proto header).
pub const ADMIN_HEADER_SIZE: usize = 16;

/// The fixed bcrypt salt clients hash passwords with (`$2a$`, cost 10).
pub const BCRYPT_SALT: &str = "7EqJtq98hPqEX7fNZaFWoO";
/// The prefix of every client-side password hash: `$2a$10$` + salt.
pub const BCRYPT_PREFIX: &str = "$2a$10$7EqJtq98hPqEX7fNZaFWoO";
/// bcrypt cost used by clients.
pub const BCRYPT_COST: u32 = 10;
/// Length of a client-side password hash.
pub const BCRYPT_HASH_LEN: usize = 60;

/// Admin command ids.
pub mod command {
    /// Authenticate with a session token.
    pub const AUTHENTICATE: u8 = 0;
    /// Create a user.
    pub const CREATE_USER: u8 = 1;
    /// Drop a user.
    pub const DROP_USER: u8 = 2;
    /// Set a user's password.
    pub const SET_PASSWORD: u8 = 3;
    /// Change own password.
    pub const CHANGE_PASSWORD: u8 = 4;
    /// Grant roles.
    pub const GRANT_ROLES: u8 = 5;
    /// Revoke roles.
    pub const REVOKE_ROLES: u8 = 6;
    /// Query users.
    pub const QUERY_USERS: u8 = 9;
    /// Create a role.
    pub const CREATE_ROLE: u8 = 10;
    /// Drop a role.
    pub const DROP_ROLE: u8 = 11;
    /// Grant privileges.
    pub const GRANT_PRIVILEGES: u8 = 12;
    /// Revoke privileges.
    pub const REVOKE_PRIVILEGES: u8 = 13;
    /// Set the allowlist.
    pub const SET_WHITELIST: u8 = 14;
    /// Set quotas.
    pub const SET_QUOTAS: u8 = 15;
    /// Query roles.
    pub const QUERY_ROLES: u8 = 16;
    /// Log in.
    pub const LOGIN: u8 = 20;
}

/// Admin field ids.
pub mod field {
    /// User name.
    pub const USER: u8 = 0;
    /// Password hash.
    pub const PASSWORD: u8 = 1;
    /// Old password hash.
    pub const OLD_PASSWORD: u8 = 2;
    /// Credential (password hash) at login.
    pub const CREDENTIAL: u8 = 3;
    /// Clear password (external auth).
    pub const CLEAR_PASSWORD: u8 = 4;
    /// Session token.
    pub const SESSION_TOKEN: u8 = 5;
    /// Session TTL (u32 seconds).
    pub const SESSION_TTL: u8 = 6;
    /// Roles list.
    pub const ROLES: u8 = 10;
    /// Role name.
    pub const ROLE: u8 = 11;
    /// Privileges list.
    pub const PRIVILEGES: u8 = 12;
    /// Allowlist.
    pub const WHITELIST: u8 = 13;
    /// Read quota.
    pub const READ_QUOTA: u8 = 14;
    /// Write quota.
    pub const WRITE_QUOTA: u8 = 15;
    /// Read info (query reply).
    pub const READ_INFO: u8 = 16;
    /// Write info (query reply).
    pub const WRITE_INFO: u8 = 17;
    /// Connections in use.
    pub const CONNECTIONS: u8 = 18;
}

/// The 16-byte admin header.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct AdminHeader {
    /// Scheme (0).
    pub scheme: u8,
    /// Result code (replies).
    pub result_code: u8,
    /// Command id (requests).
    pub command: u8,
    /// Number of fields.
    pub n_fields: u8,
}

impl AdminHeader {
    /// The 16 wire bytes.
    pub fn encode(&self) -> [u8; ADMIN_HEADER_SIZE] {
        let mut b = [0u8; ADMIN_HEADER_SIZE];
        b[0] = self.scheme;
        b[1] = self.result_code;
        b[2] = self.command;
        b[3] = self.n_fields;
        b
    }

    /// Decodes the first 16 bytes.
    pub fn decode(bytes: &[u8]) -> Result<Self> {
        let b = bytes
            .get(..ADMIN_HEADER_SIZE)
            .ok_or(ProtocolError::truncated(ADMIN_HEADER_SIZE, bytes.len()))?;
        Ok(AdminHeader {
            scheme: b[0],
            result_code: b[1],
            command: b[2],
            n_fields: b[3],
        })
    }
}

/// A parsed admin message borrowing its body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AdminMessage<'a> {
    /// The header.
    pub header: AdminHeader,
    /// (field id, data) pairs in wire order.
    pub fields: Vec<(u8, &'a [u8])>,
}

impl<'a> AdminMessage<'a> {
    /// Parses an admin body (after the proto header); every length is checked.
    pub fn parse(body: &'a [u8]) -> Result<AdminMessage<'a>> {
        let header = AdminHeader::decode(body)?;
        let mut pos = ADMIN_HEADER_SIZE;
        let mut fields = Vec::with_capacity(usize::from(header.n_fields));
        for _ in 0..header.n_fields {
            let size =
                body.get(pos..pos + 4)
                    .and_then(|s| s.try_into().ok())
                    .map(u32::from_be_bytes)
                    .ok_or(ProtocolError::truncated(pos + 4, body.len()))? as usize;
            if size == 0 {
                return Err(ProtocolError::BadLength("admin field"));
            }
            let id = *body
                .get(pos + 4)
                .ok_or(ProtocolError::truncated(pos + 5, body.len()))?;
            let end = (pos + 4)
                .checked_add(size)
                .ok_or(ProtocolError::BadLength("admin field"))?;
            let data = body
                .get(pos + 5..end)
                .ok_or(ProtocolError::truncated(end, body.len()))?;
            fields.push((id, data));
            pos = end;
        }
        Ok(AdminMessage { header, fields })
    }

    /// Data of the first field with id `id`.
    pub fn field(&self, id: u8) -> Option<&'a [u8]> {
        self.fields.iter().find(|(f, _)| *f == id).map(|(_, d)| *d)
    }
}

/// Appends a whole admin frame with `fields` to `out`.
pub fn write_message(out: &mut Vec<u8>, header: &AdminHeader, fields: &[(u8, &[u8])]) {
    let start = frame::begin_frame(out, TYPE_ADMIN);
    let mut h = *header;
    h.n_fields = fields.len().min(255) as u8;
    out.extend_from_slice(&h.encode());
    for (id, data) in fields.iter().take(255) {
        out.extend_from_slice(&(data.len() as u32 + 1).to_be_bytes());
        out.push(*id);
        out.extend_from_slice(data);
    }
    frame::end_frame(out, start);
}

/// One privilege: a code and, for codes ≥ 10 (data privileges), an optional namespace
/// and set scope (empty: all).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Privilege {
    pub code: u8,
    pub namespace: String,
    pub set: String,
}

/// Privilege codes from this one on carry a namespace and set scope.
pub const SCOPED_PRIVILEGE: u8 = 10;

fn len_u8(what: &'static str, n: usize) -> Result<u8> {
    u8::try_from(n).map_err(|_| ProtocolError::TooLong(what))
}

fn push_name(b: &mut Vec<u8>, what: &'static str, name: &str) -> Result<()> {
    b.push(len_u8(what, name.len())?);
    b.extend_from_slice(name.as_bytes());
    Ok(())
}

/// A ROLES field: u8 count, then per role u8 length + name.
pub fn write_roles<S: AsRef<str>>(roles: &[S]) -> Result<Vec<u8>> {
    let mut b = vec![len_u8("role list", roles.len())?];
    for r in roles {
        push_name(&mut b, "role name", r.as_ref())?;
    }
    Ok(b)
}

/// A PRIVILEGES field: u8 count, then per privilege u8 code and, for scoped codes,
/// u8 length + namespace and u8 length + set.
pub fn write_privileges(privileges: &[Privilege]) -> Result<Vec<u8>> {
    let mut b = vec![len_u8("privilege list", privileges.len())?];
    for p in privileges {
        b.push(p.code);
        if p.code >= SCOPED_PRIVILEGE {
            push_name(&mut b, "privilege namespace", &p.namespace)?;
            push_name(&mut b, "privilege set", &p.set)?;
        }
    }
    Ok(b)
}

/// Parses a PRIVILEGES field (codes are not checked).
pub fn parse_privileges(data: &[u8]) -> Result<Vec<Privilege>> {
    let bad = ProtocolError::Invalid("privileges field");
    let n = *data.first().ok_or(bad.clone())?;
    let mut pos = 1;
    let text = |pos: &mut usize| -> Result<String> {
        let len = usize::from(*data.get(*pos).ok_or(bad.clone())?);
        let s = data.get(*pos + 1..*pos + 1 + len).ok_or(bad.clone())?;
        *pos += 1 + len;
        Ok(String::from_utf8_lossy(s).into_owned())
    };
    let mut out = Vec::with_capacity(usize::from(n));
    for _ in 0..n {
        let code = *data.get(pos).ok_or(bad.clone())?;
        pos += 1;
        let (namespace, set) = if code >= SCOPED_PRIVILEGE {
            (text(&mut pos)?, text(&mut pos)?)
        } else {
            (String::new(), String::new())
        };
        out.push(Privilege {
            code,
            namespace,
            set,
        });
    }
    Ok(out)
}

/// Parses a ROLES field: u8 count, then per role u8 length + name.
pub fn parse_roles(data: &[u8]) -> Result<Vec<&[u8]>> {
    let bad = ProtocolError::Invalid("roles field");
    let n = *data.first().ok_or(bad.clone())?;
    let mut pos = 1;
    let mut out = Vec::with_capacity(usize::from(n));
    for _ in 0..n {
        let len = usize::from(*data.get(pos).ok_or(bad.clone())?);
        out.push(data.get(pos + 1..pos + 1 + len).ok_or(bad.clone())?);
        pos += 1 + len;
    }
    Ok(out)
}

/// `bcrypt(password)` with the protocol's fixed salt: the 60-character `$2a$10$...`
/// credential clients send in LOGIN.
#[cfg(feature = "bcrypt")]
pub fn hash_password(password: &str) -> Result<String> {
    use base64::Engine;
    let engine = base64::engine::GeneralPurpose::new(
        &base64::alphabet::BCRYPT,
        base64::engine::general_purpose::NO_PAD,
    );
    let salt = engine
        .decode(BCRYPT_SALT)
        .ok()
        .and_then(|raw| <[u8; 16]>::try_from(raw.as_slice()).ok())
        .ok_or(ProtocolError::Invalid("bcrypt salt"))?;
    let parts = bcrypt::hash_with_salt(password, BCRYPT_COST, salt)
        .map_err(|_| ProtocolError::Invalid("password for bcrypt"))?;
    Ok(parts.format_for_version(bcrypt::Version::TwoA))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roundtrip() {
        let mut out = Vec::new();
        write_message(
            &mut out,
            &AdminHeader {
                command: command::LOGIN,
                ..Default::default()
            },
            &[
                (field::USER, b"admin"),
                (field::CREDENTIAL, BCRYPT_PREFIX.as_bytes()),
            ],
        );
        assert_eq!(out[1], TYPE_ADMIN);
        let m = AdminMessage::parse(&out[8..]).unwrap();
        assert_eq!(m.header.command, command::LOGIN);
        assert_eq!(m.field(field::USER), Some(&b"admin"[..]));
        for cut in 0..out.len() - 8 {
            assert!(AdminMessage::parse(&out[8..8 + cut]).is_err());
        }
        assert_eq!(
            parse_roles(b"\x02\x04read\x05write").unwrap(),
            vec![&b"read"[..], b"write"]
        );
        assert!(parse_roles(b"\x02\x04read").is_err());
    }

    #[cfg(feature = "bcrypt")]
    #[test]
    fn hashes_like_libcrypt() {
        // Reference values from the system's crypt(3) with the same salt.
        assert_eq!(
            hash_password("admin").unwrap(),
            "$2a$10$7EqJtq98hPqEX7fNZaFWoO1mVO/4MLpGzsqojz6E9Gef6iXDjXdDa"
        );
        let h = hash_password("secret pw").unwrap();
        assert_eq!(
            h,
            "$2a$10$7EqJtq98hPqEX7fNZaFWoO1bupH.tjYNDoT7JsCIZ8v82OU8viPO6"
        );
        assert!(h.starts_with(BCRYPT_PREFIX) && h.len() == BCRYPT_HASH_LEN);
    }
}
