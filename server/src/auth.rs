//! HS256 JSON Web Tokens with SigNoz's claims (`id`, `gid`, `email`, `exp`) and argon2
//! password hashes.

use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use base64::Engine;
use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;

pub const ACCESS_TTL_SECS: i64 = 30 * 60;
pub const REFRESH_TTL_SECS: i64 = 30 * 24 * 3600;

#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct Claims {
    pub id: String,
    pub gid: String,
    pub email: String,
    pub exp: i64,
}

#[derive(Clone)]
pub struct JwtKey(Vec<u8>);

impl JwtKey {
    pub fn new(secret: &[u8]) -> Self {
        JwtKey(secret.to_vec())
    }

    fn mac(&self) -> Hmac<Sha256> {
        Hmac::<Sha256>::new_from_slice(&self.0).expect("hmac accepts any key length")
    }

    pub fn sign(&self, claims: &Claims) -> String {
        let header = B64.encode(br#"{"alg":"HS256","typ":"JWT"}"#);
        let payload = B64.encode(serde_json::to_vec(claims).expect("claims serialize"));
        let signing_input = format!("{header}.{payload}");
        let mut mac = self.mac();
        mac.update(signing_input.as_bytes());
        let sig = B64.encode(mac.finalize().into_bytes());
        format!("{signing_input}.{sig}")
    }

    /// Checks signature, algorithm and expiry; the error text follows jwt-go's wording.
    pub fn verify(&self, token: &str, now_secs: i64) -> Result<Claims, String> {
        let mut parts = token.split('.');
        let (Some(h), Some(p), Some(s), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err("token contains an invalid number of segments".into());
        };
        let header: serde_json::Value = B64
            .decode(h)
            .ok()
            .and_then(|b| serde_json::from_slice(&b).ok())
            .ok_or("token header is malformed")?;
        if header.get("alg").and_then(|a| a.as_str()) != Some("HS256") {
            return Err("signing method is not HS256".into());
        }
        let sig = B64.decode(s).map_err(|_| "signature is malformed")?;
        let mut mac = self.mac();
        mac.update(h.as_bytes());
        mac.update(b".");
        mac.update(p.as_bytes());
        mac.verify_slice(&sig).map_err(|_| "signature is invalid")?;
        let claims: Claims = B64
            .decode(p)
            .ok()
            .and_then(|b| serde_json::from_slice(&b).ok())
            .ok_or("token claims are malformed")?;
        if claims.exp <= now_secs {
            return Err("token is expired".into());
        }
        Ok(claims)
    }
}

pub fn hash_password(password: &str) -> String {
    use argon2::password_hash::{PasswordHasher, SaltString};
    let salt =
        SaltString::encode_b64(&rand::random::<[u8; 16]>()).expect("16 bytes is a valid salt");
    argon2::Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .expect("argon2 hashing cannot fail with default params")
        .to_string()
}

pub fn verify_password(password: &str, hash: &str) -> bool {
    use argon2::password_hash::{PasswordHash, PasswordVerifier};
    PasswordHash::new(hash)
        .map(|h| {
            argon2::Argon2::default()
                .verify_password(password.as_bytes(), &h)
                .is_ok()
        })
        .unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn claims(exp: i64) -> Claims {
        Claims {
            id: "u1".into(),
            gid: "g1".into(),
            email: "a@b.c".into(),
            exp,
        }
    }

    #[test]
    fn sign_then_verify_round_trips() {
        let key = JwtKey::new(b"k");
        let t = key.sign(&claims(100));
        assert_eq!(key.verify(&t, 50).unwrap(), claims(100));
    }

    #[test]
    fn rejects_expired_foreign_and_garbled_tokens() {
        let key = JwtKey::new(b"k");
        let t = key.sign(&claims(100));
        assert!(key.verify(&t, 100).unwrap_err().contains("expired"));
        assert!(JwtKey::new(b"other")
            .verify(&t, 50)
            .unwrap_err()
            .contains("invalid"));
        assert!(key.verify("a.b", 50).is_err());
        assert!(key.verify(&t.replace('.', ".x"), 50).is_err());
    }

    #[test]
    fn passwords_hash_and_verify() {
        let h = hash_password("correct horse");
        assert!(verify_password("correct horse", &h));
        assert!(!verify_password("wrong", &h));
        assert!(!verify_password("x", "not a hash"));
    }
}
