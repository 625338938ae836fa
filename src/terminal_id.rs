//! The terminal an action came from, for the audit log (R-AUD-1): the tty of stdin and the
//! SSH client address when present, e.g. `pts/3 ssh:192.0.2.10`.

/// The longest identity kept; anything longer is cut.
const MAX_LEN: usize = 80;

/// Reads the tty name and `SSH_CLIENT` / `SSH_CONNECTION` of this process.
#[must_use]
pub fn current() -> String {
    let tty = rustix::termios::ttyname(std::io::stdin(), Vec::new())
        .ok()
        .map(|c| c.to_string_lossy().into_owned());
    let ssh = std::env::var("SSH_CLIENT")
        .ok()
        .or_else(|| std::env::var("SSH_CONNECTION").ok());
    compose(tty.as_deref(), ssh.as_deref())
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
    fn r_aud_1_escape_sequences_are_dropped() {
        assert_eq!(
            compose(Some("/dev/pts/1\u{1b}[31m"), Some("\u{1b}]0;x\u{7} 1 2")),
            "pts/131m ssh:0x"
        );
        assert!(compose(Some(&"a".repeat(500)), None).len() <= MAX_LEN);
    }
}
