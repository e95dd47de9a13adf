//! TLS for every socket of the client: one rustls `ClientConfig` (ring provider), used
//! by our pools and handed to the tending crate, built from the PEM files the official
//! client's `tls` config names.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};

use crate::error::{Error, Result};

/// Where the CA bundle is on common systems, used when neither `cafile` nor `capath`
/// is given (OpenSSL's default, which the official client falls back to).
const SYSTEM_BUNDLES: &[&str] = &[
    "/etc/ssl/certs/ca-certificates.crt",
    "/etc/pki/tls/certs/ca-bundle.crt",
    "/etc/ssl/cert.pem",
];

/// What the `tls` config asks for.
#[derive(Debug, Clone, Default)]
pub struct TlsOptions {
    /// PEM file of trusted CA certificates.
    pub cafile: Option<PathBuf>,
    /// Directory of PEM files of trusted CA certificates.
    pub capath: Option<PathBuf>,
    /// The client's certificate chain (PEM), for servers that require one.
    pub certfile: Option<PathBuf>,
    /// The client's private key (PEM, unencrypted).
    pub keyfile: Option<PathBuf>,
    /// OpenSSL-style protocol list: `TLSv1.2`, `+TLSv1.3`, `all -TLSv1.2`...
    pub protocols: Option<String>,
    /// Log the protocol and cipher of each new session at info level.
    pub log_session_info: bool,
}

/// A built TLS setup, shared by the pools and the tending crate.
#[derive(Debug, Clone)]
pub struct TlsConfig {
    /// The rustls configuration every connection uses.
    pub config: Arc<rustls::ClientConfig>,
    /// Log each session's protocol and cipher.
    pub log_session_info: bool,
}

fn read(path: &Path, what: &str) -> Result<Vec<u8>> {
    std::fs::read(path).map_err(|e| Error::Param(format!("tls {what} {}: {e}", path.display())))
}

fn certs_in(bytes: &[u8], path: &Path, what: &str) -> Result<Vec<CertificateDer<'static>>> {
    let certs = CertificateDer::pem_slice_iter(bytes)
        .collect::<std::result::Result<Vec<_>, _>>()
        .map_err(|e| Error::Param(format!("tls {what} {}: {e}", path.display())))?;
    if certs.is_empty() {
        return Err(Error::Param(format!(
            "tls {what} {}: no PEM certificate in it",
            path.display()
        )));
    }
    Ok(certs)
}

/// The protocol versions of an OpenSSL-style list (rustls speaks TLS 1.2 and 1.3).
fn versions(spec: &str) -> Result<Vec<&'static rustls::SupportedProtocolVersion>> {
    let mut v12 = false;
    let mut v13 = false;
    for word in spec.split_whitespace() {
        let (on, name) = match word.as_bytes().first() {
            Some(b'-') => (false, &word[1..]),
            Some(b'+') => (true, &word[1..]),
            _ => (true, word),
        };
        match name.to_ascii_lowercase().as_str() {
            "all" => (v12, v13) = (on, on),
            "tlsv1.2" => v12 = on,
            "tlsv1.3" => v13 = on,
            "sslv2" | "sslv3" | "tlsv1" | "tlsv1.1" if !on => {}
            _ => {
                return Err(Error::Param(format!(
                    "tls protocols: {word:?} is not supported (TLSv1.2 and TLSv1.3 are)"
                )))
            }
        }
    }
    let mut out = Vec::new();
    if v12 {
        out.push(&rustls::version::TLS12);
    }
    if v13 {
        out.push(&rustls::version::TLS13);
    }
    if out.is_empty() {
        return Err(Error::Param(format!(
            "tls protocols {spec:?} leave no protocol enabled"
        )));
    }
    Ok(out)
}

