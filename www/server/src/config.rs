//! Server configuration: clients, users, tenants, realms and lifetimes, read from TOML or the
//! demo defaults. Secrets are held in [`Secret`] from the moment they are parsed.

use serde::{Deserialize, Deserializer};
use std::net::{IpAddr, Ipv4Addr};
use std::path::PathBuf;
use tokensmith::Secret;

/// How a configured client authenticates at the token endpoint (RFC 6749 §2.3.1; the
/// registered `token_endpoint_auth_method` of RFC 7591 §2).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
pub enum ClientAuth {
    /// HTTP Basic with id and secret each form-urlencoded first (RFC 6749 §2.3.1).
    #[serde(rename = "form-basic")]
    FormBasic,
    /// HTTP Basic of `id:secret` as-is (RFC 7617), what many servers actually accept.
    #[serde(rename = "raw-basic")]
    RawBasic,
    /// `client_id` and `client_secret` in the form body (RFC 6749 §2.3.1, second option).
    #[serde(rename = "post")]
    Post,
    /// A public client (RFC 6749 §2.1): `client_id` in the body, no secret. Only for the
    /// authorization code grant with PKCE (RFC 7636) and its refresh tokens.
    #[serde(rename = "none")]
    None,
}

impl ClientAuth {
    pub const fn as_str(self) -> &'static str {
        match self {
            ClientAuth::FormBasic => "form-basic",
            ClientAuth::RawBasic => "raw-basic",
            ClientAuth::Post => "post",
            ClientAuth::None => "none",
        }
    }
}

pub(crate) fn secret<'de, D: Deserializer<'de>>(d: D) -> Result<Secret, D::Error> {
    String::deserialize(d).map(Secret::new)
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClientConfig {
    pub id: String,
    /// Ignored for `auth = "none"`.
    #[serde(default, deserialize_with = "secret")]
    pub secret: Secret,
    pub auth: ClientAuth,
    /// Registered redirect URIs for the authorization code grant (RFC 6749 §3.1.2.2), compared
    /// exactly, except that loopback URIs match on any port (RFC 8252 §7.3).
    #[serde(default)]
    pub redirect_uris: Vec<String>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UserConfig {
    pub username: String,
    #[serde(deserialize_with = "secret")]
    pub password: Secret,
}

/// Insights Hub tenants: one host (operator) tenant and the user tenants it provisions apps to.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TenantConfig {
    pub host: String,
    #[serde(default)]
    pub users: Vec<String>,
    /// Additional generated user tenants named `tenant-001`, `tenant-002`, … (for paging demos).
    #[serde(default)]
    pub generate: usize,
}

impl TenantConfig {
    /// Every user tenant, configured ones first, then the generated ones.
    pub fn user_tenants(&self) -> Vec<String> {
        let mut all = self.users.clone();
        all.extend((1..=self.generate).map(|i| format!("tenant-{i:03}")));
        all
    }
}

/// Token lifetimes in seconds.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Lifetimes {
    /// Access tokens of `/oauth/token` (RFC 6749 §5.1 `expires_in`).
    pub access_seconds: i64,
    /// Refresh tokens of `/oauth/token` (RFC 6749 §6; not sent to clients, enforced here).
    pub refresh_seconds: i64,
    /// Keycloak's `refresh_expires_in` for online sessions (its "SSO Session Idle", 30 min
    /// by default in Keycloak).
    pub keycloak_refresh_seconds: i64,
}

impl Default for Lifetimes {
    fn default() -> Self {
        Lifetimes {
            // One hour: the common default of the servers this one imitates.
            access_seconds: 3600,
            // One day.
            refresh_seconds: 86_400,
            // Keycloak's default SSO Session Idle: 30 minutes.
            keycloak_refresh_seconds: 1800,
        }
    }
}

/// Personal access tokens (XTRF / DataChain shape).
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct PatConfig {
    /// SQLite database file; `:memory:` keeps tokens only while the server runs.
    pub database: String,
    /// Token prefix, `[a-z]{2,10}` (see docs/pat-format.md).
    pub prefix: String,
}

impl Default for PatConfig {
    fn default() -> Self {
        PatConfig {
            database: ":memory:".into(),
            prefix: "tsm".into(),
        }
    }
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ServerConfig {
    pub bind: IpAddr,
    pub port: u16,
    /// Directory served at `/` (the pages).
    pub www_dir: PathBuf,
    /// Directory served at `/pkg/` (the npm package built by wasm-pack), if it exists.
    pub pkg_dir: PathBuf,
}

impl Default for ServerConfig {
    fn default() -> Self {
        ServerConfig {
            // Loopback only by default: the demo credentials must not be reachable from elsewhere.
            bind: IpAddr::V4(Ipv4Addr::LOCALHOST),
            port: 8787,
            www_dir: PathBuf::from("www"),
            pkg_dir: PathBuf::from("wasm/pkg"),
        }
    }
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    #[serde(default)]
    pub server: ServerConfig,
    #[serde(default)]
    pub lifetimes: Lifetimes,
    #[serde(default)]
    pub pat: PatConfig,
    pub clients: Vec<ClientConfig>,
    pub users: Vec<UserConfig>,
    pub tenants: TenantConfig,
    /// Keycloak realms served under `/realms/{realm}/…`.
    #[serde(default)]
    pub realms: Vec<String>,
}

impl Config {
    pub fn from_toml(text: &str) -> Result<Config, String> {
        let config: Config = toml::from_str(text).map_err(|e| format!("invalid config: {e}"))?;
        config
            .validate()
            .map_err(|e| format!("invalid config: {e}"))?;
        Ok(config)
    }

