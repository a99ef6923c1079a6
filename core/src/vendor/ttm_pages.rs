//! The Technical Token Manager's paged user-tenant listing: `GET …/userTenants?page=&size=`
//! with the host (operator) tenant's token, answered with `{userTenants: [{id}], page: {size,
//! totalElements, totalPages, number}}`; pages are 0-based.
//!
//! A page answered 401 means the operator token was refused (revoked, or the server restarted
//! and no longer knows it): [`TechnicalTokenManager::read_user_tenants_page`] forgets it from the
//! cache so the bindings get a new one and send that page again, once per listing.

use super::ttm::{TechnicalTokenManager, TTM_USER_TENANTS_PATH};
use super::ttm_parse::{json_object, unexpected};
use crate::cache::TokenCache;
use crate::error::{Error, Result, UnexpectedReason};
use crate::http::{HttpRequest, HttpResponse, Method};
use crate::json::Value;
use crate::secret::Secret;
use crate::time::UnixMillis;

/// 100 tenants per page: the largest `size` the Technical Token Manager accepts (400 above it),
/// so listing takes the fewest calls.
pub const USER_TENANTS_PAGE_SIZE: u32 = 100;

/// At most 1000 pages (100 000 tenants at [`USER_TENANTS_PAGE_SIZE`]) are read. Far above any
/// real operator's tenant count, and a bound on the calls a server that never reports its last
/// page (a `totalPages` that keeps growing) can cause.
pub const MAX_USER_TENANT_PAGES: u32 = 1000;

/// One page of user tenants, and the page to ask for next.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UserTenantsPage {
    pub tenants: Vec<String>,
    /// `None` when this was the last page.
    pub next_page: Option<u32>,
    pub total_elements: Option<u64>,
}

impl TechnicalTokenManager {
    /// `GET …/userTenants?page={page}&size={USER_TENANTS_PAGE_SIZE}` with `Authorization: Bearer`
    /// the operator token ([`Self::operator_token_request`]).
    pub fn user_tenants_request(&self, page: u32, operator_token: &Secret) -> Result<HttpRequest> {
        if page >= MAX_USER_TENANT_PAGES {
            return Err(Error::InvalidInput(format!(
                "page {page} is past the last page read ({MAX_USER_TENANT_PAGES} pages at most)"
            )));
        }
        if operator_token.is_empty() {
            return Err(Error::InvalidInput("the operator token is empty".into()));
        }
        Ok(HttpRequest {
            method: Method::Get,
            url: format!(
                "{}{TTM_USER_TENANTS_PATH}?page={page}&size={USER_TENANTS_PAGE_SIZE}",
                self.base_url()
            ),
            headers: vec![
                ("Accept".to_owned(), "application/json".to_owned()),
                (
                    "Authorization".to_owned(),
                    format!("Bearer {}", operator_token.expose_secret()),
                ),
            ],
            body: Vec::new(),
        })
    }

    /// Whether a page's answer says the operator token was refused: HTTP 401. RFC 6750 §3.1
    /// answers a revoked, expired or otherwise invalid Bearer token with 401 (`error=
    /// "invalid_token"` when the server sends a `WWW-Authenticate` challenge; the Technical Token
    /// Manager and the dev server may send none). A token was sent, so any 401 means it was not
    /// accepted, whatever the challenge says; 403 (a token of the wrong tenant) is not a reason
    /// to get a new one: the new one would be refused too.
    pub fn operator_token_rejected(resp: &HttpResponse) -> bool {
        resp.status == 401
    }

