//! Authorization codes (RFC 6749 §4.1.2): short-lived, single use, bound to the client, the
//! redirect URI and the PKCE challenge (RFC 7636 §4.4).

use crate::keys::random_token;
use std::collections::HashMap;

/// RFC 6749 §4.1.2 recommends a maximum code lifetime of 10 minutes; one minute is plenty for a
/// browser round trip and keeps stolen codes nearly useless.
pub const CODE_LIFETIME_MS: i64 = 60_000;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Issued {
    pub refresh_family: String,
    pub access_jti: String,
}

#[derive(Clone, Debug)]
pub struct AuthCode {
    pub client_id: String,
    pub redirect_uri: String,
    pub user: String,
    pub scope: Option<String>,
    /// RFC 7636 §4.2 S256 challenge.
    pub code_challenge: String,
    pub expires_at_ms: i64,
    /// What was issued for this code (refresh family, access token `jti`), to revoke on replay
    /// (RFC 6749 §4.1.2).
    pub issued: Option<Issued>,
    used: bool,
}

pub struct NewCode {
    pub client_id: String,
    pub redirect_uri: String,
    pub user: String,
    pub scope: Option<String>,
    pub code_challenge: String,
}

#[derive(Debug, PartialEq, Eq)]
pub enum CodeRefused {
    Unknown,
    Expired,
    /// Used before; the tokens issued for it should be revoked (returned family, if any).
    Replayed(Option<Issued>),
}

#[derive(Default)]
pub struct CodeStore {
    codes: HashMap<String, AuthCode>,
}

impl CodeStore {
    pub fn issue(&mut self, new: NewCode, now_ms: i64) -> Result<String, String> {
        // 32 random bytes (RFC 6749 §10.10: codes must not be guessable).
        let code = random_token(32)?;
        self.codes.insert(
            code.clone(),
            AuthCode {
                client_id: new.client_id,
                redirect_uri: new.redirect_uri,
                user: new.user,
                scope: new.scope,
                code_challenge: new.code_challenge,
                expires_at_ms: now_ms.saturating_add(CODE_LIFETIME_MS),
                issued: None,
                used: false,
            },
        );
        Ok(code)
    }

    /// Take a code for redemption: marks it used (single use, RFC 6749 §4.1.2).
    pub fn redeem(&mut self, code: &str, now_ms: i64) -> Result<AuthCode, CodeRefused> {
        let entry = self.codes.get_mut(code).ok_or(CodeRefused::Unknown)?;
        if entry.used {
            return Err(CodeRefused::Replayed(entry.issued.clone()));
        }
        entry.used = true;
        if now_ms >= entry.expires_at_ms {
            return Err(CodeRefused::Expired);
        }
        Ok(entry.clone())
    }

    /// Remember what a redeemed code produced.
    pub fn set_issued(&mut self, code: &str, issued: Issued) {
        if let Some(entry) = self.codes.get_mut(code) {
            entry.issued = Some(issued);
        }
    }

    pub fn clear(&mut self) {
        self.codes.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn new() -> NewCode {
        NewCode {
            client_id: "c".into(),
            redirect_uri: "http://127.0.0.1/cb".into(),
            user: "u".into(),
            scope: None,
            code_challenge: "x".into(),
        }
    }

    #[test]
    fn single_use_and_expiry() {
        let mut store = CodeStore::default();
        let code = store.issue(new(), 0).unwrap();
        assert!(store.redeem(&code, 1).is_ok());
        let issued = Issued {
            refresh_family: "f".into(),
            access_jti: "j".into(),
        };
        store.set_issued(&code, issued.clone());
        assert_eq!(
            store.redeem(&code, 2).unwrap_err(),
            CodeRefused::Replayed(Some(issued))
        );
        let late = store.issue(new(), 0).unwrap();
        assert_eq!(
            store.redeem(&late, CODE_LIFETIME_MS).unwrap_err(),
            CodeRefused::Expired
        );
        assert_eq!(store.redeem("nope", 0).unwrap_err(), CodeRefused::Unknown);
    }
}
