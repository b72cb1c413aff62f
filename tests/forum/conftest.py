"""Shared forum fixtures: a host unit and its confirmed ASN, a moderator, an organisation member,
a citizen, and `make_consultation`, which inserts a consultation row directly (fast, no rules).

Times: NOW is a fixed Monday morning in Pontianak-like WIB; the factory's defaults put the
consultation's input window around NOW (opened a day ago, closes in a week), the meeting after it.
"""
from datetime import timedelta

import pytest

from core.extensions import db
from core.permissions import ASN, CITIZEN, MODERATOR, ORG_MEMBER

from tests.conftest import NOW, WIB  # noqa: F401  (re-exported: the tests here import them from this module)


@pytest.fixture
def host_unit(make_unit):
    return make_unit(name="Dinas Penanaman Modal dan PTSP", short_name="DPMPTSP")


@pytest.fixture
def other_unit(make_unit):
    return make_unit(name="Dinas Perhubungan", short_name="Dishub")


@pytest.fixture
def host(make_user, host_unit):
    """A confirmed ASN of the host unit."""
    return make_user(ASN, unit=host_unit, email="host@example.com", nip="198503122010011003")


@pytest.fixture
def moderator(make_user):
    return make_user(MODERATOR, email="moderator@example.com")


@pytest.fixture
def organisation(make_organisation, make_user):
    return make_organisation(contact=make_user(ORG_MEMBER, email="kontak@example.com"))


@pytest.fixture
def org_member(make_user, organisation):
    """An approved member of a verified organisation."""
    from accounts.models import MEMBER_APPROVED, OrganisationMembership
    user = make_user(ORG_MEMBER, email="anggota@example.com")
    db.session.add(OrganisationMembership(organisation=organisation, user=user, status=MEMBER_APPROVED))
    db.session.commit()
    return user


@pytest.fixture
def citizen(make_user):
    return make_user(CITIZEN, email="warga@example.com")


@pytest.fixture
def make_consultation(host_unit):
    """Insert a consultation row directly (no service rules); any column can be overridden."""
    from forum.models import OPEN, Consultation

    counter = {"n": 0}

    def make(stage=OPEN, *, opens_at=None, closes_at=None, meeting_at=None, unit=None, title=None,
             slug=None, **fields):
        counter["n"] += 1
        n = counter["n"]
        opens_at = opens_at or NOW - timedelta(days=1)
        closes_at = closes_at or opens_at + timedelta(days=8)
        values = dict(
            slug=slug or f"konsultasi-{n}",
            title=title or f"Rancangan standar pelayanan perizinan {n}",
            unit_id=(unit or host_unit).id,
            topic_type="standar_pelayanan",
            description="Kami mengundang **masukan** atas rancangan standar pelayanan.",
            format="hybrid",
            opens_at=opens_at,
            closes_at=closes_at,
            meeting_at=meeting_at or closes_at + timedelta(days=3),
            place="Aula Kantor Wali Kota",
            online_link="https://meet.example.com/fkp",
            stage=stage,
            created_at=opens_at - timedelta(days=2),
            updated_at=opens_at - timedelta(days=2),
            published_at=None if stage == "draft" else opens_at - timedelta(days=1),
        )
        values.update(fields)
        consultation = Consultation(**values)
        db.session.add(consultation)
        db.session.commit()
        return consultation
    return make


@pytest.fixture
def consultation(make_consultation):
    """An open consultation of the host unit (a test file may define its own)."""
    return make_consultation()


@pytest.fixture
def forum_input(org_member, organisation, consultation):
    """An input on `consultation`, posted for the member's organisation (a test file may define its own)."""
    from forum import input_services
    return input_services.post_input(org_member, consultation, title="Jam layanan terlalu pendek",
                                     body="Mohon buka sampai sore.", organisation_id=organisation.id, now=NOW)
