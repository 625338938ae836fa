//! The terminal an action came from, for the audit log (R-AUD-1): the tty of stdin, the SSH
//! client address and the SSH key the session signed in with when present, e.g.
//! `pts/3 ssh:192.0.2.10 key:SHA256:…`. The key comes from sshd's `ExposeAuthInfo yes`
//! (`SSH_USER_AUTH` names a file listing the methods used; docs/deploy.md): its fingerprint is
//! the one `ssh-keygen -lf` prints.

use base64::Engine as _;
use sha2::Digest as _;

/// The longest identity kept; anything longer is cut.
const MAX_LEN: usize = 160;

/// Reads the tty name, `SSH_CLIENT` / `SSH_CONNECTION` and the key in `SSH_USER_AUTH` of this
/// process.
#[must_use]
pub fn current() -> String {
    let tty = rustix::termios::ttyname(std::io::stdin(), Vec::new())
        .ok()
        .map(|c| c.to_string_lossy().into_owned());
    let ssh = std::env::var("SSH_CLIENT")
        .ok()
        .or_else(|| std::env::var("SSH_CONNECTION").ok());
    let key = std::env::var_os("SSH_USER_AUTH")
        .and_then(|p| std::fs::read_to_string(p).ok())
        .and_then(|t| key_fingerprint(&t));
    let mut out = compose(tty.as_deref(), ssh.as_deref());
    if let Some(k) = key {
        out = format!("{out} key:{k}");
        out.truncate(MAX_LEN);
    }
    out
}

/// The `SHA256:…` fingerprint of the first public key in sshd's auth info
/// (`publickey ssh-ed25519 AAAA…` lines), as `ssh-keygen -lf` prints it.
#[must_use]
pub fn key_fingerprint(auth_info: &str) -> Option<String> {
    let blob = auth_info.lines().find_map(|l| {
        let mut parts = l.split_whitespace();
        (parts.next() == Some("publickey")).then_some(())?;
        parts.next()?;
        parts.next()
    })?;
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(blob)
        .ok()?;
    let digest = sha2::Sha256::digest(&bytes);
    Some(format!(
        "SHA256:{}",
        base64::engine::general_purpose::STANDARD_NO_PAD.encode(digest)
    ))
}

/// Builds the identity from its parts; both come from outside, so only a safe set of
/// characters survives (no escape sequence can reach a screen or the log).
#[must_use]
pub fn compose(tty: Option<&str>, ssh: Option<&str>) -> String {
    let tty = tty
        .map(|t| t.strip_prefix("/dev/").unwrap_or(t))
        .map(sanitize)
        .filter(|t| !t.is_empty())
        .unwrap_or_else(|| "-".to_string());
    let client = ssh
        .and_then(|s| s.split_whitespace().next())
        .map(sanitize)
        .filter(|c| !c.is_empty());
    let mut out = match client {
        Some(c) => format!("{tty} ssh:{c}"),
        None => tty,
    };
    out.truncate(MAX_LEN);
    out
}

fn sanitize(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '/' | '.' | ':' | '_' | '-' | '%'))
        .take(MAX_LEN)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn r_aud_1_tty_and_ssh_client() {
        assert_eq!(
            compose(Some("/dev/pts/3"), Some("192.0.2.10 50022 22")),
            "pts/3 ssh:192.0.2.10"
        );
        assert_eq!(compose(None, None), "-");
        assert_eq!(
            compose(None, Some("2001:db8::1 50022 2001:db8::2 22")),
            "- ssh:2001:db8::1"
        );
    }

    #[test]
    fn r_aud_1_the_ssh_key_fingerprint_is_the_one_ssh_keygen_prints() {
        // `ssh-keygen -lf` of this key: 256 SHA256:IXdr5o+DjkWJ/U9wrijLKQVet2GO3ehdu2cCma6j1NY
        let info = "password\npublickey ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIH9MVMBjRzp8RFGSq2WR1Pzq/UkuEwqsh/zG588P4d8g\n";
        assert_eq!(
            key_fingerprint(info).as_deref(),
            Some("SHA256:IXdr5o+DjkWJ/U9wrijLKQVet2GO3ehdu2cCma6j1NY")
        );
        assert_eq!(key_fingerprint("password\n"), None);
        assert_eq!(key_fingerprint("publickey ssh-ed25519 !!!\n"), None);
    }

    #[test]
    fn r_aud_1_escape_sequences_are_dropped() {
        assert_eq!(
            compose(Some("/dev/pts/1\u{1b}[31m"), Some("\u{1b}]0;x\u{7} 1 2")),
            "pts/131m ssh:0x"
        );
        assert!(compose(Some(&"a".repeat(500)), None).len() <= MAX_LEN);
    }
}
