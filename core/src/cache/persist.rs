//! Persistence: the whole cache as versioned JSON (`{"version":1,…}`).
//!
//! Secrets (access, refresh and ID tokens, and the response's `extra` members, which may hold
//! session data) are written only when explicitly requested. Without them an export is a
//! diagnostic listing that imports nothing usable. Import parses and validates everything before
//! touching the cache, so corrupted or newer-version data leaves it unchanged.

use super::entry::{Cached, Entry, RefreshGrant};
use super::error::CacheError;
use super::key::{CacheKey, KeyData};
use super::timing::EntryTiming;
use crate::client_auth::ClientAuthMethod;
use crate::json::{self, write_string, Duplicates, ErrorKind, Map, Value};
use crate::secret::Secret;
use crate::time::UnixMillis;
use crate::token::{ExpirySource, RefreshExpiry, Token};
use std::fmt::Write;
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

struct EntryRecord {
    key: KeyRecord,
    token: Option<TokenRecord>,
    refresh: Option<RefreshRecord>,
}

struct KeyRecord {
    /// The key's members as read; `auth_method` is a stand-in when `method` is `None`.
    data: KeyData,
    /// `None` for an `auth_method` name this crate does not know.
    method: Option<ClientAuthMethod>,
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

/// Writes the export document for `entries`, straight from the cache's entries into one
/// buffer (no copy of their strings into records first, no text per member joined later).
pub(crate) fn export<'a>(
    entries: impl Iterator<Item = (&'a CacheKey, &'a Entry)>,
    now: UnixMillis,
    options: ExportOptions,
) -> Result<Secret, CacheError> {
    let secrets = options.include_secrets;
    // Members in the order the format has always had; `None` is `null`, except the secret
    // members, which are left out when not exported.
    let mut w = Writer {
        out: String::new(),
        first: true,
    };
    w.open('{');
    w.int("version", EXPORT_VERSION as i64);
    w.int("exported_at", now.as_millis());
    w.raw("secrets_included", if secrets { "true" } else { "false" });
    w.name("entries");
    w.open('[');
    for (key, entry) in entries {
        if entry.cached.is_none() && entry.refresh.is_none() {
            continue;
        }
        w.sep();
        write_entry(&mut w, key, entry, secrets);
    }
    w.close(']');
    w.close('}');
    Ok(Secret::new(w.out))
}

fn write_entry(w: &mut Writer, k: &CacheKey, e: &Entry, secrets: bool) {
    w.open('{');
    w.name("key");
    w.open('{');
    w.str("endpoint", Some(k.endpoint()));
    w.str("client_id", Some(k.client_id()));
    w.str("auth_method", Some(k.auth_method().as_str()));
    w.str("grant_type", Some(k.grant_type()));
    w.strs("scopes", Some(k.scopes().iter()));
    w.str("audience", k.audience());
    w.str("resource", k.resource());
    w.str("subject", k.subject());
    w.str("discriminator", k.discriminator());
    w.close('}');
    match &e.cached {
        None => w.raw("token", "null"),
        Some(c) => {
            let t = &c.token;
            w.name("token");
            w.open('{');
            if secrets {
                w.str("access_token", Some(t.access_token.expose_secret()));
            }
            w.str("token_type", Some(&t.token_type));
            w.int("issued_at", t.issued_at.as_millis());
            w.int("expires_at", t.expires_at.as_millis());
            w.str("expiry_source", Some(t.expiry_source.as_str()));
            w.strs("scope", t.scope.as_deref().map(<[String]>::iter));
            if let (true, Some(id)) = (secrets, &t.id_token) {
                w.str("id_token", Some(id.expose_secret()));
            }
            if secrets {
                w.raw("extra", &t.extra.to_json());
            }
            // Names of the `extra` members: always written; their values only with secrets.
            w.strs("extra_keys", Some(t.extra.keys()));
            w.close('}');
        }
    }
    match &e.refresh {
        None => w.raw("refresh", "null"),
        Some(r) => {
            w.name("refresh");
            w.open('{');
            if secrets {
                w.str("refresh_token", Some(r.token.expose_secret()));
            }
            w.name("expiry");
            w.open('{');
            match r.expiry {
                RefreshExpiry::Unknown => w.str("kind", Some("unknown")),
                RefreshExpiry::Never => w.str("kind", Some("never")),
                RefreshExpiry::At(at) => {
                    w.str("kind", Some("at"));
                    w.int("at", at.as_millis());
                }
            }
            w.close('}');
            w.close('}');
        }
    }
    w.close('}');
}

