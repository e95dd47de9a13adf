//! Access control, as an Enterprise server with `security` enabled: users with bcrypt
//! credentials, roles of privileges (global or scoped to a namespace or set), LOGIN with
//! session tokens, AUTHENTICATE, the user and role admin commands, and the checks on
//! every request of a connection (protocol.md §10). Off unless the cluster is started
//! with security; then the default user is `admin` / `admin` with role `user-admin`.

use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard};

use aeropy_protocol::admin::{
    self, command as cmd, field, AdminHeader, AdminMessage, Privilege, SCOPED_PRIVILEGE,
};
use aeropy_protocol::frame::{self, TYPE_ADMIN};
use aeropy_protocol::msg::{self, Message};

/// bcrypt("admin") with the protocol's fixed salt: the default user's credential.
const ADMIN_HASH: &str = "$2a$10$7EqJtq98hPqEX7fNZaFWoO1mVO/4MLpGzsqojz6E9Gef6iXDjXdDa";
/// Seconds a session token lives (the real server's default `session-ttl`).
const SESSION_TTL: u32 = 86_400;

/// Result codes of the security protocol.
pub(crate) mod code {
    pub const OK: u8 = 0;
    pub const INVALID_COMMAND: u8 = 54;
    pub const INVALID_FIELD: u8 = 55;
    pub const INVALID_USER: u8 = 60;
    pub const USER_ALREADY_EXISTS: u8 = 61;
    pub const INVALID_PASSWORD: u8 = 62;
    pub const INVALID_CREDENTIAL: u8 = 65;
    pub const EXPIRED_SESSION: u8 = 66;
    pub const INVALID_ROLE: u8 = 70;
    pub const ROLE_ALREADY_EXISTS: u8 = 71;
    pub const INVALID_PRIVILEGE: u8 = 72;
    pub const QUERY_END: u8 = 50;
    pub const NOT_AUTHENTICATED: u8 = 80;
    pub const ROLE_VIOLATION: u8 = 81;
}

/// Privilege codes (protocol.md §10.3).
pub(crate) mod privilege {
    pub const USER_ADMIN: u8 = 0;
    pub const SYS_ADMIN: u8 = 1;
    pub const DATA_ADMIN: u8 = 2;
    pub const UDF_ADMIN: u8 = 3;
    pub const SINDEX_ADMIN: u8 = 4;
    pub const READ: u8 = 10;
    pub const READ_WRITE: u8 = 11;
    pub const READ_WRITE_UDF: u8 = 12;
    pub const WRITE: u8 = 13;
    pub const TRUNCATE: u8 = 14;
    /// Highest code this server knows.
    pub const MAX: u8 = 17;
}

/// The predefined roles: each grants its privilege globally.
const PREDEFINED: &[(&str, u8)] = &[
    ("user-admin", privilege::USER_ADMIN),
    ("sys-admin", privilege::SYS_ADMIN),
    ("data-admin", privilege::DATA_ADMIN),
    ("udf-admin", privilege::UDF_ADMIN),
    ("sindex-admin", privilege::SINDEX_ADMIN),
    ("read", privilege::READ),
    ("read-write", privilege::READ_WRITE),
    ("read-write-udf", privilege::READ_WRITE_UDF),
    ("write", privilege::WRITE),
    ("truncate", privilege::TRUNCATE),
];

#[derive(Debug, Clone, Default)]
struct Role {
    privileges: Vec<Privilege>,
    whitelist: Vec<String>,
    read_quota: u32,
    write_quota: u32,
}

#[derive(Debug, Clone)]
struct User {
    credential: String,
    roles: Vec<String>,
}

#[derive(Debug, Default)]
struct State {
    users: BTreeMap<String, User>,
    roles: BTreeMap<String, Role>,
    /// Session token -> user.
    sessions: HashMap<Vec<u8>, String>,
    /// Authenticated connections per user.
    connections: HashMap<String, u32>,
}

/// The security state of a cluster (shared by its nodes, as the real server's SMD).
#[derive(Debug)]
pub(crate) struct Security {
    state: Mutex<State>,
    tokens: AtomicU64,
}

/// What a request needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Need {
    Read,
    Write,
    Udf,
}

