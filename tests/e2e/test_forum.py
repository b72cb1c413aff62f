"""The consultation forum in a real browser: an organisation member posts input, the host unit
answers it, a moderator publishes the berita acara, and the public tracker shows the action.
axe checks every page on the way."""
import re
from datetime import timedelta

from playwright.sync_api import expect

from core import clock
from core.extensions import db
from core.permissions import ASN, MODERATOR, ORG_MEMBER
from forum.models import CLOSED, OPEN, Consultation
from tests.conftest import PASSWORD

INPUT_TITLE = "Loket KTP-el perlu buka sampai sore"


def log_in(page, email):
    page.context.clear_cookies()
    page.goto("/akun/masuk")
    page.get_by_label("E-mail", exact=True).fill(email)
    page.get_by_label("Kata sandi", exact=True).fill(PASSWORD)
    page.get_by_role("main").get_by_role("button", name="Masuk", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("Selamat datang")


def test_input_response_minutes_and_tracker(page, make_user, make_unit, make_organisation, check_a11y):
    unit = make_unit()
    host = make_user(ASN, unit=unit, email="petugas@example.com")
    moderator = make_user(MODERATOR, email="moderator@example.com")
    member = make_user(ORG_MEMBER, email="anggota@example.com")
    make_organisation("Forum Peduli Pelayanan Publik", contact=member)
    now = clock.now()
    consultation = Consultation(
        slug="standar-ktp-el", title="Rancangan standar pelayanan KTP-el", unit_id=unit.id,
        topic_type="standar_pelayanan", description="Kami meminta masukan atas **rancangan standar pelayanan**.",
        format="hybrid", place="Aula Disdukcapil", online_link="https://rapat.example.com/fkp", stage=OPEN,
        opens_at=now - timedelta(days=1), closes_at=now + timedelta(days=6), meeting_at=now + timedelta(days=8),
        published_at=now - timedelta(days=1))
    db.session.add(consultation)
    db.session.commit()

    # A member of a verified organisation posts input on its behalf.
    log_in(page, member.email)
    page.goto("/forum/")
    check_a11y(page)
    page.get_by_role("link", name="Rancangan standar pelayanan KTP-el").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Rancangan standar pelayanan KTP-el")
    check_a11y(page)
    page.get_by_label("Judul masukan").fill(INPUT_TITLE)
    page.get_by_label("Isi masukan").fill("Banyak pekerja tidak bisa datang sebelum pukul 15.00; mohon loket buka "
                                          "sampai pukul 17.00 setidaknya dua hari seminggu.")
    page.get_by_role("button", name="Kirim masukan").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(INPUT_TITLE)
    check_a11y(page)
    input_url = page.url

    # The host unit answers officially.
    log_in(page, host.email)
    page.goto(input_url)
    page.get_by_label("Diterima sebagian").check()
    page.get_by_label("Alasan", exact=True).fill("Loket dibuka sampai pukul 17.00 setiap Selasa dan Kamis mulai bulan depan.")
    page.get_by_role("button", name="Simpan tanggapan resmi").click()
    expect(page.get_by_role("main")).to_contain_text("Diterima sebagian")
    check_a11y(page)

    # Time passes: input closes and the meeting is held.
    consultation = db.session.get(Consultation, consultation.id)
    consultation.stage = CLOSED
    consultation.closes_at, consultation.meeting_at = now - timedelta(minutes=5), now - timedelta(minutes=2)
    db.session.commit()

    # A moderator records and publishes the berita acara.
    log_in(page, moderator.email)
    page.goto("/forum/konsultasi/standar-ktp-el/berita-acara")
    check_a11y(page)
    page.get_by_label("Tempat", exact=True).fill("Aula Disdukcapil")
    page.get_by_label("Ringkasan jalannya forum (notulen)").fill(
        "Forum membahas jam layanan dan persyaratan KTP-el bersama organisasi masyarakat.")
    page.locator("#ba-agreements-0-text").fill("Loket KTP-el buka sampai pukul 17.00 setiap Selasa dan Kamis.")
    page.locator("#ba-agreements-0-unit_id").select_option(str(unit.id))
    page.locator("#ba-agreements-0-target_date").fill((now + timedelta(days=30)).date().isoformat())
    page.locator("#ba-signatories-0-name").fill("Kepala Disdukcapil")
    page.locator("#ba-signatories-1-name").fill("Ketua Forum Peduli Pelayanan Publik")
    page.get_by_role("button", name="Simpan berita acara").click()
    expect(page.locator(".flash-messages")).to_contain_text("Berita acara disimpan")
    check_a11y(page)
    page.get_by_role("link", name="Terbitkan berita acara").click()
    check_a11y(page)  # the confirmation step
    page.get_by_role("button", name="Ya, terbitkan berita acara").click()
    expect(page.locator(".flash-messages")).to_contain_text("Berita acara diterbitkan")
    check_a11y(page)

    # Anyone sees the action on the public tracker.
    page.context.clear_cookies()
    page.goto("/forum/tindak-lanjut")
    expect(page.get_by_role("main")).to_contain_text("Loket KTP-el buka sampai pukul 17.00")
    expect(page.get_by_role("main")).to_contain_text("Direncanakan")
    check_a11y(page)
    page.goto("/forum/konsultasi/standar-ktp-el")
    expect(page.get_by_role("main")).to_contain_text(re.compile("Tindak lanjut", re.I))
    check_a11y(page)
    page.goto(input_url)
    expect(page.get_by_role("main")).to_contain_text("Diterima sebagian")
    check_a11y(page)
