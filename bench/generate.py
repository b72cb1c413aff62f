"""Generate a city at scale into a fresh database, with bulk inserts (Core executemany in chunks).

    python -m bench.generate [--scale 0.1] [--db bench/data/bench.sqlite] [--complaints N --overdue N --only-complaints]

The schema comes from the Alembic migrations (so the FTS tables and triggers exist). Every number
below is the full-scale count of the issue, multiplied by --scale (BENCH_SCALE); the overdue count
is scaled the same way so the sweep comparison keeps the same overdue count for both sizes.
"""
import argparse
import os
import random
import sys
import time
from datetime import datetime, timedelta, timezone

from sqlalchemy import insert, text
from werkzeug.security import generate_password_hash

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

FULL = {"units": 50, "organisations": 2000, "users": 20000, "consultations": 200, "inputs": 12500,
        "replies": 37500, "complaints": 100000, "overdue": 1000, "modules": 30, "attempts": 100000}
CHUNK = 5000
B32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
UTC = timezone.utc
# Fixed so that every run generates the same city; "now" is the real clock, so the data is placed
# relative to it (open consultations are open, overdue complaints are overdue).
SEED = 20260101


def counts_for(scale):
    c = {k: max(1, int(round(v * scale))) for k, v in FULL.items()}
    c["units"] = max(5, c["units"])
    c["modules"] = max(3, c["modules"])
    c["consultations"] = max(10, c["consultations"])
    c["users"] = max(200, c["users"])
    c["organisations"] = max(20, c["organisations"])
    return c


def b32(n, width):
    out = []
    for _ in range(width):
        out.append(B32[n % 32])
        n //= 32
    return "".join(reversed(out))


def sqlite_url(path):
    return "sqlite:///" + os.path.abspath(path)


def make_app(url):
    from app import create_app
    return create_app(SQLALCHEMY_DATABASE_URI=url, SECRET_KEY="bench-secret-key-not-for-production",
                      RATELIMIT_ENABLED=False, SERVER_NAME=None)


def fresh_database(url):
    """Remove the old SQLite file (or empty the PostgreSQL schema), then run the migrations."""
    if url.startswith("sqlite:///"):
        path = url[len("sqlite:///"):]
        for suffix in ("", "-wal", "-shm"):
            if os.path.exists(path + suffix):
                os.remove(path + suffix)
        os.makedirs(os.path.dirname(path), exist_ok=True)
    app = make_app(url)
    from core.extensions import db
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as conn:  # BENCH_DATABASE_URL must name a database used only for this
                conn.execute(text("DROP SCHEMA public CASCADE"))
                conn.execute(text("CREATE SCHEMA public"))
        import flask_migrate
        flask_migrate.upgrade()
    return app


def restart_sequences(db):
    """PostgreSQL: rows were inserted with their ids, which leaves each id sequence at 1; move every
    one past its table's largest id, so the pages' writes (a reply, a complaint) get new ids."""
    from sqlalchemy import Integer
    with db.engine.begin() as conn:
        for table in db.metadata.sorted_tables:
            columns = list(table.primary_key.columns)
            if len(columns) == 1 and isinstance(columns[0].type, Integer):
                name = columns[0].name
                if conn.execute(text(f"SELECT pg_get_serial_sequence('{table.name}', '{name}')")).scalar():
                    conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{table.name}', '{name}'), "
                                      f"coalesce(max(\"{name}\"), 0) + 1, false) FROM \"{table.name}\""))


class Writer:
    def __init__(self, db):
        self.db = db
        self.rows = 0

    def put(self, model, rows):
        for i in range(0, len(rows), CHUNK):
            self.db.session.execute(insert(model), rows[i:i + CHUNK])
        self.rows += len(rows)


