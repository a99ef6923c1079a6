//! What a token request asks for: the grant types of RFC 6749 §4 and §6, plus extension grants
//! (§4.5, e.g. RFC 8693 token exchange), and the revocation hint of RFC 7009.

use crate::error::{Error, Result};
use crate::quoted::quoted;
use crate::secret::Secret;
use std::borrow::Cow;
use std::fmt;

/// A grant, with the parameters its token request carries. `Debug` shows secrets as
/// `[redacted]` and, for extension grants, only parameter names (their values are often tokens).
#[derive(Clone, PartialEq, Eq)]
pub enum Grant {
    /// RFC 6749 §4.4. `audience` is the Auth0/Okta-style parameter many servers need;
    /// `resource` is RFC 8707 §2.
    ClientCredentials {
        scope: Vec<String>,
        audience: Option<String>,
        resource: Option<String>,
    },
    /// RFC 6749 §4.3 (resource owner password credentials).
    Password {
        username: String,
        password: Secret,
        scope: Vec<String>,
    },
    /// RFC 6749 §6. An empty `scope` asks for the originally granted scope.
    RefreshToken {
        refresh_token: Secret,
        scope: Vec<String>,
    },
    /// RFC 6749 §4.1.3, with the PKCE `code_verifier` of RFC 7636 §4.5.
    AuthorizationCode {
        code: Secret,
        redirect_uri: String,
        code_verifier: Option<Secret>,
    },
    /// RFC 6749 §4.5: any absolute-URI or registered `grant_type`, with its parameters in order.
    Extension {
        grant_type: String,
        params: Vec<(String, String)>,
    },
}

/// Parameters an extension grant may not set, because core writes them itself: the grant type,
/// and the client credentials, which belong to the endpoint's authentication method.
const RESERVED_EXTENSION_PARAMS: [&str; 3] = ["grant_type", "client_id", "client_secret"];

impl Grant {
    /// The scope the grant's request asks for (RFC 6749 §3.3); empty when it names none (the
    /// server's default, or for a refresh the scope originally granted).
    pub fn requested_scope(&self) -> &[String] {
        match self {
            Grant::ClientCredentials { scope, .. }
            | Grant::Password { scope, .. }
            | Grant::RefreshToken { scope, .. } => scope,
            Grant::AuthorizationCode { .. } | Grant::Extension { .. } => &[],
        }
    }

    /// The `grant_type` parameter value.
    pub fn grant_type(&self) -> &str {
        match self {
            Grant::ClientCredentials { .. } => "client_credentials",
            Grant::Password { .. } => "password",
            Grant::RefreshToken { .. } => "refresh_token",
            Grant::AuthorizationCode { .. } => "authorization_code",
            Grant::Extension { grant_type, .. } => grant_type,
        }
    }

