"""The scorecard pages `make bench` loads stay within 10 SQL statements for every kind of visitor
(signed in in each role, and visitors with the page cache off), however many units and complaints."""
from datetime import timedelta

import pytest

from core.permissions import ASN, CITIZEN, MODERATOR, ORG_MEMBER
from core.extensions import db
from scorecard import follow_services
from training.models import TrainingModule

from tests.conftest import NOW, count_queries

BUDGET = 10
PERIOD = "periode=rentang&dari=2026-11-01&sampai=2026-12-01"


@pytest.fixture
def busy_city(users, make_unit, file, resolve, rebuild):
    """Eight units, each with complaints filed, verified, some resolved and rated, two modules every
    ASN must complete (so a unit's card lists them by title), figures rebuilt; the users fixture's
    ASN works at the first unit and the citizen follows it."""
    asn_unit = users[ASN].unit
    for n in (1, 2):
        db.session.add(TrainingModule(slug=f"wajib-{n}", title=f"Modul wajib {n}", summary="Ringkasan.",
                                      mandatory_for_asn=True, published=True, created_at=NOW, updated_at=NOW))
    db.session.commit()
    units = [asn_unit] + [make_unit(f"Unit Layanan {n}", f"UL{n}") for n in range(7)]
    moderator = users[MODERATOR]
    for i in range(40):
        complaint = file(at=NOW + timedelta(hours=i), unit=units[i % len(units)], moderator=moderator,
                         confidential=i % 9 == 0, anonymous=i % 7 == 0)
        if i % 3:
            resolve(complaint, moderator, NOW + timedelta(days=1 + i % 6), rating=1 + i % 5)
    rebuild(now=NOW + timedelta(days=20))
    follow_services.follow(users[CITIZEN], asn_unit, now=NOW)
    return units


@pytest.mark.parametrize("who", ["no cache", CITIZEN, ORG_MEMBER, ASN, MODERATOR])
def test_every_benchmarked_scorecard_page_stays_within_the_budget(app, login, users, busy_city, who, monkeypatch):
    client = app.test_client()
    if who == "no cache":
        monkeypatch.setitem(app.config, "PAGE_CACHE_SECONDS", 0)
    else:
        login(users[who], on=client)
    unit = busy_city[0]
    client.get("/rapor/cara-penilaian")  # warm-up: first-request work is not the page's
    for url in ("/rapor", "/rapor?" + PERIOD, f"/rapor/unit/{unit.id}", f"/rapor/unit/{unit.id}?" + PERIOD,
                "/rapor/cara-penilaian", f"/pengaduan/publik/unit/{unit.id}", "/api/v1/rapor"):
        with count_queries() as statements:
            response = client.get(url)
        assert response.status_code == 200, (who, url)
        assert len(statements) <= BUDGET, (who, url, len(statements), [s[:110].replace("\n", " ") for s in statements])
