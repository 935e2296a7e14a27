"""Security headers on every response, and cookies marked Secure when the request is HTTPS.

Every response — pages, JSON, CSV, static files, errors, redirects — leaves with a strict
Content-Security-Policy (no inline script or style anywhere: templates load their scripts
and styles from static/; bars are SVG whose widths are attributes), nosniff, no framing, a
Referrer-Policy, a Cross-Origin-Opener-Policy and a Permissions-Policy denying the camera,
microphone and location (a phone's own camera app scans the QR, outside the page). A header
a view or a blueprint already set wins: voter pages and monitor links keep their
`no-referrer` and their Cache-Control.

HTTPS: the session cookie is Secure whenever the request came over HTTPS, so one setting
serves a LAN laptop on plain http and a domain behind a TLS proxy. Who says a request was
HTTPS is gunicorn's job by default: it trusts X-Forwarded-Proto from the addresses in
FORWARDED_ALLOW_IPS only (gunicorn.conf.py). PROXY_FIX = n puts werkzeug's ProxyFix in front
instead, trusting n proxy hops' X-Forwarded-For and X-Forwarded-Proto, for servers that do
not read those headers themselves.
"""

from __future__ import annotations

from flask import Flask, Request, has_request_context, request
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface, SessionMixin
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.wrappers import Response

#: No 'unsafe-inline', no 'unsafe-eval': a script or style is a file under static/. img-src
#: allows data: for images a stylesheet may carry inline; QR codes are inline <svg> elements,
#: which no fetch directive governs.
CSP = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)

#: same-origin: staff pages' own posts carry a Referer, which Flask-WTF's CSRF check needs
#: over HTTPS; no other site ever learns an address of the app.
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}

#: Paths whose address is a credential (a slip, a monitor link): no Referer at all, also on
#: the error pages their own views do not answer.
CREDENTIAL_PREFIXES = ("/v/", "/m/", "/s/")


class SchemeAwareSessionInterface(SecureCookieSessionInterface):
    """Flask's signed-cookie session, Secure when SESSION_COOKIE_SECURE says so or when this
    request came over HTTPS."""

    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        """A request without a session cookie (every voter's) gets a new empty session
        without building the cookie's signer first."""
        if app.secret_key and not request.cookies.get(self.get_cookie_name(app)):
            return self.session_class()
        return super().open_session(app, request)

    def save_session(self, app: Flask, session: SessionMixin, response: Response) -> None:
        """An empty session nobody changed (every voter's) sets no cookie: said at once, as
        Flask would after reading every cookie setting."""
        if not session and not session.modified:
            if session.accessed:
                response.vary.add("Cookie")
            return
        super().save_session(app, session, response)

    def get_cookie_secure(self, app: Flask) -> bool:
        forced = bool(app.config["SESSION_COOKIE_SECURE"])
        return forced or (has_request_context() and request.is_secure)


def configure_headers(app: Flask) -> None:
    """The proxy hop (PROXY_FIX), the HTTPS-aware session cookie and the headers hook."""
    hops = int(app.config.get("PROXY_FIX") or 0)
    if hops:
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=hops, x_proto=hops, x_host=0, x_port=0, x_prefix=0
        )
    app.session_interface = SchemeAwareSessionInterface()
    app.after_request(add_security_headers)


def add_security_headers(response: Response) -> Response:
    """Every security header the response does not carry yet.

    The names present are read once (Headers.setdefault scans the list and raises inside for
    each absent name: a tenth of a voter request's own work)."""
    headers = response.headers
    present = {name.lower() for name, _ in headers.items()}
    if "referrer-policy" not in present and (
        request.path.startswith(CREDENTIAL_PREFIXES) or request.path == "/v"
    ):
        headers.add("Referrer-Policy", "no-referrer")
        present.add("referrer-policy")
    for name, value in SECURITY_HEADERS.items():
        if name.lower() not in present:
            headers.add(name, value)
    return response
