//! Which servers (CalDAV, calendar links, inboxes) the server may reach:
//! public ones, unless the admin allows the private network.

/// Checks a CalDAV URL before it is stored: http(s), and, unless the server
/// allows it, on a public address: the server fetches it on the user's
/// behalf, and must not become a way into the machine or the network it
/// stands in.
pub async fn check_caldav_url(url: &str, private_ok: bool) -> Result<(), String> {
    let not_url = || format!("'{url}' is not a calendar URL (http:// or https://)");
    let (scheme, rest) = url.split_once("://").ok_or_else(not_url)?;
    let default_port = match scheme.to_ascii_lowercase().as_str() {
        "http" => 80,
        "https" => 443,
        _ => return Err(not_url()),
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let (host, port) = match host_port.strip_prefix('[') {
        Some(v6) => {
            let (host, after) = v6.split_once(']').ok_or_else(not_url)?;
            (host, after.strip_prefix(':'))
        }
        None => match host_port.rsplit_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (host_port, None),
        },
    };
    let port = match port {
        Some(p) => p.parse::<u16>().map_err(|_| not_url())?,
        None => default_port,
    };
    if host.is_empty() {
        return Err(not_url());
    }
    check_host(host, port, private_ok).await
}

/// Checks a server's host (a calendar's or a mailbox's) before the server
/// reaches it on a user's behalf: on a public address, unless the server
/// allows the private network.
pub async fn check_host(host: &str, port: u16, private_ok: bool) -> Result<(), String> {
    if private_ok {
        return Ok(());
    }
    let addresses = tokio::net::lookup_host((host, port))
        .await
        .map_err(|_| format!("cannot find the host {host}"))?;
    for a in addresses {
        if !is_public(a.ip()) {
            return Err(format!(
                "{host} is on this machine or a private network; this server reaches only \
                 public servers (its admin can allow others with --private-caldav)"
            ));
        }
    }
    Ok(())
}

/// Whether an address is on the public internet (not this machine, a
/// private or link-local network, or a range that is not routed).
fn is_public(ip: std::net::IpAddr) -> bool {
    use std::net::{IpAddr, Ipv4Addr};
    match ip {
        IpAddr::V4(v4) => {
            let [a, b, c, _] = v4.octets();
            !(a == 0 // "this network"
                || v4.is_loopback()
                || v4.is_private()
                || v4.is_link_local()
                || v4.is_documentation()
                || a == 100 && (64..128).contains(&b) // shared address space
                || a == 192 && b == 0 && c == 0 // protocol assignments
                || a == 198 && (18..20).contains(&b) // benchmarking
                || a >= 224) // multicast, reserved, broadcast
        }
        IpAddr::V6(v6) => {
            let s = v6.segments();
            let embedded = |hi: u16, lo: u16| {
                IpAddr::V4(Ipv4Addr::from((u32::from(hi) << 16) | u32::from(lo)))
            };
            if let Some(v4) = v6.to_ipv4() {
                // IPv4-mapped and IPv4-compatible forms.
                return is_public(IpAddr::V4(v4));
            }
            if s[0] == 0x64 && s[1] == 0xff9b {
                return is_public(embedded(s[6], s[7])); // NAT64
            }
            if s[0] == 0x2002 {
                return is_public(embedded(s[1], s[2])); // 6to4
            }
            !(v6.is_loopback()
                || v6.is_unspecified()
                || s[0] & 0xfe00 == 0xfc00 // unique local
                || s[0] & 0xffc0 == 0xfe80 // link-local
                || s[0] & 0xffc0 == 0xfec0 // site-local
                || s[0] & 0xff00 == 0xff00) // multicast
        }
    }
}

#[cfg(test)]
mod tests {
    use super::is_public;

    #[test]
    fn only_public_addresses_are_public() {
        let public = |s: &str| is_public(s.parse().unwrap());
        for private in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "0.1.2.3",
            "100.64.0.1",
            "198.18.0.1",
            "224.0.0.1",
            "255.255.255.255",
            "::1",
            "::",
            "fc00::1",
            "fe80::1",
            "fec0::1",
            "ff02::1",
            "::ffff:127.0.0.1",
            "::127.0.0.1",
            "64:ff9b::a9fe:a9fe",
            "2002:7f00:1::",
        ] {
            assert!(!public(private), "{private}");
        }
        for ok in ["93.184.216.34", "2606:2800:220:1::", "64:ff9b::5db8:d822"] {
            assert!(public(ok), "{ok}");
        }
    }
}
