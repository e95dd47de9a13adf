//! Users and roles: the `admin_*` methods (proto type-2 messages, protocol.md §10),
//! encoded by `aeropy_core::admin`; results in 19.x's shapes.

use std::time::Duration;

use aeropy_core::admin::{self, command, field, AdminRecord, Privilege};
use aeropy_core::auth::hash_password;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};

use crate::client::Client;
use crate::config::{int_of, type_name};
use crate::errors::{param_err, to_pyerr};

/// A list of str (`roles`, `whitelist`).
fn str_list(py: Python<'_>, name: &str, v: &Bound<'_, PyAny>) -> PyResult<Vec<String>> {
    let l = v.cast::<PyList>().map_err(|_| {
        param_err(
            py,
            format!("{name} must be a list of str, not {}", type_name(v)),
        )
    })?;
    l.iter()
        .map(|x| {
            x.extract::<String>()
                .map_err(|_| param_err(py, format!("{name} must hold str, not {}", type_name(&x))))
        })
        .collect()
}

/// `[{"code": PRIV_*, "ns": str, "set": str}, ...]`.
fn privileges(py: Python<'_>, v: &Bound<'_, PyAny>) -> PyResult<Vec<Privilege>> {
    let l = v
        .cast::<PyList>()
        .map_err(|_| param_err(py, "privileges must be a list of dicts"))?;
    l.iter()
        .map(|p| {
            let d = p
                .cast::<PyDict>()
                .map_err(|_| param_err(py, "each privilege must be a dict with \"code\""))?;
            let code = match d.get_item("code")? {
                Some(c) => u8::try_from(int_of(py, "privilege \"code\"", &c)?)
                    .map_err(|_| param_err(py, "privilege \"code\" out of range"))?,
                None => return Err(param_err(py, "privilege dict has no \"code\"")),
            };
            let text = |k: &str| -> PyResult<String> {
                match d.get_item(k)? {
                    Some(s) if !s.is_none() => s
                        .extract()
                        .map_err(|_| param_err(py, format!("privilege {k:?} must be a str"))),
                    _ => Ok(String::new()),
                }
            };
            Ok(Privilege {
                code,
                namespace: text("ns")?,
                set: text("set")?,
            })
        })
        .collect()
}

fn quota(py: Python<'_>, name: &str, v: Option<&Bound<'_, PyAny>>) -> PyResult<Option<[u8; 4]>> {
    match v.filter(|v| !v.is_none()) {
        Some(v) => Ok(Some(
            u32::try_from(int_of(py, name, v)?)
                .map_err(|_| param_err(py, format!("{name} must be 0..2**32")))?
                .to_be_bytes(),
        )),
        None => Ok(None),
    }
}

/// The optional fields of a role: allowlist (comma-joined) and quotas, in wire order.
struct RoleExtras {
    whitelist: Option<String>,
    read_quota: Option<[u8; 4]>,
    write_quota: Option<[u8; 4]>,
}

impl RoleExtras {
    fn parse(
        py: Python<'_>,
        whitelist: Option<&Bound<'_, PyAny>>,
        read_quota: Option<&Bound<'_, PyAny>>,
        write_quota: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<RoleExtras> {
        Ok(RoleExtras {
            whitelist: whitelist
                .filter(|w| !w.is_none())
                .map(|w| str_list(py, "whitelist", w).map(|l| l.join(",")))
                .transpose()?,
            read_quota: quota(py, "read_quota", read_quota)?,
            write_quota: quota(py, "write_quota", write_quota)?,
        })
    }

    fn push<'a>(&'a self, fields: &mut Vec<(u8, &'a [u8])>) {
        if let Some(w) = self.whitelist.as_ref().filter(|w| !w.is_empty()) {
            fields.push((field::WHITELIST, w.as_bytes()));
        }
        if let Some(q) = &self.read_quota {
            fields.push((field::READ_QUOTA, q));
        }
        if let Some(q) = &self.write_quota {
            fields.push((field::WRITE_QUOTA, q));
        }
    }
}

fn hash(py: Python<'_>, password: &str) -> PyResult<Vec<u8>> {
    Ok(hash_password(password)
        .map_err(|e| to_pyerr(py, &e))?
        .into_bytes())
}

fn user_dict<'py>(py: Python<'py>, r: &AdminRecord) -> PyResult<Bound<'py, PyDict>> {
    let err = |e: aeropy_core::Error| to_pyerr(py, &e);
    let d = PyDict::new(py);
    let roles = match r.field(field::ROLES) {
        Some(b) => admin::parse_roles(b).map_err(err)?,
        None => Vec::new(),
    };
    d.set_item("roles", roles)?;
    for (k, f) in [
        ("read_info", field::READ_INFO),
        ("write_info", field::WRITE_INFO),
    ] {
        let v = match r.field(f) {
            Some(b) => admin::parse_u32_list(b).map_err(err)?,
            None => Vec::new(),
        };
        d.set_item(k, v)?;
    }
    let conns = match r.field(field::CONNECTIONS) {
        Some(b) => admin::parse_u32(b).map_err(err)?,
        None => 0,
    };
    d.set_item("conns_in_use", conns)?;
    Ok(d)
}

