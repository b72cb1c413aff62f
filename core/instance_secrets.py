"""Secrets that an installation makes for itself and keeps in its instance folder.

A secret comes from the environment when the operator sets it there; otherwise it is generated
once, written to a file of the instance folder readable by its owner only (0600), and read back
on every later start, so `make run` needs nothing and no two installations share a secret.
"""
import os
import secrets
from pathlib import Path


def instance_secret(instance_path, filename, *, env_value=None, generate=None):
    """The secret: `env_value` when given, else the file's content, made on first use."""
    if env_value:
        return env_value
    generate = generate or (lambda: secrets.token_urlsafe(48))
    path = Path(instance_path) / filename
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        # O_EXCL: when two processes start at once, one writes the file and the other reads it.
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return _read(path)
    value = generate()
    with os.fdopen(fd, "w") as f:
        f.write(value + "\n")
    return value


def _read(path):
    value = path.read_text().strip()
    if not value:  # the other process has created the file but not written it yet
        import time
        for _ in range(50):
            time.sleep(0.02)
            value = path.read_text().strip()
            if value:
                break
    if not value:
        raise RuntimeError(f"{path} is empty; delete it to make a new secret")
    return value
