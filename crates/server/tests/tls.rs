//! The TLS listener: a rustls client verifies the generated CA and name, requests are
//! served as on the clear port, mutual TLS refuses clients without a certificate, bad
//! handshakes only lose their own connection, and the `*-tls-*` info commands.
#![allow(clippy::unwrap_used, clippy::panic)]

mod common;

use std::io::{self, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use aeropy_protocol::frame::ProtoHeader;
use aeropy_protocol::info;
use aeropy_server::{Cluster, ClusterConfig, TlsOptions};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName};
use rustls::{ClientConfig, ClientConnection, RootCertStore, StreamOwned};

type Tls = StreamOwned<ClientConnection, TcpStream>;

fn tls_cluster(nodes: usize, name: &str, mutual: bool) -> Cluster {
    Cluster::start(ClusterConfig {
        nodes,
        tls: Some(TlsOptions {
            mutual,
            ..TlsOptions::new(name)
        }),
        ..ClusterConfig::default()
    })
    .unwrap()
}

fn client_config(ca: &Path, client: Option<(&Path, &Path)>) -> Arc<ClientConfig> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut roots = RootCertStore::empty();
    for cert in CertificateDer::pem_file_iter(ca).unwrap() {
        roots.add(cert.unwrap()).unwrap();
    }
    let builder = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(roots);
    Arc::new(match client {
        Some((cert, key)) => builder
            .with_client_auth_cert(
                vec![CertificateDer::from_pem_file(cert).unwrap()],
                PrivateKeyDer::from_pem_file(key).unwrap(),
            )
            .unwrap(),
        None => builder.with_no_client_auth(),
    })
}

fn tls_connect(port: u16, name: &str, config: Arc<ClientConfig>) -> Tls {
    let sock = TcpStream::connect(("127.0.0.1", port)).unwrap();
    sock.set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let server_name = ServerName::try_from(name.to_string()).unwrap();
    StreamOwned::new(ClientConnection::new(config, server_name).unwrap(), sock)
}

/// Sends one info request; the reply lines, or the I/O error (failed handshake...).
fn try_info<S: Read + Write>(s: &mut S, cmds: &[&str]) -> io::Result<Vec<(String, String)>> {
    let mut f = Vec::new();
    info::write_request(&mut f, cmds);
    s.write_all(&f)?;
    s.flush()?;
    let mut h = [0u8; 8];
    s.read_exact(&mut h)?;
    let hdr = ProtoHeader::parse_raw(&h).unwrap();
    assert_eq!(hdr.msg_type, 1);
    let mut body = vec![0u8; hdr.length as usize];
    s.read_exact(&mut body)?;
    Ok(info::parse_reply(&body)
        .unwrap()
        .into_iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect())
}

fn info1<S: Read + Write>(s: &mut S, cmd: &str) -> String {
    try_info(s, &[cmd]).unwrap().pop().unwrap().1
}

