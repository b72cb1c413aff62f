"""Demo complaints for `flask demo seed`: a few dozen across units and statuses.

They are made through the real services with `now` set in the past, so every date, deadline and
timeline is what the site would have produced. Some are due soon, some overdue (the worker
forwards those within a minute of `make run`), some already forwarded by a moderator.
"""
from datetime import timedelta

from sqlalchemy import select

from accounts.models import Unit
from core import clock
from core.demo import seed_step
from core.extensions import db
from core.permissions import ASN, CITIZEN, MODERATOR, ReporterPass
from core.web import links_context

from . import services

# (title, description, category, unit short name, days ago received, what happened since)
COMPLAINTS = [
    ("Antrean rekam KTP-el sangat panjang", "Sejak pukul 07.00 antrean rekam KTP-el mengular sampai ke parkiran, "
     "padahal loket baru dibuka pukul 08.30.", "administrasi_kependudukan", "Disdukcapil", 12, "resolved"),
    ("Akta kelahiran belum terbit setelah tiga minggu", "Berkas akta kelahiran anak saya diserahkan tiga minggu lalu "
     "dan belum ada kabar.", "administrasi_kependudukan", "Disdukcapil", 9, "in_progress"),
    ("Petugas meminta biaya tambahan untuk KK", "Saat mengurus Kartu Keluarga, petugas meminta uang Rp100.000 "
     "agar cepat selesai.", "pungli", "Disdukcapil", 8, "overdue"),
    ("Izin usaha mikro tidak bisa diunggah", "Situs perizinan selalu gagal saat mengunggah dokumen NIB untuk usaha "
     "kuliner rumahan.", "perizinan", "DPMPTSP", 6, "verified"),
    ("Persyaratan PBG tidak jelas", "Daftar persyaratan Persetujuan Bangunan Gedung di loket berbeda dengan yang "
     "di situs resmi.", "perizinan", "DPMPTSP", 4, "awaiting"),
    ("Obat di puskesmas sering kosong", "Obat hipertensi untuk peserta BPJS di Puskesmas Kampung Dalam kosong dua "
     "bulan berturut-turut.", "kesehatan", "Dinkes", 10, "forwarded"),
    ("Jadwal posyandu tidak diumumkan", "Warga RT 04 tidak tahu jadwal posyandu bulan ini karena tidak ada "
     "pengumuman.", "kesehatan", "Dinkes", 2, "received"),
    ("Jalan berlubang di Jl. Gajah Mada", "Lubang besar di depan toko bangunan membahayakan pengendara motor, "
     "terutama saat hujan.", "infrastruktur", "Dinas PUPR", 7, "overdue"),
    ("Drainase tersumbat di Gang Merpati", "Saluran air tersumbat sampah sehingga gang tergenang setiap hujan "
     "deras.", "infrastruktur", "Dinas PUPR", 5, "in_progress"),
    ("Lampu penerangan jalan mati", "Lima tiang lampu di Jl. Sultan Abdurrahman mati sejak dua minggu lalu.",
     "infrastruktur", "Dinas PUPR", 3, "due_soon"),
    ("Sampah tidak diangkut di Pasar Flamboyan", "Tumpukan sampah di sisi timur pasar tidak diangkut selama "
     "seminggu dan berbau.", "lingkungan", "DLH", 11, "closed"),
    ("Pembakaran sampah di lahan kosong", "Setiap malam ada pembakaran sampah di lahan kosong dekat permukiman; "
     "asapnya masuk rumah.", "lingkungan", "DLH", 1, "received"),
    ("Angkot tidak berhenti di halte", "Angkot jurusan terminal tidak mau berhenti di halte baru, penumpang "
     "harus menunggu di badan jalan.", "transportasi", "Dishub", 8, "rejected_authority"),
    ("Parkir liar di depan sekolah", "Parkir liar di depan SDN 12 menyulitkan antar jemput anak.", "ketertiban",
     "Dishub", 4, "verified"),
    ("Bantuan sosial salah sasaran", "Tetangga yang mampu menerima bantuan, sementara lansia sebatang kara "
     "di RT kami tidak.", "sosial", "Dinsos", 9, "forwarded"),
    ("Kuota PPDB zonasi tidak transparan", "Pengumuman PPDB tidak mencantumkan jarak rumah siswa yang diterima.",
     "pendidikan", "Disdikbud", 6, "resolved"),
    ("Loket kelurahan tutup saat jam layanan", "Pukul 10.00 hari Selasa loket Kelurahan Darat Sekip tutup tanpa "
     "pemberitahuan.", "perilaku_petugas", "Kelurahan Darat Sekip", 3, "in_progress"),
    ("Surat pengantar dipersulit", "Petugas kelurahan meminta saya datang tiga kali untuk surat pengantar "
     "yang sama.", "perilaku_petugas", "Kelurahan Sungai Bangkong", 13, "closed"),
    ("Ruang tunggu RSUD panas", "Kipas angin di ruang tunggu poli anak RSUD banyak yang rusak.", "kesehatan",
     "RSUD", 2, "due_soon"),
    ("Permintaan data anggaran perbaikan jalan", "Mohon informasi anggaran dan jadwal perbaikan jalan di "
     "Kecamatan Kota Utara tahun ini.", "infrastruktur", "Dinas PUPR", 5, "resolved"),
    ("Usulan taman bermain ramah disabilitas", "Mohon taman kota dilengkapi permainan dan jalur yang ramah "
     "anak penyandang disabilitas.", "lingkungan", "DLH", 7, "verified"),
    ("Laporan ganda: jalan berlubang Gajah Mada", "Lubang di Jl. Gajah Mada depan toko bangunan belum diperbaiki.",
     "infrastruktur", "Dinas PUPR", 6, "rejected_duplicate"),
    ("Informasi jadwal vaksinasi lansia", "Kapan jadwal vaksinasi influenza untuk lansia di puskesmas?", "kesehatan",
     "Dinkes", 1, "received"),
    ("Layanan daring Disdukcapil sering error", "Aplikasi layanan daring sering gagal masuk sejak pembaruan "
     "minggu lalu.", "administrasi_kependudukan", "Disdukcapil", 4, "awaiting"),
    ("Trotoar dipakai berjualan", "Trotoar di Jl. Tanjungpura penuh lapak sehingga pejalan kaki turun ke jalan.",
     "ketertiban", None, 2, "received"),
]
CLASSIFICATION = {"Permintaan data anggaran perbaikan jalan": "permintaan_informasi",
                  "Informasi jadwal vaksinasi lansia": "permintaan_informasi",
                  "Usulan taman bermain ramah disabilitas": "aspirasi"}


