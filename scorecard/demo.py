"""Demo history for the scorecard: a year of complaints in a few units, then the figures built.

The complaints demo files two weeks of cases; a scorecard needs months, and units that differ.
So, through the real services with `now` in the past, each unit below gets two or three
complaints a month for eleven months, handled the way its profile says: "good" units resolve in
a day or two and are rated well, "fair" ones take about a week, "poor" ones miss deadlines (the
sweep forwards those to SP4N-LAPOR!), get disputed and rated low. The forwards of this history
count as delivered long ago, so the outbox holds only the demo's present. The ASN who host the
demo consultations (Dinkes, DPMPTSP) have passed every mandatory module, so those units show what
a green scorecard looks like. Then a full rebuild.
"""
import random
from datetime import timedelta

from sqlalchemy import select, update

from accounts.models import Unit
from complaints import services as complaints
from core import clock, outbox
from core.demo import seed_step
from core.extensions import db
from core.permissions import MODERATOR, SYSTEM, ReporterPass
from core.web import links_context

from . import aggregates

PROFILES = {
    "Disdukcapil": "good", "DPMPTSP": "good", "Dinkes": "good", "RSUD": "good",
    "Dinas PUPR": "fair", "DLH": "fair", "Dishub": "fair", "Disdikbud": "fair",
    "Dinsos": "poor", "Kec. Kota Utara": "poor", "Puskesmas KD": "poor",
}
CATEGORY = {"Disdukcapil": "administrasi_kependudukan", "DPMPTSP": "perizinan", "Dinkes": "kesehatan",
            "RSUD": "kesehatan", "Dinas PUPR": "infrastruktur", "DLH": "lingkungan", "Dishub": "transportasi",
            "Disdikbud": "pendidikan", "Dinsos": "sosial", "Kec. Kota Utara": "perilaku_petugas",
            "Puskesmas KD": "kesehatan"}
# (days to resolve: low, high), ratings to draw from, chance of a dispute
HANDLING = {
    "good": ((1, 3), (5, 5, 4, 4, 5), 0.0),
    "fair": ((4, 9), (4, 3, 4, 3, 5), 0.1),
    "poor": ((9, 20), (1, 2, 2, 3, 1), 0.3),
}


def seed(users, now=None, months=11):
    """File and work the history; then rebuild the figures. Returns how many complaints were filed."""
    now = now or clock.now()
    rng = random.Random(14)
    moderator = users[MODERATOR]
    units = {u.short_name or u.name: u for u in db.session.scalars(select(Unit))}
    filed = []
    with links_context():
        for month_back in range(months, 0, -1):
            for short_name, profile in PROFILES.items():
                unit = units.get(short_name)
                if unit is None:
                    continue
                for n in range(rng.choice((2, 3, 3))):
                    received = now - timedelta(days=30 * month_back + 3 + rng.randint(0, 25), hours=rng.randint(0, 8))
                    filed.append(_one(unit, short_name, profile, received, moderator, rng, n))
        db.session.commit()
        # The story's forwards reached the national system long ago.
        ids = [c.id for c in filed]
        for start in range(0, len(ids), 500):
            db.session.execute(update(outbox.OutboxMessage)
                               .where(outbox.OutboxMessage.subject_type == "complaint",
                                      outbox.OutboxMessage.subject_id.in_(ids[start:start + 500]),
                                      outbox.OutboxMessage.kind != outbox.EMAIL)
                               .values(status=outbox.SENT, sent_at=outbox.OutboxMessage.created_at))
        db.session.commit()
    _certify_hosts(now)
    aggregates.refresh(now=now, full=True)
    return len(filed)


def _certify_hosts(now):
    """The consultation hosts pass every mandatory module (training's demo makes each certificate)."""
    from accounts.models import User
    from training import report_services
    from training.demo import certify
    hosts = db.session.scalars(select(User).where(User.email.in_(
        ("asn.dinkes@demo.kota-contoh.id", "asn.dpmptsp@demo.kota-contoh.id")))).all()
    passed_at = now - timedelta(days=60)
    for user in hosts:
        for module in report_services.mandatory_modules():
            certify(user, module, passed_at)
    db.session.commit()


def _one(unit, short_name, profile, received, moderator, rng, n):
    (low, high), ratings, dispute_chance = HANDLING[profile]
    complaint, _key = complaints.file_complaint(
        title=f"Layanan {short_name} ({received:%B %Y})", category=CATEGORY[short_name],
        description="Riwayat demo untuk rapor pelayanan publik: pengaduan contoh yang sudah ditangani.",
        classification="aspirasi" if n == 2 else "pengaduan", unit_id=unit.id, location="Kota Contoh",
        confidential=rng.random() < 0.1, reporter_name=f"Warga riwayat {received:%m%d}{n}",
        reporter_email=None, now=received)
    step = received + timedelta(hours=2)
    complaints.verify(moderator, complaint, unit_id=unit.id, now=step)
    complaints.start_progress(moderator, complaint, now=step + timedelta(hours=1))
    resolved_at = received + timedelta(days=rng.randint(low, high), hours=1)
    if resolved_at > complaint.due_at:
        # The escalation sweep forwarded it the hour after its deadline.
        complaints.forward(complaint, actor=SYSTEM, reason=None, now=complaint.due_at + timedelta(hours=1), automatic=True)
    complaints.resolve(moderator, complaint, response="Sudah ditindaklanjuti (riwayat demo).", now=resolved_at)
    reporter = ReporterPass(complaint.id)
    if rng.random() < dispute_chance:
        complaints.dispute(reporter, complaint, reason="Masalahnya belum selesai.", now=resolved_at + timedelta(days=1))
        resolved_at = resolved_at + timedelta(days=rng.randint(3, 9))
        complaints.resolve(moderator, complaint, response="Sudah diperbaiki ulang (riwayat demo).", now=resolved_at)
    complaints.accept(reporter, complaint, now=resolved_at + timedelta(days=1))
    complaints.rate(reporter, complaint, rating=rng.choice(ratings), now=resolved_at + timedelta(days=1))
    return complaint


@seed_step(order=50)  # after training: the hosts' certificates count in the figures
def seed_scorecard(city):
    filed = seed(city["users"])
    return [f"A year of complaint history ({filed} complaints) across units, and the scorecard's figures."]
