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
use crate::json::{self, write_string, Duplicates, ErrorKind, Map, Value};
use crate::secret::Secret;
use crate::time::UnixMillis;
use crate::token::{ExpirySource, RefreshExpiry, Token};
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

struct ExportDoc {
    version: u64,
    exported_at: i64,
    secrets_included: bool,
    entries: Vec<EntryRecord>,
}

struct EntryRecord {
    key: KeyRecord,
    token: Option<TokenRecord>,
    refresh: Option<RefreshRecord>,
}

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

struct TokenRecord {
    access_token: Option<String>,
    token_type: String,
    issued_at: i64,
    expires_at: i64,
    expiry_source: String,
    scope: Option<Vec<String>>,
    id_token: Option<String>,
    extra: Option<Map>,
    /// Names of the `extra` members (always written; values only with secrets).
    extra_keys: Vec<String>,
}

struct RefreshRecord {
    refresh_token: Option<String>,
    expiry: RefreshExpiryRecord,
}

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
    Ok(Secret::new(write_doc(&doc)))
}

// Writing. Members in declaration order (the order the format has always had); `None` is
// `null`, except the secret members, which are left out when not exported.

fn write_doc(doc: &ExportDoc) -> String {
    let mut o = Obj::new(String::new());
    o.raw("version", &doc.version.to_string());
    o.raw("exported_at", &doc.exported_at.to_string());
    o.raw(
        "secrets_included",
        if doc.secrets_included {
            "true"
        } else {
            "false"
        },
    );
    let mut entries = String::from("[");
    for (i, e) in doc.entries.iter().enumerate() {
        if i > 0 {
            entries.push(',');
        }
        entries.push_str(&write_entry(e));
    }
    entries.push(']');
    o.raw("entries", &entries);
    o.end()
}

fn write_entry(e: &EntryRecord) -> String {
    let mut o = Obj::new(String::new());
    let k = &e.key;
    let mut key = Obj::new(String::new());
    key.str("endpoint", Some(&k.endpoint));
    key.str("client_id", Some(&k.client_id));
    key.str("auth_method", Some(&k.auth_method));
    key.str("grant_type", Some(&k.grant_type));
    key.strs("scopes", Some(&k.scopes));
    key.str("audience", k.audience.as_deref());
    key.str("resource", k.resource.as_deref());
    key.str("subject", k.subject.as_deref());
    key.str("discriminator", k.discriminator.as_deref());
    o.raw("key", &key.end());
    match &e.token {
        None => o.raw("token", "null"),
        Some(t) => {
            let mut tok = Obj::new(String::new());
            if let Some(a) = &t.access_token {
                tok.str("access_token", Some(a));
            }
            tok.str("token_type", Some(&t.token_type));
            tok.raw("issued_at", &t.issued_at.to_string());
            tok.raw("expires_at", &t.expires_at.to_string());
            tok.str("expiry_source", Some(&t.expiry_source));
            tok.strs("scope", t.scope.as_deref());
            if let Some(id) = &t.id_token {
                tok.str("id_token", Some(id));
            }
            if let Some(extra) = &t.extra {
                tok.raw("extra", &extra.to_json());
            }
            tok.strs("extra_keys", Some(&t.extra_keys));
            o.raw("token", &tok.end());
        }
    }
    match &e.refresh {
        None => o.raw("refresh", "null"),
        Some(r) => {
            let mut rec = Obj::new(String::new());
            if let Some(t) = &r.refresh_token {
                rec.str("refresh_token", Some(t));
            }
            let mut expiry = Obj::new(String::new());
            match r.expiry {
                RefreshExpiryRecord::Unknown => expiry.str("kind", Some("unknown")),
                RefreshExpiryRecord::Never => expiry.str("kind", Some("never")),
                RefreshExpiryRecord::At { at } => {
                    expiry.str("kind", Some("at"));
                    expiry.raw("at", &at.to_string());
                }
            }
            rec.raw("expiry", &expiry.end());
            o.raw("refresh", &rec.end());
        }
    }
    o.end()
}

/// A JSON object written member by member, in the order given.
struct Obj(String);

impl Obj {
    fn new(mut out: String) -> Self {
        out.push('{');
        Obj(out)
    }

    /// A member whose value is already JSON text.
    fn raw(&mut self, name: &str, json: &str) {
        if self.0.len() > 1 {
            self.0.push(',');
        }
        write_string(&mut self.0, name);
        self.0.push(':');
        self.0.push_str(json);
    }