impl Security {
    pub(crate) fn new() -> Security {
        let mut st = State::default();
        for (name, code) in PREDEFINED {
            st.roles.insert(
                (*name).to_string(),
                Role {
                    privileges: vec![Privilege {
                        code: *code,
                        ..Privilege::default()
                    }],
                    ..Role::default()
                },
            );
        }
        st.users.insert(
            "admin".into(),
            User {
                credential: ADMIN_HASH.into(),
                roles: vec!["user-admin".into()],
            },
        );
        Security {
            state: Mutex::new(st),
            tokens: AtomicU64::new(1),
        }
    }

    fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// A connection of `user` closed.
    pub(crate) fn disconnected(&self, user: &str) {
        if let Some(n) = self.state().connections.get_mut(user) {
            *n = n.saturating_sub(1);
        }
    }

    fn connected(st: &mut State, user: &str) {
        *st.connections.entry(user.to_string()).or_default() += 1;
    }

    /// Whether `user` may do `need` on `ns`/`set` (0 = allowed, else 81).
    pub(crate) fn check(&self, user: &str, need: Need, ns: &str, set: &str) -> u8 {
        let st = self.state();
        let allowed: &[u8] = match need {
            Need::Read => &[
                privilege::READ,
                privilege::READ_WRITE,
                privilege::READ_WRITE_UDF,
            ],
            Need::Write => &[
                privilege::READ_WRITE,
                privilege::READ_WRITE_UDF,
                privilege::WRITE,
            ],
            Need::Udf => &[privilege::READ_WRITE_UDF],
        };
        let ok = st.users.get(user).is_some_and(|u| {
            u.roles.iter().filter_map(|r| st.roles.get(r)).any(|r| {
                r.privileges.iter().any(|p| {
                    allowed.contains(&p.code)
                        && (p.namespace.is_empty() || p.namespace == ns)
                        && (p.set.is_empty() || p.set == set)
                })
            })
        });
        if ok {
            code::OK
        } else {
            code::ROLE_VIOLATION
        }
    }

    /// Whether `user` may run the info command `line`: truncating needs truncate or
    /// data-admin, index changes sindex-admin or data-admin, UDF registration udf-admin
    /// or data-admin (sys-admin covers them all); other commands are open to any
    /// authenticated user.
    pub(crate) fn may_run_info(&self, user: &str, line: &str) -> bool {
        let name = line.split(':').next().unwrap_or(line);
        let needs: &[u8] = match name {
            "truncate" | "truncate-namespace" | "truncate-undo" | "truncate-namespace-undo" => &[
                privilege::TRUNCATE,
                privilege::DATA_ADMIN,
                privilege::SYS_ADMIN,
            ],
            "sindex-create" | "sindex-delete" => &[
                privilege::SINDEX_ADMIN,
                privilege::DATA_ADMIN,
                privilege::SYS_ADMIN,
            ],
            "udf-put" | "udf-remove" => &[
                privilege::UDF_ADMIN,
                privilege::DATA_ADMIN,
                privilege::SYS_ADMIN,
            ],
            _ => return true,
        };
        let st = self.state();
        needs.iter().any(|code| Self::has_global(&st, user, *code))
    }

    /// Whether `user` holds a global privilege `code`.
    fn has_global(st: &State, user: &str, code: u8) -> bool {
        st.users.get(user).is_some_and(|u| {
            u.roles.iter().filter_map(|r| st.roles.get(r)).any(|r| {
                r.privileges
                    .iter()
                    .any(|p| p.code == code && p.namespace.is_empty())
            })
        })
    }

