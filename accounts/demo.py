"""Demo people for `flask demo seed`: a believable city's units, organisations and one user per role.

Every password here is for the demo only and printed in the README; never seed a real site.
"""
from sqlalchemy import func, select

from core import clock, uploads
from core.demo import seed_step
from core.extensions import db
from core.permissions import ADMIN, ASN, CITIZEN, MODERATOR, ORG_MEMBER

from .models import (MEMBER_APPROVED, MEMBER_PENDING, ORG_PENDING, ORG_VERIFIED, Organisation,
                     OrganisationMembership, Unit, User)

DEMO_PASSWORD = "demo-kota-2026"

UNITS = [
    # (name, short name, kind, parent short name)
    ("Sekretariat Daerah", "Setda", "sekretariat", None),
    ("Bagian Organisasi", "Ortala", "sekretariat", "Setda"),
    ("Dinas Kependudukan dan Pencatatan Sipil", "Disdukcapil", "dinas", None),
    ("Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu", "DPMPTSP", "dinas", None),
    ("Dinas Kesehatan", "Dinkes", "dinas", None),
    ("Puskesmas Kampung Dalam", "Puskesmas KD", "puskesmas", "Dinkes"),
    ("Dinas Pekerjaan Umum dan Penataan Ruang", "Dinas PUPR", "dinas", None),
    ("Dinas Pendidikan dan Kebudayaan", "Disdikbud", "dinas", None),
    ("Dinas Sosial", "Dinsos", "dinas", None),
    ("Dinas Perhubungan", "Dishub", "dinas", None),
    ("Dinas Lingkungan Hidup", "DLH", "dinas", None),
    ("Dinas Komunikasi dan Informatika", "Diskominfo", "dinas", None),
    ("Badan Kepegawaian dan Pengembangan Sumber Daya Manusia", "BKPSDM", "badan", None),
    ("Rumah Sakit Umum Daerah", "RSUD", "rsud", None),
    ("Kecamatan Kota Utara", "Kec. Kota Utara", "kecamatan", None),
    ("Kelurahan Sungai Bangkong", None, "kelurahan", "Kec. Kota Utara"),
    ("Kelurahan Darat Sekip", None, "kelurahan", "Kec. Kota Utara"),
    ("Kecamatan Kota Selatan", "Kec. Kota Selatan", "kecamatan", None),
    ("Kelurahan Benua Melayu Laut", None, "kelurahan", "Kec. Kota Selatan"),
]

ORGANISATIONS = [
    ("Forum Peduli Pelayanan Publik", "lsm", ORG_VERIFIED,
     "Memantau mutu layanan publik kota dan mendampingi warga yang mengadu."),
    ("Ikatan Disabilitas Kota", "ormas", ORG_VERIFIED,
     "Memperjuangkan layanan publik yang ramah bagi penyandang disabilitas."),
    ("Pusat Studi Kebijakan Publik Universitas Daerah", "akademisi", ORG_VERIFIED,
     "Meneliti dan mengevaluasi kebijakan pelayanan publik daerah."),
    ("Komunitas Jurnalis Warga", "media", ORG_VERIFIED,
     "Jurnalisme warga tentang layanan publik di tingkat kelurahan."),
    ("Asosiasi Pelaku UMKM Kota", "asosiasi", ORG_VERIFIED,
     "Wadah pelaku usaha mikro, kecil, dan menengah; mitra DPMPTSP."),
    ("Karang Taruna Sungai Bangkong", "komunitas", ORG_PENDING,
     "Organisasi kepemudaan tingkat kelurahan."),
]

# (role, e-mail, name, unit short name, NIP)
USERS = [
    (ADMIN, "admin@demo.kota-contoh.id", "Admin Platform", "Diskominfo", None),
    (MODERATOR, "moderator@demo.kota-contoh.id", "Rina Moderator", "Ortala", None),
    (ASN, "asn@demo.kota-contoh.id", "Budi Santoso", "Disdukcapil", "198503122010011003"),
    (ASN, "asn.baru@demo.kota-contoh.id", "Siti Rahmawati", "DPMPTSP", "199207252019032008"),
    (ORG_MEMBER, "ormas@demo.kota-contoh.id", "Dewi Lestari", None, None),
    (CITIZEN, "warga@demo.kota-contoh.id", "Agus Pratama", None, None),
]


def sample_deed(name):
    """A one-page PDF that says plainly it is a demo sample, not a legal document."""
    from fpdf import FPDF
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", "B", 16)
    pdf.multi_cell(0, 10, "CONTOH DATA DEMO - BUKAN DOKUMEN SAH", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("helvetica", size=12)
    pdf.multi_cell(0, 8, f"Akta pendirian {name}\nDibuat otomatis oleh `flask demo seed` untuk mencoba verifikasi "
                         "organisasi oleh moderator.")
    return bytes(pdf.output())


def seed(now=None):
    """Insert the demo people; returns the users by role."""
    now = now or clock.now()
    units = {}
    for name, short, kind, parent in UNITS:
        unit = Unit(name=name, short_name=short, kind=kind, parent=units.get(parent), created_at=now,
                    email=f"{(short or name).lower().replace(' ', '').replace('.', '')}@demo.kota-contoh.id")
        db.session.add(unit)
        units[short or name] = unit
    db.session.flush()

    users = {}
    for role, email, name, unit_short, nip in USERS:
        user = User(email=email, full_name=name, role=role, unit=units.get(unit_short), nip=nip,
                    email_verified_at=now, created_at=now)
        user.set_password(DEMO_PASSWORD)
        # The second ASN waits for confirmation, so the moderator's queue is not empty.
        if role == ASN and email.startswith("asn@"):
            user.asn_confirmed_at = now
        db.session.add(user)
        users.setdefault(role, user)
    db.session.flush()

    for name, kind, status, description in ORGANISATIONS:
        org = Organisation(name=name, kind=kind, status=status, description=description,
                           email="sekretariat@" + name.lower().split()[0] + ".demo.kota-contoh.id",
                           address="Jl. Ahmad Yani No. 1", created_at=now,
                           created_by_id=users[CITIZEN].id if status == ORG_PENDING else None,
                           decided_at=now if status == ORG_VERIFIED else None)
        db.session.add(org)
        if name == ORGANISATIONS[0][0]:
            db.session.add(OrganisationMembership(organisation=org, user=users[ORG_MEMBER], is_contact=True,
                                                  status=MEMBER_APPROVED, position="Koordinator", created_at=now))
        if status == ORG_PENDING:
            db.session.add(OrganisationMembership(organisation=org, user=users[CITIZEN], is_contact=True,
                                                  status=MEMBER_PENDING, position="Ketua", created_at=now))
            # New registrations bring their SK or deed: the waiting one gets a sample for the moderator.
            org.document_stored_name = uploads.store(sample_deed(name), uploads.PDF)
            org.document_filename, org.document_content_type = "akta-pendirian-contoh.pdf", uploads.PDF
    db.session.flush()
    return users


def _has_users():
    return bool(db.session.scalar(select(func.count(User.id))))


@seed_step(order=10, populated=_has_users)
def seed_people(city):
    """The demo city's people come first: every other pillar's demo acts through them."""
    city["users"] = seed()
    return ([f"Every demo account's password: {DEMO_PASSWORD}"]
            + [f"  {email}" for _role, email, *_ in USERS])