def generate(url, scale=1.0, *, complaints=None, overdue=None, only_complaints=False, quiet=False):
    started = time.perf_counter()
    c = counts_for(scale)
    if complaints is not None:
        c["complaints"] = complaints
    if overdue is not None:
        c["overdue"] = overdue
    if c["overdue"] > c["complaints"]:
        raise SystemExit("overdue must not exceed complaints")
    rnd = random.Random(SEED)
    app = fresh_database(url)
    from accounts.models import Organisation, OrganisationMembership, Unit, User
    from complaints.models import Complaint, ComplaintEvent
    from core.extensions import db
    from core.outbox import OutboxMessage
    from forum.models import (Agreement, Minutes, Consultation, FollowUpAction, ForumInput, ForumReply,
                              OfficialResponse, Participant, Support)
    from training.models import Certificate, Lesson, Option, Question, QuizAttempt, TrainingModule

    now = datetime.now(UTC).replace(microsecond=0)
    info = {"counts": c, "now": now.isoformat()}
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            db.session.execute(text("PRAGMA synchronous=OFF"))
        w = Writer(db)
        pw = generate_password_hash("bench-password-2026")  # one hash for every account

        # --- units and people -----------------------------------------------------------------
        w.put(Unit, [{"id": i, "name": f"Unit Pelayanan {i:03d}", "short_name": f"U{i:03d}",
                      "kind": "dinas" if i <= 20 else "kelurahan", "parent_id": None if i <= 20 else 1 + i % 20,
                      "is_active": True, "created_at": now} for i in range(1, c["units"] + 1)])
        n_users = c["users"]
        n_asn = max(10, n_users // 10)
        n_org_members = max(10, n_users // 5)
        users = []
        for i in range(1, n_users + 1):
            role = "admin" if i == 1 else "moderator" if i <= 5 else "asn" if i <= 5 + n_asn else \
                "org_member" if i <= 5 + n_asn + n_org_members else "citizen"
            users.append({"id": i, "email": f"user{i}@bench.example", "password_hash": pw,
                          "full_name": f"Pengguna Bench {i}", "role": role, "locale": "id",
                          "email_verified_at": now, "active": True, "security_stamp": f"stamp{i:026d}",
                          "nip": f"{199000000000000000 + i}" if role == "asn" else None,
                          "unit_id": 1 + i % c["units"] if role == "asn" else None,
                          "asn_confirmed_at": now if role == "asn" else None, "unit_manager": False,
                          "created_at": now - timedelta(days=i % 700)})
        w.put(User, users)
        asn_ids = [u["id"] for u in users if u["role"] == "asn"]
        member_ids = [u["id"] for u in users if u["role"] == "org_member"]
        citizen_ids = [u["id"] for u in users if u["role"] == "citizen"] or member_ids
        del users
        n_orgs = c["organisations"]
        kinds = ["ormas", "lsm", "komunitas", "akademisi", "media", "asosiasi"]
        w.put(Organisation, [{"id": i, "name": f"Organisasi Masyarakat {i}", "kind": kinds[i % len(kinds)],
                              "email": f"org{i}@bench.example", "status": "verified", "decided_at": now,
                              "decided_by_id": 2, "created_by_id": member_ids[i % len(member_ids)],
                              "created_at": now - timedelta(days=i % 400)} for i in range(1, n_orgs + 1)])
        member_org = {uid: 1 + k % n_orgs for k, uid in enumerate(member_ids)}
        w.put(OrganisationMembership, [{"organisation_id": org, "user_id": uid, "status": "approved",
                                        "is_contact": k < n_orgs, "created_at": now, "decided_at": now}
                                       for k, (uid, org) in enumerate(member_org.items())])

        if not only_complaints:
            _forum(w, c, rnd, now, asn_ids, member_ids, member_org, info,
                   Consultation, ForumInput, ForumReply, Support, OfficialResponse, Participant,
                   Minutes, Agreement, FollowUpAction)
            _training(w, c, rnd, now, asn_ids, info, TrainingModule, Lesson, Question, Option, QuizAttempt,
                      Certificate)
        _complaints(w, c, rnd, now, citizen_ids, info, Complaint, ComplaintEvent, OutboxMessage)
        db.session.commit()
        if db.engine.dialect.name == "postgresql":
            restart_sequences(db)
        # Statistics for the planner; on PostgreSQL also the visibility map, which index-only scans
        # need (autovacuum would do both on a live server, some time after a bulk load).
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE" if db.engine.dialect.name == "postgresql" else "ANALYZE"))
        info["rows"] = w.rows
    info["seconds"] = round(time.perf_counter() - started, 1)
    if not quiet:
        print(f"generated {w.rows} rows in {info['seconds']} s into {url}", flush=True)
    return info


def _forum(w, c, rnd, now, asn_ids, member_ids, member_org, info, Consultation, ForumInput, ForumReply, Support,
           OfficialResponse, Participant, Minutes, Agreement, FollowUpAction):
    n_cons = c["consultations"]
    topics = ["standar_pelayanan", "maklumat_pelayanan", "rancangan_kebijakan", "survei_kepuasan",
              "permasalahan_pelayanan"]
    cons = []
    for i in range(1, n_cons + 1):
        # The first half is open now; the rest is in follow-up or completed, for the tracker.
        is_open = i <= n_cons // 2
        opens = now - timedelta(days=10 + i) if is_open else now - timedelta(days=120 + i)
        closes = now + timedelta(days=5 + i % 30) if is_open else now - timedelta(days=90 + i)
        cons.append({"id": i, "slug": f"konsultasi-bench-{i}", "title": f"Konsultasi publik nomor {i}",
                     "unit_id": 1 + i % c["units"], "topic_type": topics[i % len(topics)],
                     "description": f"Rancangan **standar pelayanan** nomor {i} untuk dibahas bersama.\n\n"
                                    "- butir satu\n- butir dua\n",
                     "format": "hybrid", "opens_at": opens, "closes_at": closes, "meeting_at": closes,
                     "place": "Aula Kantor Wali Kota", "allow_citizen_input": i % 3 == 0,
                     "stage": "open" if is_open else ("follow_up" if i % 2 else "completed"),
                     "created_by_id": 2, "created_at": opens, "updated_at": opens, "published_at": opens,
                     "completed_at": None if is_open or i % 2 else now - timedelta(days=10)})
    w.put(Consultation, cons)
    big = 1  # the consultation that holds enough inputs for a deep page (page 500 at full scale)
    n_inputs = c["inputs"]
    n_big = min(n_inputs - (n_cons - 1), max(1, int(n_inputs * 0.8)))
    inputs = []
    for j in range(1, n_inputs + 1):
        cid = big if j <= n_big else 2 + (j - n_big) % (n_cons - 1)
        author = member_ids[j % len(member_ids)]
        created = now - timedelta(days=9, seconds=j * 7)
        inputs.append({"id": j, "consultation_id": cid, "author_id": author, "organisation_id": member_org[author],
                       "title": f"Masukan tentang waktu layanan {j}",
                       "body": f"Kami mengusulkan agar **jam layanan** diperpanjang (masukan {j}).",
                       "created_at": created, "support_count": 0, "reply_count": 0})
    # Replies: one input with 25, the rest spread over the other inputs.
    n_replies = c["replies"]
    long_input = n_big  # the newest-but-last of the big consultation: on its page 1 is not required
    reply_rows = []
    for k in range(1, n_replies + 1):
        iid = long_input if k <= 25 else 1 + rnd.randrange(n_inputs)
        inputs[iid - 1]["reply_count"] += 1
        reply_rows.append({"input_id": iid, "author_id": member_ids[k % len(member_ids)],
                           "body": f"Setuju, dan kami tambahkan catatan nomor {k}.",
                           "created_at": inputs[iid - 1]["created_at"] + timedelta(minutes=k % 5000 + 1)})
    supports = []
    for j in range(1, n_inputs + 1, 3):
        for s in range(3):
            supports.append({"input_id": j, "user_id": member_ids[(j + s * 7) % len(member_ids)], "created_at": now})
            inputs[j - 1]["support_count"] += 1
    w.put(ForumInput, inputs)
    w.put(ForumReply, reply_rows)
    # Supports must be unique per (input, user); de-duplicate.
    seen, uniq = set(), []
    for s in supports:
        key = (s["input_id"], s["user_id"])
        if key not in seen:
            seen.add(key)
            uniq.append(s)
    w.put(Support, uniq)
    for j in range(1, n_inputs + 1, 4):
        pass
    w.put(OfficialResponse, [{"input_id": j, "unit_id": cons[inputs[j - 1]["consultation_id"] - 1]["unit_id"],
                              "disposition": "dipertimbangkan", "reason": "Akan dibahas dalam rapat.",
                              "responded_by_id": asn_ids[j % len(asn_ids)], "created_at": now, "updated_at": now}
                             for j in range(1, n_inputs + 1, 4)])
    w.put(Participant, [{"consultation_id": cid, "user_id": member_ids[(cid * 31 + p) % len(member_ids)],
                         "organisation_id": None, "stakeholder_category": "organisasi_masyarakat",
                         "vulnerable_group": p % 5 == 0, "registered_at": now}
                        for cid in range(1, n_cons + 1) for p in range(min(10, len(member_ids)))])
    # Berita acara, agreements and follow-up actions for the past consultations.
    bas, agreements, actions = [], [], []
    aid = 0
    for cons_row in cons:
        if cons_row["stage"] == "open":
            continue
        cid = cons_row["id"]
        bas.append({"id": cid, "consultation_id": cid, "held_at": cons_row["closes_at"], "place": "Aula",
                    "summary": "Rapat membahas masukan.", "signatories": [{"name": "Kepala Unit", "position": "Kepala"}],
                    "published_at": cons_row["closes_at"], "published_by_id": 2, "created_by_id": 2,
                    "created_at": cons_row["closes_at"], "updated_at": cons_row["closes_at"]})
        for n in range(1, 6):
            aid += 1
            target = (now + timedelta(days=(aid % 60) - 20)).date()
            agreements.append({"id": aid, "berita_acara_id": cid, "number": n, "text": f"Kesepakatan {n}",
                               "unit_id": cons_row["unit_id"], "target_date": target})
            status = ["direncanakan", "berjalan", "selesai", "dibatalkan"][aid % 4]
            actions.append({"id": aid, "agreement_id": aid, "consultation_id": cid, "unit_id": cons_row["unit_id"],
                            "target_date": target, "status": status,
                            "cancel_reason": "Tidak lagi relevan" if status == "dibatalkan" else None,
                            "completed_at": now if status == "selesai" else None, "created_at": now, "updated_at": now})
    w.put(Minutes, bas)
    w.put(Agreement, agreements)
    w.put(FollowUpAction, actions)
    info["consultation_slug"] = "konsultasi-bench-1"
    info["big_input_pages"] = -(-n_big // 20)
    info["long_input_id"] = long_input
    info["long_input_replies"] = inputs[long_input - 1]["reply_count"]
    info["consultation_list_pages"] = -(-(n_cons - n_cons // 2) // 20)


def _training(w, c, rnd, now, asn_ids, info, TrainingModule, Lesson, Question, Option, QuizAttempt, Certificate):
    n_mod = c["modules"]
    w.put(TrainingModule, [{"id": m, "slug": f"modul-bench-{m}", "title": f"Kode Etik ASN bagian {m}",
                            "summary": "Ringkasan modul.", "audience": "asn", "estimated_minutes": 30,
                            "pass_mark": 80, "validity_months": None, "mandatory_for_asn": m <= 3,
                            "questions_per_quiz": 10, "attempts_per_day": 3, "published": True,
                            "created_at": now, "updated_at": now} for m in range(1, n_mod + 1)])
    w.put(Lesson, [{"module_id": m, "position": p, "title": f"Pelajaran {p}", "body": "# Judul\n\nIsi pelajaran."}
                   for m in range(1, n_mod + 1) for p in range(1, 4)])
    questions, options = [], []
    qid = 0
    for m in range(1, n_mod + 1):
        for p in range(1, 13):
            qid += 1
            questions.append({"id": qid, "module_id": m, "position": p, "kind": "single",
                              "text": f"Pertanyaan {p}?", "explanation": "Penjelasan.", "active": True})
            for o in range(4):
                options.append({"question_id": qid, "position": o, "text": f"Pilihan {o}", "correct": o == 0})
    w.put(Question, questions)
    w.put(Option, options)
    attempts, certs = [], []
    n_att = c["attempts"]
    cert_id = 0
    for a in range(1, n_att + 1):
        uid = asn_ids[a % len(asn_ids)]
        m = 1 + (a // len(asn_ids)) % n_mod
        started = now - timedelta(days=a % 300, minutes=a % 1000)
        score = 100 if a % 3 else 40
        attempts.append({"id": a, "user_id": uid, "module_id": m, "started_at": started,
                         "submitted_at": started + timedelta(minutes=12), "question_ids": [], "option_order": {},
                         "answers": {}, "score": score, "passed": score >= 80})
        if score >= 80 and a % 2:
            cert_id += 1
            certs.append({"id": cert_id, "code": "SRT-" + b32(a * 7919 + 13, 12), "user_id": uid, "module_id": m,
                          "attempt_id": a, "holder_name": f"Pengguna Bench {uid}", "holder_nip": None,
                          "module_title": f"Kode Etik ASN bagian {m}", "score": score,
                          "issued_at": started + timedelta(minutes=12)})
    w.put(QuizAttempt, attempts)
    w.put(Certificate, certs)
    info["certificate_code"] = certs[len(certs) // 2]["code"]


def _complaints(w, c, rnd, now, citizen_ids, info, Complaint, ComplaintEvent, OutboxMessage):
    n = c["complaints"]
    n_over = c["overdue"]
    categories = ["administrasi_kependudukan", "perizinan", "kesehatan", "infrastruktur", "lingkungan"]
    rows, events, outbox = [], [], []
    # Overdue ones are spread through the id range, so the sweep cannot profit from their position.
    step = n / n_over if n_over else n + 1
    overdue_ids = {int(k * step) + 1 for k in range(n_over)}
    for i in range(1, n + 1):
        received = now - timedelta(days=2 + i % 400, minutes=i % 1440)
        if i in overdue_ids:
            status, due = ("verified", "in_progress")[i % 2], now - timedelta(days=1 + i % 30)
        elif i % 5 == 0:  # open, not yet due
            status, due = ("received", "verified", "in_progress")[i % 3], now + timedelta(days=1 + i % 6)
        else:  # finished, or handled and already forwarded
            status, due = ("resolved", "closed", "rejected", "closed")[i % 4], received + timedelta(days=7)
        code = "ADU-2026-" + b32(rnd.getrandbits(35), 7) + b32(i, 5)
        rows.append({"id": i, "tracking_code": code, "title": f"Jalan berlubang di ruas {i}",
                     "description": "Lubang besar membahayakan pengendara sepeda motor.",
                     "classification": "pengaduan", "category": categories[i % len(categories)],
                     "unit_id": 1 + i % c["units"], "location": f"Jalan Contoh No. {i % 300}",
                     "anonymous": i % 7 == 0, "confidential": i % 11 == 0, "channel": "web",
                     "reporter_id": citizen_ids[i % len(citizen_ids)], "locale": "id", "status": status,
                     "received_at": received, "verify_due_at": received + timedelta(days=3), "due_at": due,
                     "verified_at": received + timedelta(hours=5) if status != "received" else None,
                     "resolved_at": received + timedelta(days=4) if status in ("resolved", "closed") else None,
                     "closed_at": received + timedelta(days=6) if status == "closed" else None,
                     "public_response": "Sudah diperbaiki." if status in ("resolved", "closed") else None,
                     "rejection_kind": "invalid" if status == "rejected" else None,
                     "rejection_reason": "Tidak memenuhi syarat." if status == "rejected" else None,
                     "updated_at": received})
        events.append({"complaint_id": i, "created_at": received, "actor_role": "reporter", "kind": "received",
                       "public": True, "data": {}})
        if status != "received":
            events.append({"complaint_id": i, "created_at": received + timedelta(hours=5), "actor_role": "staff",
                           "kind": "verified", "public": True, "data": {"unit": f"Unit Pelayanan {1 + i % c['units']:03d}"}})
        if status in ("resolved", "closed", "in_progress"):
            events.append({"complaint_id": i, "created_at": received + timedelta(days=1), "actor_role": "staff",
                           "kind": "in_progress", "public": True, "data": {}})
        if status in ("resolved", "closed"):
            events.append({"complaint_id": i, "created_at": received + timedelta(days=4), "actor_role": "staff",
                           "kind": "resolved", "public": True, "message": "Sudah diperbaiki.", "data": {}})
        if status == "closed":
            events.append({"complaint_id": i, "created_at": received + timedelta(days=6), "actor_role": "system",
                           "kind": "closed", "public": True, "data": {}})
        # The history of a busy outbox: one sent e-mail per complaint.
        outbox.append({"kind": "email", "key": f"bench-received-{i}", "payload": {"to": "x@bench.example"},
                       "status": "sent", "attempts": 1, "next_attempt_at": received, "created_at": received,
                       "sent_at": received, "subject_type": "complaint", "subject_id": i})
        if len(rows) >= CHUNK:
            w.put(Complaint, rows)
            w.put(ComplaintEvent, events)
            w.put(OutboxMessage, outbox)
            rows, events, outbox = [], [], []
            if not info.get("tracking_code") and n > CHUNK:
                pass
    if rows:
        w.put(Complaint, rows)
        w.put(ComplaintEvent, events)
        w.put(OutboxMessage, outbox)
    from sqlalchemy import select
    # A resolved complaint in the middle of the table, public (not confidential), with a timeline.
    mid = (n // 2) // 20 * 20 + 1 if n > 40 else 1
    mid = mid if mid % 11 else mid + 20
    info["tracking_code"] = w.db.session.scalar(select(Complaint.tracking_code).where(Complaint.id == mid))
    info["overdue"] = len(overdue_ids)
    info["complaints"] = n


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--scale", type=float, default=float(os.environ.get("BENCH_SCALE", "1")))
    p.add_argument("--db", default=None, help="SQLite file (default bench/data/bench.sqlite)")
    p.add_argument("--url", default=os.environ.get("BENCH_DATABASE_URL"), help="SQLAlchemy URL instead of --db")
    p.add_argument("--complaints", type=int)
    p.add_argument("--overdue", type=int)
    p.add_argument("--only-complaints", action="store_true")
    a = p.parse_args(argv)
    if a.scale <= 0:
        p.error("--scale must be > 0")
    url = a.url or sqlite_url(a.db or os.path.join(ROOT, "bench", "data", "bench.sqlite"))
    import json
    info = generate(url, a.scale, complaints=a.complaints, overdue=a.overdue, only_complaints=a.only_complaints)
    info["scale"] = a.scale
    text = json.dumps(info, default=str, indent=1)
    if a.db is None and not a.only_complaints:
        # The main bench database: keep its facts where bench.run and bench.profile look for them.
        with open(os.path.join(ROOT, "bench", "data", "info.json"), "w") as fh:
            fh.write(text)
    print(text)


if __name__ == "__main__":
    main()