/// JSON text written member by member, in the order given, into one buffer.
struct Writer {
    out: String,
    /// Nothing written yet in the innermost object or array: no `,` before the next item.
    first: bool,
}

impl Writer {
    /// Starts an object (`{`) or an array (`[`).
    fn open(&mut self, bracket: char) {
        self.out.push(bracket);
        self.first = true;
    }

    /// Ends the object or array: what follows is a next item of the enclosing one.
    fn close(&mut self, bracket: char) {
        self.out.push(bracket);
        self.first = false;
    }

    /// The `,` before an item other than the first.
    fn sep(&mut self) {
        if !self.first {
            self.out.push(',');
        }
        self.first = false;
    }

    /// A member's name; its value follows.
    fn name(&mut self, name: &str) {
        self.sep();
        write_string(&mut self.out, name);
        self.out.push(':');
    }

    /// A member whose value is already JSON text.
    fn raw(&mut self, name: &str, json: &str) {
        self.name(name);
        self.out.push_str(json);
    }

    fn int(&mut self, name: &str, value: i64) {
        self.name(name);
        // Writing to a `String` cannot fail.
        let _ = write!(self.out, "{value}");
    }

    fn str(&mut self, name: &str, value: Option<&str>) {
        self.name(name);
        match value {
            Some(v) => write_string(&mut self.out, v),
            None => self.out.push_str("null"),
        }
    }

    /// An array of strings, or `null`.
    fn strs<'s>(&mut self, name: &str, values: Option<impl Iterator<Item = &'s String>>) {
        self.name(name);
        match values {
            Some(items) => {
                self.open('[');
                for item in items {
                    self.sep();
                    write_string(&mut self.out, item);
                }
                self.close(']');
            }
            None => self.out.push_str("null"),
        }
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
    read_doc(value).ok_or(WRONG_SHAPE)?
}

// Reading. Every object must have exactly the known members (unknown ones are refused);
// optional members may be missing or `null`. Each read takes its member out of the object, so a
// member still there at the end (`Members::done`) is one no reader knows: no list of the known
// names is kept besides the reads themselves.
//
// A member that is missing or has the wrong type marks its object bad and reads as an empty
// value; the record is built in full and refused once, at the end (`Members::done`). Returning
// at each failed read instead (`?` inside the struct literal) makes the compiler write, at every
// read, code dropping the fields read before it: that was most of the importer's size in the
// wasm module.

/// The members of an object not read yet.
struct Members {
    map: Map,
    /// Every member read so far was present (if required) and of the right type.
    ok: bool,
}

impl Members {
    fn of(value: Value) -> Option<Self> {
        let Value::Object(map) = value else {
            return None;
        };
        Some(Members { map, ok: true })
    }