fn role_dict<'py>(py: Python<'py>, r: &AdminRecord) -> PyResult<Bound<'py, PyDict>> {
    let err = |e: aeropy_core::Error| to_pyerr(py, &e);
    let d = PyDict::new(py);
    let privs = PyList::empty(py);
    if let Some(b) = r.field(field::PRIVILEGES) {
        for p in admin::parse_privileges(b).map_err(err)? {
            let pd = PyDict::new(py);
            pd.set_item("code", p.code)?;
            pd.set_item("ns", p.namespace)?;
            pd.set_item("set", p.set)?;
            privs.append(pd)?;
        }
    }
    d.set_item("privileges", privs)?;
    // Some clients write the list with a leading comma: empty entries are dropped.
    let whitelist: Vec<String> = r
        .field(field::WHITELIST)
        .map(|b| {
            String::from_utf8_lossy(b)
                .split(',')
                .filter(|s| !s.is_empty())
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default();
    d.set_item("whitelist", whitelist)?;
    for (k, f) in [
        ("read_quota", field::READ_QUOTA),
        ("write_quota", field::WRITE_QUOTA),
    ] {
        let v = match r.field(f) {
            Some(b) => admin::parse_u32(b).map_err(err)?,
            None => 0,
        };
        d.set_item(k, v)?;
    }
    Ok(d)
}

/// What the query methods ask for.
pub(crate) enum Query {
    Users,
    Roles,
}

type RecordShape = for<'py> fn(Python<'py>, &AdminRecord) -> PyResult<Bound<'py, PyDict>>;

fn name_of(r: &AdminRecord, id: u8) -> String {
    String::from_utf8_lossy(r.field(id).unwrap_or_default()).into_owned()
}

