//! Core log events → `aerospike._logging.emit` (the handler or the `logging` module).

use pyo3::prelude::*;

/// Installs the forwarder; called once at module init.
pub fn install() {
    aeropy_core::log::set_logger(Box::new(|level, func, file, line, msg| {
        // Not attached during interpreter shutdown: the message is dropped then.
        let _ = Python::try_attach(|py| {
            let emit = py
                .import("aerospike._logging")
                .and_then(|m| m.getattr("emit"));
            if let Ok(emit) = emit {
                // `emit` never raises; a failure to call it is dropped like a full log.
                let _ = emit.call1((level as i32, func, file, line, msg));
            }
        });
    }));
}
