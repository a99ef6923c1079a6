//! The Technical Token Manager's paged user-tenant listing: `GET …/userTenants?page=&size=`
//! with the host (operator) tenant's token, answered with `{userTenants: [{id}], page: {size,
//! totalElements, totalPages, number}}`; pages are 0-based.

use super::ttm::{TechnicalTokenManager, TTM_USER_TENANTS_PATH};
use super::ttm_parse::{json_object, unexpected};
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
