"""Signed tokens for links sent by e-mail (itsdangerous, keyed by the app's SECRET_KEY).

Each use names its own salt, so a token made for one purpose (verifying an address, stopping a
digest) is refused by every other. `timed` tokens carry their moment and expire by the caller's
max_age; `lasting` ones never expire, for a link that must keep working as long as what it names
exists (the caller makes the token name something that ends, e.g. one follow row).
"""
from flask import current_app
from itsdangerous import BadData, BadSignature, SignatureExpired, URLSafeSerializer, URLSafeTimedSerializer

# BadData covers every refusal: a bad signature, and a payload that was signed but is not one's own
# (a timed token under the same salt carries its moment where a lasting one has none).
__all__ = ["timed", "lasting", "BadData", "BadSignature", "SignatureExpired"]


def timed(salt):
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=salt)


def lasting(salt):
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=salt)
