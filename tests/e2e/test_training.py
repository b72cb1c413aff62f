"""Training in a real browser: an ASN reads a module, passes its quiz, downloads the certificate,
and a visitor verifies it by its code. axe checks every page on the way."""
import re

from playwright.sync_api import expect
from sqlalchemy import select

from core.extensions import db
from core.permissions import ASN
from tests.conftest import PASSWORD
from training.models import Lesson, Option, Question, QuizAttempt, TrainingModule

TITLE = "Kode Etik dan Kode Perilaku ASN"


def make_module():
    module = TrainingModule(slug="kode-etik-asn", title=TITLE, audience="asn", published=True, validity_months=12,
                            summary="Enam lingkup etika ASN dalam pelayanan sehari-hari.", questions_per_quiz=4,
                            pass_mark=75, time_limit_minutes=20, attempts_per_day=3,
                            # The browser reads each lesson at once: the reading-time check (tested in
                            # tests/training/test_integrity.py) would refuse it.
                            reading_time_check=False)
    module.lessons = [Lesson(position=n, title=f"Pelajaran {n}", body=f"## Bagian {n}\n\nIsi pelajaran **{n}**.")
                      for n in (1, 2, 3)]
    for n in range(1, 6):
        question = Question(position=n, kind="multiple" if n % 2 == 0 else "single", text=f"Soal nomor {n}?",
                            explanation=f"Penjelasan soal {n}.")
        question.options = [Option(position=1, text=f"Pilihan {n}A", correct=True),
                            Option(position=2, text=f"Pilihan {n}B", correct=n % 2 == 0),
                            Option(position=3, text=f"Pilihan {n}C", correct=False)]
        module.questions.append(question)
    db.session.add(module)
    db.session.commit()
    return module


def test_read_pass_download_and_verify(page, make_user, make_unit, check_a11y):
    asn = make_user(ASN, unit=make_unit(), nip="198503122010011003", full_name="Budi Santoso")
    make_module()

    page.goto("/akun/masuk")
    page.get_by_label("E-mail", exact=True).fill(asn.email)
    page.get_by_label("Kata sandi", exact=True).fill(PASSWORD)
    page.get_by_role("main").get_by_role("button", name="Masuk", exact=True).click()

    # The catalogue and the module.
    page.goto("/pelatihan/")
    check_a11y(page)
    page.get_by_role("link", name=TITLE).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    check_a11y(page)

    # Read the three lessons in order.
    page.get_by_role("link", name="Pelajaran 1").first.click()
    for n in (1, 2, 3):
        expect(page.get_by_role("main")).to_contain_text(f"Isi pelajaran {n}")
        check_a11y(page)
        page.get_by_role("button", name=re.compile("Tandai sudah dibaca")).click()

    # The quiz opens now; answer every drawn question correctly.
    page.goto("/pelatihan/modul/kode-etik-asn")
    page.get_by_role("button", name="Mulai kuis").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Kuis")
    check_a11y(page)
    html = page.content()
    assert "Penjelasan soal" not in html and "correct" not in html  # no answers before submitting
    # On a phone, the time left stays in view while the person scrolls down through the questions.
    desktop = page.viewport_size
    page.set_viewport_size({"width": 360, "height": 400})
    page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")
    assert page.evaluate("window.scrollY") > 200
    expect(page.locator(".quiz-timer")).to_be_in_viewport()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.set_viewport_size(desktop)
    attempt = db.session.scalar(select(QuizAttempt).order_by(QuizAttempt.id.desc()))
    for question_id in attempt.question_ids:
        question = db.session.get(Question, question_id)
        for option in question.options:
            if option.correct:
                page.locator(f"#soal-{question.id}-opsi-{option.id}").check()
    page.get_by_role("button", name="Kirim jawaban").click()
    expect(page.get_by_role("main")).to_contain_text("Selamat, Anda lulus")
    expect(page.get_by_role("main")).to_contain_text("Penjelasan soal")
    check_a11y(page)

    # The certificate: its page and its PDF.
    page.get_by_role("link", name="Lihat sertifikat").click()
    expect(page.get_by_role("main")).to_contain_text("Budi Santoso")
    check_a11y(page)
    code = re.search(r"SRT-[A-Z2-7]{12}", page.content()).group(0)
    with page.expect_download() as download:
        page.get_by_role("link", name="Unduh PDF").click()
    pdf = download.value.path().read_bytes()
    assert pdf.startswith(b"%PDF")

    # A visitor verifies it by its code.
    page.context.clear_cookies()
    page.goto("/pelatihan/periksa")
    check_a11y(page)
    page.get_by_label("Kode sertifikat").fill(code.lower())
    page.get_by_role("main").get_by_role("button").first.click()
    main = page.get_by_role("main")
    expect(main).to_contain_text("asli dan masih berlaku")
    expect(main).to_contain_text("Budi Santoso")
    expect(main).to_contain_text(TITLE)
    expect(main).not_to_contain_text("198503122010011003")  # no NIP for the public
    check_a11y(page)
