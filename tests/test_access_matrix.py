"""Every route × every role (and anonymous) → the status that role gets.

The table is the site's access policy in one place. A route missing from it fails
`test_every_route_is_in_the_matrix`, so each new route must state who may use it. POST rows send
an empty form with CSRF switched off (CSRF has its own test below): "allowed" then shows as the
form's 400 or the action's redirect, "refused" as 403, anonymous as a redirect to log in.
"""
from datetime import date

import pytest
from flask import url_for

from flask import current_app

from accounts import services as account_services
from complaints import services as complaint_services
from core import calendar, outbox, uploads
from accounts.models import MEMBER_PENDING, ORG_PENDING, OrganisationMembership
from core.extensions import db
from core.permissions import ADMIN, ASN, CITIZEN, MODERATOR, ORG_MEMBER

ANON = "anonymous"
ROLES = (ANON, CITIZEN, ORG_MEMBER, ASN, MODERATOR, ADMIN)


def every(status):
    return dict.fromkeys(ROLES, status)


def signed_in(status, anon=302):
    return {ANON: anon, **dict.fromkeys(ROLES[1:], status)}


def staff(status, others=403):
    return {ANON: 302, CITIZEN: others, ORG_MEMBER: others, ASN: others, MODERATOR: status, ADMIN: status}


def admin_only(status, moderator=403):
    return {**staff(status), MODERATOR: moderator}


def handlers(status, anon=302):
    """Moderators, admins and the confirmed ASN of the unit the case is routed to."""
    return {ANON: anon, CITIZEN: 403, ORG_MEMBER: 403, ASN: status, MODERATOR: status, ADMIN: status}


def only(role, status):
    """One role may (the author, the host unit); other signed-in people are refused."""
    return {**every(403), ANON: 302, role: status}


def reporter_only(status):
    """The citizen who filed the case in the world below."""
    return {**every(403), CITIZEN: status}


def anonymous_only(status, signed=302):
    return {ANON: status, **dict.fromkeys(ROLES[1:], signed)}


@pytest.fixture
def world(users, make_user, make_unit, make_organisation):
    """The objects the URLs name: a unit, organisations in each state, a pending ASN."""
    unit = users[ASN].unit
    other_member = make_user(CITIZEN)
    org = users[ORG_MEMBER].approved_organisations[0]
    open_org = make_organisation("Komunitas Terbuka")
    pending_org = make_organisation("Organisasi Baru", status=ORG_PENDING, contact=users[CITIZEN])
    pending_org.document_stored_name = uploads.store(b"%PDF-1.4\n", uploads.PDF)  # its SK, for its own row
    pending_org.document_filename, pending_org.document_content_type = "sk.pdf", uploads.PDF
    request_ = OrganisationMembership(organisation=org, user=other_member, status=MEMBER_PENDING)
    db.session.add(request_)
    pending_asn = make_user(ASN, unit=unit, confirmed=False, nip="199207252019032008")
    db.session.commit()
    verify_token = account_services._serializer(account_services.VERIFY_SALT).dumps(
        {"uid": other_member.id, "email": other_member.email})
    reset_token = account_services._serializer(account_services.RESET_SALT).dumps(
        {"uid": other_member.id, "stamp": other_member.security_stamp})
    from scorecard import follow_services
    followed = follow_services.follow(users[CITIZEN], unit)
    unsubscribe_token = follow_services.unsubscribe_token(users[CITIZEN].id, [followed])
    with current_app.test_request_context():
        complaint, reporter_key = complaint_services.file_complaint(
            title="Jalan rusak di depan kantor lurah", description="Aspal terkelupas sepanjang dua puluh meter.",
            classification="pengaduan", category="infrastruktur", unit_id=unit.id, reporter=users[CITIZEN],
            attachments=[("bukti.pdf", b"%PDF-1.4\n")])
    accompaniment, accompanied_code, active_accompaniment = complaint_accompaniments(users, unit, complaint, org)
    calendar.add_date(users[ADMIN], date(2026, 11, 4), "Hari Jadi Kota")
    forum = forum_world(users, unit)
    training = training_world(users)
    failed = outbox.enqueue(outbox.FORWARD, key="forward:matrix", payload={"tracking_code": complaint.tracking_code,
                                                                          "event": "forwarded"})
    failed.status, failed.attempts, failed.last_error = outbox.FAILED, 8, "HTTP 422: ditolak"
    db.session.commit()
    return {**forum, **training, "failed_message": failed.id, "calendar_date": "2026-11-04", "code": complaint.tracking_code, "reporter_key": reporter_key,
            "attachment": complaint.attachments[0].id, "unit": unit.id, "org": org.id, "open_org": open_org.id, "pending_org": pending_org.id,
            "membership": request_.id, "accompaniment": accompaniment, "accompanied_code": accompanied_code,
            "active_accompaniment": active_accompaniment, "pending_asn": pending_asn.id, "user": other_member.id,
            "verify_token": verify_token, "reset_token": reset_token, "unsubscribe_token": unsubscribe_token}


