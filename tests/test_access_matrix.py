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
from core import calendar, outbox
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
    request_ = OrganisationMembership(organisation=org, user=other_member, status=MEMBER_PENDING)
    db.session.add(request_)
    pending_asn = make_user(ASN, unit=unit, confirmed=False, nip="199207252019032008")
    db.session.commit()
    verify_token = account_services._serializer(account_services.VERIFY_SALT).dumps(
        {"uid": other_member.id, "email": other_member.email})
    reset_token = account_services._serializer(account_services.RESET_SALT).dumps(
        {"uid": other_member.id, "stamp": other_member.security_stamp})
    with current_app.test_request_context():
        complaint, reporter_key = complaint_services.file_complaint(
            title="Jalan rusak di depan kantor lurah", description="Aspal terkelupas sepanjang dua puluh meter.",
            classification="pengaduan", category="infrastruktur", unit_id=unit.id, reporter=users[CITIZEN],
            attachments=[("bukti.pdf", b"%PDF-1.4\n")])
    calendar.add_date(users[ADMIN], date(2026, 11, 4), "Hari Jadi Kota")
    failed = outbox.enqueue(outbox.FORWARD, key="forward:matrix", payload={"tracking_code": complaint.tracking_code,
                                                                          "event": "forwarded"})
    failed.status, failed.attempts, failed.last_error = outbox.FAILED, 8, "HTTP 422: ditolak"
    db.session.commit()
    return {"failed_message": failed.id, "calendar_date": "2026-11-04", "code": complaint.tracking_code, "reporter_key": reporter_key,
            "attachment": complaint.attachments[0].id, "unit": unit.id, "org": org.id, "open_org": open_org.id, "pending_org": pending_org.id,
            "membership": request_.id, "pending_asn": pending_asn.id, "user": other_member.id,
            "verify_token": verify_token, "reset_token": reset_token}


# (method, endpoint, url arguments from the world, {role: status})
MATRIX = [
    ("GET", "core.home", {}, every(200)),
    ("GET", "core.about", {}, every(200)),
    ("GET", "core.healthz", {}, every(200)),
    ("POST", "core.set_language", {"lang": "en"}, every(302)),
    ("GET", "forum.index", {}, every(200)),
    ("GET", "complaints.index", {}, every(200)),
    ("GET", "training.index", {}, every(200)),
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
    ("POST", "complaints.start_progress", {"code": "code"}, handlers(302)),  # refused in the service: not verified
    ("POST", "complaints.request_info", {"code": "code"}, handlers(400)),
    ("POST", "complaints.resolve", {"code": "code"}, handlers(400)),
    ("POST", "complaints.add_note", {"code": "code"}, handlers(400)),
    ("POST", "complaints.reveal_identity", {"code": "code"}, admin_only(200)),
    ("POST", "complaints.reply", {"code": "code"}, reporter_only(400)),
    ("POST", "complaints.accept", {"code": "code"}, reporter_only(302)),  # refused in the service: not resolved
    ("POST", "complaints.dispute", {"code": "code"}, reporter_only(400)),
    ("POST", "complaints.rate", {"code": "code"}, reporter_only(400)),
    # the JSON API: no session, no CSRF; a form body instead of JSON is a 400
    ("POST", "complaints_api.file_complaint", {}, every(400)),
    ("GET", "complaints_api.get_complaint", {"code": "code"}, every(200)),
    ("GET", "complaints_api.categories", {}, every(200)),
    ("GET", "complaints_api.units", {}, every(200)),
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


@pytest.mark.parametrize("method,endpoint,args", sorted({(m, e, tuple(a.items())) for m, e, a, _ in MATRIX
                                                        if m == "POST" and not e.endswith("_api.file_complaint")}))
def test_a_post_without_csrf_token_is_refused(app, client, login, users, world, csrf_enabled, method, endpoint, args):
    login(users[ADMIN])
    response = client.post(build_url(app, endpoint, dict(args), world), data={"reason": "x", "note": "x"})
    assert response.status_code == 400
    assert "CSRF" in response.get_data(as_text=True)
