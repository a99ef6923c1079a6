//! Rules of specific servers, on top of the generic OAuth core:
//!
//! * `ttm`, `ttm_plan`, `ttm_parse`, `ttm_pages`: Siemens Insights Hub Technical Token Manager
//!   (single, batch and per-tenant-cached tokens; the paged user-tenant listing);
//! * `keycloak`: realm token URL, offline tokens, "Token is not active";
//! * `sdx`: HxGN SDx/TruView refresh rejection after a server restart.
//!
//! Sans-IO like the rest of core; see `docs/vendors.md`.

mod keycloak;
mod sdx;
mod ttm;
mod ttm_pages;
mod ttm_parse;
mod ttm_plan;

pub use keycloak::{
    is_token_not_active, keycloak_refresh_error, keycloak_token_url, with_offline_access,
    KEYCLOAK_INACTIVE_ADVICE, OFFLINE_ACCESS_SCOPE, TOKEN_NOT_ACTIVE,
};
pub use sdx::{
    sdx_client_error, sdx_refresh_error, SdxExchange, SdxSignIn, SDX_REGENERATE_ADVICE,
    SDX_TOKEN_PATH,
};
pub use ttm::{
    TechnicalTokenManager, DEFAULT_BATCH_SIZE, MAX_BATCH_SIZE, TTM_BATCH_PATH, TTM_CACHE_GRANT,
    TTM_TOKEN_PATH, TTM_USER_TENANTS_PATH,
};
pub use ttm_pages::{UserTenantsPage, MAX_USER_TENANT_PAGES, USER_TENANTS_PAGE_SIZE};
pub use ttm_plan::{unique_tenants, BatchChunk, BatchCompletion, BatchPlan};
