//! Parsing the Technical Token Manager's JSON answers that are not a single token: the batch
//! (`{oauthTokens: [{userTenantId, token}]}`) and the user-tenant pages.

use crate::error::{Error, Result, UnexpectedReason, UnexpectedResponse};
use crate::http::HttpResponse;
use crate::json::{self, Duplicates, ErrorKind, Map, Value};
use crate::response::{parse_error_response, parse_token_response, ParseOptions};
use crate::time::UnixMillis;
use crate::token::Token;

/// Reads a 2xx JSON object answer, or the error the response describes (RFC 6749 §5.2 body,
/// or an unexpected response).
pub(crate) fn json_object(
    resp: &HttpResponse,
    sent_at: UnixMillis,
    max_body_bytes: usize,
) -> Result<Map> {
    if !(200..300).contains(&resp.status) {
        return Err(parse_error_response(resp, sent_at));
    }
    if resp.body.len() > max_body_bytes {
        return Err(unexpected(resp, UnexpectedReason::TooLarge));
    }
    if resp.body.is_empty() {
        return Err(unexpected(resp, UnexpectedReason::Empty));
    }
    match json::parse(&resp.body, Duplicates::KeepLast) {
        Ok(Value::Object(obj)) => Ok(obj),
        Ok(_) => Err(unexpected(resp, UnexpectedReason::NotObject)),
        Err(e) if e.kind == ErrorKind::Eof => Err(unexpected(resp, UnexpectedReason::Truncated)),
        Err(_) => Err(unexpected(resp, UnexpectedReason::NotJson)),
    }
}

/// An unexpected response without an excerpt (the body may hold tokens; the reason says enough).
pub(crate) fn unexpected(resp: &HttpResponse, reason: UnexpectedReason) -> Error {
    Error::UnexpectedResponse(Box::new(UnexpectedResponse {
        reason,
        status: resp.status,
        content_type: resp.header("content-type").map(str::to_owned),
        excerpt: String::new(),
        retry_after: None,
        www_authenticate: None,
    }))
}

/// The `token` member of each requested tenant's entry in an `oauthTokens` answer (`None` when
/// the entry has none), or the error the whole answer is. Tenants the server added unasked are
/// ignored; the first entry of a repeated tenant wins. Each token is parsed by [`batch_token`]
/// when its tenant's outcome is handed to the cache. A list, not a map: a batch has at most
/// `MAX_BATCH_SIZE` tenants, and a `HashMap` would bring SipHash and one more hashbrown instance
/// into the WebAssembly module (issue 6's size budget).
pub(crate) fn batch_tokens(
    resp: &HttpResponse,
    requested: &[String],
    sent_at: UnixMillis,
    max_body_bytes: usize,
) -> Result<Vec<(String, Option<Value>)>> {
    let mut obj = json_object(resp, sent_at, max_body_bytes)?;
    let Some(Value::Array(items)) = obj.remove("oauthTokens") else {
        return Err(Error::InvalidTokenResponse(
            "the oauthTokens answer has no oauthTokens array".into(),
        ));
    };
    let mut out: Vec<(String, Option<Value>)> = Vec::new();
    for item in items {
        let Value::Object(mut item) = item else {
            continue;
        };
        let Some(Value::String(tenant)) = item.remove("userTenantId") else {
            continue;
        };
        if !requested.contains(&tenant) || out.iter().any(|(seen, _)| *seen == tenant) {
            continue;
        }
        let token = item.remove("token");
        out.push((tenant, token));
    }
    Ok(out)
}

/// One tenant's token from the `token` member of its `oauthTokens` entry, parsed with core's
/// RFC 6749 §5.1 rules (its `timestamp` honoured).
pub(crate) fn batch_token(
    token: Option<Value>,
    sent_at: UnixMillis,
    opts: &ParseOptions,
) -> Result<Token> {
    match token {
        Some(token @ Value::Object(_)) => {
            let one = HttpResponse::new(
                200,
                vec![("Content-Type".into(), "application/json".into())],
                token.to_json(),
            );
            parse_token_response(&one, sent_at, opts)
        }
        _ => Err(Error::InvalidTokenResponse(
            "an oauthTokens entry has no token object".into(),
        )),
    }
}
