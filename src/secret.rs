//! argon2id for every secret: staff passwords (R-AUTH-1) and auth keys (R-KEY-2).
//! PHC strings carry their parameters, so a change of parameters re-hashes on the next sign-in.

use argon2::{Algorithm, Argon2, Params, PasswordHash, PasswordHasher, PasswordVerifier, Version};

/// m=19456 KiB, t=2, p=1 (OWASP's argon2id minimum; SPEC R-AUTH-1).
pub const M_COST: u32 = 19_456;
pub const T_COST: u32 = 2;
pub const P_COST: u32 = 1;

fn hasher() -> Argon2<'static> {
    let params =
        Params::new(M_COST, T_COST, P_COST, None).expect("constant argon2 parameters are valid");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// A PHC string (`$argon2id$v=19$m=19456,t=2,p=1$…`).
///
/// # Errors
/// Only when the hasher fails, which it does not for these parameters.
pub fn hash(secret: &str) -> anyhow::Result<String> {
    let phc = hasher()
        .hash_password(secret.as_bytes())
        .map_err(|e| anyhow::anyhow!("argon2: {e}"))?;
    Ok(phc.to_string())
}

/// Constant-time check of `secret` against a stored PHC string; a malformed string never matches.
#[must_use]
pub fn verify(secret: &str, phc: &str) -> bool {
    PasswordHash::new(phc).is_ok_and(|h| hasher().verify_password(secret.as_bytes(), &h).is_ok())
}

/// True when the stored hash was made with other parameters than today's (R-AUTH-1).
#[must_use]
pub fn needs_rehash(phc: &str) -> bool {
    let Ok(h) = PasswordHash::new(phc) else {
        return true;
    };
    if h.algorithm.as_str() != "argon2id" {
        return true;
    }
    let get = |k: &str| h.params.get_decimal(k);
    get("m") != Some(M_COST) || get("t") != Some(T_COST) || get("p") != Some(P_COST)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn r_auth_1_argon2id_phc_roundtrip() {
        let phc = hash("correct horse battery").expect("hash");
        assert!(phc.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{phc}");
        assert!(verify("correct horse battery", &phc));
        assert!(!verify("correct horse batterY", &phc));
        assert!(!verify("x", "not a phc"));
        assert!(!needs_rehash(&phc));
    }

    #[test]
    fn r_auth_1_weaker_parameters_need_rehash() {
        let weak = Argon2::new(
            Algorithm::Argon2id,
            Version::V0x13,
            Params::new(8, 1, 1, None).expect("p"),
        );
        let phc = weak.hash_password(b"secret").expect("hash").to_string();
        assert!(verify("secret", &phc), "old hashes still verify");
        assert!(needs_rehash(&phc));
    }
}
