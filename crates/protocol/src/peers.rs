//! Host strings and the `peers-clear-std` / `peers-tls-std` info values.

/// Parses `host:port`, `[v6]:port` or `host` (then `default_port`).
pub fn parse_host(s: &str, default_port: u16) -> Option<(String, u16)> {
    let s = s.trim();
    if let Some(rest) = s.strip_prefix('[') {
        let (h, after) = rest.split_once(']')?;
        let port = after
            .strip_prefix(':')
            .map_or(Some(default_port), |p| p.parse().ok())?;
        return Some((h.to_string(), port));
    }
    match s.rsplit_once(':') {
        Some((h, p)) if !h.contains(':') => Some((h.to_string(), p.parse().ok()?)),
        _ if !s.is_empty() => Some((s.to_string(), default_port)),
        _ => None,
    }
}

/// Parses `peers-clear-std`: `gen,port,[[id,tls,[addr,...]],...]` into
/// (node id, host, port), taking the first usable address of each peer. Malformed
/// input yields what could be read (never an error: tending keeps going).
pub fn parse_peers(v: &str) -> Vec<(String, String, u16)> {
    let mut out = Vec::new();
    let mut parts = v.splitn(3, ',');
    let (port, rest) = match (parts.next(), parts.next(), parts.next()) {
        (Some(_gen), Some(p), Some(r)) => (p, r),
        _ => return out,
    };
    let default_port: u16 = port.trim().parse().unwrap_or(3000);
    let inner = rest
        .trim()
        .strip_prefix('[')
        .and_then(|r| r.strip_suffix(']'))
        .unwrap_or("");
    // Each peer is `[id,tls,[addr,addr]]`; split at depth 1.
    let mut depth = 0usize;
    let mut start = None;
    for (i, c) in inner.char_indices() {
        match c {
            '[' => {
                if depth == 0 {
                    start = Some(i + 1);
                }
                depth += 1;
            }
            ']' => {
                depth = depth.saturating_sub(1);
                if depth != 0 {
                    continue;
                }
                let Some(peer) = start.take().and_then(|s| inner.get(s..i)) else {
                    continue;
                };
                let mut f = peer.splitn(3, ',');
                let id = f.next().unwrap_or("").to_string();
                let _tls = f.next();
                let addrs = f.next().unwrap_or("");
                let addrs = addrs.trim();
                let addrs = addrs.strip_prefix('[').unwrap_or(addrs);
                let addrs = addrs.strip_suffix(']').unwrap_or(addrs);
                if let Some((h, p)) = addrs.split(',').find_map(|a| parse_host(a, default_port)) {
                    out.push((id, h, p));
                }
            }
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn peers() {
        let p = parse_peers("3,3000,[[BB2,,[127.0.0.1:3001]],[BB3,,[127.0.0.1]]]");
        assert_eq!(
            p,
            vec![
                ("BB2".into(), "127.0.0.1".into(), 3001),
                ("BB3".into(), "127.0.0.1".into(), 3000)
            ]
        );
        assert_eq!(
            parse_peers("1,3100,[[A,,[[::1]:4000,10.0.0.1]]]"),
            vec![("A".into(), "::1".into(), 4000)]
        );
        assert!(parse_peers("5,3000,[]").is_empty());
        assert!(parse_peers("garbage").is_empty());
        assert!(parse_peers("1,3000,[]]]]").is_empty());
    }

    #[test]
    fn hosts() {
        assert_eq!(parse_host("[::1]:3000", 1), Some(("::1".into(), 3000)));
        assert_eq!(parse_host("h", 7), Some(("h".into(), 7)));
        assert_eq!(parse_host("h:9", 7), Some(("h".into(), 9)));
        assert_eq!(parse_host("h:x", 7), None);
        assert_eq!(parse_host("  ", 7), None);
    }
}
