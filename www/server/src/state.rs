//! Shared server state: configuration, the current signing key, refresh tokens, revoked access
//! tokens, the fault plan and the clock.

use crate::auth_codes::CodeStore;
use crate::config::Config;
use crate::faults::FaultPlan;
use crate::keys::SigningKey;
use crate::pat_store::SqliteStore;
use crate::refresh_store::RefreshStore;
use std::collections::HashSet;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError, RwLock};
use std::time::{SystemTime, UNIX_EPOCH};
use tokensmith::pat::{Registry, TokenHasher};

pub struct Inner {
    pub config: Config,
    /// `http://host:port`, the `iss` of every token (RFC 7519 §4.1.1, RFC 8414 §2).
    pub issuer: String,
    pub key: RwLock<Arc<SigningKey>>,
    pub refresh: Mutex<RefreshStore>,
    /// Authorization codes (RFC 6749 §4.1) waiting to be redeemed.
    pub codes: Mutex<CodeStore>,
    /// `jti`s of access tokens revoked through RFC 7009.
    pub revoked_jtis: Mutex<HashSet<String>>,
    pub faults: Mutex<FaultPlan>,
    /// Personal access tokens, hashed in SQLite through core's registry.
    pub pats: Mutex<Registry<SqliteStore>>,
    /// Added to the system clock; `/admin/clock` advances it so tests can expire tokens
    /// without sleeping.
    clock_offset_ms: AtomicI64,
}

pub type AppState = Arc<Inner>;

/// Lock a mutex even if a previous holder panicked: the data is plain maps that stay consistent.
pub fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Inner {
    pub fn new(config: Config, issuer: String) -> Result<AppState, String> {
        let store = SqliteStore::open(&config.pat.database)?;
        // Plain SHA-256: PATs carry enough entropy that a pepper adds nothing for a dev server.
        let pats = Registry::new(store, TokenHasher::Sha256, &config.pat.prefix)
            .map_err(|e| format!("invalid PAT prefix: {e}"))?;
        Ok(Arc::new(Inner {
            pats: Mutex::new(pats),
            config,
            issuer,
            key: RwLock::new(Arc::new(SigningKey::generate()?)),
            refresh: Mutex::new(RefreshStore::default()),
            codes: Mutex::new(CodeStore::default()),
            revoked_jtis: Mutex::new(HashSet::new()),
            faults: Mutex::new(FaultPlan::default()),
            clock_offset_ms: AtomicI64::new(0),
        }))
    }

    pub fn now_ms(&self) -> i64 {
        let system = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
            .unwrap_or(0);
        system.saturating_add(self.clock_offset_ms.load(Ordering::Relaxed))
    }

    pub fn now_secs(&self) -> i64 {
        self.now_ms().div_euclid(1000)
    }

    pub fn advance_clock(&self, ms: i64) {
        self.clock_offset_ms.fetch_add(ms, Ordering::Relaxed);
    }

    pub fn key(&self) -> Arc<SigningKey> {
        self.key
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// What a restart of a server without persistent state does: new signing key, no sessions.
    pub fn restart(&self) -> Result<(), String> {
        let fresh = Arc::new(SigningKey::generate()?);
        *self.key.write().unwrap_or_else(PoisonError::into_inner) = fresh;
        lock(&self.refresh).clear();
        lock(&self.codes).clear();
        lock(&self.revoked_jtis).clear();
        Ok(())
    }
}
