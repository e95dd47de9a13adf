//! Info commands and the node list of `aerospike.Client` (the `#[pymethods]` wrappers
//! are in `client.rs`).

use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyTuple};

use aeropy_core::Error;

use crate::client::Client;
use crate::config::CmdPolicy;
use crate::errors::{guard, param_err, to_pyerr};

/// The response without the echoed request, as the official `info_all` gives it: everything
/// after the first tab (or the whole text when there is none).
fn strip_echo(response: &str) -> &str {
    response.split_once('\t').map_or(response, |(_, rest)| rest)
}

impl Client {
    pub(crate) fn info_on(
        &self,
        py: Python<'_>,
        node: &aeropy_core::Node,
        command: &str,
        p: &CmdPolicy,
    ) -> PyResult<String> {
        let timeout = p.base.total_timeout;
        let cmd = command.trim_end_matches('\n').to_owned();
        let res = py.detach(|| {
            let cmds: Vec<&str> = cmd.split('\n').collect();
            node.info(&cmds, timeout)
        });
        let pairs = res.map_err(|e| to_pyerr(py, &e))?;
        let mut s = String::new();
        for (k, v) in pairs {
            s.push_str(&k);
            s.push('\t');
            s.push_str(&v);
            s.push('\n');
        }
        Ok(s)
    }

    pub(crate) fn info_impl<'py>(
        &self,
        py: Python<'py>,
        command: &str,
        hosts: Option<&Bound<'py, PyAny>>,
        policy: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyDict>> {
        guard(py, || {
            let p = self.policy(py, &self.settings.policies.info, policy)?;
            let core = self.core(py)?;
            let wanted: Option<Vec<(String, u16)>> = match hosts.filter(|h| !h.is_none()) {
                Some(h) => Some(h.extract().map_err(|_| {
                    param_err(py, "hosts must be a list of (address, port) tuples")
                })?),
                None => None,
            };
            let out = PyDict::new(py);
            for n in core.nodes().iter() {
                if let Some(w) = &wanted {
                    if !w.iter().any(|(h, port)| {
                        *port == n.port() && (h == n.host() || n.address().ip().to_string() == *h)
                    }) {
                        continue;
                    }
                }
                // As 19.x: the echoed request before the first tab is dropped, and a node
                // that fails raises (the official client's info_all does not go on).
                let res = self.info_on(py, n, command, &p)?;
                out.set_item(n.name(), (py.None(), strip_echo(&res)))?;
            }
            Ok(out)
        })
    }

    pub(crate) fn info_node_impl<'py>(
        &self,
        py: Python<'py>,
        command: &str,
        host: &Bound<'py, PyAny>,
        policy: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<String> {
        guard(py, || {
            let p = self.policy(py, &self.settings.policies.info, policy)?;
            let (h, port): (String, u16) = host
                .extract()
                .map_err(|_| param_err(py, "host must be an (address, port) tuple"))?;
            let core = self.core(py)?;
            let nodes = core.nodes();
            let node = nodes
                .iter()
                .find(|n| n.port() == port && (n.host() == h || n.address().ip().to_string() == h))
                .ok_or_else(|| {
                    to_pyerr(py, &Error::InvalidNode(format!("no node at {h}:{port}")))
                })?;
            self.info_on(py, node, command, &p)
        })
    }

    pub(crate) fn info_single_node_impl<'py>(
        &self,
        py: Python<'py>,
        command: &str,
        host: &Bound<'py, PyAny>,
        policy: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<String> {
        guard(py, || {
            if host.cast::<PyTuple>().is_ok() {
                return self.info_node_impl(py, command, host, policy);
            }
            let p = self.policy(py, &self.settings.policies.info, policy)?;
            let name: String = host
                .extract()
                .map_err(|_| param_err(py, "host must be a node name"))?;
            let core = self.core(py)?;
            let node = core
                .cluster()
                .node_by_name(&name)
                .map_err(|e| to_pyerr(py, &e))?;
            self.info_on(py, &node, command, &p)
        })
    }

    pub(crate) fn info_random_node_impl<'py>(
        &self,
        py: Python<'py>,
        command: &str,
        policy: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<String> {
        guard(py, || {
            let p = self.policy(py, &self.settings.policies.info, policy)?;
            let core = self.core(py)?;
            let nodes = core.nodes();
            let i = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.subsec_nanos() as usize)
                .unwrap_or(0);
            let node = nodes
                .get(i % nodes.len().max(1))
                .ok_or_else(|| to_pyerr(py, &Error::Cluster("no node available".into())))?;
            self.info_on(py, node, command, &p)
        })
    }

    pub(crate) fn get_nodes_impl(&self, py: Python<'_>) -> PyResult<Vec<(String, u16)>> {
        let core = self.core(py)?;
        Ok(core
            .nodes()
            .iter()
            .map(|n| (n.host().to_string(), n.port()))
            .collect())
    }

    pub(crate) fn get_node_names_impl<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        let core = self.core(py)?;
        let l = PyList::empty(py);
        for n in core.nodes().iter() {
            let d = PyDict::new(py);
            d.set_item("address", n.host())?;
            d.set_item("port", n.port())?;
            d.set_item("node_name", n.name())?;
            l.append(d)?;
        }
        Ok(l)
    }
}

#[cfg(test)]
mod tests {
    use super::strip_echo;

    #[test]
    fn strip_echo_drops_the_request() {
        for (raw, want) in [
            ("namespaces\ttest;bar\n", "test;bar\n"),
            ("a\t1\nb\t2\n", "1\nb\t2\n"),
            ("no tab\n", "no tab\n"),
            ("", ""),
        ] {
            assert_eq!(strip_echo(raw), want, "{raw:?}");
        }
    }
}
