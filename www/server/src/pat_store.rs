//! Core's PAT [`TokenStore`] over SQLite: only hashes and display hints are stored, never a
//! plaintext token. `:memory:` gives a fresh in-memory database (tests, demo).

use rusqlite::{params, Connection, OptionalExtension, Row};
use tokensmith::pat::{TokenKind, TokenRecord, TokenStore};
use tokensmith::UnixMillis;

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS pat_tokens (
    id           TEXT PRIMARY KEY,
    owner        TEXT NOT NULL,
    kind         TEXT NOT NULL,
    description  TEXT NOT NULL,
    scopes       TEXT NOT NULL,
    created_at   INTEGER NOT NULL,
    expires_at   INTEGER,
    last_used_at INTEGER,
    revoked_at   INTEGER,
    hash         TEXT NOT NULL UNIQUE,
    hint         TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS pat_tokens_owner ON pat_tokens (owner);
CREATE TABLE IF NOT EXISTS deactivated_owners (owner TEXT PRIMARY KEY);
";

const COLUMNS: &str = "id, owner, kind, description, scopes, created_at, expires_at, \
                       last_used_at, revoked_at, hash, hint";

pub struct SqliteStore {
    conn: Connection,
}

fn record(row: &Row<'_>) -> rusqlite::Result<TokenRecord> {
    let kind: String = row.get(2)?;
    let scopes: String = row.get(4)?;
    let millis = |v: Option<i64>| v.map(UnixMillis);
    Ok(TokenRecord {
        id: row.get(0)?,
        owner: row.get(1)?,
        // Only `TokenKind::as_str` values are ever written.
        kind: TokenKind::parse(&kind).unwrap_or(TokenKind::Personal),
        description: row.get(3)?,
        // Scopes are stored space-separated, like an OAuth scope string (RFC 6749 §3.3).
        scopes: scopes
            .split(' ')
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect(),
        created_at: UnixMillis(row.get(5)?),
        expires_at: millis(row.get(6)?),
        last_used_at: millis(row.get(7)?),
        revoked_at: millis(row.get(8)?),
        hash: row.get(9)?,
        hint: row.get(10)?,
    })
}

impl SqliteStore {
    /// Open (or create) the database at `path`; `":memory:"` for an in-memory one.
    pub fn open(path: &str) -> Result<SqliteStore, String> {
        let conn = Connection::open(path).map_err(|e| format!("cannot open {path}: {e}"))?;
        conn.execute_batch(SCHEMA)
            .map_err(|e| format!("cannot create the PAT schema: {e}"))?;
        Ok(SqliteStore { conn })
    }

    /// `TokenStore` methods cannot return errors; a failed statement is logged (without values)
    /// and treated as "nothing found" / "nothing written".
    fn log_error(operation: &str, e: &rusqlite::Error) {
        eprintln!(
            "{}",
            serde_json::json!({"level": "error", "event": "sqlite", "operation": operation, "error": e.to_string()})
        );
    }

    fn query(&self, operation: &str, sql: &str, param: &str) -> Vec<TokenRecord> {
        let result = self.conn.prepare(sql).and_then(|mut stmt| {
            stmt.query_map(params![param], record)?
                .collect::<rusqlite::Result<Vec<_>>>()
        });
        result.unwrap_or_else(|e| {
            Self::log_error(operation, &e);
            Vec::new()
        })
    }

    fn write(&self, operation: &str, sql: &str, values: &[&dyn rusqlite::ToSql]) {
        if let Err(e) = self.conn.execute(sql, values) {
            Self::log_error(operation, &e);
        }
    }
}

impl TokenStore for SqliteStore {
    fn insert(&mut self, r: TokenRecord) {
        let scopes = r.scopes.join(" ");
        self.write(
            "insert",
            &format!("INSERT INTO pat_tokens ({COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)"),
            &[
                &r.id,
                &r.owner,
                &r.kind.as_str(),
                &r.description,
                &scopes,
                &r.created_at.0,
                &r.expires_at.map(|t| t.0),
                &r.last_used_at.map(|t| t.0),
                &r.revoked_at.map(|t| t.0),
                &r.hash,
                &r.hint,
            ],
        );
    }

    fn update(&mut self, r: TokenRecord) {
        let scopes = r.scopes.join(" ");
        self.write(
            "update",
            "UPDATE pat_tokens SET owner = ?2, kind = ?3, description = ?4, scopes = ?5, \
             created_at = ?6, expires_at = ?7, last_used_at = ?8, revoked_at = ?9, hash = ?10, \
             hint = ?11 WHERE id = ?1",
            &[
                &r.id,
                &r.owner,
                &r.kind.as_str(),
                &r.description,
                &scopes,
                &r.created_at.0,
                &r.expires_at.map(|t| t.0),
                &r.last_used_at.map(|t| t.0),
                &r.revoked_at.map(|t| t.0),
                &r.hash,
                &r.hint,
            ],
        );
    }

    fn get(&self, id: &str) -> Option<TokenRecord> {
        let sql = format!("SELECT {COLUMNS} FROM pat_tokens WHERE id = ?1");
        self.query("get", &sql, id).into_iter().next()
    }

    fn find_by_hash(&self, hash_hex: &str) -> Option<TokenRecord> {
        let sql = format!("SELECT {COLUMNS} FROM pat_tokens WHERE hash = ?1");
        self.query("find_by_hash", &sql, hash_hex)
            .into_iter()
            .next()
    }

    fn list_by_owner(&self, owner: &str) -> Vec<TokenRecord> {
        let sql =
            format!("SELECT {COLUMNS} FROM pat_tokens WHERE owner = ?1 ORDER BY created_at, id");
        self.query("list_by_owner", &sql, owner)
    }

    fn is_owner_deactivated(&self, owner: &str) -> bool {
        self.conn
            .query_row(
                "SELECT 1 FROM deactivated_owners WHERE owner = ?1",
                params![owner],
                |_| Ok(()),
            )
            .optional()
            .unwrap_or_else(|e| {
                Self::log_error("is_owner_deactivated", &e);
                // Fail closed: an unreadable state counts as deactivated.
                Some(())
            })
            .is_some()
    }

    fn set_owner_deactivated(&mut self, owner: &str, deactivated: bool) {
        let sql = if deactivated {
            "INSERT OR IGNORE INTO deactivated_owners (owner) VALUES (?1)"
        } else {
            "DELETE FROM deactivated_owners WHERE owner = ?1"
        };
        self.write("set_owner_deactivated", sql, &[&owner]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(id: &str, owner: &str) -> TokenRecord {
        TokenRecord {
            id: id.into(),
            owner: owner.into(),
            kind: TokenKind::Client,
            description: "ci runner".into(),
            scopes: vec!["read".into(), "write".into()],
            created_at: UnixMillis(1),
            expires_at: Some(UnixMillis(5)),
            last_used_at: None,
            revoked_at: None,
            hash: format!("{id:0>64}"),
            hint: "tsm_…abcd".into(),
        }
    }

    #[test]
    fn round_trips_records_and_owner_state() {
        let mut store = SqliteStore::open(":memory:").unwrap();
        store.insert(sample("a", "alice"));
        store.insert(sample("b", "alice"));
        store.insert(sample("c", "bob"));
        assert_eq!(store.get("a"), Some(sample("a", "alice")));
        assert_eq!(
            store.find_by_hash(&format!("{:0>64}", "c")).unwrap().owner,
            "bob"
        );
        assert_eq!(store.list_by_owner("alice").len(), 2);
        let mut changed = sample("a", "alice");
        changed.revoked_at = Some(UnixMillis(3));
        changed.last_used_at = Some(UnixMillis(2));
        store.update(changed.clone());
        assert_eq!(store.get("a"), Some(changed));
        assert!(store.get("zz").is_none());
        assert!(!store.is_owner_deactivated("alice"));
        store.set_owner_deactivated("alice", true);
        assert!(store.is_owner_deactivated("alice"));
        store.set_owner_deactivated("alice", false);
        assert!(!store.is_owner_deactivated("alice"));
    }
}