def complaint_accompaniments(users, unit, complaint, org):
    """The citizen's complaint with a request to the org member's organisation, and a second
    complaint of theirs that the organisation accompanies."""
    from complaints import accompaniment_services
    with current_app.test_request_context():
        requested = accompaniment_services.request_accompaniment(users[CITIZEN], complaint, organisation_id=org.id)
        second, _key = complaint_services.file_complaint(
            title="Lampu jalan mati di gang masjid", description="Sudah seminggu gelap dan rawan.",
            classification="pengaduan", category="infrastruktur", unit_id=unit.id, reporter=users[CITIZEN])
        active = accompaniment_services.request_accompaniment(users[CITIZEN], second, organisation_id=org.id)
        accompaniment_services.accept_request(users[ORG_MEMBER], active)
    return requested.id, second.tracking_code, active.id


def forum_world(users, unit):
    """An open consultation hosted by the ASN's unit (with a document and a participant), and a draft."""
    from datetime import timedelta

    from core import clock
    from forum import consultation_services
    from forum.models import DRAFT, OPEN, Consultation

    now = clock.now()
    common = dict(unit_id=unit.id, topic_type="standar_pelayanan", description="Uji", format="hybrid",
                  place="Aula", online_link="https://rapat.example.com/fkp", opens_at=now - timedelta(days=1),
                  closes_at=now + timedelta(days=7), meeting_at=now + timedelta(days=10))
    consultation = Consultation(slug="fkp-matrix", title="Standar pelayanan KTP-el", stage=OPEN, **common)
    db.session.add_all([consultation, Consultation(slug="fkp-draf", title="Draf", stage=DRAFT, **common)])
    db.session.commit()
    with current_app.test_request_context():
        document = consultation_services.add_document(users[ADMIN], consultation, filename="a.pdf", data=b"%PDF-1.4\n")
        participant = consultation_services.register(users[CITIZEN], consultation, stakeholder_category="media")
    # Two consultations whose meeting was yesterday: one with a saved berita acara, one published.
    from forum import minutes_services
    from forum.models import CLOSED
    past = dict(common, opens_at=now - timedelta(days=20), closes_at=now - timedelta(days=10),
                meeting_at=now - timedelta(days=1))
    draft_minutes = Consultation(slug="ba-draft", title="Maklumat pelayanan", stage=CLOSED, **past)
    published_minutes = Consultation(slug="ba-published", title="Hasil SKM", stage=CLOSED, **past)
    db.session.add_all([draft_minutes, published_minutes])
    db.session.commit()
    with current_app.test_request_context():
        for held in (draft_minutes, published_minutes):
            minutes = minutes_services.save_minutes(
                users[ADMIN], held, held_at=now - timedelta(hours=20), place="Aula", summary="Forum berjalan baik.",
                signatories=[{"name": "Kepala Dinas", "position": "Kepala", "organisation": unit.name}],
                other_attendees=None, agreements=[{"text": "Jam layanan diperpanjang", "unit_id": unit.id,
                                                   "target_date": (now + timedelta(days=30)).date(), "input_id": None}])
            minutes_services.upload_signed_scan(users[ADMIN], minutes, "ba.pdf", b"%PDF-1.4\n")
        minutes_services.publish_minutes(users[ADMIN], published_minutes.minutes)
    # On the open consultation: an input by the org member, a citizen's reply, and a flag on it.
    from forum import input_services
    from forum.models import Flag
    with current_app.test_request_context():
        forum_input = input_services.post_input(
            users[ORG_MEMBER], consultation, title="Perpanjang jam layanan", body="Mohon loket buka sampai sore.",
            organisation_id=users[ORG_MEMBER].approved_organisations[0].id)
        forum_reply = input_services.reply(users[CITIZEN], forum_input, body="Setuju, saya juga bekerja siang.")
    forum_flag = Flag(reply_id=forum_reply.id, user_id=users[CITIZEN].id, reason="Uji")
    db.session.add(forum_flag)
    db.session.commit()
    return {"consultation_slug": "fkp-matrix", "forum_input": forum_input.id, "fkp_input": forum_input.id, "forum_reply": forum_reply.id,
            "forum_flag": forum_flag.id,
            "fkp_document": document.id, "fkp_participant": participant.id, "ba_draft": "ba-draft",
            "ba_published": "ba-published", "action": published_minutes.minutes.agreements[0].action.id}


