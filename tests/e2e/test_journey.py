"""A person's first visit, in a real browser: register, verify the e-mail, log in, switch language.

axe-core checks every page the browser lands on (`check_a11y`).
"""
import re
import time

import pytest
from playwright.sync_api import expect

from core import outbox

pytestmark = pytest.mark.e2e

FULL_NAME = "Siti Rahmawati"
EMAIL = "siti.rahmawati@example.com"
NEW_PASSWORD = "kopi tubruk pagi hari"  # ≥ 10 characters, and not the e-mail's local part

VERIFY_LINK = re.compile(r"https?://\S+/akun/verifikasi/\S+")


def test_register_verify_log_in_and_switch_language(page, app, sent_mail, check_a11y):
    # Home page, in Bahasa Indonesia by default.
    page.goto("/")
    expect(page.locator("html")).to_have_attribute("lang", "id")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Partisipasi publik {app.config['CITY_NAME']}")
    check_a11y(page)

    # "Daftar" in the header leads to the registration form.
    header = page.get_by_role("banner")
    header.get_by_role("link", name="Daftar", exact=True).click()
    expect(page).to_have_url(re.compile(r"/akun/daftar$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Daftar akun")
    check_a11y(page)

    page.get_by_label("Nama lengkap").fill(FULL_NAME)
    page.get_by_label("E-mail", exact=True).fill(EMAIL)
    page.get_by_label("Kata sandi", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Ulangi kata sandi").fill(NEW_PASSWORD)
    page.get_by_label("Warga / anggota organisasi masyarakat").check()
    page.get_by_label("Saya menyetujui pemrosesan data pribadi saya").check()
    page.get_by_role("main").get_by_role("button", name="Daftar").click()

    expect(page).to_have_url(re.compile(r"/akun/periksa-email"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Periksa e-mail Anda")
    check_a11y(page)

    # The e-mail leaves after the response has gone, or with the worker's next outbox pass. The
    # worker's pass runs here (a no-op when the message already left), so the journey does not
    # hang on the live server's timing; tests/core/test_timeouts.py covers the sending after the
    # response itself.
    deadline = time.monotonic() + 5
    while not sent_mail and time.monotonic() < deadline:
        time.sleep(0.05)
    outbox.deliver()
    assert len(sent_mail) == 1, [m.subject for m in sent_mail]
    message = sent_mail[0]
    assert message.recipients == [EMAIL]
    link = VERIFY_LINK.search(message.body)
    assert link, f"no verification link in the e-mail:\n{message.body}"

    # The link verifies the address and leads to the login form, e-mail filled in.
    page.goto(link.group(0))
    expect(page).to_have_url(re.compile(r"/akun/masuk"))
    expect(page.get_by_role("status")).to_contain_text("Alamat e-mail Anda sudah terverifikasi. Silakan masuk.")
    expect(page.get_by_label("E-mail", exact=True)).to_have_value(EMAIL)
    check_a11y(page)

    page.get_by_label("Kata sandi", exact=True).fill(NEW_PASSWORD)
    page.get_by_role("main").get_by_role("button", name="Masuk", exact=True).click()

    expect(page.get_by_role("status")).to_contain_text(f"Selamat datang, {FULL_NAME}.")
    expect(header).to_contain_text(f"Masuk sebagai {FULL_NAME}")
    check_a11y(page)

    # Switch to English with the header button.
    english = header.get_by_role("button", name="English")
    indonesian = header.get_by_role("button", name="Bahasa Indonesia")
    english.click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(english).to_have_attribute("aria-pressed", "true")
    expect(indonesian).to_have_attribute("aria-pressed", "false")
    expect(header.get_by_role("link", name="Home", exact=True)).to_be_visible()
    expect(header).to_contain_text(f"Logged in as {FULL_NAME}")
    check_a11y(page)

    # And back to Bahasa Indonesia.
    indonesian.click()
    expect(page.locator("html")).to_have_attribute("lang", "id")
    expect(indonesian).to_have_attribute("aria-pressed", "true")
    expect(english).to_have_attribute("aria-pressed", "false")
    expect(header.get_by_role("link", name="Beranda", exact=True)).to_be_visible()
    expect(header).to_contain_text(f"Masuk sebagai {FULL_NAME}")
    check_a11y(page)


def test_wrong_password_shows_the_generic_error(page, make_user, check_a11y):
    user = make_user(email="warga@example.com")

    page.goto("/akun/masuk")
    expect(page.get_by_role("heading", level=1)).to_have_text("Masuk")
    check_a11y(page)

    page.get_by_label("E-mail", exact=True).fill(user.email)
    page.get_by_label("Kata sandi", exact=True).fill("bukan kata sandinya")
    page.get_by_role("main").get_by_role("button", name="Masuk", exact=True).click()

    # The same message whether the address or the password was wrong (no account enumeration).
    expect(page.get_by_role("alert")).to_have_text("E-mail atau kata sandi salah.")
    expect(page.get_by_role("banner").get_by_role("link", name="Masuk", exact=True)).to_be_visible()
    check_a11y(page)