    /// `record` if every read was good and no member is left (an unknown one).
    fn done<T>(self, record: T) -> Option<T> {
        (self.ok && self.map.is_empty()).then_some(record)
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

/// The entries of a document whose other members (checked here) are not used further: `None`
/// when its shape is wrong, else the entries, or why the first invalid one is refused. Each
/// entry is validated as it is read (no list of records kept first); a later entry of the wrong
/// shape still makes the whole document `None`.
fn read_doc(value: Value) -> Option<Result<Vec<Imported>, CacheError>> {
    let mut m = Members::of(value)?;
    m.map.remove("version")?.as_u64()?;
    m.int("exported_at");
    m.map.remove("secrets_included")?.as_bool()?;
    let Value::Array(items) = m.map.remove("entries")? else {
        return None;
    };
    let mut imported = Ok(Vec::with_capacity(items.len()));
    for (index, item) in items.into_iter().enumerate() {
        let record = read_entry(item)?;
        if let Ok(entries) = &mut imported {
            match entry_from_record(record) {
                Ok(entry) => entries.push(entry),
                Err(reason) => imported = Err(CacheError::InvalidEntry { index, reason }),
            }
        }
    }
    m.done(imported)
}

fn read_entry(value: Value) -> Option<EntryRecord> {
    let mut m = Members::of(value)?;
    let key = m.required("key").and_then(read_key);
    // Outer `None`: present but bad; `Some(None)`: missing or `null`.
    let token = m
        .optional("token")
        .map_or(Some(None), |t| read_token(t).map(Some));
    let refresh = m
        .optional("refresh")
        .map_or(Some(None), |r| read_refresh(r).map(Some));
    let record = match (key, token, refresh) {
        (Some(key), Some(token), Some(refresh)) => EntryRecord {
            key,
            token,
            refresh,
        },
        _ => return None,
    };
    m.done(record)
}

fn read_key(value: Value) -> Option<KeyRecord> {
    let mut m = Members::of(value)?;
    let endpoint = m.string("endpoint");
    let client_id = m.string("client_id");
    let method = ClientAuthMethod::from_str(&m.string("auth_method")).ok();
    let record = KeyRecord {
        data: KeyData {
            endpoint,
            client_id,
            auth_method: method.unwrap_or(ClientAuthMethod::None),
            grant_type: m.string("grant_type"),
            scopes: match m.required("scopes") {
                Some(v) => m.strings(v),
                None => Vec::new(),
            },
            audience: m.opt_string("audience"),
            resource: m.opt_string("resource"),
            subject: m.opt_string("subject"),
            discriminator: m.opt_string("discriminator"),
        },
        method,
    };
    m.done(record)
}

fn read_token(value: Value) -> Option<TokenRecord> {
    let mut m = Members::of(value)?;
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
    };
    // The names of the `extra` members, a listing for readers of an export without secrets:
    // checked (an array of strings), not used.
    if let Some(v) = m.optional("extra_keys") {
        m.strings(v);
    }
    m.done(record)
}

fn read_refresh(value: Value) -> Option<RefreshRecord> {
    let mut m = Members::of(value)?;
    let refresh_token = m.opt_string("refresh_token");
    let mut e = Members::of(m.required("expiry")?)?;
    // `at` only with the kind `at`: with another kind it is a member left over.
    let expiry = match e.string("kind").as_str() {
        "unknown" => RefreshExpiryRecord::Unknown,
        "never" => RefreshExpiryRecord::Never,
        "at" => RefreshExpiryRecord::At { at: e.int("at") },
        _ => return None,
    };
    e.done(())?;
    m.done(RefreshRecord {
        refresh_token,
        expiry,
    })
}

fn entry_from_record(r: EntryRecord) -> Result<Imported, &'static str> {
    // Every check first, on the borrowed record and in this order (the first failing one names
    // the reason); then the building, which cannot fail. Checking while moving fields out would
    // leave a partly moved record to drop at each refusal: code at each one in the wasm module.
    let k = &r.key.data;
    if k.endpoint.is_empty() || k.client_id.is_empty() || k.grant_type.is_empty() {
        return Err("endpoint, client_id and grant_type must not be empty");
    }
    if r.key.method.is_none() {
        return Err("unknown auth_method");
    }
    if let Some(RefreshRecord {
        refresh_token: Some(t),
        ..
    }) = &r.refresh
    {
        if t.is_empty() {
            return Err("empty refresh_token");
        }
    }
    let expiry_source = match &r.token {
        Some(TokenRecord {
            access_token: Some(access_token),
            token_type,
            expiry_source,
            ..
        }) => {
            if access_token.is_empty() || token_type.is_empty() {
                return Err("empty access_token or token_type");
            }
            Some(match expiry_source.as_str() {
                "expires_in" => ExpirySource::ExpiresIn,
                "jwt_exp" => ExpirySource::JwtExp,
                "default_lifetime" => ExpirySource::DefaultLifetime,
                _ => return Err("unknown expiry_source"),
            })
        }
        _ => None,
    };