    /// One admin message; `user` is the connection's authenticated user, set by a
    /// successful LOGIN or AUTHENTICATE. Appends the whole reply to `out`.
    pub(crate) fn handle(&self, body: &[u8], user: &mut Option<String>, out: &mut Vec<u8>) {
        let Ok(m) = AdminMessage::parse(body) else {
            reply(out, code::INVALID_FIELD, &[]);
            return;
        };
        let text = |id: u8| {
            m.field(id)
                .map(|d| String::from_utf8_lossy(d).into_owned())
                .unwrap_or_default()
        };
        let mut st = self.state();
        match m.header.command {
            cmd::LOGIN => {
                let name = text(field::USER);
                let good = st
                    .users
                    .get(&name)
                    .is_some_and(|u| m.field(field::CREDENTIAL) == Some(u.credential.as_bytes()));
                if !st.users.contains_key(&name) {
                    return reply(out, code::INVALID_USER, &[]);
                }
                if !good {
                    return reply(out, code::INVALID_CREDENTIAL, &[]);
                }
                let n = self.tokens.fetch_add(1, Ordering::Relaxed);
                let token = format!("embedded-session-{n:016x}").into_bytes();
                st.sessions.insert(token.clone(), name.clone());
                if user.as_deref() != Some(&name) {
                    Self::connected(&mut st, &name);
                }
                *user = Some(name);
                let ttl = SESSION_TTL.to_be_bytes();
                reply(
                    out,
                    code::OK,
                    &[(field::SESSION_TOKEN, &token), (field::SESSION_TTL, &ttl)],
                );
            }
            cmd::AUTHENTICATE => {
                let token = m.field(field::SESSION_TOKEN).unwrap_or_default();
                match st.sessions.get(token).cloned() {
                    Some(name)
                        if m.field(field::USER).is_none_or(|u| u == name.as_bytes())
                            && st.users.contains_key(&name) =>
                    {
                        if user.as_deref() != Some(&name) {
                            Self::connected(&mut st, &name);
                        }
                        *user = Some(name);
                        reply(out, code::OK, &[]);
                    }
                    _ => reply(out, code::EXPIRED_SESSION, &[]),
                }
            }
            command => {
                let Some(me) = user.clone() else {
                    return reply(out, code::NOT_AUTHENTICATED, &[]);
                };
                let own_password = command == cmd::CHANGE_PASSWORD && text(field::USER) == me;
                if !own_password && !Self::has_global(&st, &me, privilege::USER_ADMIN) {
                    return reply(out, code::ROLE_VIOLATION, &[]);
                }
                admin_command(&mut st, command, &m, &text, out);
            }
        }
    }
}