    /// Reads the answer to the page request for `requested_page` sent with `operator_token`,
    /// with the renewal rule: `Ok(None)` when the token was refused
    /// ([`Self::operator_token_rejected`]) and `renewed` is false. The refused token is then
    /// forgotten from `cache` (every entry holding it, so a newer operator token another call
    /// already stored stays); the caller gets the operator token again (the normal path, which
    /// now fetches a new one), sets `renewed` and sends the same page again.
    ///
    /// `renewed` says a new operator token was already got during this listing: a refusal
    /// after that is the server's answer, the typed error of [`Self::parse_user_tenants_page`]
    /// (an OAuth error or an unexpected response with status 401), so a server that refuses
    /// every token costs one extra operator token and one extra page request, never a loop.
    /// Otherwise the same as [`Self::parse_user_tenants_page`].
    pub fn read_user_tenants_page(
        &self,
        cache: &TokenCache,
        resp: &HttpResponse,
        requested_page: u32,
        operator_token: &Secret,
        renewed: bool,
        sent_at: UnixMillis,
    ) -> Result<Option<UserTenantsPage>> {
        if !renewed && Self::operator_token_rejected(resp) {
            cache.forget_token(operator_token);
            return Ok(None);
        }
        self.parse_user_tenants_page(resp, requested_page, sent_at)
            .map(Some)
    }

