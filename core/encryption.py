"""Personal data encrypted at rest: a column type that stores Fernet tokens, never the plain text.

A database dump (or a backup, or a read-only SQL account) shows no reporter's name, e-mail or
phone; only a process holding the key reads them. The key comes from DATA_ENCRYPTION_KEY, a
comma-separated list of Fernet keys (the first encrypts, all decrypt, so a key is rotated by
putting a new one first), or is generated once into the instance folder (data_encryption.key).
Lose the key and those columns are lost: keep it, and back it up apart from the database.

Encrypted columns cannot be filtered or sorted on (each token is different for the same text).
"""
import json

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from flask import current_app
from sqlalchemy import Text
from sqlalchemy.types import TypeDecorator

from .instance_secrets import instance_secret

KEY_FILE = "data_encryption.key"


def keys(app=None):
    """The configured keys, newest first (generated into the instance folder when none is set)."""
    app = app or current_app
    configured = app.config.get("DATA_ENCRYPTION_KEY") or ""
    value = instance_secret(app.instance_path, KEY_FILE, env_value=configured.strip(),
                            generate=lambda: Fernet.generate_key().decode())
    return [k.strip() for k in value.split(",") if k.strip()]


def fernet(app=None):
    app = app or current_app
    cached = app.extensions.get("data_encryption")
    if cached is None:
        cached = app.extensions["data_encryption"] = MultiFernet([Fernet(k) for k in keys(app)])
    return cached


def encrypt(value):
    if value is None:
        return None
    return fernet().encrypt(value.encode()).decode("ascii")


def decrypt(token):
    if token is None:
        return None
    try:
        return fernet().decrypt(token.encode("ascii")).decode()
    except InvalidToken:
        # Never show ciphertext as if it were a name; a wrong or lost key must be noticed.
        raise RuntimeError("an encrypted column cannot be read with the configured DATA_ENCRYPTION_KEY") from None


SEALED = "sealed"


def seal(payload, **private):
    """`payload` with `private` fields encrypted under one key ("sealed") for a stored message.

    An outbox message lives in the database until it is sent; its personal fields must not be
    readable there. `unseal()` puts them back just before delivery.
    """
    return {**payload, SEALED: encrypt(json.dumps(private, ensure_ascii=False))}


def unseal(payload):
    if SEALED not in payload:
        return payload
    opened = {k: v for k, v in payload.items() if k != SEALED}
    opened.update(json.loads(decrypt(payload[SEALED])))
    return opened


class EncryptedText(TypeDecorator):
    """A string stored as a Fernet token (Text: a token is about 1.4 × the text plus 100 characters)."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value, dialect):
        return encrypt(value)

    def process_result_value(self, value, dialect):
        return decrypt(value)
