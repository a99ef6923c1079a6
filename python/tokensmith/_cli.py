"""The ``tokensmith`` command (console script and ``python -m tokensmith``).

Commands::

    tokensmith token URL CLIENT_ID [--auth M] [--scope S] [--audience A] [--username U]
                     [--refresh] [--header] [--timeout T]
    tokensmith decode              (the JWT on stdin; NOT verified)
    tokensmith basic CLIENT_ID [--raw]
    tokensmith space-auth-key CLIENT_ID
    tokensmith pat new PREFIX
    tokensmith pat check [--prefix P]   (the token on stdin)

Secrets never come from the command line (it is visible to other users in the process list and
kept in shell history): the client secret from ``TOKENSMITH_CLIENT_SECRET`` or, with
``--client-secret-stdin``, the first line of stdin; the password from ``TOKENSMITH_PASSWORD`` or
``--password-stdin``; the refresh token for ``--refresh`` from ``TOKENSMITH_REFRESH_TOKEN`` or
``--refresh-token-stdin``. Output is JSON on stdout; ``--header`` prints only the
``Authorization`` header value.

Exit codes: 0 success; 1 a tokensmith error (JSON ``{"error": code, "message": ...}`` on
stderr) or ``pat check`` of an invalid token; 2 wrong usage (argparse, or a missing secret).
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import sys
from collections.abc import Sequence
from typing import Any

from tokensmith._native import (
    DEFAULT_TIMEOUT,
    Token,
    TokenClient,
    TokenError,
    basic_authorization,
    decode_jwt,
    generate_pat,
    pat_check,
    pat_hash,
    space_auth_key,
)

EXIT_OK = 0
EXIT_ERROR = 1
EXIT_USAGE = 2


class _UsageError(Exception):
    pass


def _secret(env: str, from_stdin: bool, what: str, required: bool = True) -> str | None:
    if from_stdin:
        line = sys.stdin.readline().rstrip("\r\n")
        if line:
            return line
    value = os.environ.get(env)
    if value:
        return value
    if required:
        raise _UsageError(f"{what} missing: set {env} or pass it on stdin")
    return None


def _stdin_token() -> str:
    token = sys.stdin.readline().strip()
    if not token:
        raise _UsageError("no token on stdin")
    return token


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime.datetime):
        return value.isoformat()
    if isinstance(value, tuple):
        return list(value)
    return value


def _print_token(token: Token, header: bool) -> None:
    if header:
        print(token.authorization)
    else:
        d = {k: _jsonable(v) for k, v in token.to_dict(include_secrets=True).items()}
        print(json.dumps(d, indent=2, sort_keys=True))


def _token(args: argparse.Namespace) -> int:
    secret = _secret(
        "TOKENSMITH_CLIENT_SECRET",
        args.client_secret_stdin,
        "client secret",
        required=args.auth != "none",
    )
    client = TokenClient(
        args.url,
        args.client_id,
        secret,
        auth=args.auth,
        scope=args.scope,
        audience=args.audience,
        timeout=args.timeout,
    )
    if args.refresh:
        refresh = _secret("TOKENSMITH_REFRESH_TOKEN", args.refresh_token_stdin, "refresh token")
        assert refresh is not None
        token = client.refresh(refresh, args.scope)
    elif args.username is not None:
        password = _secret("TOKENSMITH_PASSWORD", args.password_stdin, "password")
        assert password is not None
        token = client.password(args.username, password, args.scope)
    else:
        token = client.token()
    _print_token(token, args.header)
    return EXIT_OK


def _decode(_: argparse.Namespace) -> int:
    print(json.dumps(decode_jwt(_stdin_token()), indent=2, sort_keys=True))
    return EXIT_OK


def _basic(args: argparse.Namespace) -> int:
    secret = _secret("TOKENSMITH_CLIENT_SECRET", args.client_secret_stdin, "client secret")
    assert secret is not None
    print(basic_authorization(args.client_id, secret, encoding="raw" if args.raw else "form"))
    return EXIT_OK


def _space_auth_key(args: argparse.Namespace) -> int:
    secret = _secret("TOKENSMITH_CLIENT_SECRET", args.client_secret_stdin, "client secret")
    assert secret is not None
    print(space_auth_key(args.client_id, secret))
    return EXIT_OK


def _pat(args: argparse.Namespace) -> int:
    if args.pat_command == "new":
        token = generate_pat(args.prefix)
        print(json.dumps({"token": token, "sha256": pat_hash(token)}, indent=2))
        return EXIT_OK
    token = _stdin_token()
    try:
        prefix = pat_check(token, prefix=args.prefix)
    except TokenError as exc:
        print(json.dumps({"valid": False, "error": exc.code}))
        return EXIT_ERROR
    print(json.dumps({"valid": True, "prefix": prefix}))
    return EXIT_OK


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="tokensmith", description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)

    token = sub.add_parser("token", help="obtain a token (client credentials, password, refresh)")
    token.add_argument("url", help="the token endpoint")
    token.add_argument("client_id")
    token.add_argument(
        "--auth",
        default="client_secret_basic",
        choices=[
            "client_secret_basic",
            "client_secret_basic_raw",
            "client_secret_post",
            "none",
            "x_space_auth_key",
        ],
    )
    token.add_argument("--scope")
    token.add_argument("--audience")
    token.add_argument("--username", help="use the password grant for this user")
    token.add_argument("--refresh", action="store_true", help="use the refresh_token grant")
    token.add_argument("--header", action="store_true", help="print the Authorization value only")
    token.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT)
    token.add_argument("--client-secret-stdin", action="store_true")
    token.add_argument("--password-stdin", action="store_true")
    token.add_argument("--refresh-token-stdin", action="store_true")
    token.set_defaults(run=_token)

    decode = sub.add_parser("decode", help="show a JWT's header and claims (NOT verified)")
    decode.set_defaults(run=_decode)

    for name, run, help_text in (
        ("basic", _basic, "the Basic Authorization value for a client"),
        ("space-auth-key", _space_auth_key, "the X-SPACE-AUTH-KEY value for a client"),
    ):
        p = sub.add_parser(name, help=help_text)
        p.add_argument("client_id")
        p.add_argument("--client-secret-stdin", action="store_true")
        if name == "basic":
            p.add_argument("--raw", action="store_true", help="no RFC 6749 §2.3.1 encoding")
        p.set_defaults(run=run)

    pat = sub.add_parser("pat", help="personal access tokens")
    pat_sub = pat.add_subparsers(dest="pat_command", required=True)
    new = pat_sub.add_parser("new", help="generate a token and its SHA-256 hash")
    new.add_argument("prefix")
    check = pat_sub.add_parser("check", help="check the format and checksum of the token on stdin")
    check.add_argument("--prefix")
    pat.set_defaults(run=_pat)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        code: int = args.run(args)
    except _UsageError as exc:
        print(f"tokensmith: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except TokenError as exc:
        # Messages never contain secrets (core's rule), so they can be shown.
        print(json.dumps({"error": exc.code, "message": str(exc)}), file=sys.stderr)
        return EXIT_ERROR
    return code
