//! Text from outside (imports, mail replies, typed input) made safe for the terminal (SPEC §5).
// STUB: the domain helper replaces this with the complete rules and tests.

/// Replaces control characters (C0, DEL, C1, and so every escape sequence's ESC) with U+FFFD,
/// keeping line breaks only when `keep_newlines`.
#[must_use]
pub fn sanitize(input: &str, keep_newlines: bool) -> String {
    input
        .chars()
        .map(|c| {
            if keep_newlines && c == '\n' {
                c
            } else if c.is_control() {
                '\u{FFFD}'
            } else {
                c
            }
        })
        .collect()
}