def training_world(users):
    """A published ASN module read by the ASN, an open and a submitted attempt, and a certificate."""
    from core import clock
    from training import certificate_services
    from training.models import Lesson, LessonProgress, Option, Question, QuizAttempt, TrainingModule

    module = TrainingModule(slug="etik-asn", title="Kode Etik ASN", summary="Uji", audience="asn", published=True,
                            validity_months=12, mandatory_for_asn=True)
    module.lessons = [Lesson(position=1, title="Pelajaran 1", body="Isi"),
                      Lesson(position=2, title="Pelajaran 2", body="Isi")]
    question = Question(kind="single", text="Soal?", explanation="Karena.", position=1)
    question.options = [Option(text="A", correct=True, position=1), Option(text="B", correct=False, position=2)]
    second = Question(kind="single", text="Soal kedua?", explanation="Karena.", position=2)
    second.options = [Option(text="C", correct=True, position=1), Option(text="D", correct=False, position=2)]
    module.questions = [question, second]
    db.session.add(module)
    db.session.flush()
    asn = users[ASN]
    db.session.add_all([LessonProgress(user_id=asn.id, module_id=module.id, lesson_id=lesson.id)
                        for lesson in module.lessons])
    order = {str(question.id): [o.id for o in question.options]}
    open_attempt = QuizAttempt(user_id=asn.id, module_id=module.id, question_ids=[question.id], option_order=order)
    done = QuizAttempt(user_id=asn.id, module_id=module.id, question_ids=[question.id], option_order=order,
                       submitted_at=clock.now(), answers={str(question.id): []}, score=0, passed=False)
    passed = QuizAttempt(user_id=asn.id, module_id=module.id, question_ids=[question.id], option_order=order,
                         submitted_at=clock.now(), answers={}, score=100, passed=True)
    db.session.add_all([open_attempt, done, passed])
    db.session.flush()
    with current_app.test_request_context():
        certificate = certificate_services.issue(passed, now=clock.now())
    db.session.commit()
    return {"training_module": "etik-asn", "training_lesson": module.lessons[0].id,
            "training_question": question.id, "training_attempt": open_attempt.id, "training_result": done.id,
            "certificate_code": certificate.code}