#[test]
fn info_over_tls_matches_the_clear_port() {
    let c = tls_cluster(1, "embedded", false);
    let port = c.tls_port(0).unwrap();
    assert_ne!(port, c.hosts()[0].1);
    let ca = c.tls_ca_file().unwrap();
    assert!(std::fs::read_to_string(ca)
        .unwrap()
        .starts_with("-----BEGIN CERTIFICATE-----"));
    assert!(c.tls_client_cert_file().is_none() && c.tls_client_key_file().is_none());
    assert_eq!(
        c.tls_hosts(),
        vec![("127.0.0.1".to_string(), port, "embedded".to_string())]
    );

    let mut tls = tls_connect(port, "embedded", client_config(ca, None));
    let node = info1(&mut tls, "node");
    assert_eq!(node, c.node_ids()[0]);
    // A second request on the same TLS connection, and a record command.
    assert_eq!(info1(&mut tls, "build"), aeropy_server::BUILD);
    let put = common::request(
        "test",
        "s",
        "k",
        common::w(),
        &[(2, 1, "a", common::int(7))],
    );
    tls.write_all(&put).unwrap();
    let mut h = [0u8; 8];
    tls.read_exact(&mut h).unwrap();
    let hdr = ProtoHeader::parse_raw(&h).unwrap();
    let mut body = vec![0u8; hdr.length as usize];
    tls.read_exact(&mut body).unwrap();
    let reply = aeropy_protocol::msg::Message::parse(&body).unwrap();
    assert_eq!(reply.header.result_code, 0, "put over TLS succeeds");
    // ... and the record is there for a clear connection.
    let mut clear = common::connect(&c.hosts()[0]);
    let get = common::request("test", "s", "k", common::r_all(), &[]);
    let rec = common::one(&mut clear, &get);
    assert_eq!(rec.bin("a"), Some((1, common::int(7))));
    // The name in the certificate is also "localhost" and the bind IP.
    let mut by_ip = tls_connect(port, "127.0.0.1", client_config(ca, None));
    assert_eq!(info1(&mut by_ip, "node"), node);
    let mut by_localhost = tls_connect(port, "localhost", client_config(ca, None));
    assert_eq!(info1(&mut by_localhost, "node"), node);
}

#[test]
fn wrong_name_or_unknown_ca_fails_verification() {
    let c = tls_cluster(1, "embedded", false);
    let port = c.tls_port(0).unwrap();
    let ca = c.tls_ca_file().unwrap();
    let mut wrong = tls_connect(port, "other-name", client_config(ca, None));
    let e = try_info(&mut wrong, &["node"]).unwrap_err();
    assert!(e.to_string().contains("certificate"), "{e}");
    // Another cluster's CA does not vouch for this one.
    let other = tls_cluster(1, "embedded", false);
    let mut foreign = tls_connect(
        port,
        "embedded",
        client_config(other.tls_ca_file().unwrap(), None),
    );
    assert!(try_info(&mut foreign, &["node"]).is_err());
    // The server still serves good clients.
    let mut good = tls_connect(port, "embedded", client_config(ca, None));
    assert_eq!(info1(&mut good, "node"), c.node_ids()[0]);
}

#[test]
fn mutual_tls_requires_a_client_certificate() {
    let c = tls_cluster(1, "secure", true);
    let port = c.tls_port(0).unwrap();
    let ca = c.tls_ca_file().unwrap();
    let (cert, key) = (
        c.tls_client_cert_file().unwrap(),
        c.tls_client_key_file().unwrap(),
    );
    assert!(std::fs::read_to_string(key)
        .unwrap()
        .contains("BEGIN PRIVATE KEY"));

    let mut anonymous = tls_connect(port, "secure", client_config(ca, None));
    assert!(try_info(&mut anonymous, &["node"]).is_err());

    let mut with_cert = tls_connect(port, "secure", client_config(ca, Some((cert, key))));
    assert_eq!(info1(&mut with_cert, "node"), c.node_ids()[0]);

    // A certificate from another CA is refused too.
    let other = tls_cluster(1, "secure", true);
    let foreign = client_config(
        ca,
        Some((
            other.tls_client_cert_file().unwrap(),
            other.tls_client_key_file().unwrap(),
        )),
    );
    let mut foreign = tls_connect(port, "secure", foreign);
    assert!(try_info(&mut foreign, &["node"]).is_err());
}

