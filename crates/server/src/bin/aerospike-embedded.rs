//! `aerospike-embedded --host 127.0.0.1 --port 3000 --nodes 3 --namespace test --namespace bar`
//! (`--rack-ids 1,2,3` puts node i on rack R_i; `--tls [--tls-name N] [--tls-port P]
//! [--tls-mutual]` adds a TLS listener per node)
//!
//! Prints `aerospike-embedded ready host:port,...` once every node accepts (with TLS, then
//! `aerospike-embedded tls host:tls_port,... tls-name=N cafile=PATH [certfile=… keyfile=…]`),
//! then runs until SIGINT/SIGTERM and exits 0.

use std::io::Write;
use std::process::ExitCode;

use aeropy_server::{Cluster, ClusterConfig, NamespaceConfig, TlsOptions};

const USAGE: &str = "usage: aerospike-embedded [--host H] [--port P (0 = free ports)] [--nodes N] \
[--namespace NAME]... [--default-ttl SECS] [--replication-factor N] [--cluster-name NAME] \
[--rack-ids R0,R1,... (one per node)] [--tls] [--tls-name NAME] [--tls-port P] [--tls-mutual]";

struct Args {
    cfg: ClusterConfig,
    racks: Vec<u32>,
}

fn parse_args() -> Result<Args, String> {
    let mut cfg = ClusterConfig {
        port: 3000,
        ..ClusterConfig::default()
    };
    let mut namespaces = Vec::new();
    let (mut ttl, mut rf) = (0u32, 1u8);
    let mut racks = Vec::new();
    let mut tls: Option<TlsOptions> = None;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let (flag, inline) = match a.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f.to_string(), Some(v.to_string())),
            _ => (a.clone(), None),
        };
        if flag == "--help" || flag == "-h" {
            return Err(USAGE.to_string());
        }
        if (flag == "--tls" || flag == "--tls-mutual") && inline.is_none() {
            let t = tls.get_or_insert_with(TlsOptions::default);
            t.mutual |= flag == "--tls-mutual";
            continue;
        }
        let value = match inline {
            Some(v) => v,
            None => args
                .next()
                .ok_or_else(|| format!("{flag} needs a value\n{USAGE}"))?,
        };
        let bad = |_| format!("invalid value for {flag}: {value}");
        match flag.as_str() {
            "--host" => cfg.host = value.clone(),
            "--port" => cfg.port = value.parse().map_err(bad)?,
            "--nodes" => cfg.nodes = value.parse().map_err(bad)?,
            "--namespace" => namespaces.push(value.clone()),
            "--default-ttl" => ttl = value.parse().map_err(bad)?,
            "--replication-factor" => rf = value.parse().map_err(bad)?,
            "--cluster-name" => cfg.cluster_name = value.clone(),
            "--tls-name" => tls.get_or_insert_with(TlsOptions::default).name = value.clone(),
            "--tls-port" => {
                tls.get_or_insert_with(TlsOptions::default).port = value.parse().map_err(bad)?
            }
            "--rack-ids" => {
                racks = value
                    .split(',')
                    .map(|r| r.trim().parse::<u32>())
                    .collect::<Result<_, _>>()
                    .map_err(|_| format!("invalid value for {flag}: {value}"))?
            }
            _ => return Err(format!("unknown option {flag}\n{USAGE}")),
        }
    }
    if namespaces.is_empty() {
        namespaces = vec!["test".into(), "bar".into()];
    }
    cfg.namespaces = namespaces
        .iter()
        .map(|n| NamespaceConfig {
            name: n.clone(),
            default_ttl: ttl,
            replication_factor: rf,
        })
        .collect();
    cfg.tls = tls;
    Ok(Args { cfg, racks })
}

fn main() -> ExitCode {
    let Args { cfg, racks } = match parse_args() {
        Ok(c) => c,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    let (tx, rx) = std::sync::mpsc::channel();
    if let Err(e) = ctrlc::set_handler(move || {
        let _ = tx.send(());
    }) {
        eprintln!("aerospike-embedded: cannot install signal handler: {e}");
        return ExitCode::FAILURE;
    }
    let mut cluster = match Cluster::start(cfg) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("aerospike-embedded: {e}");
            return ExitCode::FAILURE;
        }
    };
    cluster.set_rack_ids(&racks);
    let hosts: Vec<String> = cluster
        .hosts()
        .iter()
        .map(|(h, p)| format!("{h}:{p}"))
        .collect();
    let mut stdout = std::io::stdout().lock();
    let _ = writeln!(stdout, "aerospike-embedded ready {}", hosts.join(","));
    if let (Some(name), Some(ca)) = (cluster.tls_name(), cluster.tls_ca_file()) {
        let tls_hosts: Vec<String> = cluster
            .tls_hosts()
            .iter()
            .map(|(h, p, _)| format!("{h}:{p}"))
            .collect();
        let mut line = format!(
            "aerospike-embedded tls {} tls-name={name} cafile={}",
            tls_hosts.join(","),
            ca.display()
        );
        if let (Some(c), Some(k)) = (
            cluster.tls_client_cert_file(),
            cluster.tls_client_key_file(),
        ) {
            line.push_str(&format!(
                " certfile={} keyfile={}",
                c.display(),
                k.display()
            ));
        }
        let _ = writeln!(stdout, "{line}");
    }
    let _ = stdout.flush();
    drop(stdout);
    let _ = rx.recv();
    cluster.shutdown();
    ExitCode::SUCCESS
}
