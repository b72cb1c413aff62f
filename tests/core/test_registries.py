"""Core calls the pillars without knowing them: what they register, core runs in the stated order."""
import re

from core import worker
from core.demo import STEPS
from core.extensions import db
from core.permissions import ADMIN, CITIZEN, MODERATOR
from core.registry import Registry


def test_entries_come_out_in_their_order_and_a_name_registered_again_keeps_one_entry():
    registry = Registry("test")
    registry.add("later", "a", order=20)
    registry.add("first", "b", order=10)
    registry.add("tie", "c", order=20)
    registry.add("later", "d", order=20)
    assert registry.items() == [("first", "b"), ("later", "d"), ("tie", "c")]
    assert "tie" in registry and len(registry) == 3


def test_the_worker_runs_the_sweeps_the_pillars_registered_escalation_first_digests_last():
    assert list(worker.SWEEPS) == [
        "complaints.sweeps:run_all", "forum.consultation_services:close_due",
        "training.certificate_services:remind_expiring", "core.uploads:sweep_staged",
        "complaints.sweeps:erase_expired_identities", "scorecard.aggregates:refresh_sweep",
        "scorecard.follow_services:send_weekly_digests",
        "core.notices:send_digests"]


def test_the_demo_city_is_seeded_people_first():
    assert list(STEPS) == ["accounts.demo:seed_people", "complaints.demo:seed_complaints",
                           "forum.demo:seed_consultations", "training.demo:seed_training",
                           "scorecard.demo:seed_scorecard"]


def admin_menu(page):
    menu = page.split('aria-label="Menu administrasi"', 1)[1].split("</nav>", 1)[0]
    return re.findall(r'href="([^"]+)"', menu)


def test_the_admin_menu_shows_each_pages_entry_in_order_to_those_allowed(client, login, make_user):
    admin_page = login(make_user(ADMIN)).get("/admin/").get_data(as_text=True)
    assert admin_menu(admin_page) == ["/admin/", "/admin/organisasi", "/admin/pengguna", "/admin/unit",
                                      "/admin/kalender", "/admin/outbox", "/admin/audit", "/pelatihan/kelola",
                                      "/admin/rapor"]
    client.post("/akun/keluar")
    moderator_page = login(make_user(MODERATOR)).get("/admin/").get_data(as_text=True)
    assert admin_menu(moderator_page) == ["/admin/", "/admin/organisasi", "/admin/pengguna"]


def test_a_logged_in_persons_language_choice_is_kept_on_their_account(client, login, make_user):
    person = make_user(CITIZEN)
    login(person).post("/bahasa/en")
    db.session.refresh(person)
    assert person.locale == "en"