# (method, endpoint, url arguments from the world, {role: status})
MATRIX = [
    ("GET", "core.home", {}, every(200)),
    ("GET", "core.about", {}, every(200)),
    ("GET", "core.privacy", {}, every(200)),
    ("GET", "core.healthz", {}, every(200)),
    ("POST", "core.set_language", {"lang": "en"}, every(302)),
    ("GET", "forum.index", {}, every(200)),
    ("GET", "complaints.index", {}, every(200)),
    ("GET", "training.index", {}, every(200)),
    # the scorecard: public; its settings are the admins'
    ("GET", "scorecard.index", {}, every(200)),
    ("GET", "scorecard.unit", {"unit_id": "unit"}, every(200)),
    ("GET", "scorecard.method", {}, every(200)),
    # its open data: CSV, JSON and the data dictionary, public like the pages
    ("GET", "scorecard.city_csv", {}, every(200)),
    ("GET", "scorecard.unit_csv", {"unit_id": "unit"}, every(200)),
    ("GET", "scorecard.data", {}, every(200)),
    ("GET", "scorecard_api.rapor", {}, every(200)),

    # following a unit: anyone signed in; the unit's Atom feed: public
    ("POST", "scorecard.follow", {"unit_id": "unit"}, signed_in(302)),
    ("POST", "scorecard.unfollow", {"unit_id": "unit"}, signed_in(302)),
    ("GET", "scorecard.following", {}, signed_in(200)),
    ("GET", "scorecard.unit_feed", {"unit_id": "unit"}, every(200)),
    # the digest e-mail's links stop the citizen's follow with no session: the signed token is the permission
    ("GET", "scorecard.unsubscribe", {"token": "unsubscribe_token"}, every(200)),
    ("POST", "scorecard.unsubscribe", {"token": "unsubscribe_token"}, every(200)),
    ("GET", "scorecard.unsubscribe_one_click", {"token": "unsubscribe_token"}, every(302)),  # to the page above
    ("POST", "scorecard.unsubscribe_one_click", {"token": "unsubscribe_token"}, every(200)),
    ("GET", "admin.scorecard_settings", {}, admin_only(200)),
    ("POST", "admin.scorecard_settings", {}, admin_only(302)),  # an empty form restores every default
    # accounts
    ("GET", "accounts.register", {}, anonymous_only(200)),
    ("POST", "accounts.register", {}, anonymous_only(400)),
    ("GET", "accounts.check_email", {}, every(200)),
    ("GET", "accounts.verify_email", {"token": "verify_token"}, every(302)),
    ("GET", "accounts.resend_verification", {}, every(200)),
    ("POST", "accounts.resend_verification", {}, every(400)),
    ("GET", "accounts.login", {}, anonymous_only(200)),
    ("POST", "accounts.login", {}, anonymous_only(400)),
    ("POST", "accounts.logout", {}, every(302)),
    ("POST", "accounts.logout_everywhere", {}, signed_in(302)),
    ("GET", "accounts.forgot_password", {}, every(200)),
    ("POST", "accounts.forgot_password", {}, every(400)),
    ("GET", "accounts.reset_password", {"token": "reset_token"}, every(200)),
    ("POST", "accounts.reset_password", {"token": "reset_token"}, every(400)),
    ("GET", "accounts.change_password", {}, signed_in(200)),
    ("POST", "accounts.change_password", {}, signed_in(400)),
    ("GET", "accounts.profile", {}, signed_in(200)),
    ("POST", "accounts.profile", {}, signed_in(302)),  # missing fields keep their values
    # organisations
    ("GET", "accounts.organisations", {}, every(200)),
    ("GET", "accounts.register_organisation", {}, signed_in(200)),
    ("POST", "accounts.register_organisation", {}, signed_in(400)),
    ("GET", "accounts.organisation", {"org_id": "org"}, every(200)),
    ("GET", "accounts.organisation", {"org_id": "pending_org"},
     {ANON: 403, CITIZEN: 200, ORG_MEMBER: 403, ASN: 403, MODERATOR: 200, ADMIN: 200}),
    ("GET", "accounts.organisation_document", {"org_id": "pending_org"},  # its contact and staff only
     {ANON: 302, CITIZEN: 200, ORG_MEMBER: 403, ASN: 403, MODERATOR: 200, ADMIN: 200}),
    ("POST", "accounts.join_organisation", {"org_id": "open_org"},
     {ANON: 302, CITIZEN: 400, ORG_MEMBER: 400, ASN: 400, MODERATOR: 403, ADMIN: 403}),
    ("POST", "accounts.leave_organisation", {"org_id": "org"}, every(302)),
    ("POST", "accounts.decide_membership", {"membership_id": "membership", "decision": "setujui"},
     {ANON: 302, CITIZEN: 403, ORG_MEMBER: 302, ASN: 403, MODERATOR: 302, ADMIN: 302}),
    # administration
    ("GET", "admin.dashboard", {}, staff(200)),
    ("GET", "admin.units", {}, admin_only(200)),
    ("GET", "admin.edit_unit", {}, admin_only(200)),
    ("POST", "admin.edit_unit", {}, admin_only(400)),
    ("GET", "admin.edit_unit", {"unit_id": "unit"}, admin_only(200)),
    ("POST", "admin.edit_unit", {"unit_id": "unit"}, admin_only(302)),  # likewise
    ("GET", "admin.users", {}, staff(200)),
    ("GET", "admin.user", {"user_id": "pending_asn"}, staff(200)),
    ("POST", "admin.change_role", {"user_id": "user"}, admin_only(400)),
    ("POST", "admin.set_active", {"user_id": "user", "action": "nonaktifkan"}, admin_only(302)),
    ("POST", "admin.confirm_asn", {"user_id": "pending_asn"}, staff(302)),
    ("POST", "admin.reject_asn", {"user_id": "pending_asn"}, staff(400)),
    ("GET", "admin.organisations", {}, staff(200)),
    ("GET", "admin.organisation", {"org_id": "pending_org"}, staff(200)),
    ("POST", "admin.verify_organisation", {"org_id": "pending_org"}, staff(302)),
    ("POST", "admin.reject_organisation", {"org_id": "pending_org"}, staff(400)),
    ("GET", "admin.audit_log", {}, admin_only(200)),
    ("GET", "admin.calendar", {}, admin_only(200)),
    ("GET", "admin.outbox", {}, admin_only(200)),
    ("POST", "admin.retry_outbox_message", {"message_id": "failed_message"}, admin_only(302)),
    ("POST", "admin.add_calendar_date", {}, admin_only(400)),
    ("POST", "admin.remove_calendar_date", {"day": "calendar_date"}, admin_only(302)),
    # forum: consultations and participants
    ("GET", "forum.consultation", {"slug": "fkp-matrix"}, every(200)),
    ("GET", "forum.consultation", {"slug": "fkp-draf"}, {**every(404), ASN: 200, MODERATOR: 200, ADMIN: 200}),
    ("GET", "forum.new", {}, handlers(200)),
    ("POST", "forum.new", {}, handlers(400)),
    ("GET", "forum.edit", {"slug": "fkp-matrix"}, handlers(200)),
    ("POST", "forum.edit", {"slug": "fkp-matrix"}, handlers(400)),
    ("POST", "forum.publish", {"slug": "fkp-matrix"}, handlers(302)),
    ("POST", "forum.close", {"slug": "fkp-matrix"}, handlers(302)),
    ("GET", "forum.close", {"slug": "fkp-matrix"}, handlers(200)),  # the confirmation page
    ("GET", "forum.reschedule", {"slug": "fkp-matrix"}, handlers(200)),
    ("POST", "forum.reschedule", {"slug": "fkp-matrix"}, handlers(400)),
    ("POST", "forum.upload_document", {"slug": "fkp-matrix"}, handlers(400)),
    ("POST", "forum.remove_document", {"slug": "fkp-matrix", "document_id": "fkp_document"}, handlers(302)),
    ("GET", "forum.document", {"slug": "fkp-matrix", "document_id": "fkp_document"}, every(200)),
    ("POST", "forum.register", {"slug": "fkp-matrix"}, signed_in(400)),
    ("POST", "forum.cancel_registration", {"slug": "fkp-matrix"}, signed_in(302)),
    ("POST", "forum.attendance", {"slug": "fkp-matrix", "participant_id": "fkp_participant"}, handlers(400)),
    # forum: inputs and moderation
    ("POST", "forum.post_input", {"slug": "consultation_slug"}, only(ORG_MEMBER, 400)),
    ("GET", "forum.input_detail", {"input_id": "forum_input"}, every(200)),
    ("POST", "forum.reply_to_input", {"input_id": "forum_input"}, signed_in(400)),
    ("POST", "forum.support_input", {"input_id": "forum_input"}, signed_in(302)),
    ("POST", "forum.withdraw_support", {"input_id": "forum_input"}, signed_in(302)),  # refused in the service
    ("POST", "forum.respond_to_input", {"input_id": "forum_input"}, only(ASN, 400)),  # the host unit only
    ("POST", "forum.edit_input", {"input_id": "forum_input"}, only(ORG_MEMBER, 400)),  # the author
    ("POST", "forum.edit_reply", {"reply_id": "forum_reply"}, only(CITIZEN, 400)),  # the author
    ("POST", "forum.flag_input", {"input_id": "forum_input"}, signed_in(400)),
    ("POST", "forum.flag_reply", {"reply_id": "forum_reply"}, signed_in(400)),
    ("POST", "forum.hide_input", {"input_id": "forum_input"}, staff(400)),
    ("POST", "forum.hide_reply", {"reply_id": "forum_reply"}, staff(400)),
    ("POST", "forum.unhide_input", {"input_id": "forum_input"}, staff(302)),  # refused in the service: not hidden
    ("POST", "forum.unhide_reply", {"reply_id": "forum_reply"}, staff(302)),
    ("POST", "forum.lock_input", {"input_id": "forum_input"}, staff(302)),
    ("POST", "forum.unlock_input", {"input_id": "forum_input"}, staff(302)),  # refused in the service: not locked
    ("POST", "forum.convert_input", {"input_id": "forum_input"}, staff(400)),
    ("GET", "forum.moderation", {}, staff(200)),
    ("POST", "forum.dismiss_flag", {"flag_id": "forum_flag"}, staff(302)),
    # forum: following, search, feed, idle units
    ("POST", "forum.follow_consultation", {"slug": "fkp-matrix"}, signed_in(302)),
    ("POST", "forum.unfollow_consultation", {"slug": "fkp-matrix"}, signed_in(302)),
    ("POST", "forum.follow_input", {"input_id": "fkp_input"}, signed_in(302)),
    ("POST", "forum.unfollow_input", {"input_id": "fkp_input"}, signed_in(302)),
    ("GET", "forum.search_page", {}, every(200)),
    ("GET", "forum.feed", {}, every(200)),
    ("GET", "forum.idle_units", {}, staff(200)),
    # forum: berita acara and follow-up
    ("GET", "forum.minutes_edit", {"slug": "ba_draft"}, handlers(200)),
    ("POST", "forum.minutes_edit", {"slug": "ba_draft"}, handlers(400)),
    ("POST", "forum.minutes_edit", {"slug": "ba_published"}, handlers(302)),  # published: refused with a message
    ("GET", "forum.minutes_pdf", {"slug": "ba_draft"}, handlers(200)),
    ("GET", "forum.minutes_pdf", {"slug": "ba_published"}, every(200)),
    ("POST", "forum.minutes_upload_scan", {"slug": "ba_draft"}, handlers(400)),
    ("GET", "forum.minutes_scan", {"slug": "ba_draft"}, handlers(200)),
    ("GET", "forum.minutes_scan", {"slug": "ba_published"}, every(200)),
    ("POST", "forum.minutes_publish", {"slug": "ba_draft"}, handlers(302)),
    ("GET", "forum.minutes_publish", {"slug": "ba_draft"}, handlers(200)),  # the confirmation page
    ("GET", "forum.tracker", {}, every(200)),
    ("GET", "forum.action", {"action_id": "action"}, every(200)),
    ("POST", "forum.update_action", {"action_id": "action"}, handlers(400)),
    # training: the learner
    ("GET", "training.module", {"slug": "training_module"}, handlers(200)),
    ("GET", "training.lesson", {"slug": "training_module", "position": 1}, handlers(200)),
    ("POST", "training.mark_read", {"slug": "training_module", "position": 1}, handlers(302)),
    ("POST", "training.start_quiz", {"slug": "training_module"}, handlers(302)),  # staff: refused in the service
    ("GET", "training.attempt", {"attempt_id": "training_attempt"}, only(ASN, 200)),
    ("POST", "training.submit_attempt", {"attempt_id": "training_attempt"}, only(ASN, 302)),
    ("GET", "training.attempt_result", {"attempt_id": "training_result"}, only(ASN, 200)),
    # training: authoring (admins) and reports (staff; a unit's manager for their own unit)
    ("GET", "training.manage", {}, admin_only(200)),
    ("GET", "training.edit_module", {}, admin_only(200)),
    ("POST", "training.edit_module", {}, admin_only(400)),
    ("GET", "training.edit_module", {"slug": "training_module"}, admin_only(200)),
    ("POST", "training.edit_module", {"slug": "training_module"}, admin_only(400)),
    ("GET", "training.edit_lesson", {"slug": "training_module"}, admin_only(200)),
    ("POST", "training.edit_lesson", {"slug": "training_module"}, admin_only(400)),
    ("GET", "training.edit_lesson", {"slug": "training_module", "lesson_id": "training_lesson"}, admin_only(200)),
    ("POST", "training.edit_lesson", {"slug": "training_module", "lesson_id": "training_lesson"},
     admin_only(302)),  # missing fields keep their values
    ("POST", "training.delete_lesson", {"slug": "training_module", "lesson_id": "training_lesson"}, admin_only(302)),
    ("POST", "training.move_lesson", {"slug": "training_module", "lesson_id": "training_lesson", "direction": "turun"},
     admin_only(302)),
    ("GET", "training.edit_question", {"slug": "training_module"}, admin_only(200)),
    ("POST", "training.edit_question", {"slug": "training_module"}, admin_only(400)),
    ("GET", "training.edit_question", {"slug": "training_module", "question_id": "training_question"}, admin_only(200)),
    ("POST", "training.edit_question", {"slug": "training_module", "question_id": "training_question"},
     admin_only(400)),
    ("POST", "training.delete_question", {"slug": "training_module", "question_id": "training_question"},
     admin_only(302)),
    ("GET", "training.export_module", {"slug": "training_module"}, admin_only(200)),
    ("GET", "training.import_module", {}, admin_only(200)),
    ("POST", "training.import_module", {}, admin_only(400)),
    ("POST", "training.toggle_unit_manager", {"user_id": "pending_asn"}, admin_only(302)),
    ("GET", "training.reports", {}, staff(200)),
    ("GET", "training.reports_csv", {}, staff(200)),
    ("GET", "training.incomplete", {}, staff(200)),
    ("GET", "training.incomplete_csv", {}, staff(200)),
    # training: certificates
    ("GET", "training.my_certificates", {}, signed_in(200)),
    ("GET", "training.certificate", {"code": "certificate_code"}, every(200)),
    ("GET", "training.verify_lookup", {}, every(200)),
    ("GET", "training.certificate_pdf", {"code": "certificate_code"}, {**every(403), ASN: 200, ADMIN: 200}),
    ("POST", "training.revoke_certificate", {"code": "certificate_code"}, admin_only(400)),
    ("GET", "training_api.api_certificate", {"code": "certificate_code"}, every(200)),
    # complaints: the public desk
    ("GET", "complaints.index", {}, every(200)),
    ("GET", "complaints.new", {}, every(200)),
    ("POST", "complaints.new", {}, every(400)),
    ("GET", "complaints.filed", {"code": "code"}, every(200)),
    ("GET", "complaints.track_lookup", {}, every(200)),
    ("GET", "complaints.track", {"code": "code"}, every(200)),
    ("GET", "complaints.reporter_access", {"code": "code", "key": "reporter_key"}, every(302)),
    ("GET", "complaints.mine", {}, signed_in(200)),
    # complaints: the case (filed by the citizen, routed to the ASN's unit)
    ("GET", "complaints.queue", {}, handlers(200)),
    ("GET", "complaints.case", {"code": "code"}, {**handlers(200, anon=403), CITIZEN: 200}),
    ("GET", "complaints.attachment", {"code": "code", "attachment_id": "attachment"},
     {**handlers(200, anon=403), CITIZEN: 200}),
    ("POST", "complaints.verify", {"code": "code"}, staff(400)),
    ("POST", "complaints.reroute", {"code": "code"}, staff(400)),
    ("POST", "complaints.reject", {"code": "code"}, staff(400)),
    ("POST", "complaints.forward", {"code": "code"}, staff(400)),
    # the public list: anyone reads it; only moderators keep a complaint off it (not the unit, not the reporter)
    ("GET", "complaints.public_list", {}, every(200)),
    ("GET", "complaints.public_unit_list", {"unit_id": "unit"}, every(200)),
    ("POST", "complaints.hide_from_public_list", {"code": "code"}, staff(400)),
    ("POST", "complaints.show_on_public_list", {"code": "code"}, staff(302)),  # refused in the service: not hidden
    ("POST", "complaints.start_progress", {"code": "code"}, handlers(302)),  # refused in the service: not verified
    ("POST", "complaints.request_info", {"code": "code"}, handlers(400)),
    ("POST", "complaints.resolve", {"code": "code"}, handlers(400)),
    ("POST", "complaints.add_note", {"code": "code"}, handlers(400)),
    # accompaniment (pengawalan): "accompaniment" is requested, "active_accompaniment" accepted
    ("GET", "complaints.case", {"code": "accompanied_code"}, {**handlers(200, anon=403), CITIZEN: 200, ORG_MEMBER: 200}),
    ("GET", "complaints.accompaniment_request", {"code": "code"}, reporter_only(200)),
    ("POST", "complaints.accompaniment_request", {"code": "code"}, reporter_only(400)),
    ("POST", "complaints.accompaniment_withdraw", {"code": "code", "accompaniment_id": "accompaniment"},
     reporter_only(302)),
    ("POST", "complaints.accompaniment_accept", {"code": "code", "accompaniment_id": "accompaniment"},
     only(ORG_MEMBER, 302)),
    ("POST", "complaints.accompaniment_decline", {"code": "code", "accompaniment_id": "accompaniment"},
     only(ORG_MEMBER, 302)),
    ("POST", "complaints.accompaniment_note", {"code": "accompanied_code", "accompaniment_id": "active_accompaniment"},
     only(ORG_MEMBER, 400)),
    ("GET", "complaints.accompaniment_end", {"code": "accompanied_code", "accompaniment_id": "active_accompaniment"},
     {**every(403), CITIZEN: 200, ORG_MEMBER: 200}),
    ("POST", "complaints.accompaniment_end", {"code": "accompanied_code", "accompaniment_id": "active_accompaniment"},
     {**every(403), CITIZEN: 302, ORG_MEMBER: 400}),  # the organisation must give a reason
    ("GET", "complaints.accompaniments", {}, signed_in(200)),
    ("POST", "complaints.reply", {"code": "code"}, reporter_only(400)),
    ("POST", "complaints.accept", {"code": "code"}, reporter_only(302)),  # refused in the service: not resolved
    ("POST", "complaints.dispute", {"code": "code"}, reporter_only(400)),
    ("POST", "complaints.rate", {"code": "code"}, reporter_only(400)),
    # the JSON API: no session, no CSRF; a form body instead of JSON is a 400
    ("POST", "complaints_api.file_complaint", {}, every(400)),
    ("GET", "complaints_api.get_complaint", {"code": "code"}, every(200)),
    ("GET", "complaints_api.categories", {}, every(200)),
    ("GET", "complaints_api.units", {}, every(200)),
    ("GET", "complaints_api.public_complaints", {}, every(200)),
    ("GET", "core.openapi_document", {}, every(200)),
]

