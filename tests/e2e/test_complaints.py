"""The complaint desk in a real browser: a visitor files with a photo and tracks it; a moderator
routes it, forwards it to SP4N-LAPOR! and resolves it. axe checks every page on the way."""
import re

from PIL import Image
from playwright.sync_api import expect

from core.permissions import MODERATOR

TITLE = "Lampu jalan mati di Gang Mawar"


def test_file_track_route_forward_and_resolve(page, make_user, make_unit, check_a11y, tmp_path):
    unit = make_unit("Dinas Pekerjaan Umum dan Penataan Ruang", "Dinas PUPR")
    moderator = make_user(MODERATOR, email="moderator@example.com")
    photo = tmp_path / "lampu.jpg"
    Image.new("RGB", (64, 48), (30, 30, 30)).save(photo, "JPEG")

    # A visitor files a complaint with a photo, without an account.
    page.goto("/pengaduan/")
    check_a11y(page)
    page.get_by_role("main").get_by_role("link", name="Buat pengaduan").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Buat pengaduan")
    check_a11y(page)
    page.get_by_label("Judul").fill(TITLE)
    page.get_by_label("Uraian").fill("Lampu di ujung Gang Mawar mati sejak dua minggu, gang gelap sekali malam hari.")
    page.get_by_label("Kategori").select_option("infrastruktur")
    page.get_by_label("Lokasi kejadian (opsional)").fill("Gang Mawar, Kelurahan Sungai Bangkong")
    page.get_by_label("Lampiran (opsional)").set_input_files(str(photo))
    page.get_by_label("E-mail (opsional)").fill("warga.mawar@example.com")
    page.get_by_role("button", name="Kirim pengaduan").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Pengaduan terkirim")
    code = page.locator("#kode-pelacakan").inner_text().strip()
    assert re.fullmatch(r"ADU-\d{4}-[A-Z2-7]{12}", code)
    expect(page.get_by_text("Simpan tautan pelapor ini")).to_be_visible()
    check_a11y(page)

    # Anyone tracks it by its code.
    page.goto("/pengaduan/")
    page.get_by_label("Kode pelacakan").fill(code.lower())
    page.get_by_role("button", name="Lacak").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(code)
    expect(page.get_by_role("main")).to_contain_text("Diterima")
    expect(page.get_by_role("main")).to_contain_text(TITLE)
    check_a11y(page)

    # A moderator finds it in the queue and routes it to the unit.
    page.context.clear_cookies()
    page.goto("/akun/masuk")
    page.get_by_label("E-mail", exact=True).fill(moderator.email)
    page.get_by_label("Kata sandi", exact=True).fill("rahasia-yang-panjang")
    page.get_by_role("main").get_by_role("button", name="Masuk", exact=True).click()
    page.goto("/pengaduan/antrean")
    check_a11y(page)
    page.get_by_role("link", name=code).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(page.get_by_role("link", name="lampu.jpg")).to_be_visible()
    check_a11y(page)

    page.get_by_label("Unit penanggung jawab").select_option(str(unit.id))
    page.get_by_role("button", name="Verifikasi", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("diverifikasi")
    check_a11y(page)

    # It touches safety at night: the moderator forwards it to SP4N-LAPOR! before the deadline.
    page.get_by_label("Alasan meneruskan sebelum tenggat").fill("Menyangkut keselamatan warga pada malam hari.")
    page.get_by_role("button", name="Teruskan sekarang").click()
    expect(page.get_by_role("main")).to_contain_text("Diteruskan ke SP4N-LAPOR!")
    check_a11y(page)

    # The city keeps the case and resolves it.
    page.get_by_label(re.compile("Tanggapan penyelesaian")).fill("Lima lampu sudah diganti pada hari ini.")
    page.get_by_role("button", name="Tandai selesai").click()
    expect(page.get_by_role("main")).to_contain_text("Selesai ditangani")
    check_a11y(page)

    # The public page shows the outcome.
    page.goto(f"/pengaduan/lacak/{code}")
    main = page.get_by_role("main")
    expect(main).to_contain_text("Selesai ditangani")
    expect(main).to_contain_text("Lima lampu sudah diganti")
    expect(main).to_contain_text("Diteruskan ke SP4N-LAPOR!")
    expect(main).not_to_contain_text("warga.mawar@example.com")
    check_a11y(page)
