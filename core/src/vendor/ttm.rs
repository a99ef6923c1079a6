//! Siemens Insights Hub Technical Token Manager (TTM, v3): the requests of its three calls and
//! the parsing of a single token. Batch planning is in `ttm_plan.rs`, tenant paging in
//! `ttm_pages.rs`.
//!
//! TTM is not RFC 6749: the client authenticates with `X-SPACE-AUTH-KEY: Basic
//! base64(id:secret)` (raw, see [`space_auth_key`]) and sends JSON bodies. Its token objects are
//! RFC 6749 §5.1-shaped plus a `timestamp` (issue time in ms, as a string) that core's parser
//! honours, so a token the TTM cached server-side is not taken as younger than it is.

use crate::cache::CacheKey;
use crate::client_auth::{space_auth_key, ClientAuthMethod};
use crate::error::{Error, Result};
use crate::http::{HttpRequest, HttpResponse, Method};
use crate::json::{object, Value};
use crate::response::{parse_token_response, ParseOptions};
use crate::secret::Secret;
use crate::time::UnixMillis;
use crate::token::Token;
use std::fmt;

/// Path of the single-token call, relative to the Insights Hub gateway.
pub const TTM_TOKEN_PATH: &str = "/api/technicaltokenmanager/v3/oauth/token";
/// Path of the batch call.
pub const TTM_BATCH_PATH: &str = "/api/technicaltokenmanager/v3/oauthTokens";
/// Path of the paged user-tenant listing.
pub const TTM_USER_TENANTS_PATH: &str = "/api/technicaltokenmanager/v3/userTenants";

/// At most 5 user tenants per `oauthTokens` call: the limit Siemens documents for the batch
/// endpoint (the server answers 400 above it). It is both the default and the maximum of
/// [`TechnicalTokenManager::batch_size`].
pub const MAX_BATCH_SIZE: usize = 5;
/// The default chunk size: the documented maximum, so a list of tenants costs the fewest calls.
pub const DEFAULT_BATCH_SIZE: usize = MAX_BATCH_SIZE;

/// The `grant_type` recorded in TTM cache keys. TTM has no OAuth grant; this name only keeps
/// its entries apart from any RFC 6749 grant at the same URL.
pub const TTM_CACHE_GRANT: &str = "insights_hub_ttm";

/// A Technical Token Manager client: who asks (client id and secret, app name and version) on
/// behalf of which host tenant. `Debug` never shows the secret.
#[derive(Clone)]
pub struct TechnicalTokenManager {
    base_url: String,
    client_id: String,
    client_secret: Secret,
    app_name: String,
    app_version: String,
    host_tenant: String,
    batch_size: usize,
    parse: ParseOptions,
}

impl fmt::Debug for TechnicalTokenManager {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TechnicalTokenManager")
            .field("base_url", &self.base_url)
            .field("client_id", &self.client_id)
            .field("app_name", &self.app_name)
            .field("app_version", &self.app_version)
            .field("host_tenant", &self.host_tenant)
            .field("batch_size", &self.batch_size)
            .finish_non_exhaustive()
    }
}

impl TechnicalTokenManager {
    /// `base_url` is the gateway (`https://gateway.eu1.mindsphere.io`, trailing slashes
    /// ignored). Every other argument must be non-empty.
    pub fn new(
        base_url: &str,
        client_id: &str,
        client_secret: Secret,
        app_name: &str,
        app_version: &str,
        host_tenant: &str,
    ) -> Result<Self> {
        let base = base_url.trim_end_matches('/');
        let lower = base.to_ascii_lowercase();
        if !(lower.starts_with("https://") || lower.starts_with("http://")) || base.contains('#') {
            return Err(Error::InvalidInput(
                "the Technical Token Manager base URL must start with https:// or http:// and \
                 have no fragment"
                    .into(),
            ));
        }
        for (name, value) in [
            ("client id", client_id),
            ("app name", app_name),
            ("app version", app_version),
            ("host tenant", host_tenant),
        ] {
            if value.is_empty() {
                return Err(Error::InvalidInput(format!("the {name} is empty")));
            }
        }
        if client_secret.is_empty() {
            return Err(Error::MissingClientSecret(
                ClientAuthMethod::XSpaceAuthKey.as_str(),
            ));
        }
        Ok(TechnicalTokenManager {
            base_url: base.to_owned(),
            client_id: client_id.to_owned(),
            client_secret,
            app_name: app_name.to_owned(),
            app_version: app_version.to_owned(),
            host_tenant: host_tenant.to_owned(),
            batch_size: DEFAULT_BATCH_SIZE,
            parse: ParseOptions::default(),
        })
    }