/// The user and role commands, for a user allowed to run them.
fn admin_command(
    st: &mut State,
    command: u8,
    m: &AdminMessage<'_>,
    text: &dyn Fn(u8) -> String,
    out: &mut Vec<u8>,
) {
    let user = text(field::USER);
    let role = text(field::ROLE);
    let roles = || -> Result<Vec<String>, u8> {
        let data = m.field(field::ROLES).unwrap_or(&[0]);
        let names = admin::parse_roles(data).map_err(|_| code::INVALID_FIELD)?;
        let names: Vec<String> = names
            .iter()
            .map(|n| String::from_utf8_lossy(n).into_owned())
            .collect();
        if names.iter().any(|n| !st.roles.contains_key(n)) {
            return Err(code::INVALID_ROLE);
        }
        Ok(names)
    };
    let result = match command {
        cmd::CREATE_USER => match (st.users.contains_key(&user), roles()) {
            (true, _) => code::USER_ALREADY_EXISTS,
            (_, Err(c)) => c,
            _ if user.is_empty() => code::INVALID_USER,
            (false, Ok(r)) => match m.field(field::PASSWORD) {
                Some(p) if !p.is_empty() => {
                    let credential = String::from_utf8_lossy(p).into_owned();
                    st.users.insert(
                        user,
                        User {
                            credential,
                            roles: r,
                        },
                    );
                    code::OK
                }
                _ => code::INVALID_PASSWORD,
            },
        },
        cmd::DROP_USER => {
            if st.users.remove(&user).is_some() {
                st.sessions.retain(|_, u| *u != user);
                code::OK
            } else {
                code::INVALID_USER
            }
        }
        cmd::SET_PASSWORD | cmd::CHANGE_PASSWORD => {
            let new = m.field(field::PASSWORD).unwrap_or_default();
            match st.users.get_mut(&user) {
                None => code::INVALID_USER,
                Some(_) if new.is_empty() => code::INVALID_PASSWORD,
                Some(u)
                    if command == cmd::CHANGE_PASSWORD
                        && m.field(field::OLD_PASSWORD) != Some(u.credential.as_bytes()) =>
                {
                    code::INVALID_CREDENTIAL
                }
                Some(u) => {
                    u.credential = String::from_utf8_lossy(new).into_owned();
                    code::OK
                }
            }
        }
        cmd::GRANT_ROLES | cmd::REVOKE_ROLES => match roles() {
            Err(c) => c,
            Ok(r) => match st.users.get_mut(&user) {
                None => code::INVALID_USER,
                Some(u) => {
                    grant_or_revoke(&mut u.roles, r, command == cmd::GRANT_ROLES);
                    code::OK
                }
            },
        },
        cmd::QUERY_USERS => return query_users(st, m.field(field::USER).map(|_| user), out),
        cmd::QUERY_ROLES => return query_roles(st, m.field(field::ROLE).map(|_| role), out),
        // Role names travel with u8 length prefixes in ROLES fields.
        cmd::CREATE_ROLE => match (
            role.is_empty() || role.len() > 255,
            privileges(m.field(field::PRIVILEGES)),
        ) {
            (true, _) => code::INVALID_ROLE,
            (_, Err(c)) => c,
            (false, Ok(p)) => match st.roles.entry(role) {
                std::collections::btree_map::Entry::Occupied(_) => code::ROLE_ALREADY_EXISTS,
                std::collections::btree_map::Entry::Vacant(v) => {
                    v.insert(Role {
                        privileges: p,
                        whitelist: whitelist(m.field(field::WHITELIST)),
                        read_quota: u32_field(m.field(field::READ_QUOTA)),
                        write_quota: u32_field(m.field(field::WRITE_QUOTA)),
                    });
                    code::OK
                }
            },
        },
        cmd::DROP_ROLE => {
            if PREDEFINED.iter().any(|(n, _)| *n == role) {
                code::INVALID_ROLE
            } else if st.roles.remove(&role).is_some() {
                for u in st.users.values_mut() {
                    u.roles.retain(|x| *x != role);
                }
                code::OK
            } else {
                code::INVALID_ROLE
            }
        }
        cmd::GRANT_PRIVILEGES | cmd::REVOKE_PRIVILEGES => {
            match (
                privileges(m.field(field::PRIVILEGES)),
                st.roles.get_mut(&role),
            ) {
                (_, None) => code::INVALID_ROLE,
                (Err(c), _) => c,
                (Ok(p), Some(r)) => {
                    grant_or_revoke(&mut r.privileges, p, command == cmd::GRANT_PRIVILEGES);
                    code::OK
                }
            }
        }
        cmd::SET_WHITELIST => match st.roles.get_mut(&role) {
            None => code::INVALID_ROLE,
            Some(r) => {
                r.whitelist = whitelist(m.field(field::WHITELIST));
                code::OK
            }
        },
        cmd::SET_QUOTAS => match st.roles.get_mut(&role) {
            None => code::INVALID_ROLE,
            Some(r) => {
                if let Some(q) = m.field(field::READ_QUOTA) {
                    r.read_quota = u32_field(Some(q));
                }
                if let Some(q) = m.field(field::WRITE_QUOTA) {
                    r.write_quota = u32_field(Some(q));
                }
                code::OK
            }
        },
        _ => code::INVALID_COMMAND,
    };
    reply(out, result, &[]);
}

/// Adds `items` missing from `list` (grant) or removes them (revoke).
fn grant_or_revoke<T: PartialEq>(list: &mut Vec<T>, items: Vec<T>, grant: bool) {
    if grant {
        for x in items {
            if !list.contains(&x) {
                list.push(x);
            }
        }
    } else {
        list.retain(|x| !items.contains(x));
    }
}

fn u32_field(data: Option<&[u8]>) -> u32 {
    data.and_then(|d| <[u8; 4]>::try_from(d).ok())
        .map(u32::from_be_bytes)
        .unwrap_or(0)
}

