//! The one mapping from core errors to `aerospike.exception` classes.

use std::panic::{catch_unwind, AssertUnwindSafe, Location};

use aeropy_core::Error;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;

static MAKE: PyOnceLock<Py<PyAny>> = PyOnceLock::new();

/// A core error on its way to Python.
#[derive(Debug)]
pub struct AsError(pub Error);

impl From<Error> for AsError {
    fn from(e: Error) -> Self {
        AsError(e)
    }
}

/// Builds the exception instance through `aerospike.exception.make`. Its `file` and
/// `line` are the Rust source location of the caller (19.x gives the C source's there):
/// every helper on the way here is `#[track_caller]`.
#[track_caller]
pub fn make_exception(py: Python<'_>, code: i32, msg: &str, in_doubt: bool) -> PyErr {
    make_exception_at(py, code, msg, in_doubt, Location::caller())
}

fn make_exception_at(
    py: Python<'_>,
    code: i32,
    msg: &str,
    in_doubt: bool,
    at: &'static Location<'static>,
) -> PyErr {
    let made = MAKE
        .get_or_try_init(py, || -> PyResult<Py<PyAny>> {
            Ok(py.import("aerospike.exception")?.getattr("make")?.unbind())
        })
        .and_then(|make| {
            make.bind(py)
                .call1((code, msg, at.file(), at.line(), in_doubt))
        });
    match made {
        Ok(exc) => PyErr::from_value(exc),
        Err(e) => e,
    }
}

/// The Python exception for a core error.
#[track_caller]
pub fn to_pyerr(py: Python<'_>, e: &Error) -> PyErr {
    make_exception(py, e.code(), e.message(), e.in_doubt())
}

impl From<AsError> for PyErr {
    #[track_caller]
    fn from(e: AsError) -> PyErr {
        let at = Location::caller();
        Python::attach(|py| make_exception_at(py, e.0.code(), e.0.message(), e.0.in_doubt(), at))
    }
}

/// A `ParamError` naming the problem.
#[track_caller]
pub fn param_err(py: Python<'_>, msg: impl AsRef<str>) -> PyErr {
    make_exception(py, -2, msg.as_ref(), false)
}

/// A `ClientError`.
#[track_caller]
pub fn client_err(py: Python<'_>, msg: impl AsRef<str>) -> PyErr {
    make_exception(py, -1, msg.as_ref(), false)
}

/// Runs `f`, turning a Rust panic into `aerospike.exception.ClientError`.
pub fn guard<T>(py: Python<'_>, f: impl FnOnce() -> PyResult<T>) -> PyResult<T> {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(r) => r,
        Err(payload) => {
            let what = payload
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown".into());
            Err(client_err(
                py,
                format!("internal error (Rust panic): {what}"),
            ))
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::panic)]
mod tests {
    use super::*;

    #[test]
    fn codes_reach_python_classes() {
        // The class choice lives in exception.py; here: code and in_doubt are passed on.
        let e = Error::Timeout {
            msg: "t".into(),
            in_doubt: true,
        };
        assert_eq!((e.code(), e.in_doubt()), (9, true));
        assert_eq!(Error::Param("x".into()).code(), -2);
    }
}