    let EntryRecord {
        key: k,
        token,
        refresh,
    } = r;
    let key = k.data.into_key();
    let refresh = match refresh {
        Some(RefreshRecord {
            refresh_token: Some(t),
            expiry,
        }) => Some(RefreshGrant {
            token: Secret::new(t),
            expiry: match expiry {
                RefreshExpiryRecord::Unknown => RefreshExpiry::Unknown,
                RefreshExpiryRecord::Never => RefreshExpiry::Never,
                RefreshExpiryRecord::At { at } => RefreshExpiry::At(UnixMillis(at)),
            },
            // The imported token's, set by `usable_entry`.
            scope: None,
        }),
        _ => None,
    };
    let token = match (token, expiry_source) {
        (
            Some(TokenRecord {
                access_token: Some(access_token),
                token_type,
                issued_at,
                expires_at,
                expiry_source: _,
                scope,
                id_token,
                extra,
            }),
            Some(expiry_source),
        ) => Some(Token {
            access_token: Secret::new(access_token),
            token_type,
            issued_at: UnixMillis(issued_at),
            expires_at: UnixMillis(expires_at),
            expiry_source,
            refresh_token: refresh.as_ref().map(|r| r.token.clone()),
            refresh_expiry: refresh
                .as_ref()
                .map_or(RefreshExpiry::Unknown, |r| r.expiry),
            scope,
            id_token: id_token.map(Secret::new),
            extra: extra.unwrap_or_default(),
        }),
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
    mut imported: Imported,
    now: UnixMillis,
    tick: u64,
    jitter: &mut super::timing::Jitter,
) -> Option<(CacheKey, Entry)> {
    if let (Some(r), Some(t)) = (imported.refresh.as_mut(), imported.token.as_ref()) {
        r.scope = t.scope.clone();
    }
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

#[cfg(test)]
mod tests {
    use super::ExportOptions;
    use crate::cache::{CacheConfig, CacheKey, TokenCache};
    use crate::client_auth::ClientAuthMethod;
    use crate::secret::Secret;
    use crate::time::UnixMillis;
    use crate::token::{ExpirySource, RefreshExpiry, Token};

    /// One entry with every member set (scopes, audience, a subject, id token, `extra`, a
    /// refresh token with an expiry), and strings that need escaping.
    fn filled() -> TokenCache {
        let cache = TokenCache::new(CacheConfig {
            jitter_seed: Some(7),
            ..CacheConfig::default()
        });
        let key = CacheKey::builder(
            "https://idp.example/token",
            "app \"one\"",
            ClientAuthMethod::ClientSecretPost,
            "refresh_token",
        )
        .scopes(["write", "read"])
        .audience(Some("api"))
        .subject(Some("user\n1"))
        .build();
        let mut token = Token {
            access_token: Secret::new("at-1"),
            token_type: "Bearer".into(),
            issued_at: UnixMillis(1_000),
            expires_at: UnixMillis(3_601_000),
            expiry_source: ExpirySource::JwtExp,
            refresh_token: Some(Secret::new("rt-1")),
            refresh_expiry: RefreshExpiry::At(UnixMillis(86_401_000)),
            scope: Some(vec!["read".into(), "write".into()]),
            id_token: Some(Secret::new("id-1")),
            extra: Default::default(),
        };
        token.extra.insert("session".into(), "s-1".into());
        token.extra.insert("n".into(), 5u64.into());
        cache.insert(&key, token, UnixMillis(1_000));
        cache
    }

    fn export(secrets: bool) -> String {
        let options = ExportOptions {
            include_secrets: secrets,
        };
        let json = filled().export(UnixMillis(2_000), options).unwrap();
        json.expose_secret().to_owned()
    }

    /// The exact text the record-based writer (before 2026-11, commit 231a7b5) produced for
    /// this entry: the format is read by older versions and by people, so it must not drift.
    #[test]
    fn export_text_is_unchanged() {
        let key = r#"{"key":{"endpoint":"https://idp.example/token","client_id":"app \"one\"","auth_method":"client_secret_post","grant_type":"refresh_token","scopes":["read","write"],"audience":"api","resource":null,"subject":"user\n1","discriminator":null}"#;
        assert_eq!(
            export(true),
            format!(
                r#"{{"version":1,"exported_at":2000,"secrets_included":true,"entries":[{key},"token":{{"access_token":"at-1","token_type":"Bearer","issued_at":1000,"expires_at":3601000,"expiry_source":"jwt_exp","scope":["read","write"],"id_token":"id-1","extra":{{"n":5,"session":"s-1"}},"extra_keys":["n","session"]}},"refresh":{{"refresh_token":"rt-1","expiry":{{"kind":"at","at":86401000}}}}}}]}}"#
            )
        );
        assert_eq!(
            export(false),
            format!(
                r#"{{"version":1,"exported_at":2000,"secrets_included":false,"entries":[{key},"token":{{"token_type":"Bearer","issued_at":1000,"expires_at":3601000,"expiry_source":"jwt_exp","scope":["read","write"],"extra_keys":["n","session"]}},"refresh":{{"expiry":{{"kind":"at","at":86401000}}}}}}]}}"#
            )
        );
    }

    /// A wrong shape anywhere refuses the document, even after an invalid entry; otherwise the
    /// first invalid entry is named, by its index.
    #[test]
    fn shape_before_entry_reasons() {
        let good = export(true);
        let (head, entry) = good.split_once("[").unwrap();
        let entry = entry.strip_suffix("]}").unwrap();
        let bad_method = entry.replace("client_secret_post", "telepathy");
        let doc = |entries: &[&str]| format!("{head}[{}]}}", entries.join(","));
        match super::parse(&doc(&[entry, &bad_method, entry])) {
            Err(crate::cache::CacheError::InvalidEntry { index: 1, reason }) => {
                assert_eq!(reason, "unknown auth_method")
            }
            other => panic!("{:?}", other.map(|v| v.len())),
        }
        let wrong_shape = entry.replace("\"token_type\"", "\"token_kind\"");
        match super::parse(&doc(&[&bad_method, &wrong_shape])) {
            Err(crate::cache::CacheError::Corrupt { reason, .. }) => {
                assert_eq!(reason, "unexpected structure")
            }
            other => panic!("{:?}", other.map(|v| v.len())),
        }
        assert_eq!(super::parse(&doc(&[entry, entry])).map(|v| v.len()), Ok(2));
    }

    /// A member no reader knows, at any level, refuses the document: a member left over once
    /// every known one was read (`Members::done`).
    #[test]
    fn unknown_members_are_refused() {
        let good = export(true);
        assert!(super::parse(&good).is_ok());
        let never = good.replace(r#""kind":"at","at":86401000"#, r#""kind":"never""#);
        assert!(super::parse(&never).is_ok());
        let cases = [
            good.replace(r#"{"key":{"#, r#"{"x":1,"key":{"#),
            good.replace(r#""endpoint":"#, r#""x":1,"endpoint":"#),
            good.replace(r#""token_type":"#, r#""x":null,"token_type":"#),
            good.replace(r#""refresh_token":"#, r#""x":1,"refresh_token":"#),
            good.replace(r#""kind":"at","#, r#""x":1,"kind":"at","#),
            // `at` belongs to the kind `at` only.
            good.replace(r#""kind":"at","#, r#""kind":"never","#),
            good.replace(r#""kind":"at","#, r#""kind":"unknown","#),
        ];
        for case in cases {
            assert_ne!(case, good);
            match super::parse(&case) {
                Err(crate::cache::CacheError::Corrupt { reason, .. }) => {
                    assert_eq!(reason, "unexpected structure", "{case}")
                }
                other => panic!("{case}: {:?}", other.map(|v| v.len())),
            }
        }
    }

    /// The reason an invalid entry is refused with; when several checks fail, the first in
    /// `entry_from_record`'s order.
    #[test]
    fn invalid_entry_reasons() {
        let good = export(true);
        let reason = |json: &str| match super::parse(json) {
            Err(crate::cache::CacheError::InvalidEntry { index: 0, reason }) => reason,
            other => panic!("{:?}", other.map(|v| v.len())),
        };
        let empty_endpoint = good.replace("https://idp.example/token", "");
        let bad_method = good.replace("client_secret_post", "telepathy");
        let empty_refresh = good.replace("\"rt-1\"", "\"\"");
        let empty_access = good.replace("\"at-1\"", "\"\"");
        let bad_source = good.replace("\"jwt_exp\"", "\"bogus\"");
        assert!(super::parse(&good).is_ok());
        assert_eq!(
            reason(&empty_endpoint),
            "endpoint, client_id and grant_type must not be empty"
        );
        assert_eq!(reason(&bad_method), "unknown auth_method");
        assert_eq!(reason(&empty_refresh), "empty refresh_token");
        assert_eq!(reason(&empty_access), "empty access_token or token_type");
        assert_eq!(reason(&bad_source), "unknown expiry_source");
        // Several at once: the earlier check wins.
        let all = empty_endpoint
            .replace("client_secret_post", "telepathy")
            .replace("\"rt-1\"", "\"\"")
            .replace("\"jwt_exp\"", "\"bogus\"");
        assert_eq!(
            reason(&all),
            "endpoint, client_id and grant_type must not be empty"
        );
        let later = bad_method.replace("\"rt-1\"", "\"\"");
        assert_eq!(reason(&later), "unknown auth_method");
        let last = empty_refresh.replace("\"jwt_exp\"", "\"bogus\"");
        assert_eq!(reason(&last), "empty refresh_token");
        let access_first = empty_access.replace("\"jwt_exp\"", "\"bogus\"");
        assert_eq!(reason(&access_first), "empty access_token or token_type");
    }
}
