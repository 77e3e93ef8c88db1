"""Who an EHR is: the JWT it signs for every CDS Hooks (and DTR) call, checked as CDS Hooks 2.0 says.

A token is accepted only when its header says ES384 or RS384 (never `none`, never a shared-secret
algorithm: an HS384 token "signed" with the EHR's public key is refused before any key is used) and
`typ` JWT, its `kid` names a key of the EHR's JWK set (CAR_T_EHR_JWKS: a URL, fetched and cached, or a
file), the signature verifies with that key, `iss` is the EHR (CAR_T_EHR_ISSUER), `aud` is the URL of
the endpoint called (CAR_T_EHR_AUDIENCE, the base URL the EHR calls, plus the path), it has not
expired, and its `jti` has never been seen (the token ids live in the database, so a token replayed to
another worker or replica is refused too). Anything else is a 401 that names the check, never the
token.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path

import jwt
from flask import request
from sqlalchemy import Column, DateTime, MetaData, String, Table, insert
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from webapp.store.keys import Caller
from webapp.api.errors import ApiError

ALGORITHMS = {"ES384": "EC", "RS384": "RSA"}      # and the key type each signs with
LEEWAY_S = 10          # clock skew between the EHR and us
JWKS_CACHE_S = 300
REQUIRED_CLAIMS = ["iss", "aud", "exp", "iat", "jti"]

metadata = MetaData()
token_ids = Table(
    "ehr_token_ids", metadata,
    Column("id", String(64), primary_key=True),          # sha256 of issuer and jti
    Column("expires_at", DateTime(timezone=True), nullable=False),
)


class EhrAuthConfigError(ValueError):
    """A setting of the EHR channel that cannot be used."""


def _unauthorized(reason: str) -> ApiError:
    return ApiError(401, f"the EHR's JWT is not accepted: {reason}")


class _KeyFile:
    def __init__(self, path: Path):
        try:
            self._keys = jwt.PyJWKSet.from_dict(json.loads(path.read_text(encoding="utf-8")))
        except (OSError, ValueError, jwt.PyJWTError) as exc:
            raise EhrAuthConfigError(f"CAR_T_EHR_JWKS: {path}: not a JWK set: {exc}") from None

    def key(self, kid: str):
        try:
            return self._keys[kid]
        except KeyError:
            raise _unauthorized("its kid names no key of the EHR") from None


class _KeyUrl:
    def __init__(self, url: str):
        self._client = jwt.PyJWKClient(url, cache_jwk_set=True, lifespan=JWKS_CACHE_S, timeout=5)

    def key(self, kid: str):
        try:
            return self._client.get_signing_key(kid)
        except jwt.PyJWKClientConnectionError:
            raise ApiError(503, "the EHR's key set cannot be fetched (CAR_T_EHR_JWKS)") from None
        except jwt.PyJWKClientError:
            raise _unauthorized("its kid names no key of the EHR") from None


class EhrAuth:
    def __init__(self, jwks: str, issuer: str, audience: str, engine):
        if not (jwks and issuer and audience):
            raise EhrAuthConfigError("the EHR channel needs CAR_T_EHR_JWKS, CAR_T_EHR_ISSUER and CAR_T_EHR_AUDIENCE")
        self.keys = _KeyUrl(jwks) if jwks.startswith(("https://", "http://")) else _KeyFile(Path(jwks))
        self.issuer, self.audience, self.engine = issuer, audience.rstrip("/"), engine

    def caller(self) -> Caller:
        """The EHR making this request (before_request, through webapp.api.auth), or a 401."""
        scheme, _, token = request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise _unauthorized("none sent (Authorization: Bearer <JWT>)")
        claims = self.verify(token.strip(), self.audience + request.path)
        return Caller(hashlib.sha256(claims["iss"].encode()).hexdigest()[:12], f"EHR {claims['iss']}"[:64], frozenset())

    def verify(self, token: str, audience: str) -> dict:
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError:
            raise _unauthorized("not a JWT") from None
        if header.get("alg") not in ALGORITHMS:
            raise _unauthorized(f"alg must be {' or '.join(ALGORITHMS)}")
        if header.get("typ") != "JWT":
            raise _unauthorized("typ must be JWT")
        if not isinstance(header.get("kid"), str):
            raise _unauthorized("it has no kid")
        key = self.keys.key(header["kid"])
        if key.key_type != ALGORITHMS[header["alg"]]:
            raise _unauthorized(f"its alg {header['alg']} is not the algorithm of the key {header['kid']}")
        try:
            claims = jwt.decode(token, key.key, algorithms=[header["alg"]], audience=audience, issuer=self.issuer,
                                leeway=LEEWAY_S, options={"require": REQUIRED_CLAIMS})
        except jwt.ExpiredSignatureError:
            raise _unauthorized("it has expired") from None
        except jwt.InvalidAudienceError:
            raise _unauthorized(f"aud must be {audience}") from None
        except jwt.InvalidIssuerError:
            raise _unauthorized("iss is not the EHR") from None
        except jwt.PyJWTError as exc:
            raise _unauthorized(type(exc).__name__) from None
        if not isinstance(claims["jti"], str) or not claims["jti"]:
            raise _unauthorized("jti must be a string")
        self._first_use(claims)
        return claims

    def _first_use(self, claims: dict) -> None:
        name = hashlib.sha256(f"{claims['iss']}\0{claims['jti']}".encode()).hexdigest()
        expires = dt.datetime.fromtimestamp(int(claims["exp"]), dt.timezone.utc)
        try:
            with self.engine.begin() as conn:
                conn.execute(insert(token_ids).values(id=name, expires_at=expires))
        except IntegrityError:
            raise _unauthorized("its jti was used before") from None
        except SQLAlchemyError:
            raise ApiError(503, "the token store cannot be written; nothing was answered") from None
