//! UDF registration commands (protocol.md §8.1): the info text clients send.

use base64::Engine;

/// `udf-put` for a Lua module called `filename` with source `content`.
pub fn udf_put_command(filename: &str, content: &[u8]) -> String {
    let b64 = base64::engine::general_purpose::STANDARD.encode(content);
    format!(
        "udf-put:filename={filename};content={b64};content-len={};udf-type=LUA;",
        b64.len()
    )
}

/// Decodes the `content=` of a `udf-get` reply.
pub fn udf_get_content(reply: &str) -> Option<Vec<u8>> {
    let b64 = reply
        .split(';')
        .find_map(|kv| kv.strip_prefix("content="))?;
    base64::engine::general_purpose::STANDARD.decode(b64).ok()
}

/// Parses `udf-list`: (filename, hash, type) per module.
pub fn parse_udf_list(reply: &str) -> Vec<(String, String, String)> {
    reply
        .split(';')
        .filter(|e| !e.trim().is_empty())
        .map(|entry| {
            let mut name = String::new();
            let mut hash = String::new();
            let mut ty = String::new();
            for kv in entry.split(',') {
                match kv.split_once('=') {
                    Some(("filename", v)) => name = v.to_string(),
                    Some(("hash", v)) => hash = v.to_string(),
                    Some(("type", v)) => ty = v.to_string(),
                    _ => {}
                }
            }
            (name, hash, ty)
        })
        .collect()
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::panic)]
mod tests {
    use super::*;

    #[test]
    fn put_and_list() {
        let c = udf_put_command("m.lua", b"return 1");
        assert_eq!(
            c,
            "udf-put:filename=m.lua;content=cmV0dXJuIDE=;content-len=12;udf-type=LUA;"
        );
        assert_eq!(
            udf_get_content("type=LUA;content=cmV0dXJuIDE=;").unwrap(),
            b"return 1"
        );
        assert_eq!(
            parse_udf_list("filename=a.lua,hash=ff,type=LUA;filename=b.lua,hash=00,type=LUA;"),
            vec![
                ("a.lua".into(), "ff".into(), "LUA".into()),
                ("b.lua".into(), "00".into(), "LUA".into())
            ]
        );
    }
}
