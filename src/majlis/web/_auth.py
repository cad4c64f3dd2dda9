"""Who may write: results staff in a users file, argon2 password hashes, signed expiring tokens.

The users live in a small JSON file (`MAJLIS_USERS`, `majlis serve --users`), not in the tally
database: the store's schema belongs to `majlis.tally`, and a commission hands out accounts before
the night, not through the API. Each role may do only its own part of the night. Each token has
an id and the moment it was issued, so that a sign-out or an administrator can revoke it in the
store, where every worker looks (`Store.revoke`).
"""

from __future__ import annotations

import functools
import json
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import VerificationError
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from majlis._cells import json_document
from majlis.errors import InputError, Problem

__all__ = ["Bearer", "Role", "TokenError", "Tokens", "User", "Users"]


class Role(StrEnum):
    """What a member of the results staff does on the night."""

    CLERK = "clerk"  # enters tally sheets
    SUPERVISOR = "supervisor"  # enters and corrects sheets, sees the quarantine
    PUBLISHER = "publisher"  # publishes releases
    ADMIN = "admin"  # reads the audit log and revokes the staff's tokens; writes no results


@dataclass(frozen=True, slots=True, kw_only=True)
class User:
    name: str
    role: Role


_HASHER = PasswordHasher()


@functools.cache
def _decoy() -> str:
    """Checked against when the name is unknown, so a wrong name takes as long as a wrong
    password; hashed once accounts are first read (so the first sign-in takes no longer
    either), not at import, which every command line would pay (~0.1 s)."""
    return _HASHER.hash(secrets.token_hex(16))


class Users:
    """The staff accounts of one users file: name → (role, argon2 hash)."""

    def __init__(self, accounts: dict[str, tuple[Role, str]] | None = None) -> None:
        self._accounts = dict(accounts or {})
        _decoy()

    @classmethod
    def load(cls, path: Path) -> Users:
        """Read a users file; a missing file is an empty one (nobody may write yet)."""
        if not path.exists():
            return cls()
        try:
            raw = json_document(path.read_text(encoding="utf-8"), str(path), "a users file")
            return cls({u["name"]: (Role(u["role"]), str(u["password_hash"]))
                        for u in raw["users"]})
        except (ValueError, KeyError, TypeError) as error:
            raise InputError([Problem(source=str(path), line=None, field="users",
                                      message=f"not a majlis users file ({error})")]) from None

    def save(self, path: Path) -> None:
        users = [{"name": name, "role": role.value, "password_hash": digest}
                 for name, (role, digest) in sorted(self._accounts.items())]
        path.write_text(json.dumps({"users": users}, indent=2) + "\n", encoding="utf-8")

    def add(self, name: str, role: Role, password: str) -> None:
        """Add an account, or replace its role and password."""
        if not name.strip() or len(password) < 8:
            raise InputError([Problem(source="users", line=None, field="name" if not name.strip()
                                      else "password", message="a name and a password of at "
                                      "least 8 characters are needed")])
        self._accounts[name] = (role, _HASHER.hash(password))

    def verify(self, name: str, password: str) -> User | None:
        """The user with this name and password, or None."""
        role, digest = self._accounts.get(name, (None, _decoy()))
        try:
            _HASHER.verify(digest, password)
        except VerificationError:
            return None
        return None if role is None else User(name=name, role=role)

    def role(self, name: str) -> Role | None:
        found = self._accounts.get(name)
        return None if found is None else found[0]


@dataclass(frozen=True, slots=True, kw_only=True)
class Bearer:
    """A signed-in user as one token names them: the token's id and when it was issued."""

    user: User
    token: str
    issued: datetime


class TokenError(Exception):
    """A bearer token that is forged, expired or names an account that no longer exists."""


class Tokens:
    """Signed bearer tokens that expire after `ttl` seconds.

    Several workers must share `secret` to accept each other's tokens; without one, each app
    draws its own, and tokens die with the process.
    """

    def __init__(self, users: Users, *, secret: str | None, ttl: int) -> None:
        self.users = users
        self.ttl = ttl
        self._serializer = URLSafeTimedSerializer(secret or secrets.token_hex(32),
                                                  salt="majlis-token")

    def issue(self, user: User) -> str:
        """A token naming `user`, with an id of its own and the moment it was issued."""
        return self._serializer.dumps({"name": user.name, "id": secrets.token_urlsafe(12),
                                       "at": datetime.now(UTC).isoformat()})

    def check(self, token: str) -> Bearer:
        """Who the token names, if it is signed with the secret and not expired (whether it
        was revoked is the store's to say)."""
        try:
            claims = self._serializer.loads(token, max_age=self.ttl)
        except SignatureExpired:
            raise TokenError("the token has expired: ask for a new one") from None
        except BadSignature:
            raise TokenError("the token is not valid") from None
        try:
            name, token_id = str(claims["name"]), str(claims["id"])
            issued = datetime.fromisoformat(str(claims["at"]))
        except (KeyError, TypeError, ValueError):  # signed by a majlis without token ids
            raise TokenError("the token is not valid: ask for a new one") from None
        role = self.users.role(name)
        if role is None:
            raise TokenError("the token's account no longer exists")
        return Bearer(user=User(name=name, role=role), token=token_id, issued=issued)
