//! Decodes every frame recorded between real clients and a CE 8.1.2 server
//! (shared/vectors); skipped when the shared folder is not beside the repo.

use crate::frame::{ProtoHeader, TYPE_ADMIN, TYPE_INFO, TYPE_MSG};
use crate::msg::{Message, RecordIter};
use crate::{info, partitions};

fn vectors() -> Option<String> {
    let dir = std::fs::canonicalize(env!("CARGO_MANIFEST_DIR")).ok()?;
    let path = dir.join("../../../shared/vectors/official-19.3.0-and-crate-2.2-vs-ce-8.1.2.jsonl");
    std::fs::read_to_string(path).ok()
}

fn str_field<'a>(line: &'a str, key: &str) -> Option<&'a str> {
    let pat = format!("\"{key}\": \"");
    let start = line.find(&pat)? + pat.len();
    let end = line[start..].find('"')? + start;
    Some(&line[start..end])
}

fn unhex(s: &str) -> Vec<u8> {
    (0..s.len() / 2)
        .map(|i| u8::from_str_radix(&s[2 * i..2 * i + 2], 16).unwrap())
        .collect()
}

#[test]
fn every_recorded_frame_decodes() {
    let Some(text) = vectors() else {
        eprintln!("shared vectors not found; skipping");
        return;
    };
    let (mut msgs, mut infos, mut replicas) = (0, 0, 0);
    for line in text.lines() {
        let bytes = unhex(str_field(line, "hex").unwrap());
        let h = ProtoHeader::parse(&bytes).unwrap();
        if line.contains("\"truncated\": true") {
            continue;
        }
        assert_eq!(h.length as usize + 8, bytes.len());
        let body = &bytes[8..];
        let c2s = str_field(line, "dir") == Some("c2s");
        match h.msg_type {
            TYPE_INFO => {
                infos += 1;
                if c2s {
                    assert!(!info::parse_request(body).unwrap().is_empty());
                } else {
                    for (name, value) in info::parse_reply(body).unwrap() {
                        if name == "replicas" {
                            let r = partitions::parse_replicas(value).unwrap();
                            assert_eq!(r[0].namespace, "test");
                            assert_eq!(r[0].replicas[0].count(), 4096);
                            replicas += 1;
                        }
                    }
                }
            }
            TYPE_MSG if c2s => {
                let m = Message::parse(body).unwrap();
                assert_eq!(m.fields().count(), usize::from(m.header.n_fields));
                assert_eq!(m.ops().count(), usize::from(m.header.n_ops));
                msgs += 1;
            }
            TYPE_MSG => {
                for r in RecordIter::new(body) {
                    let m = r.unwrap();
                    assert_eq!(m.ops().count(), usize::from(m.header.n_ops));
                }
                msgs += 1;
            }
            TYPE_ADMIN => {}
            t => panic!("unexpected type {t}"),
        }
    }
    assert!(
        msgs > 100 && infos > 30 && replicas >= 2,
        "{msgs} {infos} {replicas}"
    );
}

#[test]
fn recorded_get_int_reply() {
    // get:int reply: one READ op, bin "v", INTEGER.
    let bytes = unhex(
        "0203000000000027160000000000000000010000000000000000000000010000000d0101000176\
         0000000000000001",
    );
    let m = Message::parse_frame(&bytes).unwrap();
    assert_eq!(m.header.generation, 1);
    let op = m.ops().next().unwrap();
    assert_eq!((op.op_type, op.particle_type, op.name), (1, 1, &b"v"[..]));
    assert_eq!(op.value, &1i64.to_be_bytes());
}
