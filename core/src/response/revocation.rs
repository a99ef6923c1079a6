//! Revocation responses (RFC 7009 §2.2).

use super::error_response::parse_error_response;
use crate::error::Result;
use crate::http::HttpResponse;
use crate::time::UnixMillis;

/// `Ok` when the server revoked the token or did not know it: RFC 7009 §2.2 answers both with
/// 200 and says the body is to be ignored. Any 2xx is accepted (a 204 from a gateway means the
/// same). Otherwise the error of [`parse_error_response`]: `unsupported_token_type`
/// (§2.2.1), an RFC 6749 §5.2 error, or a 503 with `Retry-After`, after which the client should
/// try again (§2.2.1).
pub fn check_revocation_response(resp: &HttpResponse, now: UnixMillis) -> Result<()> {
    if (200..300).contains(&resp.status) {
        Ok(())
    } else {
        Err(parse_error_response(resp, now))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn success_ignores_the_body_and_errors_are_parsed() {
        let now = UnixMillis(0);
        assert!(check_revocation_response(&HttpResponse::new(200, vec![], "<html>"), now).is_ok());
        assert!(check_revocation_response(&HttpResponse::new(204, vec![], ""), now).is_ok());
        let e = check_revocation_response(
            &HttpResponse::new(400, vec![], r#"{"error":"unsupported_token_type"}"#),
            now,
        )
        .unwrap_err();
        assert_eq!(e.code(), "unsupported_token_type");
        let e = check_revocation_response(
            &HttpResponse::new(503, vec![("Retry-After".into(), "5".into())], ""),
            now,
        )
        .unwrap_err();
        assert_eq!(e.code(), "unexpected_response");
        assert_eq!(e.retry_after().map(|r| r.delay_ms), Some(5000));
    }
}
