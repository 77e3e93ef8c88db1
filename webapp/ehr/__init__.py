"""The EHR channel: the CAR-T policy answering Da Vinci CRD hooks (CDS Hooks over FHIR R4) and handing
out the DTR questionnaire for what is missing (docs/ehr.md). Its routes authenticate with the EHR's
signed JWT (webapp.ehr.jwt_auth), not the service's API keys."""
from __future__ import annotations

from webapp.ehr.channel import Channel
from webapp.ehr.jwt_auth import EhrAuth

SECURITY_SCHEME = "ehrJwt"


def register(app, api) -> None:
    """The channel's routes, its settings and, when the three JWT settings are given, the EHR's
    authentication (without them every route but discovery answers 401)."""
    config = app.config
    app.extensions["ehr"] = Channel.from_config(config)
    if config["EHR_JWKS"] or config["EHR_ISSUER"] or config["EHR_AUDIENCE"]:
        app.extensions["ehr_auth"] = EhrAuth(config["EHR_JWKS"], config["EHR_ISSUER"], config["EHR_AUDIENCE"],
                                             app.extensions["audit"].engine)
    api.spec.components.security_scheme(SECURITY_SCHEME, {
        "type": "http", "scheme": "bearer", "bearerFormat": "JWT",
        "description": "The EHR's JWT as CDS Hooks 2.0 defines it: ES384 or RS384, kid of the EHR's JWK set, "
                       "aud the URL called, a jti never used before (docs/ehr.md)"})
    from webapp.ehr import dtr, hooks  # noqa: F401 (their routes are the blueprint's)
    from webapp.ehr.blueprint import bp
    api.register_blueprint(bp)