/// A WHITELIST field: comma-separated addresses (a leading comma tolerated).
fn whitelist(data: Option<&[u8]>) -> Vec<String> {
    String::from_utf8_lossy(data.unwrap_or_default())
        .split(',')
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

/// A PRIVILEGES field, each code one this server knows (else 72).
fn privileges(data: Option<&[u8]>) -> Result<Vec<Privilege>, u8> {
    let Some(data) = data else {
        return Ok(Vec::new());
    };
    let out = admin::parse_privileges(data).map_err(|_| code::INVALID_PRIVILEGE)?;
    if out
        .iter()
        .any(|p| p.code > privilege::MAX || (5..SCOPED_PRIVILEGE).contains(&p.code))
    {
        return Err(code::INVALID_PRIVILEGE);
    }
    Ok(out)
}

/// One type-2 frame with one header (and fields).
fn reply(out: &mut Vec<u8>, result: u8, fields: &[(u8, &[u8])]) {
    admin::write_message(
        out,
        &AdminHeader {
            result_code: result,
            ..AdminHeader::default()
        },
        fields,
    );
}

/// Appends one record (16-byte header + fields) to a query reply body.
fn record(body: &mut Vec<u8>, result: u8, fields: &[(u8, &[u8])]) {
    body.extend_from_slice(
        &AdminHeader {
            result_code: result,
            n_fields: u8::try_from(fields.len()).unwrap_or(u8::MAX),
            ..AdminHeader::default()
        }
        .encode(),
    );
    for (id, data) in fields {
        body.extend_from_slice(&(data.len() as u32 + 1).to_be_bytes());
        body.push(*id);
        body.extend_from_slice(data);
    }
}

/// A query reply: the records, then a bare QUERY_END header, in one frame.
fn query_reply(out: &mut Vec<u8>, records: Vec<u8>) {
    let start = frame::begin_frame(out, TYPE_ADMIN);
    out.extend_from_slice(&records);
    record(out, code::QUERY_END, &[]);
    frame::end_frame(out, start);
}

fn query_users(st: &State, one: Option<String>, out: &mut Vec<u8>) {
    if let Some(name) = &one {
        if !st.users.contains_key(name) {
            return reply(out, code::INVALID_USER, &[]);
        }
    }
    let quota_info = {
        let mut d = vec![4u8];
        d.extend_from_slice(&[0u8; 16]);
        d
    };
    let mut body = Vec::new();
    for (name, u) in &st.users {
        if one.as_ref().is_some_and(|o| o != name) {
            continue;
        }
        let conns = st.connections.get(name).copied().unwrap_or(0).to_be_bytes();
        // Names came in with u8 length prefixes; a list over 255 roles is cut.
        let roles = admin::write_roles(&u.roles[..u.roles.len().min(255)]).unwrap_or_default();
        record(
            &mut body,
            code::OK,
            &[
                (field::USER, name.as_bytes()),
                (field::ROLES, &roles),
                (field::READ_INFO, &quota_info),
                (field::WRITE_INFO, &quota_info),
                (field::CONNECTIONS, &conns),
            ],
        );
    }
    query_reply(out, body);
}

fn query_roles(st: &State, one: Option<String>, out: &mut Vec<u8>) {
    if let Some(name) = &one {
        if !st.roles.contains_key(name) {
            return reply(out, code::INVALID_ROLE, &[]);
        }
    }
    let mut body = Vec::new();
    for (name, r) in &st.roles {
        if one.as_ref().is_some_and(|o| o != name) {
            continue;
        }
        let privs = admin::write_privileges(&r.privileges[..r.privileges.len().min(255)])
            .unwrap_or_default();
        let wl = r.whitelist.join(",");
        let (rq, wq) = (r.read_quota.to_be_bytes(), r.write_quota.to_be_bytes());
        let mut fields: Vec<(u8, &[u8])> =
            vec![(field::ROLE, name.as_bytes()), (field::PRIVILEGES, &privs)];
        if !wl.is_empty() {
            fields.push((field::WHITELIST, wl.as_bytes()));
        }
        fields.push((field::READ_QUOTA, &rq));
        fields.push((field::WRITE_QUOTA, &wq));
        record(&mut body, code::OK, &fields);
    }
    query_reply(out, body);
}

/// What a message needs, and its namespace and set: reads need a read privilege,
/// writes a write one, record UDFs read-write-udf.
pub(crate) fn need_of(m: &Message<'_>) -> (Need, String, String) {
    let mut ns: &[u8] = &[];
    let mut set: &[u8] = &[];
    let mut udf = false;
    for f in m.fields() {
        match f.ftype {
            msg::field::NAMESPACE => ns = f.data,
            msg::field::SET => set = f.data,
            msg::field::UDF_FILENAME => udf = true,
            _ => {}
        }
    }
    need(m.header.info2, udf, ns, set)
}

/// What a request (or a batch row) with `info2` needs on `ns`/`set`.
pub(crate) fn need(info2: u8, udf: bool, ns: &[u8], set: &[u8]) -> (Need, String, String) {
    let need = if udf {
        Need::Udf
    } else if info2 & msg::INFO2_WRITE != 0 {
        Need::Write
    } else {
        Need::Read
    };
    (
        need,
        String::from_utf8_lossy(ns).into_owned(),
        String::from_utf8_lossy(set).into_owned(),
    )
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn login(sec: &Security, user: &str, cred: &str) -> (u8, Option<String>) {
        let mut req = Vec::new();
        admin::write_message(
            &mut req,
            &AdminHeader {
                command: cmd::LOGIN,
                ..AdminHeader::default()
            },
            &[
                (field::USER, user.as_bytes()),
                (field::CREDENTIAL, cred.as_bytes()),
            ],
        );
        let mut who = None;
        let mut out = Vec::new();
        sec.handle(&req[8..], &mut who, &mut out);
        (out[9], who)
    }

    #[test]
    fn default_admin_logs_in_and_may_not_read() {
        let sec = Security::new();
        assert_eq!(login(&sec, "admin", ADMIN_HASH), (0, Some("admin".into())));
        assert_eq!(login(&sec, "admin", "wrong").0, code::INVALID_CREDENTIAL);
        assert_eq!(login(&sec, "nobody", ADMIN_HASH).0, code::INVALID_USER);
        assert_eq!(
            sec.check("admin", Need::Read, "test", ""),
            code::ROLE_VIOLATION
        );
    }

    #[test]
    fn info_commands_need_their_privilege() {
        let sec = Security::new();
        sec.state().users.insert(
            "dba".into(),
            User {
                credential: "x".into(),
                roles: vec!["data-admin".into()],
            },
        );
        for (user, line, want) in [
            ("admin", "truncate:namespace=test;set=s", false),
            ("admin", "sindex-create:ns=test;indexname=i", false),
            ("admin", "udf-put:filename=m.lua", false),
            ("admin", "build", true),
            ("dba", "truncate:namespace=test;set=s", true),
            ("dba", "sindex-delete:ns=test;indexname=i", true),
            ("dba", "udf-remove:filename=m.lua", true),
        ] {
            assert_eq!(sec.may_run_info(user, line), want, "{user} {line}");
        }
    }

    #[test]
    fn scoped_privileges() {
        let p = privileges(Some(b"\x02\x0a\x04test\x04demo\x01")).unwrap();
        assert_eq!(p.len(), 2);
        assert_eq!(
            (p[0].code, p[0].namespace.as_str(), p[0].set.as_str()),
            (10, "test", "demo")
        );
        assert_eq!(p[1].code, privilege::SYS_ADMIN);
        assert_eq!(privileges(Some(b"\x01\x07")), Err(code::INVALID_PRIVILEGE));
        assert_eq!(
            privileges(Some(b"\x01\x0a\x09")),
            Err(code::INVALID_PRIVILEGE)
        );
        let sec = Security::new();
        {
            let mut st = sec.state();
            st.roles.insert(
                "r".into(),
                Role {
                    privileges: p,
                    ..Role::default()
                },
            );
            st.users.insert(
                "ann".into(),
                User {
                    credential: "x".into(),
                    roles: vec!["r".into()],
                },
            );
        }
        assert_eq!(sec.check("ann", Need::Read, "test", "demo"), code::OK);
        assert_eq!(
            sec.check("ann", Need::Read, "test", "other"),
            code::ROLE_VIOLATION
        );
        assert_eq!(
            sec.check("ann", Need::Write, "test", "demo"),
            code::ROLE_VIOLATION
        );
    }
}
