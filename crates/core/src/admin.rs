//! User and role administration: proto type-2 requests and their replies
//! (protocol.md §10). Encoding through `aeropy_protocol::admin`; no Python.

use std::time::{Duration, Instant};

use aeropy_protocol::admin::{self, AdminHeader, AdminMessage, ADMIN_HEADER_SIZE};
use aeropy_protocol::frame;

use crate::client::Client;
use crate::error::{Error, Result};

pub use aeropy_protocol::admin::{command, field};

/// Result code that ends a QUERY_USERS / QUERY_ROLES reply stream.
pub const QUERY_END: u8 = 50;

/// One privilege: a code (`aerospike.PRIV_*`) and, for codes ≥ 10, an optional
/// namespace and set scope.
pub use aeropy_protocol::admin::Privilege;

/// One record of a query reply: its fields, owned.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AdminRecord {
    pub fields: Vec<(u8, Vec<u8>)>,
}

impl AdminRecord {
    /// Data of the first field `id`.
    pub fn field(&self, id: u8) -> Option<&[u8]> {
        self.fields
            .iter()
            .find(|(f, _)| *f == id)
            .map(|(_, d)| d.as_slice())
    }
}

fn bad(what: &str) -> Error {
    Error::Parse(format!("malformed {what} in an admin reply"))
}

/// A ROLES field: u8 count, then per role u8 length + name.
pub fn encode_roles(roles: &[String]) -> Result<Vec<u8>> {
    admin::write_roles(roles).map_err(|e| Error::Param(e.to_string()))
}

/// A PRIVILEGES field: u8 count, then per privilege u8 code and, for codes ≥ 10,
/// u8 length + namespace and u8 length + set.
pub fn encode_privileges(privileges: &[Privilege]) -> Result<Vec<u8>> {
    admin::write_privileges(privileges).map_err(|e| Error::Param(e.to_string()))
}

/// Parses a PRIVILEGES field.
pub fn parse_privileges(data: &[u8]) -> Result<Vec<Privilege>> {
    admin::parse_privileges(data).map_err(|_| bad("privileges"))
}

/// Parses a ROLES field into names.
pub fn parse_roles(data: &[u8]) -> Result<Vec<String>> {
    Ok(admin::parse_roles(data)
        .map_err(|_| bad("roles"))?
        .into_iter()
        .map(|r| String::from_utf8_lossy(r).into_owned())
        .collect())
}

/// Parses a READ_INFO / WRITE_INFO field: u8 count, then u32 values.
pub fn parse_u32_list(data: &[u8]) -> Result<Vec<u32>> {
    let n = usize::from(*data.first().ok_or_else(|| bad("info list"))?);
    (0..n)
        .map(|i| {
            data.get(1 + 4 * i..5 + 4 * i)
                .and_then(|b| b.try_into().ok())
                .map(u32::from_be_bytes)
                .ok_or_else(|| bad("info list"))
        })
        .collect()
}

/// A u32 field (quotas, connections).
pub fn parse_u32(data: &[u8]) -> Result<u32> {
    data.try_into()
        .map(u32::from_be_bytes)
        .map_err(|_| bad("u32 field"))
}

/// A whole admin request frame.
pub fn request(cmd: u8, fields: &[(u8, &[u8])]) -> Vec<u8> {
    let mut out = Vec::new();
    admin::write_message(
        &mut out,
        &AdminHeader {
            command: cmd,
            ..AdminHeader::default()
        },
        fields,
    );
    out
}

fn server_error(code: u8) -> Error {
    Error::server(i32::from(code), false)
}

/// Reads the records of one reply body into `out`; true once QUERY_END was seen.
fn read_records(body: &[u8], out: &mut Vec<AdminRecord>) -> Result<bool> {
    let mut at = 0;
    while at < body.len() {
        let m = AdminMessage::parse(&body[at..]).map_err(|e| Error::Parse(e.to_string()))?;
        at += ADMIN_HEADER_SIZE + m.fields.iter().map(|(_, d)| 5 + d.len()).sum::<usize>();
        match m.header.result_code {
            0 => out.push(AdminRecord {
                fields: m.fields.iter().map(|(f, d)| (*f, d.to_vec())).collect(),
            }),
            QUERY_END => return Ok(true),
            c => return Err(server_error(c)),
        }
    }
    Ok(false)
}

impl Client {
    /// Sends an admin request to one node. A simple command returns no records (an
    /// error result becomes `Error::Server`); a query (`query` true) returns the records
    /// of its reply stream up to QUERY_END.
    pub fn admin(
        &self,
        request: &[u8],
        query: bool,
        timeout: Duration,
    ) -> Result<Vec<AdminRecord>> {
        let nodes = self.nodes();
        let node = nodes
            .first()
            .ok_or_else(|| Error::Cluster("no node in the cluster".into()))?;
        let deadline = (!timeout.is_zero()).then(|| Instant::now() + timeout);
        let mut records = Vec::new();
        node.send_stream_of(frame::TYPE_ADMIN, request, deadline, None, |body| {
            if !query {
                let h = AdminHeader::decode(body).map_err(|e| Error::Parse(e.to_string()))?;
                return match h.result_code {
                    0 => Ok(true),
                    c => Err(server_error(c)),
                };
            }
            read_records(body, &mut records)
        })?;
        Ok(records)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn privileges_roundtrip() {
        let ps = vec![
            Privilege {
                code: 0,
                ..Privilege::default()
            },
            Privilege {
                code: 10,
                namespace: "test".into(),
                set: "demo".into(),
            },
        ];
        let b = encode_privileges(&ps).unwrap();
        assert_eq!(b, b"\x02\x00\x0a\x04test\x04demo");
        assert_eq!(parse_privileges(&b).unwrap(), ps);
        for cut in 0..b.len() {
            assert!(parse_privileges(&b[..cut]).is_err());
        }
        assert_eq!(
            encode_roles(&["read".into(), "rw".into()]).unwrap(),
            b"\x02\x04read\x02rw"
        );
        assert!(encode_roles(&["x".repeat(256)]).is_err());
        assert_eq!(
            parse_u32_list(b"\x02\0\0\0\x01\0\0\0\x02").unwrap(),
            vec![1, 2]
        );
        assert!(parse_u32_list(b"\x02\0\0\0\x01").is_err());
    }

    #[test]
    fn records_until_query_end() {
        let mut body = Vec::new();
        let mut one = request(0, &[(field::USER, b"ann")]);
        body.extend_from_slice(&one.split_off(8));
        body.extend_from_slice(
            &AdminHeader {
                result_code: QUERY_END,
                ..AdminHeader::default()
            }
            .encode(),
        );
        let mut out = Vec::new();
        assert!(read_records(&body, &mut out).unwrap());
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].field(field::USER), Some(&b"ann"[..]));
        let mut err = body.clone();
        err[1] = 60;
        assert!(read_records(&err, &mut Vec::new()).is_err());
    }
}
