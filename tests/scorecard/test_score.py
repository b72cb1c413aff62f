"""Points, weights and zones, at their exact edges; an admin's override moves a unit's zone."""
from datetime import timedelta

import pytest
from sqlalchemy import select

from core.audit import AuditEvent
from core.extensions import db
from core.permissions import ADMIN, MODERATOR
from scorecard import measures, score, services
from scorecard.models import Setting

from tests.conftest import NOW

SLA = measures.get("c.sla_share")


def only_sla_counts(**overrides):
    """Settings under which the SLA share alone makes the score (other families weigh nothing)."""
    settings = score.load_settings()
    settings.values.update({"family.forum.weight": 0, "family.training.weight": 0, "score.min_measures": 1})
    settings.values.update(overrides)
    return settings


def sla_figures(on_time, resolved):
    return {"c.resolved": resolved, "c.resolved_on_time": on_time}


def test_points_are_linear_between_bad_and_good_and_clamped(app):
    settings = score.load_settings()
    assert score.points(SLA, 95, settings) == 100 and score.points(SLA, 50, settings) == 0
    assert score.points(SLA, 72.5, settings) == 50
    assert score.points(SLA, 100, settings) == 100 and score.points(SLA, 10, settings) == 0
    days = measures.get("c.median_days")  # lower is better: 3 days 100 points, 10 days 0
    assert score.points(days, 3, settings) == 100 and score.points(days, 6.5, settings) == 50
    assert score.points(days, 12, settings) == 0


@pytest.mark.parametrize("on_time,expected_score,zone", [
    (43, 80, score.GREEN),   # 86%: (86 - 50) / 45 = 80 points exactly, the green edge
    (42, 76, score.YELLOW),  # 84%: 75.6 points, rounded to 76
])
def test_score_and_zone_at_the_green_edge(app, on_time, expected_score, zone):
    card = score.evaluate(sla_figures(on_time, 50), only_sla_counts())
    assert (card.score, card.zone) == (expected_score, zone)


def test_score_exactly_at_the_yellow_edge_is_yellow_and_one_below_is_red(app):
    # 34 of 50 on time is 68%: 40 points exactly.
    assert score.evaluate(sla_figures(34, 50), only_sla_counts()).score == 40
    assert score.evaluate(sla_figures(34, 50), only_sla_counts(**{"zone.yellow": 40})).zone == score.YELLOW
    assert score.evaluate(sla_figures(34, 50), only_sla_counts(**{"zone.yellow": 41})).zone == score.RED


def test_the_zone_edges_belong_to_the_higher_zone(app):
    settings = score.load_settings()
    assert score.zone_of(80, settings) == score.GREEN and score.zone_of(79, settings) == score.YELLOW
    assert score.zone_of(60, settings) == score.YELLOW and score.zone_of(59, settings) == score.RED
    assert score.zone_of(None, settings) is None


def test_too_few_cases_is_data_belum_cukup_not_zero(app):
    settings = only_sla_counts()
    card = score.evaluate(sla_figures(0, 4), settings)  # 4 resolved, fewer than 5
    result = card.results["c.sla_share"]
    assert result.value == 0 and not result.enough and result.points is None
    assert card.score is None and card.zone is None
    assert score.evaluate(sla_figures(0, 5), settings).score == 0


def test_a_family_without_data_leaves_its_weight_to_the_others(app):
    settings = score.load_settings()
    figures = {**sla_figures(43, 50), "t.asn": 10, "t.module:1": 10, "f.consultations_12m": 1}
    card = score.evaluate(figures, settings)
    # Complaints 80, forum 100 (its only measure with data), training 100, survey absent: weights
    # 40/20/20 of 80 → (80*40 + 100*20 + 100*20) / 80 = 90.
    assert card.families == {"complaints": 80, "forum": 100, "training": 100, "survey": None}
    assert card.score == 90
    weights = score.effective_family_weights(card, settings)
    assert weights["survey"] == 0 and weights["complaints"] == 50


def test_an_admin_override_changes_a_units_zone_and_is_audited(client, login, make_user, unit, moderator, file,
                                                                 resolve, rebuild):
    # 10 complaints, 8 on time: 80% → 66.7 points with the defaults (yellow)...
    for n in range(10):
        complaint = file(unit=unit, moderator=moderator)
        resolve(complaint, moderator, NOW + timedelta(days=1 if n < 8 else 9))
    rebuild(now=NOW + timedelta(days=20))
    period = "?periode=rentang&dari=2026-11-01&sampai=2026-11-30"
    admin = make_user(ADMIN)
    login(admin)
    form = {"family.forum.weight": "0", "family.training.weight": "0", "score.min_measures": "1",
            "c.median_days.weight": "0"}
    assert client.post("/admin/rapor", data=form).status_code == 302
    page = client.get(f"/rapor/unit/{unit.id}{period}").get_data(as_text=True)
    assert "Kuning: perlu perhatian" in page
    # ...and 100 points once "good" is 80%.
    form["c.sla_share.good"] = "80"
    assert client.post("/admin/rapor", data=form).status_code == 302
    page = client.get(f"/rapor/unit/{unit.id}{period}").get_data(as_text=True)
    assert "Hijau: baik" in page
    assert db.session.get(Setting, "c.sla_share.good").value == 80
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "scorecard.settings_changed")).all()
    assert len(events) == 2 and events[-1].data["changes"]["c.sla_share.good"] == [None, 80]
    # The method page states the admins' current numbers.
    assert "100 poin pada 80%" in client.get("/rapor/cara-penilaian").get_data(as_text=True)
    # Clearing a field restores the default.
    form["c.sla_share.good"] = ""
    client.post("/admin/rapor", data=form)
    assert db.session.get(Setting, "c.sla_share.good") is None


@pytest.mark.parametrize("field,value,message", [
    ("c.sla_share.good", "lima", "Tulis angka"),
    ("c.sla_share.good", "120", "Nilai harus antara 0 dan 100."),
    ("c.sla_share.good", "40", "batas baik harus lebih tinggi dari batas buruk"),
    ("c.median_days.good", "12", "batas baik harus lebih rendah dari batas buruk"),
    ("c.rating_avg.bad", "0", "Nilai harus antara 1 dan 5."),
    ("zone.yellow", "85", "Batas zona kuning harus lebih rendah dari batas zona hijau."),
    ("c.sla_share.min_base", "2,5", "bilangan bulat"),
    ("family.complaints.weight", "-1", "Bobot harus antara 0 dan 100."),
])
def test_bad_settings_are_refused_next_to_their_field(client, login, make_user, field, value, message):
    login(make_user(ADMIN))
    response = client.post("/admin/rapor", data={field: value})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert message in page and 'aria-invalid="true"' in page
    assert db.session.scalars(select(Setting)).all() == []


def test_only_admins_change_the_settings(client, login, make_user):
    login(make_user(MODERATOR))
    assert client.post("/admin/rapor", data={"zone.green": "90"}).status_code == 403
    with pytest.raises(Exception):
        services.update_settings(make_user(MODERATOR), {"zone.green": "90"})
