"""Log-in throttling that an attacker cannot turn against an account's owner.

Hard limits (429) apply per address and per (account, address) pair, in accounts/views.py: one
address that hammers an account is refused, while the owner, from their own address, still logs
in. Per account there is no block, only a bounded delay: after LOGIN_SLOWDOWN_AFTER failed
attempts on one e-mail address within LOGIN_SLOWDOWN_WINDOW_SECONDS, every further attempt on it
waits LOGIN_SLOWDOWN_SECONDS before the password is checked. The failures are counted in the
rate-limit storage (per process with memory://, shared with redis://), by the address typed, so
an unknown address is slowed exactly like a known one and the delay reveals no account.
services.authenticate applies the delay and counts the failures.
"""
import time

from flask import current_app

from core.extensions import limiter

_sleep = time.sleep  # tests replace it to see the delay without waiting


def _key(email):
    return f"login-failures:{email}"


def _enabled():
    return current_app.config.get("RATELIMIT_ENABLED", True) and limiter.enabled


def slow_down(email):
    """Wait the configured delay when this account has seen too many failed attempts lately."""
    if not _enabled():
        return 0
    config = current_app.config
    if limiter.storage.get(_key(email)) < config["LOGIN_SLOWDOWN_AFTER"]:
        return 0
    delay = config["LOGIN_SLOWDOWN_SECONDS"]
    _sleep(delay)
    return delay


def record_failure(email):
    if _enabled():
        limiter.storage.incr(_key(email), current_app.config["LOGIN_SLOWDOWN_WINDOW_SECONDS"])