    /// Tenants per `oauthTokens` call, 1 to [`MAX_BATCH_SIZE`].
    pub fn with_batch_size(mut self, batch_size: usize) -> Result<Self> {
        if !(1..=MAX_BATCH_SIZE).contains(&batch_size) {
            return Err(Error::InvalidInput(format!(
                "batch_size must be between 1 and {MAX_BATCH_SIZE} (the Technical Token \
                 Manager's limit per call)"
            )));
        }
        self.batch_size = batch_size;
        Ok(self)
    }

    pub fn with_parse_options(mut self, parse: ParseOptions) -> Result<Self> {
        parse.validate()?;
        self.parse = parse;
        Ok(self)
    }

    pub fn batch_size(&self) -> usize {
        self.batch_size
    }
    pub fn host_tenant(&self) -> &str {
        &self.host_tenant
    }
    pub fn parse_options(&self) -> &ParseOptions {
        &self.parse
    }
    pub fn token_url(&self) -> String {
        format!("{}{TTM_TOKEN_PATH}", self.base_url)
    }
    pub fn batch_url(&self) -> String {
        format!("{}{TTM_BATCH_PATH}", self.base_url)
    }

    /// The cache key of the token for (`host_tenant`, `user_tenant`): subject = user tenant,
    /// discriminator = host tenant, so no separator can make two pairs collide.
    pub fn cache_key(&self, user_tenant: &str) -> CacheKey {
        CacheKey::builder(
            self.token_url(),
            self.client_id.as_str(),
            ClientAuthMethod::XSpaceAuthKey,
            TTM_CACHE_GRANT,
        )
        .subject(Some(user_tenant))
        .discriminator(Some(&self.host_tenant))
        .build()
    }

    /// `POST …/oauth/token` with `{appName, appVersion, hostTenant, userTenant}`.
    pub fn token_request(&self, user_tenant: &str) -> Result<HttpRequest> {
        check_tenant(user_tenant)?;
        let body = self.body("hostTenant", "userTenant", user_tenant.into());
        self.json_post(self.token_url(), &body)
    }

    /// The request for the host tenant's own token (user tenant = host tenant), the operator
    /// token that `userTenants` requires.
    pub fn operator_token_request(&self) -> Result<HttpRequest> {
        self.token_request(&self.host_tenant)
    }

    /// `POST …/oauthTokens` with `{appName, appVersion, hostTenantId, userTenantIds}`; 1 to
    /// [`MAX_BATCH_SIZE`] tenants (the planner chunks by [`Self::batch_size`]).
    pub fn batch_request(&self, user_tenants: &[String]) -> Result<HttpRequest> {
        if user_tenants.is_empty() || user_tenants.len() > MAX_BATCH_SIZE {
            return Err(Error::InvalidInput(format!(
                "a batch holds 1 to {MAX_BATCH_SIZE} user tenants, not {}",
                user_tenants.len()
            )));
        }
        for tenant in user_tenants {
            check_tenant(tenant)?;
        }
        let mut tenants: Vec<Value> = Vec::with_capacity(user_tenants.len());
        for tenant in user_tenants {
            tenants.push(tenant.as_str().into());
        }
        let body = self.body("hostTenantId", "userTenantIds", tenants.into());
        self.json_post(self.batch_url(), &body)
    }

    /// Parses the single-token call's answer (RFC 6749 §5.1 rules, `timestamp` honoured).
    pub fn parse_token(&self, resp: &HttpResponse, sent_at: UnixMillis) -> Result<Token> {
        parse_token_response(resp, sent_at, &self.parse)
    }

    pub(crate) fn base_url(&self) -> &str {
        &self.base_url
    }

    /// `{appName, appVersion, <host>: host tenant, <user>: user}`, the body of both token calls
    /// (their member names differ).
    fn body(&self, host: &str, user: &str, user_value: Value) -> Value {
        object(vec![
            ("appName", self.app_name.as_str().into()),
            ("appVersion", self.app_version.as_str().into()),
            (host, self.host_tenant.as_str().into()),
            (user, user_value),
        ])
    }

    fn json_post(&self, url: String, body: &Value) -> Result<HttpRequest> {
        let key = space_auth_key(&self.client_id, self.client_secret.expose_secret())?;
        Ok(HttpRequest {
            method: Method::Post,
            url,
            headers: vec![
                ("Content-Type".to_owned(), "application/json".to_owned()),
                ("Accept".to_owned(), "application/json".to_owned()),
                (
                    "X-SPACE-AUTH-KEY".to_owned(),
                    key.expose_secret().to_owned(),
                ),
            ],
            body: body.to_json().into_bytes(),
        })
    }
}

/// Tenant names are short identifiers; an empty one is a caller mistake the server would only
/// answer with a vague 400.
fn check_tenant(tenant: &str) -> Result<()> {
    if tenant.is_empty() {
        return Err(Error::InvalidInput("a user tenant name is empty".into()));
    }
    Ok(())
}
