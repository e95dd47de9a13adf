//! Optional TLS listener: a throw-away CA and certificates made at startup (rcgen), a
//! rustls server configuration (ring provider), and the PEM files clients need, in a
//! temporary directory that lives as long as the cluster.

use std::fs;
use std::io;
use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use rcgen::{
    BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, KeyPair,
    KeyUsagePurpose,
};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use rustls::server::WebPkiClientVerifier;
use rustls::{RootCertStore, ServerConfig};

/// TLS of an embedded cluster: every node gets a TLS listener beside its clear one (as a
/// real server's `tls-port`), serving the same requests.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TlsOptions {
    /// The TLS name: the server certificate's common name and DNS name (with `localhost`
    /// and the bind address), and the name `peers-tls-std` reports for every node.
    pub name: String,
    /// TLS port of node 0; node i uses `port + i`. 0 = each node picks a free port.
    pub port: u16,
    /// Mutual TLS: also make a client certificate and key signed by the same CA, and
    /// refuse clients that present no certificate from it.
    pub mutual: bool,
}

impl TlsOptions {
    /// TLS with name `name`, free ports, no client certificates.
    pub fn new(name: &str) -> Self {
        TlsOptions {
            name: name.to_string(),
            ..TlsOptions::default()
        }
    }
}

impl Default for TlsOptions {
    fn default() -> Self {
        TlsOptions {
            name: "embedded".to_string(),
            port: 0,
            mutual: false,
        }
    }
}

/// The PEM files of a cluster's TLS, in a directory removed when this is dropped.
#[derive(Debug)]
pub(crate) struct TlsFiles {
    dir: PathBuf,
    pub ca: PathBuf,
    /// Client certificate and key (mutual TLS only).
    pub client: Option<(PathBuf, PathBuf)>,
}

impl Drop for TlsFiles {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.dir);
    }
}

/// What starting a TLS cluster needs: the rustls server configuration and the files.
pub(crate) struct TlsMaterial {
    pub config: Arc<ServerConfig>,
    pub files: TlsFiles,
}

fn err(what: &str, e: impl std::fmt::Display) -> io::Error {
    io::Error::other(format!("TLS {what}: {e}"))
}

fn invalid(msg: &str) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidInput, msg.to_string())
}

/// A fresh private directory under the system temp directory.
fn make_dir() -> io::Result<PathBuf> {
    static SEQ: AtomicU64 = AtomicU64::new(0);
    let base = std::env::temp_dir();
    for _ in 0..32 {
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        let dir = base.join(format!(
            "aerospike-embedded-tls-{}-{}-{nanos:08x}",
            std::process::id(),
            SEQ.fetch_add(1, Ordering::Relaxed)
        ));
        let mut builder = fs::DirBuilder::new();
        #[cfg(unix)]
        {
            use std::os::unix::fs::DirBuilderExt;
            builder.mode(0o700);
        }
        match builder.create(&dir) {
            Ok(()) => return Ok(dir),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e),
        }
    }
    Err(io::Error::new(
        io::ErrorKind::AlreadyExists,
        "cannot create a TLS directory",
    ))
}

fn write(dir: &Path, name: &str, text: &str) -> io::Result<PathBuf> {
    let path = dir.join(name);
    fs::write(&path, text)?;
    Ok(path)
}

/// Subject alternative names of the server certificate: the TLS name, `localhost`, and
/// the bind address (when it is a specific IP or another name).
fn server_names(name: &str, host: &str) -> Vec<String> {
    let mut names = vec![name.to_string(), "localhost".to_string()];
    let host = host.trim_start_matches('[').trim_end_matches(']');
    let usable = match host.parse::<IpAddr>() {
        Ok(ip) => !ip.is_unspecified(),
        Err(_) => !host.is_empty(),
    };
    if usable {
        names.push(host.to_string());
    }
    let mut seen = Vec::new();
    names.retain(|n| {
        let fresh = !seen.contains(n);
        seen.push(n.clone());
        fresh
    });
    names
}

