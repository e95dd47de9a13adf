//! The `aerospike-embedded` binary: prints one ready line with every node address,
//! serves, and exits 0 on SIGTERM / SIGINT.

#![allow(clippy::unwrap_used, clippy::panic)] // test code: a failed unwrap is a failed test

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

fn run_and_signal(signal: &str) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_aerospike-embedded"))
        .args([
            "--host",
            "127.0.0.1",
            "--port",
            "0",
            "--nodes",
            "2",
            "--namespace",
            "test",
            "--namespace",
            "other",
        ])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let rest = line
        .trim()
        .strip_prefix("aerospike-embedded ready ")
        .unwrap();
    let hosts: Vec<(String, u16)> = rest
        .split(',')
        .map(|hp| {
            let (h, p) = hp.rsplit_once(':').unwrap();
            (h.to_string(), p.parse().unwrap())
        })
        .collect();
    assert_eq!(hosts.len(), 2);
    for h in &hosts {
        let mut s = common::connect(h);
        assert_eq!(common::info1(&mut s, "namespaces"), "test;other");
        assert_eq!(
            common::info1(&mut s, "service-clear-std"),
            format!("{}:{}", h.0, h.1)
        );
    }
    let status = Command::new("kill")
        .args([signal, &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    assert_eq!(child.wait().unwrap().code(), Some(0));
}

#[test]
fn ready_line_then_clean_exit_on_sigterm() {
    run_and_signal("-TERM");
}

#[test]
fn clean_exit_on_sigint() {
    run_and_signal("-INT");
}

#[test]
fn bad_arguments_exit_2() {
    let out = Command::new(env!("CARGO_BIN_EXE_aerospike-embedded"))
        .args(["--nodes", "x"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--nodes"));
}
