//! Cache keys and lookup options derived from a [`TokenEndpoint`] and a [`Grant`].

use super::engine::LookupOptions;
use super::key::{CacheKey, CacheKeyBuilder};
use crate::endpoint::TokenEndpoint;
use crate::grant::Grant;

impl CacheKey {
    /// The key builder for tokens obtained with `grant` at `endpoint`, so a profile can add a
    /// subject or discriminator. Never takes a secret: for the password grant the subject is the
    /// user name; extension-grant parameters (which may be signed assertions) are left out, so a
    /// profile using several assertions must set a discriminator.
    pub fn builder_for_grant(endpoint: &TokenEndpoint, grant: &Grant) -> CacheKeyBuilder {
        let b = CacheKey::builder(
            endpoint.url.as_str(),
            endpoint.client_id.as_str(),
            endpoint.auth,
            grant.grant_type(),
        );
        match grant {
            Grant::ClientCredentials {
                scope,
                audience,
                resource,
            } => b
                .scopes(scope)
                .audience(audience.as_deref())
                .resource(resource.as_deref()),
            Grant::Password {
                username, scope, ..
            } => b.scopes(scope).subject(Some(username)),
            Grant::RefreshToken { scope, .. } => b.scopes(scope),
            Grant::AuthorizationCode { .. } | Grant::Extension { .. } => b,
        }
    }

    /// [`builder_for_grant`](Self::builder_for_grant) without additions.
    pub fn for_grant(endpoint: &TokenEndpoint, grant: &Grant) -> CacheKey {
        Self::builder_for_grant(endpoint, grant).build()
    }
}

impl LookupOptions {
    /// Default options, with `primary_grant_available` set by whether `grant` can run again
    /// without a user: client credentials, password (the client keeps the credentials) and
    /// extension grants can; an authorization code is single-use (RFC 6749 §4.1.2) and a bare
    /// refresh-token grant has nothing to fall back to.
    pub fn for_grant(grant: &Grant) -> LookupOptions {
        LookupOptions {
            primary_grant_available: matches!(
                grant,
                Grant::ClientCredentials { .. } | Grant::Password { .. } | Grant::Extension { .. }
            ),
            ..LookupOptions::default()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::client_auth::ClientAuthMethod;
    use crate::secret::Secret;

    fn endpoint() -> TokenEndpoint {
        TokenEndpoint {
            url: "https://idp.example/token".into(),
            client_id: "svc".into(),
            client_secret: Some(Secret::new("client-secret-xyz")),
            auth: ClientAuthMethod::ClientSecretBasic,
        }
    }

    #[test]
    fn password_grant_keys_by_user_and_hides_password() {
        let g = |user: &str| Grant::Password {
            username: user.into(),
            password: Secret::new("hunter2-pw"),
            scope: vec!["b a".into()],
        };
        let k = CacheKey::for_grant(&endpoint(), &g("alice"));
        assert_eq!(k.subject(), Some("alice"));
        assert_eq!(k.scopes(), ["a", "b"]);
        assert_eq!(k.grant_type(), "password");
        assert_ne!(k, CacheKey::for_grant(&endpoint(), &g("bob")));
        let dbg = format!("{k:?}");
        assert!(!dbg.contains("hunter2-pw") && !dbg.contains("client-secret-xyz"));
        assert!(LookupOptions::for_grant(&g("alice")).primary_grant_available);
    }

    #[test]
    fn client_credentials_keys_by_audience_and_resource() {
        let g = |aud: Option<&str>| Grant::ClientCredentials {
            scope: vec![],
            audience: aud.map(Into::into),
            resource: None,
        };
        let a = CacheKey::for_grant(&endpoint(), &g(Some("api")));
        assert_eq!(a.audience(), Some("api"));
        assert_eq!(a.auth_method(), ClientAuthMethod::ClientSecretBasic);
        assert_ne!(a, CacheKey::for_grant(&endpoint(), &g(None)));
        let refresh = Grant::RefreshToken {
            refresh_token: Secret::new("rt"),
            scope: vec![],
        };
        assert!(!LookupOptions::for_grant(&refresh).primary_grant_available);
    }
}