    /// The demo configuration used when no file is given. Its secrets are public by design.
    pub fn demo() -> Config {
        let client = |id: &str, secret: &str, auth| ClientConfig {
            id: id.into(),
            secret: Secret::new(secret),
            auth,
            redirect_uris: vec!["http://127.0.0.1/callback.html".into()],
        };
        Config {
            server: ServerConfig::default(),
            lifetimes: Lifetimes::default(),
            pat: PatConfig::default(),
            clients: vec![
                client("demo-client", "demo-secret", ClientAuth::FormBasic),
                client("demo-raw-client", "demo-secret", ClientAuth::RawBasic),
                client("demo-post-client", "demo-secret", ClientAuth::Post),
                client("demo-public-client", "", ClientAuth::None),
            ],
            users: vec![UserConfig {
                username: "demo-user".into(),
                password: Secret::new("demo-password"),
            }],
            tenants: TenantConfig {
                host: "demohost".into(),
                users: vec![],
                generate: 12,
            },
            realms: vec!["demo".into()],
        }
    }

    /// Refuse configurations that would behave surprisingly: duplicate ids (the first would
    /// silently win), confidential clients without a secret, a host tenant among its own users.
    pub fn validate(&self) -> Result<(), String> {
        let mut seen = std::collections::HashSet::new();
        for c in &self.clients {
            if !seen.insert(c.id.as_str()) {
                return Err(format!("client id {:?} is configured twice", c.id));
            }
            if c.auth != ClientAuth::None && c.secret.is_empty() {
                return Err(format!(
                    "client {:?} ({}) needs a secret",
                    c.id,
                    c.auth.as_str()
                ));
            }
            // RFC 7617 §2: a user-id containing ':' cannot be sent in raw Basic.
            if c.auth == ClientAuth::RawBasic && c.id.contains(':') {
                return Err(format!("raw-basic client {:?} cannot contain ':'", c.id));
            }
        }
        let mut users = std::collections::HashSet::new();
        for u in &self.users {
            if !users.insert(u.username.as_str()) {
                return Err(format!("user {:?} is configured twice", u.username));
            }
        }
        if self.tenants.user_tenants().contains(&self.tenants.host) {
            return Err(format!(
                "host tenant {:?} is also listed as a user tenant",
                self.tenants.host
            ));
        }
        Ok(())
    }

    pub fn client(&self, id: &str) -> Option<&ClientConfig> {
        self.clients.iter().find(|c| c.id == id)
    }

    pub fn user(&self, username: &str) -> Option<&UserConfig> {
        self.users.iter().find(|u| u.username == username)
    }

    /// What the server prints at start when it runs with the demo configuration.
    pub fn describe_demo(&self) -> String {
        let mut out = String::from("demo configuration (no --config given):\n");
        for c in self.clients.iter().filter(|c| c.auth == ClientAuth::None) {
            out.push_str(&format!(
                "  client  {} (public, PKCE; redirect {})\n",
                c.id,
                c.redirect_uris.join(", ")
            ));
        }
        for c in self.clients.iter().filter(|c| c.auth != ClientAuth::None) {
            out.push_str(&format!(
                "  client  {} / {} ({})\n",
                c.id,
                c.secret.expose_secret(),
                c.auth.as_str()
            ));
        }
        for u in &self.users {
            out.push_str(&format!(
                "  user    {} / {}\n",
                u.username,
                u.password.expose_secret()
            ));
        }
        out.push_str(&format!(
            "  tenants host {} with {} user tenants\n  realms  {}\n",
            self.tenants.host,
            self.tenants.user_tenants().len(),
            self.realms.join(", ")
        ));
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn demo_is_valid_and_validation_catches_mistakes() {
        assert_eq!(Config::demo().validate(), Ok(()));
        let mut twice = Config::demo();
        twice.clients.push(twice.clients[0].clone());
        assert!(twice.validate().is_err());
        let mut no_secret = Config::demo();
        no_secret.clients[0].secret = Secret::default();
        assert!(no_secret.validate().is_err());
        let mut colon = Config::demo();
        colon.clients[1].id = "a:b".into();
        assert!(colon.validate().is_err());
        let mut host = Config::demo();
        host.tenants.users.push(host.tenants.host.clone());
        assert!(host.validate().is_err());
    }
}
