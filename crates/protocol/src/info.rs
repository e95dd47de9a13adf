//! Info protocol text: requests are newline-terminated command lines; replies echo
//! each line, a TAB, the value and a newline.

use crate::frame::{ProtoHeader, TYPE_INFO};
use crate::{ProtocolError, Result};

/// Appends a whole info request frame for `commands` (one per line) to `out`.
pub fn write_request(out: &mut Vec<u8>, commands: &[&str]) {
    let len: usize = commands.iter().map(|c| c.len() + 1).sum();
    ProtoHeader::new(TYPE_INFO, len as u64).write(out);
    for c in commands {
        out.extend_from_slice(c.as_bytes());
        out.push(b'\n');
    }
}

/// The body (no proto header) of an info request.
pub fn request_body(commands: &[&str]) -> Vec<u8> {
    let mut v = Vec::new();
    for c in commands {
        v.extend_from_slice(c.as_bytes());
        v.push(b'\n');
    }
    v
}

/// The command lines of a request body; only newline-terminated lines count, as on
/// the real server. Invalid UTF-8 is an error.
pub fn parse_request(body: &[u8]) -> Result<Vec<&str>> {
    let text =
        std::str::from_utf8(body).map_err(|_| ProtocolError::Invalid("info request utf-8"))?;
    let mut lines: Vec<&str> = text.split('\n').collect();
    lines.pop(); // the part after the last '\n' is unterminated (usually empty)
    Ok(lines)
}

/// Splits a reply body into (echoed request line, value) pairs, in order. A line
/// without a TAB yields an empty value.
pub fn parse_reply(body: &[u8]) -> Result<Vec<(&str, &str)>> {
    let text = std::str::from_utf8(body).map_err(|_| ProtocolError::Invalid("info reply utf-8"))?;
    Ok(text
        .split('\n')
        .filter(|l| !l.is_empty())
        .map(|l| l.split_once('\t').unwrap_or((l, "")))
        .collect())
}

/// Appends one reply line: `request_line TAB value \n`.
pub fn write_reply_line(out: &mut Vec<u8>, request_line: &str, value: &str) {
    out.extend_from_slice(request_line.as_bytes());
    out.push(b'\t');
    out.extend_from_slice(value.as_bytes());
    out.push(b'\n');
}

/// The `udf-put` command line registering the Lua module `filename` with `content`.
pub fn udf_put_command(filename: &str, content: &[u8]) -> String {
    use base64::Engine;
    let b64 = base64::engine::general_purpose::STANDARD.encode(content);
    format!(
        "udf-put:filename={filename};content={b64};content-len={};udf-type=LUA;",
        b64.len()
    )
}

/// Decodes the `content=` of a `udf-get` reply value.
pub fn udf_get_content(reply: &str) -> Option<Vec<u8>> {
    use base64::Engine;
    let b64 = reply
        .split(';')
        .find_map(|kv| kv.strip_prefix("content="))?;
    base64::engine::general_purpose::STANDARD.decode(b64).ok()
}

/// Parses a `udf-list` reply value: (filename, hash, type) per module.
pub fn parse_udf_list(reply: &str) -> Vec<(String, String, String)> {
    reply
        .split(';')
        .filter(|e| !e.trim().is_empty())
        .map(|entry| {
            let (mut name, mut hash, mut ty) = (String::new(), String::new(), String::new());
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

/// A parsed command line: `name[/arg[/arg…]][:key=value;key=value…]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Command<'a> {
    /// The command name.
    pub name: &'a str,
    /// Slash-separated arguments after the name.
    pub args: Vec<&'a str>,
    /// The raw `key=value;…` text after the first `:` (empty if none).
    pub params: &'a str,
}

impl<'a> Command<'a> {
    /// Parses one request line.
    pub fn parse(line: &'a str) -> Command<'a> {
        let (head, params) = line.split_once(':').unwrap_or((line, ""));
        let mut parts = head.split('/');
        let name = parts.next().unwrap_or_default();
        Command {
            name,
            args: parts.collect(),
            params,
        }
    }

    /// Value of parameter `key` (first occurrence).
    pub fn param(&self, key: &str) -> Option<&'a str> {
        parse_params(self.params)
            .into_iter()
            .find(|(k, _)| *k == key)
            .map(|(_, v)| v)
    }
}

/// Splits `k=v;k=v;` into pairs (empty items skipped; an item without `=` has an
/// empty value).
pub fn parse_params(params: &str) -> Vec<(&str, &str)> {
    params
        .split(';')
        .filter(|s| !s.is_empty())
        .map(|s| s.split_once('=').unwrap_or((s, "")))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_and_reply() {
        let mut f = Vec::new();
        write_request(&mut f, &["node", "build"]);
        assert_eq!(&f[..8], &[2, 1, 0, 0, 0, 0, 0, 11]);
        assert_eq!(parse_request(&f[8..]).unwrap(), vec!["node", "build"]);
        assert_eq!(parse_request(b"node\nbuild").unwrap(), vec!["node"]);
        assert!(parse_request(b"").unwrap().is_empty());
        let body = b"node\tBB9000000000001\nbuild\t8.1.0.0\n";
        assert_eq!(
            parse_reply(body).unwrap(),
            vec![("node", "BB9000000000001"), ("build", "8.1.0.0")]
        );
        let mut out = Vec::new();
        write_reply_line(&mut out, "node", "BB9000000000001");
        write_reply_line(&mut out, "build", "8.1.0.0");
        assert_eq!(out, body);
    }

    #[test]
    fn commands() {
        let c = Command::parse("truncate:namespace=test;set=vec;lut=5");
        assert_eq!(c.name, "truncate");
        assert_eq!(c.param("set"), Some("vec"));
        assert_eq!(c.param("lut"), Some("5"));
        assert_eq!(c.param("x"), None);
        let c = Command::parse("sets/test/demo");
        assert_eq!((c.name, c.args.clone()), ("sets", vec!["test", "demo"]));
        let c = Command::parse("user-agent-set:value=MSxydXN0LTIuMi4wLG5vdC1zZXQ=");
        assert_eq!(c.param("value"), Some("MSxydXN0LTIuMi4wLG5vdC1zZXQ="));
        assert_eq!(parse_params("a=1;;b;"), vec![("a", "1"), ("b", "")]);
    }

    #[test]
    fn udf_text() {
        let c = udf_put_command("m.lua", b"return 1");
        assert_eq!(
            c,
            "udf-put:filename=m.lua;content=cmV0dXJuIDE=;content-len=12;udf-type=LUA;"
        );
        let cmd = Command::parse(&c);
        assert_eq!(cmd.name, "udf-put");
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