    /// The form parameters of this grant, `grant_type` first, in the order of the RFC's
    /// parameter lists. Checks the inputs the server would otherwise reject obscurely.
    /// Values borrow from the grant (secrets are not copied); only the joined scope is owned.
    pub(crate) fn form_params(&self) -> Result<Vec<(&str, Cow<'_, str>)>> {
        let mut p: Vec<(&str, Cow<'_, str>)> = vec![("grant_type", self.grant_type().into())];
        match self {
            Grant::ClientCredentials {
                scope,
                audience,
                resource,
            } => {
                push_scope(&mut p, scope)?;
                if let Some(a) = audience {
                    p.push(("audience", a.into()));
                }
                if let Some(r) = resource {
                    p.push(("resource", r.into()));
                }
            }
            Grant::Password {
                username,
                password,
                scope,
            } => {
                p.push(("username", username.into()));
                p.push(("password", password.expose_secret().into()));
                push_scope(&mut p, scope)?;
            }
            Grant::RefreshToken {
                refresh_token,
                scope,
            } => {
                if refresh_token.is_empty() {
                    return Err(Error::InvalidInput("the refresh token is empty".into()));
                }
                p.push(("refresh_token", refresh_token.expose_secret().into()));
                push_scope(&mut p, scope)?;
            }
            Grant::AuthorizationCode {
                code,
                redirect_uri,
                code_verifier,
            } => {
                if code.is_empty() {
                    return Err(Error::InvalidInput(
                        "the authorization code is empty".into(),
                    ));
                }
                p.push(("code", code.expose_secret().into()));
                // RFC 6749 §4.1.3: required only if the authorization request had one; an
                // empty string means it had none and the parameter is left out.
                if !redirect_uri.is_empty() {
                    p.push(("redirect_uri", redirect_uri.into()));
                }
                if let Some(v) = code_verifier {
                    p.push(("code_verifier", v.expose_secret().into()));
                }
            }
            Grant::Extension { grant_type, params } => {
                if grant_type.is_empty() {
                    return Err(Error::InvalidInput(
                        "an extension grant needs a grant_type".into(),
                    ));
                }
                for (name, value) in params {
                    if RESERVED_EXTENSION_PARAMS.contains(&name.as_str()) {
                        return Err(Error::InvalidInput(format!(
                            "extension grant parameter {} is set by tokensmith itself",
                            quoted(name)
                        )));
                    }
                    p.push((name, value.into()));
                }
            }
        }
        Ok(p)
    }
}

/// RFC 6749 §3.3: `scope = scope-token *( SP scope-token )`,
/// `scope-token = 1*( %x21 / %x23-5B / %x5D-7E )`. Omitted when the list is empty.
fn push_scope(p: &mut Vec<(&str, Cow<'_, str>)>, scope: &[String]) -> Result<()> {
    if scope.is_empty() {
        return Ok(());
    }
    for s in scope {
        let valid = !s.is_empty()
            && s.bytes()
                .all(|b| b == 0x21 || (0x23..=0x5B).contains(&b) || (0x5D..=0x7E).contains(&b));
        if !valid {
            return Err(Error::InvalidInput(format!(
                "scope {} is not a valid scope-token (RFC 6749 §3.3: visible ASCII except \" \
                 and \\, no spaces)",
                quoted(s)
            )));
        }
    }
    p.push(("scope", join_scope(scope).into()));
    Ok(())
}

/// Scope tokens as one space-delimited string (RFC 6749 §3.3). A loop rather than `join`, whose
/// generic copy routine is WebAssembly bytes of its own (issue 6's size budget).
pub fn join_scope(scope: &[String]) -> String {
    let mut joined = String::new();
    for (i, s) in scope.iter().enumerate() {
        if i > 0 {
            joined.push(' ');
        }
        joined.push_str(s);
    }
    joined
}

impl fmt::Debug for Grant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Grant::ClientCredentials {
                scope,
                audience,
                resource,
            } => f
                .debug_struct("ClientCredentials")
                .field("scope", scope)
                .field("audience", audience)
                .field("resource", resource)
                .finish(),
            Grant::Password {
                username,
                password,
                scope,
            } => f
                .debug_struct("Password")
                .field("username", username)
                .field("password", password)
                .field("scope", scope)
                .finish(),
            Grant::RefreshToken {
                refresh_token,
                scope,
            } => f
                .debug_struct("RefreshToken")
                .field("refresh_token", refresh_token)
                .field("scope", scope)
                .finish(),
            Grant::AuthorizationCode {
                code,
                redirect_uri,
                code_verifier,
            } => f
                .debug_struct("AuthorizationCode")
                .field("code", code)
                .field("redirect_uri", redirect_uri)
                .field("code_verifier", code_verifier)
                .finish(),
            Grant::Extension { grant_type, params } => f
                .debug_struct("Extension")
                .field("grant_type", grant_type)
                .field(
                    "param_names",
                    &params.iter().map(|(n, _)| n.as_str()).collect::<Vec<_>>(),
                )
                .finish_non_exhaustive(),
        }
    }
}

/// RFC 7009 §2.1 `token_type_hint`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokenTypeHint {
    AccessToken,
    RefreshToken,
}

impl TokenTypeHint {
    pub const fn as_str(self) -> &'static str {
        match self {
            TokenTypeHint::AccessToken => "access_token",
            TokenTypeHint::RefreshToken => "refresh_token",
        }
    }

    /// The hint named `name` (its `as_str`), or `None` for any other name: the bindings word
    /// their own argument error.
    pub fn from_name(name: &str) -> Option<Self> {
        match name {
            "access_token" => Some(TokenTypeHint::AccessToken),
            "refresh_token" => Some(TokenTypeHint::RefreshToken),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scope_is_joined_with_single_spaces() {
        assert_eq!(join_scope(&[]), "");
        assert_eq!(join_scope(&["read".into()]), "read");
        assert_eq!(
            join_scope(&["read".into(), "write:all".into(), "x".into()]),
            "read write:all x"
        );
    }

    #[test]
    fn token_type_hints_by_name() {
        for hint in [TokenTypeHint::AccessToken, TokenTypeHint::RefreshToken] {
            assert_eq!(TokenTypeHint::from_name(hint.as_str()), Some(hint));
        }
        assert_eq!(TokenTypeHint::from_name("id_token"), None);
        assert_eq!(TokenTypeHint::from_name("ACCESS_TOKEN"), None);
    }

    #[test]
    fn grant_types_and_parameter_order() {
        let g = Grant::Password {
            username: "ann".into(),
            password: "pw".into(),
            scope: vec!["a".into(), "b".into()],
        };
        assert_eq!(g.grant_type(), "password");
        let p = g.form_params().unwrap();
        let p: Vec<(&str, &str)> = p.iter().map(|(n, v)| (*n, v.as_ref())).collect();
        assert_eq!(
            p,
            [
                ("grant_type", "password"),
                ("username", "ann"),
                ("password", "pw"),
                ("scope", "a b")
            ]
        );
        let e = Grant::Extension {
            grant_type: "urn:ietf:params:oauth:grant-type:device_code".into(),
            params: vec![("device_code".into(), "dc-secret-value".into())],
        };
        let debug = format!("{e:?}");
        assert!(debug.contains("device_code") && !debug.contains("dc-secret-value"));
        assert_eq!(
            e.grant_type(),
            "urn:ietf:params:oauth:grant-type:device_code"
        );
        assert_eq!(TokenTypeHint::RefreshToken.as_str(), "refresh_token");
        // Debug of a grant never shows the secret parts.
        assert!(!format!("{g:?}").contains("\"pw\""));
        assert!(format!("{g:?}").contains("[redacted]"));
    }
}
