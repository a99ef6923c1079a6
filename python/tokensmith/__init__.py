"""tokensmith: access-token handling from one Rust core.

Every error is a :class:`TokenError` (or a subclass) whose ``code`` attribute is a stable
snake_case identifier; branch on ``exc.code``, never on the message. Messages never contain
secrets.
"""

from tokensmith._native import TokenError, basic_authorization, space_auth_key

__all__ = ["TokenError", "basic_authorization", "space_auth_key"]
