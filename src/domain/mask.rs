//! Masking of personal data for screens and logs (R-ID-2, R-AUD-1).
// STUB: the domain helper replaces this with the complete rules and tests.

/// `tanaka@example.co.jp` -> `ta****@ex*****.co.jp`.
#[must_use]
pub fn mask_email(email: &str) -> String {
    let Some((local, domain)) = email.split_once('@') else {
        return "*".repeat(email.chars().count());
    };
    let keep = |s: &str| -> String {
        let n = s.chars().count();
        s.chars().take(2).collect::<String>() + &"*".repeat(n.saturating_sub(2))
    };
    let (first, rest) = domain.split_once('.').unwrap_or((domain, ""));
    format!("{}@{}.{rest}", keep(local), keep(first))
}
