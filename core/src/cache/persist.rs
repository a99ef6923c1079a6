//! Persistence: the whole cache as versioned JSON (`{"version":1,…}`).
//!
//! Secrets (access, refresh and ID tokens, and the response's `extra` members, which may hold
//! session data) are written only when explicitly requested. Without them an export is a
//! diagnostic listing that imports nothing usable. Import parses and validates everything before
//! touching the cache, so corrupted or newer-version data leaves it unchanged.

use super::entry::{Cached, Entry, RefreshGrant};
use super::error::CacheError;
use super::key::CacheKey;
use super::timing::EntryTiming;
use crate::client_auth::ClientAuthMethod;
use crate::secret::Secret;
use crate::time::UnixMillis;
use crate::token::{ExpirySource, RefreshExpiry, Token};
use serde::{Deserialize, Serialize};
use std::str::FromStr;
use std::sync::Arc;

/// The format version written by this crate and the newest it reads.
pub const EXPORT_VERSION: u64 = 1;

/// What to include in an export.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ExportOptions {
    /// Write access, refresh and ID tokens and `extra` members. Off by default.
    pub include_secrets: bool,
}

/// What an import did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ImportReport {
    pub imported: usize,
    /// Entries with nothing usable (expired, or exported without secrets), or whose key already
    /// holds a fetch in flight or a token that lasts longer.
    pub skipped: usize,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct ExportDoc {
    version: u64,
    exported_at: i64,
    secrets_included: bool,
    entries: Vec<EntryRecord>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct EntryRecord {
    key: KeyRecord,
    token: Option<TokenRecord>,
    refresh: Option<RefreshRecord>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct KeyRecord {
    endpoint: String,
    client_id: String,
    auth_method: String,
    grant_type: String,
    scopes: Vec<String>,
    audience: Option<String>,
    resource: Option<String>,
    subject: Option<String>,
    discriminator: Option<String>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct TokenRecord {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    access_token: Option<String>,
    token_type: String,
    issued_at: i64,
    expires_at: i64,
    expiry_source: String,
    scope: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    id_token: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    extra: Option<serde_json::Map<String, serde_json::Value>>,
    /// Names of the `extra` members (always written; values only with secrets).
    #[serde(default)]
    extra_keys: Vec<String>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct RefreshRecord {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    refresh_token: Option<String>,
    expiry: RefreshExpiryRecord,
}

#[derive(Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
enum RefreshExpiryRecord {
    Unknown,
    Never,
    At { at: i64 },
}

fn key_record(key: &CacheKey) -> KeyRecord {
    KeyRecord {
        endpoint: key.endpoint().to_owned(),
        client_id: key.client_id().to_owned(),
        auth_method: key.auth_method().as_str().to_owned(),
        grant_type: key.grant_type().to_owned(),
        scopes: key.scopes().to_vec(),
        audience: key.audience().map(str::to_owned),
        resource: key.resource().map(str::to_owned),
        subject: key.subject().map(str::to_owned),
        discriminator: key.discriminator().map(str::to_owned),
    }
}

fn token_record(token: &Token, secrets: bool) -> TokenRecord {
    let reveal = |s: &Secret| secrets.then(|| s.expose_secret().to_owned());
    TokenRecord {
        access_token: reveal(&token.access_token),
        token_type: token.token_type.clone(),
        issued_at: token.issued_at.as_millis(),
        expires_at: token.expires_at.as_millis(),
        expiry_source: token.expiry_source.as_str().to_owned(),
        scope: token.scope.clone(),
        id_token: token.id_token.as_ref().and_then(reveal),
        extra: secrets.then(|| token.extra.clone()),
        extra_keys: token.extra.keys().cloned().collect(),
    }
}

fn refresh_expiry_record(e: RefreshExpiry) -> RefreshExpiryRecord {
    match e {
        RefreshExpiry::Unknown => RefreshExpiryRecord::Unknown,
        RefreshExpiry::Never => RefreshExpiryRecord::Never,
        RefreshExpiry::At(at) => RefreshExpiryRecord::At { at: at.as_millis() },
    }
}

/// Writes the export document for `entries`.
pub(crate) fn export<'a>(
    entries: impl Iterator<Item = (&'a CacheKey, &'a Entry)>,
    now: UnixMillis,
    options: ExportOptions,
) -> Result<Secret, CacheError> {
    let secrets = options.include_secrets;
    let doc = ExportDoc {
        version: EXPORT_VERSION,
        exported_at: now.as_millis(),
        secrets_included: secrets,
        entries: entries
            .filter(|(_, e)| e.cached.is_some() || e.refresh.is_some())
            .map(|(k, e)| EntryRecord {
                key: key_record(k),
                token: e.cached.as_ref().map(|c| token_record(&c.token, secrets)),
                refresh: e.refresh.as_ref().map(|r| RefreshRecord {
                    refresh_token: secrets.then(|| r.token.expose_secret().to_owned()),
                    expiry: refresh_expiry_record(r.expiry),
                }),
            })
            .collect(),
    };
    serde_json::to_string(&doc)
        .map(Secret::new)
        .map_err(|_| CacheError::Serialize)
}

/// One validated entry, ready to be applied.
pub(crate) struct Imported {
    pub key: CacheKey,
    pub token: Option<Token>,
    pub refresh: Option<RefreshGrant>,
}

fn corrupt(e: &serde_json::Error) -> CacheError {
    // Only the category and position: serde_json's messages can quote the offending value,
    // which may be a token.
    let reason = match e.classify() {
        serde_json::error::Category::Syntax => "invalid JSON syntax",
        serde_json::error::Category::Eof => "truncated JSON",
        serde_json::error::Category::Data => "unexpected structure",
        serde_json::error::Category::Io => "read error",
    };
    CacheError::Corrupt {
        reason,
        line: e.line(),
        column: e.column(),
    }
}

/// Parses and validates an export completely.
pub(crate) fn parse(json: &str) -> Result<Vec<Imported>, CacheError> {
    let value: serde_json::Value = serde_json::from_str(json).map_err(|e| corrupt(&e))?;
    let version = value
        .get("version")
        .and_then(serde_json::Value::as_u64)
        .ok_or(CacheError::Corrupt {
            reason: "missing or invalid version",
            line: 0,
            column: 0,
        })?;
    if version != EXPORT_VERSION {
        return Err(CacheError::UnsupportedVersion {
            found: version,
            supported: EXPORT_VERSION,
        });
    }
    let doc: ExportDoc = serde_json::from_value(value).map_err(|e| corrupt(&e))?;
    doc.entries
        .into_iter()
        .enumerate()
        .map(|(index, r)| {
            entry_from_record(r).map_err(|reason| CacheError::InvalidEntry { index, reason })
        })
        .collect()
}

fn entry_from_record(r: EntryRecord) -> Result<Imported, &'static str> {
    let k = r.key;
    if k.endpoint.is_empty() || k.client_id.is_empty() || k.grant_type.is_empty() {
        return Err("endpoint, client_id and grant_type must not be empty");
    }
    let method = ClientAuthMethod::from_str(&k.auth_method).map_err(|_| "unknown auth_method")?;
    let key = CacheKey::builder(k.endpoint, k.client_id, method, k.grant_type)
        .scopes(&k.scopes)
        .audience(k.audience.as_deref())
        .resource(k.resource.as_deref())
        .subject(k.subject.as_deref())
        .discriminator(k.discriminator.as_deref())
        .build();
    let refresh = match r.refresh {
        Some(RefreshRecord {
            refresh_token: Some(t),
            expiry,
        }) => {
            if t.is_empty() {
                return Err("empty refresh_token");
            }
            Some(RefreshGrant {
                token: Secret::new(t),
                expiry: match expiry {
                    RefreshExpiryRecord::Unknown => RefreshExpiry::Unknown,
                    RefreshExpiryRecord::Never => RefreshExpiry::Never,
                    RefreshExpiryRecord::At { at } => RefreshExpiry::At(UnixMillis(at)),
                },
            })
        }
        _ => None,
    };
    let token = match r.token {
        Some(TokenRecord {
            access_token: Some(access_token),
            token_type,
            issued_at,
            expires_at,
            expiry_source,
            scope,
            id_token,
            extra,
            extra_keys: _,
        }) => {
            if access_token.is_empty() || token_type.is_empty() {
                return Err("empty access_token or token_type");
            }
            Some(Token {
                access_token: Secret::new(access_token),
                token_type,
                issued_at: UnixMillis(issued_at),
                expires_at: UnixMillis(expires_at),
                expiry_source: match expiry_source.as_str() {
                    "expires_in" => ExpirySource::ExpiresIn,
                    "jwt_exp" => ExpirySource::JwtExp,
                    "default_lifetime" => ExpirySource::DefaultLifetime,
                    _ => return Err("unknown expiry_source"),
                },
                refresh_token: refresh.as_ref().map(|r| r.token.clone()),
                refresh_expiry: refresh
                    .as_ref()
                    .map_or(RefreshExpiry::Unknown, |r| r.expiry),
                scope,
                id_token: id_token.map(Secret::new),
                extra: extra.unwrap_or_default(),
            })
        }
        _ => None,
    };
    Ok(Imported {
        key,
        token,
        refresh,
    })
}

/// Builds the entry for an imported record, or `None` if nothing in it is usable at `now`.
pub(crate) fn usable_entry(
    imported: Imported,
    now: UnixMillis,
    tick: u64,
    jitter: &mut super::timing::Jitter,
) -> Option<(CacheKey, Entry)> {
    let cached = imported.token.and_then(|token| {
        let t = EntryTiming::schedule(&token, jitter)?;
        let c = Cached {
            token: Arc::new(token),
            refresh_at: t.refresh_at,
            usable_until: t.usable_until,
            expires_at: t.expires_at,
        };
        c.serves(now, 0).then_some(c)
    });
    let refresh = imported.refresh.filter(|r| r.usable(now));
    if cached.is_none() && refresh.is_none() {
        return None;
    }
    let mut entry = Entry::new(now, tick);
    entry.cached = cached;
    entry.refresh = refresh;
    Some((imported.key, entry))
}