#[test]
fn failed_or_stalled_handshakes_disturb_no_one() {
    let c = tls_cluster(1, "embedded", false);
    let port = c.tls_port(0).unwrap();
    let ca = c.tls_ca_file().unwrap();
    let mut clear = common::connect(&c.hosts()[0]);
    let mut tls = tls_connect(port, "embedded", client_config(ca, None));
    let node = info1(&mut tls, "node");

    // A client that connects and never says anything (its handshake never starts) ...
    let stalled = TcpStream::connect(("127.0.0.1", port)).unwrap();
    // ... one that speaks clear protocol to the TLS port ...
    let mut garbage = TcpStream::connect(("127.0.0.1", port)).unwrap();
    garbage
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let mut f = Vec::new();
    info::write_request(&mut f, &["node"]);
    garbage.write_all(&f).unwrap();
    let mut buf = [0u8; 64];
    // The server answers with an alert at most, then closes: no info reply.
    let mut got = Vec::new();
    while let Ok(n) = garbage.read(&mut buf) {
        if n == 0 {
            break;
        }
        got.extend_from_slice(&buf[..n]);
    }
    assert!(got.len() < 16 && !got.starts_with(&[2, 1]), "{got:?}");
    // ... and one that fails verification.
    let mut wrong = tls_connect(port, "nope", client_config(ca, None));
    assert!(try_info(&mut wrong, &["node"]).is_err());

    // Established connections, clear and TLS, go on; new TLS ones are accepted.
    assert_eq!(common::info1(&mut clear, "node"), node);
    assert_eq!(info1(&mut tls, "node"), node);
    let mut fresh = tls_connect(port, "embedded", client_config(ca, None));
    assert_eq!(info1(&mut fresh, "node"), node);
    drop(stalled);
}

#[test]
fn tls_service_and_peers_on_three_nodes() {
    let mut c = tls_cluster(3, "cluster-tls", false);
    let ids = c.node_ids();
    let tls_ports: Vec<u16> = (0..3).map(|i| c.tls_port(i).unwrap()).collect();
    assert_eq!(c.tls_port(3), None);
    let ca = c.tls_ca_file().unwrap().to_path_buf();

    let mut s0 = tls_connect(tls_ports[0], "cluster-tls", client_config(&ca, None));
    assert_eq!(
        info1(&mut s0, "service-tls-std"),
        format!("127.0.0.1:{}", tls_ports[0])
    );
    // The clear variants still describe the clear ports, also over TLS.
    assert_eq!(
        info1(&mut s0, "service-clear-std"),
        format!("127.0.0.1:{}", c.hosts()[0].1)
    );
    let gen = info1(&mut s0, "peers-generation");
    let peers = |ports: &[u16], nodes: &[usize], port: u16, clear: bool| {
        let list: Vec<String> = nodes
            .iter()
            .map(|i| {
                let name = if clear { "" } else { "cluster-tls" };
                format!("[{},{name},[127.0.0.1:{}]]", ids[*i], ports[*i])
            })
            .collect();
        (port, list.join(","))
    };
    let (p, list) = peers(&tls_ports, &[1, 2], tls_ports[0], false);
    assert_eq!(
        info1(&mut s0, "peers-tls-std"),
        format!("{gen},{p},[{list}]")
    );
    let clear_ports: Vec<u16> = c.hosts().iter().map(|h| h.1).collect();
    let (p, list) = peers(&clear_ports, &[1, 2], clear_ports[0], true);
    assert_eq!(
        info1(&mut s0, "peers-clear-std"),
        format!("{gen},{p},[{list}]")
    );

    // Node 2 over its own TLS port, from a clear connection too.
    let mut s2 = tls_connect(tls_ports[2], "cluster-tls", client_config(&ca, None));
    assert_eq!(info1(&mut s2, "node"), ids[2]);
    let mut clear2 = common::connect(&c.hosts()[2]);
    assert_eq!(
        common::info1(&mut clear2, "service-tls-std"),
        format!("127.0.0.1:{}", tls_ports[2])
    );

    // A node going away leaves the TLS peers and bumps the generation, as the clear one.
    c.stop_node(1);
    let gen2 = info1(&mut s0, "peers-generation");
    assert_ne!(gen2, gen);
    let (p, list) = peers(&tls_ports, &[2], tls_ports[0], false);
    assert_eq!(
        info1(&mut s0, "peers-tls-std"),
        format!("{gen2},{p},[{list}]")
    );
    assert!(TcpStream::connect(("127.0.0.1", tls_ports[1])).is_err());
    c.start_node(1).unwrap();
    let mut s1 = tls_connect(tls_ports[1], "cluster-tls", client_config(&ca, None));
    assert_eq!(info1(&mut s1, "node"), ids[1]);
    let gen3 = info1(&mut s0, "peers-generation");
    let (p, list) = peers(&tls_ports, &[1, 2], tls_ports[0], false);
    assert_eq!(
        info1(&mut s0, "peers-tls-std"),
        format!("{gen3},{p},[{list}]")
    );
}

