from datetime import timedelta

import pytest

from complaints import services as complaints
from core.permissions import ASN, MODERATOR, ReporterPass
from scorecard import aggregates

from tests.conftest import NOW  # Monday 2 November 2026, 10:00 WIB

# November 2026, as the pages and the CSV read a custom range from the query string.
PERIOD = "periode=rentang&dari=2026-11-01&sampai=2026-12-01"


@pytest.fixture
def unit(make_unit):
    return make_unit()


@pytest.fixture
def other_unit(make_unit):
    return make_unit("Dinas Kesehatan", "Dinkes")


@pytest.fixture
def moderator(make_user):
    return make_user(MODERATOR, email="moderator@example.com")


@pytest.fixture
def handler(make_user, unit):
    return make_user(ASN, unit=unit, email="petugas@example.com")


@pytest.fixture
def file(app):
    """File a complaint at `at` (to `unit` when given, verified by the moderator 2 hours later)."""
    def do(at=NOW, unit=None, moderator=None, **fields):
        values = dict(title="Jalan berlubang", description="Lubang besar di depan sekolah membahayakan.",
                      category="infrastruktur", classification="pengaduan", reporter_name="Rudi",
                      reporter_email="rudi@example.com")
        values.update(fields)
        with app.test_request_context():
            complaint, _key = complaints.file_complaint(now=at, **values)
            if unit is not None:
                complaints.verify(moderator, complaint, unit_id=unit.id, now=at + timedelta(hours=2))
        return complaint
    return do


@pytest.fixture
def resolve(app):
    def do(complaint, actor, at, rating=None):
        with app.test_request_context():
            if complaint.status == "verified":
                complaints.start_progress(actor, complaint, now=at - timedelta(minutes=30))
            complaints.resolve(actor, complaint, response="Sudah diperbaiki.", now=at)
            if rating:
                complaints.rate(ReporterPass(complaint.id), complaint, rating=rating, now=at + timedelta(hours=1))
        return complaint
    return do


@pytest.fixture
def rebuild():
    def do(now=NOW + timedelta(days=60)):
        return aggregates.refresh(now=now, full=True)
    return do


@pytest.fixture
def figures(file, resolve, unit, other_unit, moderator, rebuild):
    """make(n): n complaints filed on NOW, alternately to `other_unit` and `unit`, two in three resolved
    within 1 to 4 days and rated 1 to 5; then the figures rebuilt as of NOW + 20 days."""
    def make(n):
        for i in range(n):
            complaint = file(unit=unit if i % 2 else other_unit, moderator=moderator)
            if i % 3:
                resolve(complaint, moderator, NOW + timedelta(days=1 + i % 4), rating=1 + i % 5)
        rebuild(now=NOW + timedelta(days=20))
    return make