impl Client {
    /// Sends one admin command; returns the records of a query reply.
    fn admin_send(
        &self,
        py: Python<'_>,
        cmd: u8,
        fields: &[(u8, &[u8])],
        query: bool,
        policy: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Vec<AdminRecord>> {
        let p = self.policy(py, &self.settings.policies.admin, policy)?;
        let timeout = if p.base.total_timeout.is_zero() {
            Duration::from_secs(1)
        } else {
            p.base.total_timeout
        };
        let core = self.core(py)?;
        let req = admin::request(cmd, fields);
        py.detach(|| core.admin(&req, query, timeout))
            .map_err(|e| to_pyerr(py, &e))
    }

    /// A command with no reply data; returns 0.
    pub(crate) fn admin_simple(
        &self,
        py: Python<'_>,
        cmd: u8,
        fields: &[(u8, &[u8])],
        policy: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<i64> {
        self.admin_send(py, cmd, fields, false, policy)?;
        Ok(0)
    }

    pub(crate) fn admin_user_roles(
        &self,
        py: Python<'_>,
        cmd: u8,
        user: &str,
        roles: &Bound<'_, PyAny>,
        policy: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<i64> {
        let roles =
            admin::encode_roles(&str_list(py, "roles", roles)?).map_err(|e| to_pyerr(py, &e))?;
        self.admin_simple(
            py,
            cmd,
            &[(field::USER, user.as_bytes()), (field::ROLES, &roles)],
            policy,
        )
    }

    pub(crate) fn admin_create_user_impl(
        &self,
        py: Python<'_>,
        user: &str,
        password: &str,
        roles: &Bound<'_, PyAny>,
        policy: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<i64> {
        let roles =
            admin::encode_roles(&str_list(py, "roles", roles)?).map_err(|e| to_pyerr(py, &e))?;
        let pw = hash(py, password)?;
        self.admin_simple(
            py,
            command::CREATE_USER,
            &[
                (field::USER, user.as_bytes()),
                (field::PASSWORD, &pw),
                (field::ROLES, &roles),
            ],
            policy,
        )
    }

    /// SET_PASSWORD (an administrator) or CHANGE_PASSWORD (the user itself, with the
    /// hash of the password the client logged in with).
    pub(crate) fn admin_password_impl(
        &self,
        py: Python<'_>,
        user: &str,
        password: &str,
        change: bool,
        policy: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<i64> {
        let pw = hash(py, password)?;
        if !change {
            return self.admin_simple(
                py,
                command::SET_PASSWORD,
                &[(field::USER, user.as_bytes()), (field::PASSWORD, &pw)],
                policy,
            );
        }
        let core = self.core(py)?;
        let old = core
            .cluster()
            .credentials()
            .map(|c| c.credential().as_bytes().to_vec());
        let mut fields: Vec<(u8, &[u8])> = vec![(field::USER, user.as_bytes())];
        if let Some(old) = &old {
            fields.push((field::OLD_PASSWORD, old));
        }
        fields.push((field::PASSWORD, &pw));
        self.admin_simple(py, command::CHANGE_PASSWORD, &fields, policy)
    }

    /// One user's (or role's) dict, or `{name: dict}` for all: a QUERY_USERS /
    /// QUERY_ROLES reply in 19.x's shape.
    pub(crate) fn admin_query_impl<'py>(
        &self,
        py: Python<'py>,
        kind: Query,
        name: Option<&str>,
        policy: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyDict>> {
        let (cmd, id, missing, shape): (u8, u8, (i32, &str), RecordShape) = match kind {
            Query::Users => (
                command::QUERY_USERS,
                field::USER,
                (60, "invalid user"),
                user_dict,
            ),
            Query::Roles => (
                command::QUERY_ROLES,
                field::ROLE,
                (70, "invalid role"),
                role_dict,
            ),
        };
        let fields: Vec<(u8, &[u8])> = name.map(|n| (id, n.as_bytes())).into_iter().collect();
        let records = self.admin_send(py, cmd, &fields, true, policy)?;
        if name.is_some() {
            return match records.first() {
                Some(r) => shape(py, r),
                None => Err(crate::errors::make_exception(
                    py, missing.0, missing.1, false,
                )),
            };
        }
        let out = PyDict::new(py);
        for r in &records {
            out.set_item(name_of(r, id), shape(py, r)?)?;
        }
        Ok(out)
    }

    #[allow(clippy::too_many_arguments)]
    pub(crate) fn admin_create_role_impl(
        &self,
        py: Python<'_>,
        role: &str,
        privs: &Bound<'_, PyAny>,
        policy: Option<&Bound<'_, PyAny>>,
        whitelist: Option<&Bound<'_, PyAny>>,
        read_quota: Option<&Bound<'_, PyAny>>,
        write_quota: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<i64> {
        let privs =
            admin::encode_privileges(&privileges(py, privs)?).map_err(|e| to_pyerr(py, &e))?;
        let extras = RoleExtras::parse(py, whitelist, read_quota, write_quota)?;
        let mut fields: Vec<(u8, &[u8])> = vec![(field::ROLE, role.as_bytes())];
        if privs.len() > 1 {
            fields.push((field::PRIVILEGES, &privs));
        }
        extras.push(&mut fields);
        self.admin_simple(py, command::CREATE_ROLE, &fields, policy)
    }

    pub(crate) fn admin_role_privileges(
        &self,
        py: Python<'_>,
        cmd: u8,
        role: &str,
        privs: &Bound<'_, PyAny>,
        policy: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<i64> {
        let privs =
            admin::encode_privileges(&privileges(py, privs)?).map_err(|e| to_pyerr(py, &e))?;
        self.admin_simple(
            py,
            cmd,
            &[(field::ROLE, role.as_bytes()), (field::PRIVILEGES, &privs)],
            policy,
        )
    }

    /// SET_WHITELIST or SET_QUOTAS: the role and the extras given
    /// (`[whitelist, read_quota, write_quota]`).
    pub(crate) fn admin_role_extras(
        &self,
        py: Python<'_>,
        cmd: u8,
        role: &str,
        extras: [Option<&Bound<'_, PyAny>>; 3],
        policy: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<i64> {
        let extras = RoleExtras::parse(py, extras[0], extras[1], extras[2])?;
        let mut fields: Vec<(u8, &[u8])> = vec![(field::ROLE, role.as_bytes())];
        extras.push(&mut fields);
        self.admin_simple(py, cmd, &fields, policy)
    }
}
