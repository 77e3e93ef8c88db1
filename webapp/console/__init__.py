"""The committee's console at /console: pages rendered here (Jinja), filled in by the bundled
JavaScript (webapp/console/src, bundled with dmn-js by `make ui` into webapp/static/console) from
the same API as every other caller, with the session (webapp.console.session) in place of a key.

A signed-out user gets the sign-in page and nothing else; the pages hold no data of their own (the
API answers by role), and run no inline script, so their Content-Security-Policy forbids all of it.
"""
from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from flask import (Blueprint, Response, abort, current_app, redirect, render_template, request,
                   send_from_directory, url_for)

from webapp.api.auth import public
from webapp.console import session as console_session
from webapp.serving.determination import DISPOSITIONS, OUTCOMES

ASSETS = Path(__file__).resolve().parent.parent / "static" / "console"
CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
       "font-src 'self' data:; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'")

bp = Blueprint("console", __name__, url_prefix="/console", template_folder="templates")


def register(app) -> None:
    console_session.configure(app)
    app.register_blueprint(bp)


@bp.before_request
def _signed_in_only():
    if request.endpoint in ("console.sign_in", "console.sign_in_submit", "console.assets"):
        return None
    if console_session.signed_in() is None:
        return redirect(url_for("console.sign_in", next=request.full_path.rstrip("?")))
    return None


@bp.after_request
def _headers(response: Response) -> Response:
    response.headers["Content-Security-Policy"] = CSP
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "same-origin"
    if response.mimetype == "text/html":
        response.headers["Cache-Control"] = "no-store"
    return response


def _page(template: str, page: str, **context) -> str:
    caller = console_session.signed_in()
    models = [e.id for e in current_app.extensions["model_registry"]]
    return render_template(template, page=page, caller=caller, roles=sorted(caller.roles), models=models,
                           csrf=console_session.csrf_token(), built=(ASSETS / "console.js").is_file(),
                           car_t_model=current_app.config["CAR_T_MODEL"], **context)


def _local(target: str | None) -> str:
    """Where to go after signing in: a console path of this server only."""
    parts = urlsplit(target or "")
    if parts.scheme or parts.netloc or not parts.path.startswith("/console/"):
        return url_for("console.index")
    return parts.path + (f"?{parts.query}" if parts.query else "")


@bp.get("/sign-in")
@public
def sign_in():
    return render_template("sign_in.html", csrf=console_session.csrf_token(), next=_local(request.args.get("next")),
                           failed=False)


@bp.post("/sign-in")
@public
def sign_in_submit():
    if not console_session.csrf_ok(request.form.get("csrf")):
        abort(403)
    if not console_session.sign_in(request.form.get("key", "")):
        return render_template("sign_in.html", csrf=console_session.csrf_token(), next=_local(request.form.get("next")),
                               failed=True), 401
    return redirect(_local(request.form.get("next")), code=303)


@bp.post("/sign-out")
@public
def sign_out():
    if not console_session.csrf_ok(request.form.get("csrf")):
        abort(403)
    console_session.sign_out()
    return redirect(url_for("console.sign_in"), code=303)


@bp.get("/assets/<path:name>")
@public
def assets(name: str):
    return send_from_directory(ASSETS, name, max_age=3600)


@bp.get("/")
@public
def index():
    return _page("index.html", "index")


@bp.get("/models/<model>")
@public
def model(model: str):
    return _page("model.html", "model", model=model)


@bp.get("/models/<model>/edit")
@public
def edit(model: str):
    return _page("edit.html", "edit", model=model, version=request.args.get("version", ""))


@bp.get("/models/<model>/versions/<int:number>")
@public
def review(model: str, number: int):
    return _page("review.html", "review", model=model, number=number)


@bp.get("/models/<model>/versions/<int:number>/cases/<evaluation_id>")
@public
def case(model: str, number: int, evaluation_id: str):
    return _page("case.html", "case", model=model, number=number, evaluation_id=evaluation_id)


@bp.get("/models/<model>/try")
@public
def try_case(model: str):
    return _page("try.html", "try", model=model)


@bp.get("/audit")
@public
def audit():
    return _page("audit.html", "audit", outcomes=OUTCOMES, dispositions=DISPOSITIONS)