    /// Parses the answer to the request for `requested_page`. The next page is
    /// `number + 1` while it is below `totalPages`; a page whose `number` is not the one asked
    /// for (a server ignoring `page` would repeat page 0 forever) and a listing longer than
    /// [`MAX_USER_TENANT_PAGES`] are errors.
    pub fn parse_user_tenants_page(
        &self,
        resp: &HttpResponse,
        requested_page: u32,
        sent_at: UnixMillis,
    ) -> Result<UserTenantsPage> {
        let mut obj = json_object(resp, sent_at, self.parse_options().max_body_bytes)?;
        let Some(Value::Array(items)) = obj.remove("userTenants") else {
            return Err(unexpected(resp, UnexpectedReason::NotObject));
        };
        let mut tenants = Vec::with_capacity(items.len());
        for item in items {
            match item.get("id") {
                Some(Value::String(id)) if !id.is_empty() => tenants.push(id.clone()),
                _ => return Err(unexpected(resp, UnexpectedReason::NotObject)),
            }
        }
        let page = obj.remove("page").unwrap_or(Value::Null);
        let number = page.get("number").and_then(Value::as_u64);
        let total_pages = page.get("totalPages").and_then(Value::as_u64);
        let total_elements = page.get("totalElements").and_then(Value::as_u64);
        let (Some(number), Some(total_pages)) = (number, total_pages) else {
            return Err(unexpected(resp, UnexpectedReason::NotObject));
        };
        // The server's fault, not the caller's: an unexpected response (reason `paging`).
        if number != u64::from(requested_page) {
            return Err(unexpected(resp, UnexpectedReason::Paging));
        }
        let next = number + 1;
        let next_page = if next >= total_pages {
            None
        } else if next >= u64::from(MAX_USER_TENANT_PAGES) {
            return Err(unexpected(resp, UnexpectedReason::Paging));
        } else {
            // next < MAX_USER_TENANT_PAGES, which fits u32.
            u32::try_from(next).ok()
        };
        Ok(UserTenantsPage {
            tenants,
            next_page,
            total_elements,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cache::{CacheConfig, Lookup, LookupOptions};

    const T0: UnixMillis = UnixMillis(1_700_000_000_000);

    fn ttm() -> TechnicalTokenManager {
        TechnicalTokenManager::new(
            "https://gateway.example",
            "svc-id",
            Secret::new("ttm-secret"),
            "myapp",
            "1.0.0",
            "hostco",
        )
        .expect("valid arguments")
    }

    fn json(status: u16, body: &str) -> HttpResponse {
        HttpResponse::new(
            status,
            vec![("Content-Type".into(), "application/json".into())],
            body,
        )
    }

    /// A cache holding `access` as the operator token.
    fn cache_with_operator(ttm: &TechnicalTokenManager, access: &str) -> TokenCache {
        let cache = TokenCache::new(CacheConfig::default());
        let body =
            format!(r#"{{"access_token":"{access}","token_type":"Bearer","expires_in":1799}}"#);
        let token = ttm.parse_token(&json(200, &body), T0).expect("a token");
        cache.insert(&ttm.cache_key("hostco"), token, T0);
        cache
    }

    /// Whether the cache serves `access` as the operator token.
    fn operator_cached(ttm: &TechnicalTokenManager, cache: &TokenCache, access: &str) -> bool {
        match cache.lookup(&ttm.cache_key("hostco"), T0, LookupOptions::default()) {
            Lookup::Fresh(token) => token.access_token.expose_secret() == access,
            _ => false,
        }
    }

    const PAGE: &str = r#"{"userTenants":[{"id":"t1"}],"page":{"size":100,"totalElements":1,"totalPages":1,"number":0}}"#;

    #[test]
    fn only_401_means_the_operator_token_was_refused() {
        assert!(TechnicalTokenManager::operator_token_rejected(&json(
            401, "{}"
        )));
        let challenge = HttpResponse::new(
            401,
            vec![(
                "WWW-Authenticate".into(),
                r#"Bearer error="invalid_token""#.into(),
            )],
            "",
        );
        assert!(TechnicalTokenManager::operator_token_rejected(&challenge));
        for status in [200, 400, 403, 500, 503] {
            assert!(!TechnicalTokenManager::operator_token_rejected(&json(
                status, "{}"
            )));
        }
    }

    #[test]
    fn a_first_401_forgets_the_operator_token_and_asks_for_a_renewal() {
        let ttm = ttm();
        let cache = cache_with_operator(&ttm, "op-1");
        assert!(operator_cached(&ttm, &cache, "op-1"));
        let answer = ttm
            .read_user_tenants_page(&cache, &json(401, "{}"), 3, &Secret::new("op-1"), false, T0)
            .expect("a renewal, not an error");
        assert_eq!(answer, None);
        assert!(cache.is_empty());
    }

    #[test]
    fn a_401_after_the_renewal_is_the_typed_error() {
        let ttm = ttm();
        let cache = cache_with_operator(&ttm, "op-2");
        let resp = json(401, r#"{"error":"unauthorized"}"#);
        let error = ttm
            .read_user_tenants_page(&cache, &resp, 0, &Secret::new("op-2"), true, T0)
            .expect_err("no second renewal");
        assert!(matches!(error, Error::OAuth(_)), "{error:?}");
        assert_eq!(error.status(), Some(401));
        // The renewed token stays cached: the next listing starts with it.
        assert!(operator_cached(&ttm, &cache, "op-2"));
    }

    #[test]
    fn a_newer_operator_token_stored_meanwhile_is_kept() {
        let ttm = ttm();
        // Another call already replaced the refused "op-old" with "op-new".
        let cache = cache_with_operator(&ttm, "op-new");
        let answer = ttm
            .read_user_tenants_page(
                &cache,
                &json(401, "{}"),
                0,
                &Secret::new("op-old"),
                false,
                T0,
            )
            .expect("a renewal");
        assert_eq!(answer, None);
        assert!(operator_cached(&ttm, &cache, "op-new"));
    }

    #[test]
    fn other_answers_read_as_pages_or_errors_without_forgetting() {
        let ttm = ttm();
        let cache = cache_with_operator(&ttm, "op-3");
        let op = Secret::new("op-3");
        let page = ttm
            .read_user_tenants_page(&cache, &json(200, PAGE), 0, &op, false, T0)
            .expect("a page")
            .expect("not a renewal");
        assert_eq!(page.tenants, vec!["t1".to_owned()]);
        assert_eq!(page.next_page, None);
        let forbidden = json(403, r#"{"error":"forbidden"}"#);
        let error = ttm
            .read_user_tenants_page(&cache, &forbidden, 0, &op, false, T0)
            .expect_err("403 is the caller's error");
        assert_eq!(error.status(), Some(403));
        assert!(operator_cached(&ttm, &cache, "op-3"));
    }
}
