"""Demo consultations for `flask demo seed`: three FKP in different stages, in believable Indonesian.

1. Disdukcapil, open for input: a draft standar pelayanan for KTP-el, with inputs from the demo
   organisations, replies, supports, one early official response and registered participants.
2. DPMPTSP, follow-up: a maklumat pelayanan consultation with a published berita acara whose
   agreements are follow-up actions, some done, some in progress, one overdue.
3. Dinas Kesehatan, completed: the results of the satisfaction survey (SKM), every action done.

Rows are written directly (not through the services) but follow their rules: stages and dates in
order, response_due_at after the window closes, counters equal to the rows, one action per
agreement, responses from a confirmed ASN of the host unit. The caller commits.
"""
from datetime import timedelta

from flask import current_app
from sqlalchemy import select

from accounts.demo import DEMO_PASSWORD
from accounts.models import MEMBER_APPROVED, Organisation, OrganisationMembership, Unit, User
from core import calendar, clock
from core.demo import seed_step
from core.extensions import db
from core.permissions import ASN, CITIZEN, MODERATOR, ORG_MEMBER

from .models import (COMPLETED, DONE, FOLLOW_UP, IN_PROGRESS, OPEN, PLANNED, ActionProgress, Agreement,
                     Minutes, Consultation, Follow, FollowUpAction, ForumInput, ForumReply, OfficialResponse,
                     Participant, Support)

# Extra demo people: members who speak for the other organisations, and the host units' staff.
# (role, e-mail, name, organisation or unit short name, NIP, position)
PEOPLE = [
    (ORG_MEMBER, "disabilitas@demo.kota-contoh.id", "Rudi Hartono", "Ikatan Disabilitas Kota", None, "Ketua"),
    (ORG_MEMBER, "akademisi@demo.kota-contoh.id", "Dr. Maria Ulfa, M.Si.",
     "Pusat Studi Kebijakan Publik Universitas Daerah", None, "Peneliti"),
    (ORG_MEMBER, "jurnalis@demo.kota-contoh.id", "Yanti Kurniasih", "Komunitas Jurnalis Warga", None, "Koordinator"),
    (ORG_MEMBER, "umkm@demo.kota-contoh.id", "Hendra Wijaya", "Asosiasi Pelaku UMKM Kota", None, "Sekretaris"),
    (ASN, "asn.dpmptsp@demo.kota-contoh.id", "Ahmad Fauzi, S.Sos.", "DPMPTSP", "198709142011011002", None),
    (ASN, "asn.dinkes@demo.kota-contoh.id", "dr. Lina Marlina", "Dinkes", "198305202009022004", None),
]


def _person(role, email, name, *, unit=None, nip=None, now):
    user = db.session.scalar(select(User).where(User.email == email))
    if user is None:
        user = User(email=email, full_name=name, role=role, unit=unit, nip=nip, email_verified_at=now, created_at=now)
        user.set_password(DEMO_PASSWORD)
        if role == ASN:
            user.asn_confirmed_at = now
        db.session.add(user)
    return user


def _day(moment, hour, minute=0):
    """The same local day at a given hour (meetings at 09:00 WIB, not at the seed's minute)."""
    local = clock.to_local(moment).replace(hour=hour, minute=minute, second=0, microsecond=0)
    return local.astimezone(moment.tzinfo)


