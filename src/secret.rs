//! Secrets at rest. Staff passwords: argon2id (R-AUTH-1); PHC strings carry their parameters,
//! so a change of parameters re-hashes on the next sign-in. Auth keys: HMAC-SHA-256 under the
//! per-install secret ([`InstallSecret`], R-KEY-2): a key is ≥ 59 random bits and lives 50
//! minutes, so a slow hash buys nothing and made a bulk import crawl; keys stored as argon2id
//! PHC strings by older versions keep verifying until they expire.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use argon2::{Algorithm, Argon2, Params, PasswordHash, PasswordHasher, PasswordVerifier, Version};
use hmac::{Hmac, Mac};
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

/// Prefix of an auth key's stored HMAC (argon2id ones start with `$argon2id$`).
const KEY_HMAC_PREFIX: &str = "hmac-sha256$";

/// The per-install secret: 32 random bytes in a file beside the database (`NAME.secret` for
/// `NAME.db`), owner-only, never inside the database file, so that a copy of the database alone
/// can neither test guessed keys nor forge the audit chain. Back it up with the database.
#[derive(Clone)]
pub struct InstallSecret([u8; 32]);

impl std::fmt::Debug for InstallSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("InstallSecret(…)")
    }
}

impl InstallSecret {
    /// Where the secret of the database at `db` lives.
    #[must_use]
    pub fn path_for(db: &Path) -> PathBuf {
        db.with_extension("secret")
    }

    /// Reads the secret beside `db`, creating it (0600, all at once: another process opening
    /// the same new database reads the same one) when there is none yet.
    ///
    /// # Errors
    /// The file cannot be read or written, or is not 64 hex digits.
    pub fn load_or_create(db: &Path) -> std::io::Result<InstallSecret> {
        let path = Self::path_for(db);
        match std::fs::read_to_string(&path) {
            Ok(text) => return Self::parse(&text, &path),
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(e),
            Err(_) => {}
        }
        let fresh = InstallSecret(rand::random());
        // Written whole to a private temporary name, then linked into place: the link fails
        // when another process got there first, and then its secret is the one.
        let tmp = path.with_extension(format!("secret.{}.tmp", std::process::id()));
        {
            use std::os::unix::fs::OpenOptionsExt as _;
            let mut f = std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .mode(0o600)
                .open(&tmp)?;
            writeln!(f, "{}", hex::encode(fresh.0))?;
            f.sync_all()?;
        }
        let linked = std::fs::hard_link(&tmp, &path);
        if let Err(e) = std::fs::remove_file(&tmp) {
            tracing::warn!(path = %tmp.display(), "temporary secret file not removed: {e}");
        }
        match linked {
            Ok(()) => {
                tracing::info!(path = %path.display(), "install secret created");
                Ok(fresh)
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                Self::parse(&std::fs::read_to_string(&path)?, &path)
            }
            Err(e) => Err(e),
        }
    }

    fn parse(text: &str, path: &Path) -> std::io::Result<InstallSecret> {
        let bad = || {
            std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                format!("{}: not an install secret (64 hex digits)", path.display()),
            )
        };
        let bytes = hex::decode(text.trim()).map_err(|_| bad())?;
        Ok(InstallSecret(bytes.try_into().map_err(|_| bad())?))
    }

    /// A secret for a database without a file (in memory): lives as long as the process.
    #[must_use]
    pub fn ephemeral() -> InstallSecret {
        InstallSecret(rand::random())
    }

    fn mac(&self) -> HmacSha256 {
        // HMAC takes a key of any length.
        <HmacSha256 as Mac>::new_from_slice(&self.0).unwrap_or_else(|_| unreachable!())
    }

    /// HMAC-SHA-256 of `data` (R-AUD-2's keyed chain uses it too).
    #[must_use]
    pub fn tag(&self, data: &[u8]) -> [u8; 32] {
        let mut m = self.mac();
        m.update(data);
        m.finalize().into_bytes().into()
    }

    /// How an auth key is stored (R-KEY-2): `hmac-sha256$` and the hex of its HMAC.
    #[must_use]
    pub fn key_hash(&self, key: &str) -> String {
        format!("{KEY_HMAC_PREFIX}{}", hex::encode(self.tag(key.as_bytes())))
    }

    /// Whether `key` is the one stored as `stored`, in constant time: this secret's HMAC, or
    /// an argon2id PHC string of an older version.
    #[must_use]
    pub fn verify_key(&self, key: &str, stored: &str) -> bool {
        match stored.strip_prefix(KEY_HMAC_PREFIX) {
            Some(h) => hex::decode(h).is_ok_and(|want| {
                let mut m = self.mac();
                m.update(key.as_bytes());
                m.verify_slice(&want).is_ok()
            }),
            None => verify(key, stored),
        }
    }
}

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
    fn r_key_2_keys_are_stored_as_a_keyed_hmac_and_old_argon2_hashes_still_verify() {
        let s = InstallSecret::ephemeral();
        let stored = s.key_hash("ABCDEFGHJKMN");
        assert!(stored.starts_with("hmac-sha256$"), "{stored}");
        assert_eq!(stored.len(), "hmac-sha256$".len() + 64);
        assert!(s.verify_key("ABCDEFGHJKMN", &stored));
        assert!(!s.verify_key("ABCDEFGHJKMP", &stored));
        // Another install's secret does not verify it: the database alone is not enough.
        assert!(!InstallSecret::ephemeral().verify_key("ABCDEFGHJKMN", &stored));
        let legacy = hash("ABCDEFGHJKMN").expect("argon2");
        assert!(s.verify_key("ABCDEFGHJKMN", &legacy));
        assert!(!s.verify_key("ZZZZZZZZZZZZ", &legacy));
        assert!(!s.verify_key("ABCDEFGHJKMN", "hmac-sha256$nothex"));
    }

    #[test]
    fn r_key_2_the_install_secret_is_a_private_file_beside_the_database_made_once() {
        use std::os::unix::fs::PermissionsExt as _;
        let d = tempfile::tempdir().expect("tmp");
        let db = d.path().join("madoguchi.db");
        let a = InstallSecret::load_or_create(&db).expect("create");
        let path = d.path().join("madoguchi.secret");
        let mode = std::fs::metadata(&path).expect("file").permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        let b = InstallSecret::load_or_create(&db).expect("load");
        assert_eq!(a.0, b.0, "the same secret on the next open");
        std::fs::write(&path, "short\n").expect("spoil");
        assert!(
            InstallSecret::load_or_create(&db).is_err(),
            "a damaged file stops"
        );
        assert_eq!(format!("{a:?}"), "InstallSecret(…)", "never in a log line");
    }

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
