//! tokensmith-devserver: a local token server imitating the servers tokensmith talks to.
//! All HTTP and async code lives here; token rules come from core (`tokensmith`).
#![forbid(unsafe_code)]

pub mod access_log;
pub mod access_token;
pub mod auth_codes;
pub mod cli;
pub mod client_authn;
pub mod config;
pub mod cors;
pub mod faults;
pub mod form_body;
pub mod grants;
pub mod keys;
pub mod oauth_error;
pub mod pat_store;
pub mod refresh_store;
pub mod routes;
pub mod state;

use axum::routing::{get, post};
use axum::{middleware, Router};
use config::Config;
use state::{AppState, Inner};
use std::net::SocketAddr;
use tokio::net::TcpListener;

/// Every route of the server.
pub fn router(state: AppState) -> Router {
    use routes::*;
    Router::new()
        .route(
            "/oauth/authorize",
            get(authorize::page).post(authorize::decide),
        )
        .route("/oauth/token", post(oauth::token))
        .route("/oauth/revoke", post(oauth::revoke))
        .route("/oauth/introspect", post(oauth::introspect))
        .route("/.well-known/jwks.json", get(discovery::jwks))
        .route(
            "/.well-known/openid-configuration",
            get(discovery::openid_configuration),
        )
        .route("/v1/token", post(smart_completions::token))
        .route(
            "/realms/{realm}/protocol/openid-connect/token",
            post(keycloak::token),
        )
        .route(
            "/realms/{realm}/protocol/openid-connect/certs",
            get(keycloak::certs),
        )
        .route(
            "/realms/{realm}/.well-known/openid-configuration",
            get(keycloak::configuration),
        )
        .route(
            "/api/technicaltokenmanager/v3/oauth/token",
            post(ttm::token),
        )
        .route(
            "/api/technicaltokenmanager/v3/oauthTokens",
            post(ttm::tokens),
        )
        .route(
            "/api/technicaltokenmanager/v3/userTenants",
            get(ttm::user_tenants),
        )
        .route("/sdx/oauth/token", post(sdx::token))
        .route(
            "/api/tokens",
            post(pat::create).get(pat::list).delete(pat::revoke_all),
        )
        .route("/api/tokens/{id}", axum::routing::delete(pat::revoke))
        .route("/api/users/{id}/deactivate", post(pat::deactivate))
        .route("/api/users/{id}/activate", post(pat::activate))
        .route("/api/me", get(pat::me))
        .route("/admin/restart", post(admin::restart))
        .route(
            "/admin/faults",
            post(admin::set_fault)
                .get(admin::list_faults)
                .delete(admin::clear_faults),
        )
        .route("/admin/clock", post(admin::advance_clock))
        .fallback(get(static_files::serve))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            faults::inject,
        ))
        .layer(middleware::from_fn(cors::cors))
        .layer(middleware::from_fn(access_log::log))
        .with_state(state)
}

/// A bound, not yet serving server.
pub struct Bound {
    pub listener: TcpListener,
    pub addr: SocketAddr,
    pub state: AppState,
}

/// Bind to `config.server.bind:port` (port 0: any free port) and build the state, whose issuer
/// is the bound address.
pub async fn bind(config: Config) -> Result<Bound, String> {
    config.validate()?;
    let wanted = SocketAddr::new(config.server.bind, config.server.port);
    let listener = TcpListener::bind(wanted)
        .await
        .map_err(|e| format!("cannot bind {wanted}: {e}"))?;
    let addr = listener
        .local_addr()
        .map_err(|e| format!("cannot read bound address: {e}"))?;
    let state = Inner::new(config, format!("http://{addr}"))?;
    Ok(Bound {
        listener,
        addr,
        state,
    })
}

impl Bound {
    /// Serve until `shutdown` completes.
    pub async fn serve(
        self,
        shutdown: impl std::future::Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<()> {
        axum::serve(self.listener, router(self.state))
            .with_graceful_shutdown(shutdown)
            .await
    }
}