def seed(users, now=None):
    """Insert the three demo consultations; `users` is accounts.demo.seed()'s role → User."""
    now = now or clock.now()
    units = {u.short_name: u for u in db.session.scalars(
        select(Unit).where(Unit.short_name.in_(["Disdukcapil", "DPMPTSP", "Dinkes", "Puskesmas KD"])))}
    orgs = {o.name: o for o in db.session.scalars(select(Organisation))}
    people = {}
    for role, email, name, where, nip, position in PEOPLE:
        if role == ORG_MEMBER:
            user = _person(role, email, name, now=now)
            db.session.add(OrganisationMembership(organisation=orgs[where], user=user, is_contact=True,
                                                  status=MEMBER_APPROVED, position=position, created_at=now,
                                                  decided_at=now))
        else:
            user = _person(role, email, name, unit=units[where], nip=nip, now=now)
        people[email.split("@")[0]] = user
    db.session.flush()

    dewi, agus, budi, rina = users[ORG_MEMBER], users[CITIZEN], users[ASN], users[MODERATOR]
    rudi, maria, yanti, hendra = people["disabilitas"], people["akademisi"], people["jurnalis"], people["umkm"]
    ahmad, lina = people["asn.dpmptsp"], people["asn.dinkes"]
    fppp = orgs["Forum Peduli Pelayanan Publik"]
    idk, pusat, kjw, umkm = (orgs["Ikatan Disabilitas Kota"], orgs["Pusat Studi Kebijakan Publik Universitas Daerah"],
                             orgs["Komunitas Jurnalis Warga"], orgs["Asosiasi Pelaku UMKM Kota"])
    response_days = current_app.config["FORUM_RESPONSE_WORKING_DAYS"]

    def post(consultation, author, org, title, body, at, *, replies=(), supporters=(), response=None):
        forum_input = ForumInput(consultation=consultation, author_id=author.id, organisation_id=org.id if org else None,
                                 title=title, body=body, created_at=at, support_count=len(supporters),
                                 reply_count=len(replies))
        db.session.add(forum_input)
        db.session.flush()
        for n, (replier, text) in enumerate(replies, start=1):
            db.session.add(ForumReply(input_id=forum_input.id, author_id=replier.id, body=text,
                                      created_at=at + timedelta(hours=3 * n)))
        for n, supporter in enumerate(supporters, start=1):
            db.session.add(Support(input_id=forum_input.id, user_id=supporter.id, created_at=at + timedelta(hours=n)))
        if response is not None:
            responder, disposition, reason, answered_at = response
            db.session.add(OfficialResponse(input_id=forum_input.id, unit_id=consultation.unit_id,
                                            disposition=disposition, reason=reason, responded_by_id=responder.id,
                                            created_at=answered_at, updated_at=answered_at))
        # Authors follow their own input, as they would on the site.
        db.session.add(Follow(user_id=author.id, input_id=forum_input.id, created_at=at))
        return forum_input

    def participants(consultation, rows, registered_at, *, marked_at=None):
        for user, org, category, vulnerable, attended in rows:
            db.session.add(Participant(consultation=consultation, user_id=user.id,
                                       organisation_id=org.id if org else None, stakeholder_category=category,
                                       vulnerable_group=vulnerable, registered_at=registered_at,
                                       attended=bool(attended and marked_at), attendance_marked_at=marked_at))

    def minutes(consultation, held_at, place, summary, signatories, other_attendees, agreements, published_at):
        minutes = Minutes(consultation=consultation, held_at=held_at, place=place, summary=summary,
                          signatories=signatories, other_attendees=other_attendees,
                          published_at=published_at, published_by_id=rina.id, created_by_id=rina.id,
                          created_at=held_at + timedelta(hours=4), updated_at=published_at)
        db.session.add(minutes)
        db.session.flush()
        actions = []
        for number, (text, forum_input, unit, target, status, notes) in enumerate(agreements, start=1):
            agreement = Agreement(berita_acara_id=minutes.id, number=number, text=text,
                                  input_id=forum_input.id if forum_input else None)
            db.session.add(agreement)
            db.session.flush()
            last_note_at = published_at
            action = FollowUpAction(agreement_id=agreement.id, consultation_id=consultation.id, unit_id=unit.id,
                                    target_date=target, status=status, created_at=published_at)
            db.session.add(action)
            db.session.flush()
            for days, note, note_status, author in notes:
                last_note_at = published_at + timedelta(days=days)
                db.session.add(ActionProgress(action_id=action.id, note=note, status=note_status,
                                              author_id=author.id, created_at=last_note_at))
            action.updated_at = last_note_at
            if status == DONE:
                action.completed_at = last_note_at
            actions.append(action)
        return minutes, actions

    # --- 1. Disdukcapil: open for input -----------------------------------------------------------
    opens = now - timedelta(days=5)
    ktp = Consultation(
        slug="rancangan-standar-pelayanan-ktp-el-2027", unit=units["Disdukcapil"], topic_type="standar_pelayanan",
        title="Rancangan Standar Pelayanan Penerbitan KTP-el Tahun 2027",
        description=(
            "Dinas Kependudukan dan Pencatatan Sipil menyusun **rancangan standar pelayanan penerbitan KTP-el** "
            "yang akan berlaku mulai Januari 2027, sesuai UU 25/2009 dan PermenPAN-RB 15/2014.\n\n"
            "Pokok perubahan yang kami usulkan:\n\n"
            "- waktu penyelesaian KTP-el baru dipersingkat dari 14 menjadi **7 hari kerja**;\n"
            "- pencetakan ulang KTP-el rusak atau hilang **selesai di hari yang sama** bila blangko tersedia;\n"
            "- perekaman di kantor kecamatan setiap hari kerja, tanpa nomor antrean fisik;\n"
            "- layanan jemput bola untuk lansia, penyandang disabilitas, dan warga yang sakit.\n\n"
            "Kami mengundang organisasi masyarakat, akademisi, media, dan warga untuk memberi masukan atas "
            "persyaratan, prosedur, waktu, biaya (tetap **gratis**), dan sarana pengaduan. Rancangan lengkap "
            "dapat diunduh pada bagian dokumen. Masukan akan dibahas dalam FKP tatap muka sekaligus daring."),
        format="hybrid", opens_at=opens, closes_at=_day(now + timedelta(days=9), 23, 59),
        meeting_at=_day(now + timedelta(days=12), 9), place="Aula Kantor Disdukcapil, Jl. Jenderal Sudirman No. 12",
        online_link="https://meet.kota-contoh.id/fkp-ktp-el", allow_citizen_input=True, stage=OPEN,
        created_by_id=budi.id, created_at=opens - timedelta(days=3), updated_at=opens, published_at=opens)
    db.session.add(ktp)
    db.session.flush()
    t = opens + timedelta(hours=20)
    post(ktp, rudi, idk, "Layanan jemput bola perlu jadwal tetap dan bisa dipesan lewat WhatsApp",
         "Kami menyambut baik layanan jemput bola. Agar benar-benar menjangkau penyandang disabilitas, kami "
         "usulkan:\n\n1. jadwal tetap minimal dua kali sepekan di setiap kecamatan;\n2. pemesanan lewat "
         "WhatsApp dan telepon, bukan hanya aplikasi;\n3. petugas membawa alat perekaman portabel yang "
         "berfungsi baik.\n\nSelama ini anggota kami harus menunggu berbulan-bulan untuk perekaman di rumah.",
         t, replies=[(dewi, "Setuju. Sebaiknya jadwalnya juga diumumkan di kantor kelurahan, karena tidak semua "
                            "warga lansia memakai ponsel pintar."),
                     (agus, "Ibu saya stroke dan sudah setahun belum bisa rekam KTP-el. Semoga usulan ini diterima.")],
         supporters=[dewi, maria, yanti, agus],
         response=(budi, "diterima_sebagian",
                   "Jadwal tetap dua kali sepekan per kecamatan kami masukkan dalam standar pelayanan. Pemesanan "
                   "melalui WhatsApp akan dibuka lewat nomor layanan Disdukcapil; nomor telepon menyusul setelah "
                   "kanal pengaduan terpadu kota siap. Alat perekaman portabel saat ini dua unit; penambahan "
                   "diusulkan dalam APBD Perubahan.", t + timedelta(days=2)))
    post(ktp, maria, pusat, "Target 7 hari kerja perlu disertai indikator ketersediaan blangko",
         "Waktu penyelesaian 7 hari kerja sangat baik, tetapi pengalaman dua tahun terakhir menunjukkan "
         "keterlambatan sering karena blangko habis. Kami sarankan standar pelayanan mencantumkan:\n\n"
         "- pemberitahuan kepada pemohon bila blangko kosong, beserta perkiraan tanggal;\n"
         "- surat keterangan pengganti KTP-el yang berlaku selama menunggu;\n"
         "- publikasi stok blangko mingguan di laman dinas.",
         t + timedelta(days=1), replies=[(yanti, "Data stok blangko mingguan akan sangat membantu kami memantau.")],
         supporters=[rudi, yanti, dewi])
    post(ktp, dewi, fppp, "Pengaduan tentang pungutan di luar ketentuan perlu kanal yang jelas",
         "Standar pelayanan sudah menyebut biaya gratis. Namun kami masih menerima laporan warga yang dimintai "
         "uang \"percepatan\" oleh oknum di luar kantor. Mohon dicantumkan nomor pengaduan, tautan SP4N-LAPOR!, "
         "dan jaminan kerahasiaan pelapor di setiap loket dan di bukti pengambilan.",
         t + timedelta(days=2), supporters=[agus, rudi])
    post(ktp, yanti, kjw, "Perekaman di kecamatan sebaiknya juga buka Sabtu pagi",
         "Banyak pekerja harian dan buruh pabrik tidak bisa izin pada hari kerja. Kami usulkan perekaman dibuka "
         "Sabtu pukul 08.00–12.00 secara bergilir di tiap kecamatan.",
         t + timedelta(days=3), replies=[(budi, "Terima kasih, usulan ini akan kami bahas bersama camat dalam FKP.")],
         supporters=[agus])
    participants(ktp, [
        (budi, None, "penyelenggara", False, False),
        (rudi, idk, "organisasi_masyarakat", True, False),
        (maria, pusat, "akademisi", False, False),
        (yanti, kjw, "media", False, False),
        (dewi, fppp, "organisasi_masyarakat", False, False),
        (agus, None, "pengguna_layanan", False, False),
    ], opens + timedelta(days=1))
    db.session.add(Follow(user_id=agus.id, consultation_id=ktp.id, created_at=opens + timedelta(days=1)))

    # --- 2. DPMPTSP: berita acara published, actions in progress -------------------------------------
    opens = now - timedelta(days=80)
    closes = _day(opens + timedelta(days=14), 23, 59)
    held = _day(closes + timedelta(days=6), 9)
    published = held + timedelta(days=4)
    maklumat = Consultation(
        slug="maklumat-pelayanan-perizinan-berusaha-dpmptsp", unit=units["DPMPTSP"], topic_type="maklumat_pelayanan",
        title="Maklumat Pelayanan Perizinan Berusaha DPMPTSP",
        description=(
            "DPMPTSP meninjau **maklumat pelayanan** yang dipasang di Mal Pelayanan Publik: janji waktu layanan, "
            "kepastian biaya, dan kompensasi bila janji tidak ditepati.\n\n"
            "Kami meminta masukan pelaku usaha, terutama UMKM, tentang pengalaman mengurus NIB melalui OSS, "
            "Persetujuan Bangunan Gedung (PBG), dan Sertifikat Laik Fungsi (SLF)."),
        format="tatap_muka", opens_at=opens, closes_at=closes, meeting_at=held,
        place="Ruang Rapat Mal Pelayanan Publik, Lantai 2", allow_citizen_input=False, stage=FOLLOW_UP,
        response_due_at=calendar.due_after(closes, response_days), created_by_id=ahmad.id,
        created_at=opens - timedelta(days=4), updated_at=published, published_at=opens)
    db.session.add(maklumat)
    db.session.flush()
    t = opens + timedelta(days=2)
    nib = post(maklumat, hendra, umkm, "Pendampingan NIB di MPP untuk pelaku usaha mikro",
               "Banyak anggota kami gagal mendaftar NIB karena kesulitan memilih KBLI di OSS. Kami usulkan meja "
               "pendampingan khusus UMKM di MPP dengan petugas yang memahami KBLI, tanpa perlu janji temu.",
               t, replies=[(dewi, "Pendampingan sebaiknya juga keliling ke pasar tradisional."),
                           (ahmad, "Saat ini ada satu petugas pendamping; jumlah antrean UMKM akan kami paparkan di FKP.")],
               supporters=[dewi, yanti, maria],
               response=(ahmad, "diterima",
                         "Meja pendampingan UMKM dibuka setiap hari kerja di MPP dengan dua petugas, dan layanan "
                         "keliling ke pasar tradisional sebulan sekali.", closes + timedelta(days=3)))
    pbg = post(maklumat, maria, pusat, "Maklumat perlu mencantumkan kompensasi bila PBG melewati batas waktu",
               "Maklumat saat ini hanya menyebut \"sanggup memberikan pelayanan sesuai standar\". Kami sarankan "
               "maklumat menyebut batas waktu PBG secara tegas dan bentuk kompensasi, misalnya permintaan maaf "
               "tertulis dan prioritas layanan, bila batas waktu terlewati.",
               t + timedelta(days=3), supporters=[hendra, dewi],
               response=(ahmad, "diterima_sebagian",
                         "Batas waktu PBG dicantumkan dalam maklumat. Kompensasi berupa permintaan maaf tertulis dan "
                         "prioritas layanan disepakati; kompensasi finansial belum dimungkinkan oleh peraturan daerah.",
                         closes + timedelta(days=5)))
    post(maklumat, yanti, kjw, "Papan informasi biaya di MPP sulit dibaca",
         "Papan informasi biaya dan persyaratan ditempel terlalu tinggi dan hurufnya kecil. Mohon dipasang setinggi "
         "mata, dengan huruf besar dan versi braille, serta diunggah ke laman DPMPTSP.",
         t + timedelta(days=5), supporters=[rudi],
         response=(ahmad, "diterima", "Papan informasi akan diganti dan versi daring diunggah ke laman DPMPTSP.",
                   closes + timedelta(days=5)))
    participants(maklumat, [
        (ahmad, None, "penyelenggara", False, True),
        (hendra, umkm, "pengguna_layanan", False, True),
        (maria, pusat, "akademisi", False, True),
        (yanti, kjw, "media", False, True),
        (dewi, fppp, "organisasi_masyarakat", False, True),
        (rudi, idk, "organisasi_masyarakat", True, False),
    ], opens + timedelta(days=3), marked_at=held + timedelta(hours=3))
    today = clock.to_local(now).date()
    _, maklumat_actions = minutes(
        maklumat, held, "Ruang Rapat Mal Pelayanan Publik, Lantai 2",
        "FKP dibuka oleh Kepala DPMPTSP dan dihadiri 14 peserta dari unsur penyelenggara, pelaku usaha, "
        "akademisi, media, dan organisasi masyarakat. Peserta membahas rancangan maklumat pelayanan, waktu "
        "penyelesaian PBG, dan pendampingan pendaftaran NIB bagi usaha mikro. Seluruh masukan tertulis telah "
        "mendapat tanggapan resmi sebelum rapat.",
        [{"name": "Ir. Syamsul Bahri, M.T.", "position": "Kepala DPMPTSP", "organisation": "DPMPTSP"},
         {"name": "Hendra Wijaya", "position": "Sekretaris", "organisation": "Asosiasi Pelaku UMKM Kota"},
         {"name": "Dr. Maria Ulfa, M.Si.", "position": "Peneliti",
          "organisation": "Pusat Studi Kebijakan Publik Universitas Daerah"}],
        "Perwakilan Kamar Dagang dan Industri Kota\nPerwakilan Dinas Koperasi dan UKM\nLurah Darat Sekip",
        [("Membuka meja pendampingan NIB untuk usaha mikro di MPP dengan dua petugas setiap hari kerja.", nib,
          units["DPMPTSP"], today - timedelta(days=20), DONE,
          [(10, "Dua petugas ditetapkan dengan surat tugas kepala dinas.", IN_PROGRESS, ahmad),
           (25, "Meja pendampingan beroperasi sejak Senin; 63 pelaku usaha terlayani pada pekan pertama.", DONE, ahmad)]),
         ("Mencantumkan batas waktu PBG dan kompensasi layanan dalam maklumat pelayanan yang baru.", pbg,
          units["DPMPTSP"], today + timedelta(days=20), IN_PROGRESS,
          [(14, "Rancangan maklumat baru sedang direviu Bagian Hukum Setda.", IN_PROGRESS, ahmad)]),
         ("Mengganti papan informasi biaya dan persyaratan agar mudah dibaca, termasuk versi braille.", None,
          units["DPMPTSP"], today - timedelta(days=5), IN_PROGRESS,
          [(20, "Desain papan baru selesai; pengadaan menunggu pencairan anggaran.", IN_PROGRESS, ahmad)]),
         ("Menyelenggarakan layanan perizinan keliling ke pasar tradisional sebulan sekali.", None,
          units["DPMPTSP"], today + timedelta(days=45), PLANNED, [])],
        published)
    for follower in (hendra, dewi):
        db.session.add(Follow(user_id=follower.id, consultation_id=maklumat.id, created_at=published))

    # --- 3. Dinas Kesehatan: completed ---------------------------------------------------------------
    opens = now - timedelta(days=240)
    closes = _day(opens + timedelta(days=10), 23, 59)
    held = _day(closes + timedelta(days=5), 9)
    published = held + timedelta(days=3)
    completed = published + timedelta(days=120)
    skm = Consultation(
        slug="hasil-skm-puskesmas-semester-1", unit=units["Dinkes"], topic_type="survei_kepuasan",
        title="Hasil Survei Kepuasan Masyarakat Puskesmas Semester I",
        description=(
            "Dinas Kesehatan memaparkan hasil **Survei Kepuasan Masyarakat (SKM)** di 23 puskesmas dengan 4.600 "
            "responden. Nilai indeks rata-rata 81,2 (kategori **B, baik**). Unsur terendah adalah **waktu tunggu** "
            "(72,4) dan **sarana prasarana** (74,9); unsur tertinggi adalah perilaku petugas (88,1).\n\n"
            "Kami meminta tanggapan masyarakat atas hasil ini dan usulan rencana perbaikan."),
        format="daring", opens_at=opens, closes_at=closes, meeting_at=held, place=None,
        online_link="https://meet.kota-contoh.id/fkp-skm-dinkes", allow_citizen_input=True, stage=COMPLETED,
        response_due_at=calendar.due_after(closes, response_days), created_by_id=lina.id,
        created_at=opens - timedelta(days=2), updated_at=completed, published_at=opens, completed_at=completed)
    db.session.add(skm)
    db.session.flush()
    t = opens + timedelta(days=1)
    antrean = post(skm, dewi, fppp, "Antrean daring untuk puskesmas dengan waktu tunggu terlama",
                   "Waktu tunggu menjadi unsur terendah. Kami usulkan nomor antrean daring (WhatsApp atau aplikasi) "
                   "di lima puskesmas dengan kunjungan terbanyak, dengan kuota antrean langsung bagi lansia.",
                   t, replies=[(agus, "Di Puskesmas Kampung Dalam antrean bisa sampai tiga jam pada hari Senin.")],
                   supporters=[agus, rudi, maria],
                   response=(lina, "diterima",
                             "Antrean daring diuji coba di lima puskesmas, dengan 30% kuota tetap untuk antrean "
                             "langsung bagi lansia dan penyandang disabilitas.", closes + timedelta(days=4)))
    ramp = post(skm, rudi, idk, "Ramp dan toilet ramah disabilitas di puskesmas",
                "Sarana prasarana bernilai rendah. Dari pemantauan kami, 9 dari 23 puskesmas belum memiliki ramp "
                "dan toilet yang dapat dipakai pengguna kursi roda.",
                t + timedelta(days=2), supporters=[dewi],
                response=(lina, "diterima",
                          "Pembangunan ramp dan toilet aksesibel di sembilan puskesmas dianggarkan dalam DAK "
                          "bidang kesehatan tahun ini.", closes + timedelta(days=4)))
    participants(skm, [
        (lina, None, "penyelenggara", False, True),
        (dewi, fppp, "organisasi_masyarakat", False, True),
        (rudi, idk, "organisasi_masyarakat", True, True),
        (maria, pusat, "akademisi", False, True),
        (agus, None, "pengguna_layanan", False, True),
        (yanti, kjw, "media", False, False),
    ], opens + timedelta(days=2), marked_at=held + timedelta(hours=2))
    skm_done = clock.to_local(completed).date()
    minutes(
        skm, held, "Rapat daring (Zoom Pemerintah Kota)",
        "FKP daring diikuti 27 peserta. Dinas Kesehatan memaparkan hasil SKM semester I, peserta menanggapi "
        "unsur waktu tunggu dan sarana prasarana, dan disepakati dua rencana tindak lanjut.",
        [{"name": "dr. Hj. Rahmi Yusuf, M.Kes.", "position": "Kepala Dinas Kesehatan", "organisation": "Dinkes"},
         {"name": "Dewi Lestari", "position": "Koordinator", "organisation": "Forum Peduli Pelayanan Publik"}],
        "Kepala Puskesmas se-kota (23 orang)",
        [("Menerapkan antrean daring di lima puskesmas dengan kunjungan terbanyak, dengan kuota antrean langsung "
          "bagi lansia dan penyandang disabilitas.", antrean, units["Puskesmas KD"], skm_done - timedelta(days=30), DONE,
          [(30, "Uji coba antrean daring dimulai di Puskesmas Kampung Dalam.", IN_PROGRESS, lina),
           (90, "Antrean daring berjalan di lima puskesmas; rata-rata waktu tunggu turun dari 110 menjadi 45 menit.",
            DONE, lina)]),
         ("Membangun ramp dan toilet aksesibel di sembilan puskesmas yang belum memilikinya.", ramp, units["Dinkes"],
          skm_done - timedelta(days=5), DONE,
          [(60, "Pekerjaan fisik selesai di empat puskesmas.", IN_PROGRESS, lina),
           (115, "Seluruh sembilan puskesmas telah memiliki ramp dan toilet aksesibel; diverifikasi bersama "
                 "Ikatan Disabilitas Kota.", DONE, lina)])],
        published)
    db.session.flush()
    return {"open": ktp, "follow_up": maklumat, "completed": skm}


@seed_step(order=30)
def seed_consultations(city):
    consultations = seed(city["users"])
    return [f"{len(consultations)} demo consultations (open, follow-up, completed)."]
