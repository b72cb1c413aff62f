"""No installation runs on a public secret: SECRET_KEY is set, or made once and kept in instance/."""
import stat

import pytest

import app as app_module
from config import Config, TestConfig


@pytest.fixture
def instance_dir(tmp_path, monkeypatch):
    monkeypatch.setattr(app_module, "INSTANCE_DIR", tmp_path)
    return tmp_path


def start(config=Config, **overrides):
    return app_module.create_app(config, SQLALCHEMY_DATABASE_URI="sqlite://", **overrides)


def test_without_secret_key_a_random_key_is_made_once_kept_0600_and_reused(instance_dir):
    first = start(SECRET_KEY=None)
    key_file = instance_dir / "secret-key"
    assert len(first.config["SECRET_KEY"]) >= 48
    assert first.config["SECRET_KEY"] != app_module.PUBLISHED_SECRET_KEY
    assert key_file.read_text().strip() == first.config["SECRET_KEY"]
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    # A second process (another gunicorn worker, the worker, a restart) signs with the same key.
    assert start(SECRET_KEY=None).config["SECRET_KEY"] == first.config["SECRET_KEY"]


def test_two_installations_do_not_share_a_generated_key(tmp_path, monkeypatch):
    keys = []
    for name in ("a", "b"):
        monkeypatch.setattr(app_module, "INSTANCE_DIR", tmp_path / name)
        keys.append(start(SECRET_KEY=None).config["SECRET_KEY"])
    assert keys[0] != keys[1]


def test_a_secret_key_from_the_environment_is_used_and_nothing_is_written(instance_dir):
    assert start(SECRET_KEY="a-long-random-value-from-the-operator").config["SECRET_KEY"] == \
        "a-long-random-value-from-the-operator"
    assert not (instance_dir / "secret-key").exists()


def test_the_published_default_key_is_refused_with_a_clear_message(instance_dir):
    with pytest.raises(RuntimeError, match="published in the README"):
        start(SECRET_KEY="dev-only-change-me")
    with pytest.raises(RuntimeError, match="published in the README"):
        start(SECRET_KEY="dev-only-change-me", DEBUG=True)  # `flask run --debug` too


def test_tests_keep_their_fixed_key(instance_dir):
    assert start(TestConfig).config["SECRET_KEY"] == "test-secret"
    assert not (instance_dir / "secret-key").exists()