impl TlsOptions {
    /// Builds the rustls configuration; a missing or unreadable file, or a file with
    /// no certificate or key, is a `Param` error naming it.
    pub fn build(&self) -> Result<TlsConfig> {
        let mut roots = rustls::RootCertStore::empty();
        let mut add = |bytes: &[u8], path: &Path, what: &str| -> Result<()> {
            for c in certs_in(bytes, path, what)? {
                roots
                    .add(c)
                    .map_err(|e| Error::Param(format!("tls {what} {}: {e}", path.display())))?;
            }
            Ok(())
        };
        if let Some(f) = &self.cafile {
            add(&read(f, "cafile")?, f, "cafile")?;
        }
        if let Some(dir) = &self.capath {
            let entries = std::fs::read_dir(dir)
                .map_err(|e| Error::Param(format!("tls capath {}: {e}", dir.display())))?;
            for entry in entries.flatten() {
                let path = entry.path();
                // OpenSSL's hashed links and bundles alike; files that hold no
                // certificate (CRLs, keys) are skipped.
                if let Ok(bytes) = std::fs::read(&path) {
                    let _ = add(&bytes, &path, "capath");
                }
            }
        }
        if self.cafile.is_none() && self.capath.is_none() {
            if let Some(f) = SYSTEM_BUNDLES.iter().map(Path::new).find(|p| p.is_file()) {
                add(&read(f, "CA bundle")?, f, "CA bundle")?;
            }
        }
        if roots.is_empty() {
            return Err(Error::Param(
                "tls: no trusted CA certificate (give cafile or capath)".into(),
            ));
        }
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let protocols = versions(self.protocols.as_deref().unwrap_or("all"))?;
        let builder = rustls::ClientConfig::builder_with_provider(provider)
            .with_protocol_versions(&protocols)
            .map_err(|e| Error::Param(format!("tls protocols: {e}")))?
            .with_root_certificates(roots);
        let config = match (&self.certfile, &self.keyfile) {
            (Some(cert), Some(key)) => {
                let chain = certs_in(&read(cert, "certfile")?, cert, "certfile")?;
                let key_der = PrivateKeyDer::from_pem_slice(&read(key, "keyfile")?)
                    .map_err(|e| Error::Param(format!("tls keyfile {}: {e}", key.display())))?;
                builder
                    .with_client_auth_cert(chain, key_der)
                    .map_err(|e| Error::Param(format!("tls certfile/keyfile: {e}")))?
            }
            (None, None) => builder.with_no_client_auth(),
            _ => return Err(Error::Param("tls: certfile and keyfile go together".into())),
        };
        Ok(TlsConfig {
            config: Arc::new(config),
            log_session_info: self.log_session_info,
        })
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn protocol_lists() {
        let names = |s: &str| {
            versions(s)
                .map(|v| {
                    v.iter()
                        .map(|p| format!("{:?}", p.version))
                        .collect::<Vec<_>>()
                })
                .map_err(|e| e.message().to_string())
        };
        assert_eq!(names("all").unwrap(), ["TLSv1_2", "TLSv1_3"]);
        assert_eq!(names("TLSv1.2").unwrap(), ["TLSv1_2"]);
        assert_eq!(names("+TLSv1.3").unwrap(), ["TLSv1_3"]);
        assert_eq!(names("all -TLSv1.2").unwrap(), ["TLSv1_3"]);
        assert_eq!(
            names("all -TLSv1 -TLSv1.1").unwrap(),
            ["TLSv1_2", "TLSv1_3"]
        );
        assert!(names("TLSv1").unwrap_err().contains("not supported"));
        assert!(names("all -TLSv1.2 -TLSv1.3")
            .unwrap_err()
            .contains("no protocol"));
    }

    #[test]
    fn missing_files_are_param_errors() {
        let opts = TlsOptions {
            cafile: Some("/nonexistent/ca.pem".into()),
            ..TlsOptions::default()
        };
        let err = opts.build().unwrap_err();
        assert_eq!(err.code(), -2);
        assert!(
            err.message().contains("cafile /nonexistent/ca.pem"),
            "{err}"
        );
    }
}