CASES = [(method, endpoint, args, role, expected[role])
         for method, endpoint, args, expected in MATRIX for role in ROLES]


def build_url(app, endpoint, args, world):
    with app.test_request_context():
        return url_for(endpoint, **{k: world.get(v, v) for k, v in args.items()})


@pytest.mark.parametrize("method,endpoint,args,role,expected", CASES,
                         ids=[f"{m} {e} {'+'.join(map(str, a.values())) or '-'} as {r}" for m, e, a, r, _ in CASES])
def test_access(app, client, login, users, world, method, endpoint, args, role, expected):
    if role != ANON:
        login(users[role])
    url = build_url(app, endpoint, args, world)
    response = client.open(url, method=method, data={"submitted": "1"})
    assert response.status_code == expected, f"{method} {url} as {role}"
    if expected == 302 and role == ANON and endpoint.startswith("admin."):
        assert "/akun/masuk" in response.headers["Location"]


def test_every_route_is_in_the_matrix(app):
    listed = {(method, endpoint) for method, endpoint, _args, _expected in MATRIX}
    routes = {(method, rule.endpoint) for rule in app.url_map.iter_rules()
              for method in rule.methods - {"HEAD", "OPTIONS"}
              if rule.endpoint not in ("static", "bootstrap.static")}
    assert routes - listed == set(), "routes missing from the access matrix"
    assert listed - routes == set(), "matrix rows for routes that do not exist"


# POSTs that carry no CSRF token by design: the JSON API (no session), and the digest's one-click
# unsubscribe, which a mail client POSTs with no page (RFC 8058; its signed token is the permission).
CSRF_EXEMPT = {"complaints_api.file_complaint", "scorecard.unsubscribe_one_click"}


@pytest.mark.parametrize("method,endpoint,args", sorted({(m, e, tuple(a.items())) for m, e, a, _ in MATRIX
                                                        if m == "POST" and e not in CSRF_EXEMPT}))
def test_a_post_without_csrf_token_is_refused(app, client, login, users, world, csrf_enabled, method, endpoint, args):
    login(users[ADMIN])
    response = client.post(build_url(app, endpoint, dict(args), world), data={"reason": "x", "note": "x"})
    assert response.status_code == 400
    assert "CSRF" in response.get_data(as_text=True)
