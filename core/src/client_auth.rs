//! How a client proves who it is to the token endpoint, chosen per endpoint.

use crate::b64::STANDARD;
use crate::error::{Error, Result};
use crate::form;
use crate::quoted::quoted;
use crate::secret::Secret;
use std::fmt;
use std::str::FromStr;

/// Client authentication methods (names as in the OAuth dynamic registration registry, RFC 7591
/// §2, plus the raw-Basic and Insights Hub variants real servers need).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ClientAuthMethod {
    /// RFC 6749 §2.3.1: id and secret each form-urlencoded, then HTTP Basic.
    ClientSecretBasic,
    /// HTTP Basic of `id:secret` as-is, for the many servers that do not decode §2.3.1.
    ClientSecretBasicRaw,
    /// RFC 6749 §2.3.1 (second option): `client_id` and `client_secret` in the form body.
    ClientSecretPost,
    /// A public client (RFC 6749 §2.1): `client_id` in the body, no secret.
    None,
    /// Siemens Insights Hub Technical Token Manager: `X-SPACE-AUTH-KEY: Basic base64(id:secret)`.
    XSpaceAuthKey,
}

impl ClientAuthMethod {
    pub const ALL: [ClientAuthMethod; 5] = [
        ClientAuthMethod::ClientSecretBasic,
        ClientAuthMethod::ClientSecretBasicRaw,
        ClientAuthMethod::ClientSecretPost,
        ClientAuthMethod::None,
        ClientAuthMethod::XSpaceAuthKey,
    ];

    /// The stable name used in every binding and config file.
    pub const fn as_str(self) -> &'static str {
        match self {
            ClientAuthMethod::ClientSecretBasic => "client_secret_basic",
            ClientAuthMethod::ClientSecretBasicRaw => "client_secret_basic_raw",
            ClientAuthMethod::ClientSecretPost => "client_secret_post",
            ClientAuthMethod::None => "none",
            ClientAuthMethod::XSpaceAuthKey => "x_space_auth_key",
        }
    }

    /// Whether this method sends a client secret at all.
    pub const fn needs_secret(self) -> bool {
        !matches!(self, ClientAuthMethod::None)
    }
}

impl fmt::Display for ClientAuthMethod {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for ClientAuthMethod {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self> {
        ClientAuthMethod::ALL
            .into_iter()
            .find(|m| m.as_str() == s)
            .ok_or_else(|| {
                Error::InvalidInput(format!(
                    "unknown client auth method {}; expected one of client_secret_basic, \
                     client_secret_basic_raw, client_secret_post, none, x_space_auth_key",
                    quoted(s)
                ))
            })
    }
}

/// How the id and secret are written inside HTTP Basic.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BasicEncoding {
    /// RFC 6749 §2.3.1: each form-urlencoded first.
    Form,
    /// As-is. An id containing `:` cannot be represented (RFC 7617 §2) and is refused.
    Raw,
}

impl FromStr for BasicEncoding {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self> {
        match s {
            "form" => Ok(BasicEncoding::Form),
            "raw" => Ok(BasicEncoding::Raw),
            _ => Err(Error::InvalidInput(format!(
                "unknown Basic encoding {}; expected \"form\" or \"raw\"",
                quoted(s)
            ))),
        }
    }
}

/// The `Authorization` header value `Basic base64(id:secret)` for a client.
pub fn basic_authorization(
    client_id: &str,
    client_secret: &str,
    encoding: BasicEncoding,
) -> Result<Secret> {
    let user_pass = match encoding {
        BasicEncoding::Form => {
            let mut s = form::encode_component(client_id);
            s.push(':');
            s.push_str(&form::encode_component(client_secret));
            Secret::new(s)
        }
        BasicEncoding::Raw => {
            if client_id.contains(':') {
                return Err(Error::ColonInClientId);
            }
            Secret::new(format!("{client_id}:{client_secret}"))
        }
    };
    Ok(Secret::new(format!(
        "Basic {}",
        STANDARD.encode(user_pass.expose_secret())
    )))
}

/// The `X-SPACE-AUTH-KEY` header value Insights Hub's Technical Token Manager expects:
/// `Basic base64(id:secret)` without form-encoding (raw), so an id with `:` is refused.
pub fn space_auth_key(client_id: &str, client_secret: &str) -> Result<Secret> {
    basic_authorization(client_id, client_secret, BasicEncoding::Raw)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn golden_vector() {
        let v = basic_authorization("my:client", "p@ss w+rd%/é", BasicEncoding::Form).unwrap();
        let expected = format!(
            "Basic {}",
            STANDARD.encode("my%3Aclient:p%40ss+w%2Brd%25%2F%C3%A9")
        );
        assert_eq!(v.expose_secret(), expected);
    }

    #[test]
    fn raw_refuses_colon_in_id() {
        assert!(matches!(
            basic_authorization("a:b", "s", BasicEncoding::Raw),
            Err(Error::ColonInClientId)
        ));
        assert!(matches!(
            space_auth_key("a:b", "s"),
            Err(Error::ColonInClientId)
        ));
        // A colon in the secret is fine: the first colon separates (RFC 7617 §2).
        assert_eq!(
            space_auth_key("id", "s:e").unwrap().expose_secret(),
            format!("Basic {}", STANDARD.encode("id:s:e"))
        );
    }

    #[test]
    fn method_names_roundtrip() {
        for m in ClientAuthMethod::ALL {
            assert_eq!(m.as_str().parse::<ClientAuthMethod>().unwrap(), m);
        }
        assert!("basic".parse::<ClientAuthMethod>().is_err());
    }
}
