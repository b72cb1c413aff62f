"""The training-integrity migration gives modules that exist already the defaults (review after
passing, 10 minutes between attempts, reading time checked), and its downgrade removes what it
added (SQLite here; the suite on PostgreSQL runs the upgrade from an empty schema)."""
from datetime import datetime

import flask_migrate
import pytest
from sqlalchemy import create_engine, inspect, text

from app import create_app
from config import TestConfig

BEFORE, INTEGRITY = "e10b8f2d4c30", "e11a3c5d7f01"


@pytest.fixture
def other_app(tmp_path):
    url = f"sqlite:///{tmp_path / 'migrate.sqlite'}"
    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=url, UPLOAD_FOLDER=str(tmp_path / "uploads"))
    with app.app_context():
        yield app, create_engine(url)


def test_existing_modules_get_the_defaults_and_the_downgrade_removes_the_additions(other_app):
    app, engine = other_app
    flask_migrate.upgrade(revision=BEFORE)
    moment = datetime(2026, 11, 2, 3, 0)
    with engine.begin() as conn:
        conn.execute(text(
            "INSERT INTO training_module (slug, title, summary, audience, estimated_minutes, pass_mark, "
            "mandatory_for_asn, questions_per_quiz, attempts_per_day, published, created_at, updated_at) "
            "VALUES ('lama', 'Lama', '', 'asn', 30, 80, 0, 10, 3, 1, :at, :at)"), {"at": moment})

    flask_migrate.upgrade(revision=INTEGRITY)
    with engine.connect() as conn:
        row = conn.execute(text("SELECT review_policy, retake_wait_minutes, reading_time_check "
                                "FROM training_module")).one()
    assert tuple(row) == ("after_pass", 10, 1)
    assert "lesson_visit" in inspect(engine).get_table_names()
    assert "lesson_id" in {c["name"] for c in inspect(engine).get_columns("question")}

    flask_migrate.downgrade(revision=BEFORE)
    inspector = inspect(engine)
    assert "lesson_visit" not in inspector.get_table_names()
    assert "lesson_id" not in {c["name"] for c in inspector.get_columns("question")}
    assert not {"review_policy", "retake_wait_minutes", "reading_time_check"} & {
        c["name"] for c in inspector.get_columns("training_module")}
    with engine.connect() as conn:
        assert conn.execute(text("SELECT slug FROM training_module")).scalar() == "lama"
