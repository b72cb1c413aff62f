"""Security headers on every response, with a CSP that allows no inline script or style."""
from flask import current_app, request

CSP = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])


NO_STORE_TYPES = frozenset({"text/html", "text/csv", "application/json"})


def add_security_headers(response):
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CSP)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
    headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=(self), payment=()")
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    if current_app.config.get("SESSION_COOKIE_SECURE") and request.is_secure:
        headers.setdefault("Strict-Transport-Security",
                           f"max-age={current_app.config['HSTS_SECONDS']}; includeSubDomains")
    if response.mimetype in NO_STORE_TYPES:
        # Pages, CSV downloads and API answers can carry personal data or CSRF tokens: no shared
        # caches, no copies on disk, no back-button leaks. A view that may be cached says so itself.
        headers.setdefault("Cache-Control", "no-store")
    return response