    fn str(&mut self, name: &str, value: Option<&str>) {
        let mut text = String::new();
        match value {
            Some(v) => write_string(&mut text, v),
            None => text.push_str("null"),
        }
        self.raw(name, &text);
    }

    fn strs(&mut self, name: &str, values: Option<&[String]>) {
        let text = match values {
            Some(items) => {
                Value::Array(items.iter().map(|s| s.as_str().into()).collect()).to_json()
            }
            None => "null".to_owned(),
        };
        self.raw(name, &text);
    }

    fn end(mut self) -> String {
        self.0.push('}');
        self.0
    }
}

/// One validated entry, ready to be applied.
pub(crate) struct Imported {
    pub key: CacheKey,
    pub token: Option<Token>,
    pub refresh: Option<RefreshGrant>,
}

/// Only the kind and position: a message quoting the offending text could quote a token.
fn corrupt(e: json::Error) -> CacheError {
    CacheError::Corrupt {
        reason: match e.kind {
            ErrorKind::Eof => "truncated JSON",
            ErrorKind::Syntax | ErrorKind::Duplicate => "invalid JSON syntax",
        },
        line: e.line,
        column: e.column,
    }
}

/// A well-formed document whose shape is wrong (a missing or unknown member, a wrong type).
/// No position: the check runs on the parsed tree.
const WRONG_SHAPE: CacheError = CacheError::Corrupt {
    reason: "unexpected structure",
    line: 0,
    column: 0,
};

/// Parses and validates an export completely.
pub(crate) fn parse(json: &str) -> Result<Vec<Imported>, CacheError> {
    // A repeated member name keeps the last value (as serde_json, the earlier parser, did).
    let value = json::parse_str(json, Duplicates::KeepLast).map_err(corrupt)?;
    let version = value
        .get("version")
        .and_then(Value::as_u64)
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
    let doc = read_doc(value).ok_or(WRONG_SHAPE)?;
    // A loop, not `map(…).collect::<Result<…>>()`: the same code, without an iterator adapter
    // around it in the wasm module.
    let mut imported = Vec::with_capacity(doc.entries.len());
    for (index, r) in doc.entries.into_iter().enumerate() {
        match entry_from_record(r) {
            Ok(entry) => imported.push(entry),
            Err(reason) => return Err(CacheError::InvalidEntry { index, reason }),
        }
    }
    Ok(imported)
}

// Reading. Every object must have exactly the known members (unknown ones are refused);
// optional members may be missing or `null`.
//
// A member that is missing or has the wrong type marks its object bad and reads as an empty
// value; the record is built in full and refused once, at the end (`Members::done`). Returning
// at each failed read instead (`?` inside the struct literal) makes the compiler write, at every
// read, code dropping the fields read before it: that was most of the importer's size in the
// wasm module.

/// The members of an object that has no others than `known`.
struct Members {
    map: Map,
    /// Every member read so far was present (if required) and of the right type.
    ok: bool,
}

impl Members {
    fn of(value: Value, known: &[&str]) -> Option<Self> {
        let Value::Object(map) = value else {
            return None;
        };
        let all_known = map.keys().all(|k| known.contains(&k.as_str()));
        all_known.then_some(Members { map, ok: true })
    }

    /// `record` if every read was good.
    fn done<T>(self, record: T) -> Option<T> {
        self.ok.then_some(record)
    }

    /// Records a bad read and gives its stand-in value.
    fn bad<T: Default>(&mut self) -> T {
        self.ok = false;
        T::default()
    }

    /// A required member.
    fn required(&mut self, name: &str) -> Option<Value> {
        let value = self.map.remove(name);
        if value.is_none() {
            self.ok = false;
        }
        value
    }

    /// A member that may be missing or `null`.
    fn optional(&mut self, name: &str) -> Option<Value> {
        self.map.remove(name).filter(|v| !v.is_null())
    }

    fn string(&mut self, name: &str) -> String {
        match self.map.remove(name) {
            Some(Value::String(s)) => s,
            _ => self.bad(),
        }
    }

    fn opt_string(&mut self, name: &str) -> Option<String> {
        match self.optional(name) {
            None => None,
            Some(Value::String(s)) => Some(s),
            Some(_) => self.bad(),
        }
    }