def seed(users, now=None):
    """File and work the demo complaints; returns them."""
    now = now or clock.now()
    units = {u.short_name or u.name: u for u in db.session.scalars(select(Unit))}
    moderator, citizen = users[MODERATOR], users[CITIZEN]
    made = []
    with links_context():
        for n, (title, description, category, unit_key, days_ago, fate) in enumerate(COMPLAINTS):
            received = now - timedelta(days=days_ago, hours=n % 7)
            unit = units.get(unit_key)
            complaint, _key = services.file_complaint(
                title=title, description=description, category=category,
                classification=CLASSIFICATION.get(title, "pengaduan"),
                unit_id=unit.id if unit and n % 3 == 0 else None, location="Kota Contoh",
                anonymous=fate == "overdue" and category == "pungli", confidential=category == "pungli",
                reporter=citizen if n % 4 == 0 else None,
                reporter_name=None if n % 4 == 0 else f"Warga {n + 1}",
                reporter_email=None if n % 4 == 0 else f"warga{n + 1}@demo.kota-contoh.id", now=received)
            made.append(complaint)
            _work(complaint, fate, unit, moderator, users, received, now, made)
        db.session.commit()
    return made


def _handler(users, unit):
    asn = users.get(ASN)
    return asn if asn is not None and asn.unit_id == (unit.id if unit else None) else None


def _work(complaint, fate, unit, moderator, users, received, now, made):
    if fate == "received" or unit is None:
        return
    step = received + timedelta(hours=3)
    services.verify(moderator, complaint, unit_id=unit.id, now=step)
    handler = _handler(users, unit) or moderator
    if fate == "verified":
        return
    if fate.startswith("rejected"):
        if fate == "rejected_authority":
            services.reject(moderator, complaint, kind="not_authority", now=step,
                            reason="Trayek angkutan antarkota dikelola pemerintah provinsi.",
                            referral="Dinas Perhubungan Provinsi")
        else:
            original = next(c for c in made if c.title == "Jalan berlubang di Jl. Gajah Mada")
            services.reject(moderator, complaint, kind="duplicate", now=step, reason="Sudah dilaporkan sebelumnya.",
                            duplicate_code=original.tracking_code)
        return
    services.start_progress(handler, complaint, now=step + timedelta(hours=2))
    if fate == "awaiting":
        services.request_info(handler, complaint, now=now - timedelta(hours=20),
                              message="Mohon kirim tangkapan layar pesan galat yang muncul.")
    elif fate == "forwarded":
        services.forward(complaint, actor=moderator, now=step + timedelta(days=1),
                         reason="Masalah berulang dan lintas unit; perlu perhatian tingkat nasional.")
    elif fate in ("resolved", "closed"):
        services.resolve(handler, complaint, now=step + timedelta(days=2),
                         response="Sudah kami tindak lanjuti: petugas ditambah dan jadwal layanan diumumkan di loket.")
        if fate == "closed":
            reporter = ReporterPass(complaint.id)
            services.accept(reporter, complaint, now=step + timedelta(days=3))
            services.rate(reporter, complaint, rating=4, comment="Cukup cepat.", now=step + timedelta(days=3))


@seed_step(order=20)
def seed_complaints(city):
    return [f"{len(seed(city['users']))} demo complaints filed."]