/// Makes a CA, a server certificate for `opts.name` (and a client certificate when
/// mutual), writes the PEM files and builds the server configuration.
pub(crate) fn generate(opts: &TlsOptions, host: &str) -> io::Result<TlsMaterial> {
    let name = opts.name.as_str();
    if name.is_empty() || name.len() > 253 || !name.is_ascii() || name.contains(',') {
        return Err(invalid(
            "the TLS name must be 1 to 253 ASCII characters, without commas",
        ));
    }

    let ca_key = KeyPair::generate().map_err(|e| err("CA key", e))?;
    let mut ca_params = CertificateParams::default();
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca_params
        .distinguished_name
        .push(DnType::CommonName, "aerospike-embedded test CA");
    ca_params.key_usages = vec![
        KeyUsagePurpose::KeyCertSign,
        KeyUsagePurpose::CrlSign,
        KeyUsagePurpose::DigitalSignature,
    ];
    let ca = ca_params
        .self_signed(&ca_key)
        .map_err(|e| err("CA certificate", e))?;

    let server_key = KeyPair::generate().map_err(|e| err("server key", e))?;
    let mut params = CertificateParams::new(server_names(name, host))
        .map_err(|e| err(&format!("name {name:?}"), e))?;
    params.distinguished_name.push(DnType::CommonName, name);
    params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
    params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    let server = params
        .signed_by(&server_key, &ca, &ca_key)
        .map_err(|e| err("server certificate", e))?;

    let client = if opts.mutual {
        let key = KeyPair::generate().map_err(|e| err("client key", e))?;
        let mut params = CertificateParams::default();
        params
            .distinguished_name
            .push(DnType::CommonName, "aerospike-embedded client");
        params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
        params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ClientAuth];
        let cert = params
            .signed_by(&key, &ca, &ca_key)
            .map_err(|e| err("client certificate", e))?;
        Some((cert, key))
    } else {
        None
    };

    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let builder = ServerConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .map_err(|e| err("protocol versions", e))?;
    let builder = if opts.mutual {
        let mut roots = RootCertStore::empty();
        roots
            .add(ca.der().clone())
            .map_err(|e| err("client roots", e))?;
        let verifier = WebPkiClientVerifier::builder_with_provider(Arc::new(roots), provider)
            .build()
            .map_err(|e| err("client verifier", e))?;
        builder.with_client_cert_verifier(verifier)
    } else {
        builder.with_no_client_auth()
    };
    let chain: Vec<CertificateDer<'static>> = vec![server.der().clone()];
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(server_key.serialize_der()));
    let config = builder
        .with_single_cert(chain, key)
        .map_err(|e| err("server certificate", e))?;

    let dir = make_dir()?;
    // From here on, dropping `files` removes the directory, also on error.
    let mut files = TlsFiles {
        ca: dir.join("ca.pem"),
        dir,
        client: None,
    };
    write(&files.dir, "ca.pem", &ca.pem())?;
    if let Some((cert, key)) = &client {
        let c = write(&files.dir, "client.pem", &cert.pem())?;
        let k = write(&files.dir, "client.key", &key.serialize_pem())?;
        files.client = Some((c, k));
    }
    Ok(TlsMaterial {
        config: Arc::new(config),
        files,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_deduplicate_and_skip_unspecified() {
        assert_eq!(
            server_names("embedded", "127.0.0.1"),
            ["embedded", "localhost", "127.0.0.1"]
        );
        assert_eq!(server_names("localhost", "0.0.0.0"), ["localhost"]);
        assert_eq!(server_names("x", "[::1]"), ["x", "localhost", "::1"]);
    }

    #[test]
    fn files_are_removed_on_drop() {
        let m = generate(
            &TlsOptions {
                mutual: true,
                ..TlsOptions::default()
            },
            "127.0.0.1",
        )
        .unwrap();
        let dir = m.files.dir.clone();
        assert!(m.files.ca.exists());
        let (c, k) = m.files.client.clone().unwrap();
        assert!(fs::read_to_string(c).unwrap().contains("BEGIN CERTIFICATE"));
        assert!(fs::read_to_string(k).unwrap().contains("PRIVATE KEY"));
        drop(m);
        assert!(!dir.exists());
    }

    #[test]
    fn bad_names_are_refused() {
        for bad in ["", "a,b", "é"] {
            let e = generate(&TlsOptions::new(bad), "127.0.0.1").err().unwrap();
            assert_eq!(e.kind(), io::ErrorKind::InvalidInput, "{bad:?}");
        }
    }
}
