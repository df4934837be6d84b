//! HS256 JSON Web Tokens (the `jsonwebtoken` crate) with SigNoz's claims (`id`, `gid`,
//! `email`, `exp`) plus ours: `typ` (access or refresh, so a refresh token is never accepted
//! as an access token) and `ver` (the user's token version; logout and a password change bump
//! it, which revokes every token issued before). Argon2 password hashes.

use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};

pub const ACCESS_TTL_SECS: i64 = 30 * 60;
pub const REFRESH_TTL_SECS: i64 = 30 * 24 * 3600;

pub const ACCESS: &str = "access";
pub const REFRESH: &str = "refresh";

#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct Claims {
    pub id: String,
    pub gid: String,
    pub email: String,
    pub exp: i64,
    /// `access` or `refresh`.
    pub typ: String,
    /// The user's `token_version` when the token was issued.
    pub ver: i64,
}

#[derive(Clone)]
pub struct JwtKey {
    encoding: EncodingKey,
    decoding: DecodingKey,
}

impl JwtKey {
    pub fn new(secret: &[u8]) -> Self {
        JwtKey {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
        }
    }

    pub fn sign(&self, claims: &Claims) -> String {
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), claims, &self.encoding)
            .expect("HS256 signing of plain claims cannot fail")
    }

    /// Checks signature, algorithm (HS256 only), claims and expiry against `now_secs`; a token
    /// without `typ`/`ver` (issued before they existed) fails as malformed.
    pub fn verify(&self, token: &str, now_secs: i64) -> Result<Claims, String> {
        let mut v = Validation::new(Algorithm::HS256);
        // Expiry is checked below against the caller's clock, without leeway.
        v.validate_exp = false;
        v.required_spec_claims = ["exp".to_string()].into_iter().collect();
        let claims = jsonwebtoken::decode::<Claims>(token, &self.decoding, &v)
            .map_err(|e| {
                use jsonwebtoken::errors::ErrorKind as K;
                match e.kind() {
                    K::InvalidSignature => "signature is invalid".to_string(),
                    K::InvalidAlgorithm => "signing method is not HS256".to_string(),
                    K::Json(_) | K::MissingRequiredClaim(_) => {
                        "token claims are malformed".to_string()
                    }
                    _ => "token is malformed".to_string(),
                }
            })?
            .claims;
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
            typ: ACCESS.into(),
            ver: 0,
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