#[test]
fn without_tls_the_tls_commands_answer_as_a_server_without_tls_port() {
    let (c, mut s) = common::start();
    assert_eq!(c.tls_port(0), None);
    assert!(c.tls_hosts().is_empty() && c.tls_name().is_none());
    assert!(c.tls_ca_file().is_none());
    assert_eq!(common::info1(&mut s, "service-tls-std"), "");
    let gen = common::info1(&mut s, "peers-generation");
    assert_eq!(
        common::info1(&mut s, "peers-tls-std"),
        format!("{gen},{},[]", c.hosts()[0].1)
    );
}

#[test]
fn shutdown_removes_the_tls_files_and_closes_the_tls_port() {
    let mut c = tls_cluster(2, "embedded", true);
    let files: Vec<_> = [
        c.tls_ca_file(),
        c.tls_client_cert_file(),
        c.tls_client_key_file(),
    ]
    .into_iter()
    .map(|p| p.unwrap().to_path_buf())
    .collect();
    let dir = files[0].parent().unwrap().to_path_buf();
    assert!(files
        .iter()
        .all(|f| f.parent() == Some(dir.as_path()) && f.exists()));
    let port = c.tls_port(1).unwrap();
    c.shutdown();
    assert!(!dir.exists());
    assert!(c.tls_ca_file().is_none());
    assert!(TcpStream::connect(("127.0.0.1", port)).is_err());
}

#[test]
fn binary_prints_the_tls_line_and_serves_tls() {
    use std::io::{BufRead, BufReader};
    use std::process::{Command, Stdio};
    let mut child = Command::new(env!("CARGO_BIN_EXE_aerospike-embedded"))
        .args([
            "--port",
            "0",
            "--nodes",
            "2",
            "--tls-mutual",
            "--tls-name",
            "bin",
        ])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let (mut ready, mut tls) = (String::new(), String::new());
    out.read_line(&mut ready).unwrap();
    out.read_line(&mut tls).unwrap();
    assert!(
        ready.starts_with("aerospike-embedded ready 127.0.0.1:"),
        "{ready}"
    );
    let mut words = tls.split_whitespace();
    assert_eq!(words.next(), Some("aerospike-embedded"));
    assert_eq!(words.next(), Some("tls"));
    let hosts: Vec<u16> = words
        .next()
        .unwrap()
        .split(',')
        .map(|hp| hp.rsplit_once(':').unwrap().1.parse().unwrap())
        .collect();
    let fields: std::collections::HashMap<&str, &str> =
        words.map(|w| w.split_once('=').unwrap()).collect();
    assert_eq!(hosts.len(), 2);
    assert_eq!(fields["tls-name"], "bin");
    let (ca, cert, key) = (
        Path::new(fields["cafile"]),
        Path::new(fields["certfile"]),
        Path::new(fields["keyfile"]),
    );
    for port in hosts {
        let mut s = tls_connect(port, "bin", client_config(ca, Some((cert, key))));
        assert_eq!(
            info1(&mut s, "service-tls-std"),
            format!("127.0.0.1:{port}")
        );
    }
    let status = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    assert_eq!(child.wait().unwrap().code(), Some(0));
    assert!(!ca.exists(), "the TLS files are removed on exit");
}