    fn int(&mut self, name: &str) -> i64 {
        match self.map.remove(name).and_then(|v| v.as_i64()) {
            Some(n) => n,
            None => self.bad(),
        }
    }

    /// An array of strings.
    fn strings(&mut self, value: Value) -> Vec<String> {
        let Value::Array(items) = value else {
            return self.bad();
        };
        let mut out = Vec::with_capacity(items.len());
        for v in items {
            match v {
                Value::String(s) => out.push(s),
                _ => return self.bad(),
            }
        }
        out
    }
}

fn read_doc(value: Value) -> Option<ExportDoc> {
    let mut m = Members::of(
        value,
        &["version", "exported_at", "secrets_included", "entries"],
    )?;
    let version = m.map.remove("version")?.as_u64()?;
    let exported_at = m.int("exported_at");
    let secrets_included = m.map.remove("secrets_included")?.as_bool()?;
    let Value::Array(items) = m.map.remove("entries")? else {
        return None;
    };
    let mut entries = Vec::with_capacity(items.len());
    for item in items {
        entries.push(read_entry(item)?);
    }
    m.done(ExportDoc {
        version,
        exported_at,
        secrets_included,
        entries,
    })
}

fn read_entry(value: Value) -> Option<EntryRecord> {
    let mut m = Members::of(value, &["key", "token", "refresh"])?;
    let key = m.required("key").and_then(read_key);
    // Outer `None`: present but bad; `Some(None)`: missing or `null`.
    let token = m
        .optional("token")
        .map_or(Some(None), |t| read_token(t).map(Some));
    let refresh = m
        .optional("refresh")
        .map_or(Some(None), |r| read_refresh(r).map(Some));
    match (key, token, refresh) {
        (Some(key), Some(token), Some(refresh)) => Some(EntryRecord {
            key,
            token,
            refresh,
        }),
        _ => None,
    }
}

fn read_key(value: Value) -> Option<KeyRecord> {
    let mut m = Members::of(
        value,
        &[
            "endpoint",
            "client_id",
            "auth_method",
            "grant_type",
            "scopes",
            "audience",
            "resource",
            "subject",
            "discriminator",
        ],
    )?;
    let record = KeyRecord {
        endpoint: m.string("endpoint"),
        client_id: m.string("client_id"),
        auth_method: m.string("auth_method"),
        grant_type: m.string("grant_type"),
        scopes: match m.required("scopes") {
            Some(v) => m.strings(v),
            None => Vec::new(),
        },
        audience: m.opt_string("audience"),
        resource: m.opt_string("resource"),
        subject: m.opt_string("subject"),
        discriminator: m.opt_string("discriminator"),
    };
    m.done(record)
}

fn read_token(value: Value) -> Option<TokenRecord> {
    let mut m = Members::of(
        value,
        &[
            "access_token",
            "token_type",
            "issued_at",
            "expires_at",
            "expiry_source",
            "scope",
            "id_token",
            "extra",
            "extra_keys",
        ],
    )?;
    let record = TokenRecord {
        access_token: m.opt_string("access_token"),
        token_type: m.string("token_type"),
        issued_at: m.int("issued_at"),
        expires_at: m.int("expires_at"),
        expiry_source: m.string("expiry_source"),
        scope: m.optional("scope").map(|v| m.strings(v)),
        id_token: m.opt_string("id_token"),
        extra: match m.optional("extra") {
            None => None,
            Some(Value::Object(map)) => Some(map),
            Some(_) => m.bad(),
        },
        extra_keys: match m.optional("extra_keys") {
            None => Vec::new(),
            Some(v) => m.strings(v),
        },
    };
    m.done(record)
}

fn read_refresh(value: Value) -> Option<RefreshRecord> {
    let mut m = Members::of(value, &["refresh_token", "expiry"])?;
    let refresh_token = m.opt_string("refresh_token");
    let mut e = Members::of(m.required("expiry")?, &["kind", "at"])?;
    let expiry = match e.string("kind").as_str() {
        "unknown" if e.map.is_empty() => RefreshExpiryRecord::Unknown,
        "never" if e.map.is_empty() => RefreshExpiryRecord::Never,
        "at" => RefreshExpiryRecord::At { at: e.int("at") },
        _ => return None,
    };
    if !e.ok {
        return None;
    }
    m.done(RefreshRecord {
        refresh_token,
        expiry,
    })
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
