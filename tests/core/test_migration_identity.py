"""The privacy migration encrypts the reporter identity already in the database, and its downgrade
decrypts it (SQLite here; the suite on PostgreSQL runs the same upgrade from an empty schema)."""
from datetime import datetime

import flask_migrate
import pytest
from sqlalchemy import create_engine, inspect, text

from app import create_app
from config import TestConfig
from core import encryption

BEFORE, PRIVACY = "e10a7d3c5b21", "e10b8f2d4c30"


@pytest.fixture
def other_app(tmp_path):
    url = f"sqlite:///{tmp_path / 'migrate.sqlite'}"
    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=url, UPLOAD_FOLDER=str(tmp_path / "uploads"))
    with app.app_context():
        yield app, create_engine(url)


def test_existing_reporter_identities_are_encrypted_by_the_upgrade_and_restored_by_the_downgrade(other_app):
    app, engine = other_app
    flask_migrate.upgrade(revision=BEFORE)
    columns = [c for c in inspect(engine).get_columns("complaint") if not c["nullable"] and c["name"] != "id"]
    values = {c["name"]: {"anonymous": 1, "confidential": 0}.get(c["name"], "x") for c in columns}
    moment = datetime(2026, 11, 2, 3, 0)
    values.update({c["name"]: moment for c in columns if "DATETIME" in str(c["type"]).upper()})
    values.update(reporter_name="Bambang Rahasia", reporter_email="bambang@example.com", reporter_phone="0811999888")
    with engine.begin() as conn:
        conn.execute(text(f"INSERT INTO complaint ({', '.join(values)}) VALUES ({', '.join(':' + k for k in values)})"),
                     values)

    flask_migrate.upgrade(revision=PRIVACY)
    with engine.connect() as conn:
        row = conn.execute(text("SELECT reporter_name, reporter_email, reporter_phone FROM complaint")).one()
    assert "Bambang" not in row[0] and "example.com" not in row[1] and "0811" not in row[2]
    assert [encryption.decrypt(value) for value in row] == ["Bambang Rahasia", "bambang@example.com", "0811999888"]

    flask_migrate.downgrade(revision=BEFORE)
    with engine.connect() as conn:
        row = conn.execute(text("SELECT reporter_name, reporter_email, reporter_phone FROM complaint")).one()
    assert tuple(row) == ("Bambang Rahasia", "bambang@example.com", "0811999888")
