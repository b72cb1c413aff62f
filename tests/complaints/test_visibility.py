"""complaints.visibility: what each viewer may see of a complaint, for each privacy option.

The pages, the API and the forward payload are pinned by test_privacy.py; these state the rule
they all ask, one viewer kind and one privacy option at a time.
"""
import pytest
from flask_login import AnonymousUserMixin

from complaints import services, visibility
from complaints.models import ComplaintEvent
from core import encryption
from core.permissions import ASN, CITIZEN, ReporterPass

PRIVACY = {"biasa": {}, "anonim": {"anonymous": True}, "rahasia": {"confidential": True},
           "anonim dan rahasia": {"anonymous": True, "confidential": True}}
CONTENT = {"title": "Jalan berlubang di Jl. Merdeka", "location": "Jl. Merdeka 12",
           "description": "Lubang besar di depan SDN 12 membahayakan pengendara motor."}
IDENTITY = {"name": "Rudi Hartono", "email": "rudi@example.com", "phone": "081234567890"}
RESPONSE = "Lubang sudah ditambal pada hari Kamis."
MESSAGES = {"info_requested": "Mohon kirim foto lokasi.", "reporter_replied": "Foto ada di lampiran.",
            "note": "Catatan internal: tim lapangan berangkat Rabu.", "resolved": RESPONSE,
            "rejected": "Alasan penolakan (contoh untuk aturan)."}
ALL_BUT_NOTES = {kind for kind in MESSAGES if kind != "note"}

# viewer kind: (content, response, identity unless anonim, internal events, the messages it reads),
# first for a complaint that is not rahasia, then for one that is.
RULE = {
    "public": {False: (True, True, False, False, {"resolved"}), True: (False, False, False, False, set())},
    "reporter": {False: (True, True, False, False, ALL_BUT_NOTES), True: (True, True, False, False, ALL_BUT_NOTES)},
    "moderator": {False: (True, True, True, True, set(MESSAGES)), True: (True, True, True, True, set(MESSAGES))},
    "unit staff": {False: (True, True, True, True, set(MESSAGES)), True: (True, True, True, True, set(MESSAGES))},
    "national": {False: (True, True, True, False, {"resolved", "rejected"}),
                 True: (True, False, True, False, set())},
}
KIND = {"public": visibility.PUBLIC, "reporter": visibility.REPORTER, "moderator": visibility.HANDLER,
        "unit staff": visibility.HANDLER, "national": visibility.NATIONAL}


@pytest.fixture
def handled_complaint(file_complaint, moderator, handler, unit, in_request):
    """A complaint that went the whole way: routed, a note, a question answered, resolved."""
    def make(privacy, **fields):
        complaint = file_complaint(location=CONTENT["location"], **PRIVACY[privacy], **fields)[0]
        services.verify(moderator, complaint, unit_id=unit.id)
        services.add_note(handler, complaint, text=MESSAGES["note"])
        services.request_info(handler, complaint, message=MESSAGES["info_requested"])
        services.reporter_reply(ReporterPass(complaint.id), complaint, message=MESSAGES["reporter_replied"])
        services.resolve(handler, complaint, response=RESPONSE)
        return complaint
    return make


def viewer_of(kind, complaint, moderator, handler):
    return {"public": visibility.PUBLIC, "reporter": ReporterPass(complaint.id), "moderator": moderator,
            "unit staff": handler, "national": visibility.NATIONAL}[kind]


def messages_read(view):
    # A rejection never follows a resolution; an event held in memory stands for one.
    rejected = ComplaintEvent(kind="rejected", public=True, message=MESSAGES["rejected"])
    return {event.kind for event in [*view.timeline(), rejected] if view.message(event)}


@pytest.mark.parametrize("privacy", PRIVACY)
@pytest.mark.parametrize("kind", RULE)
def test_each_viewer_sees_what_the_rule_allows(handled_complaint, moderator, handler, kind, privacy):
    complaint = handled_complaint(privacy)
    view = visibility.view_for(complaint, viewer_of(kind, complaint, moderator, handler))
    content, response, identity, internal, messages = RULE[kind][complaint.confidential]
    assert view.viewer == KIND[kind]
    assert view.content == (CONTENT if content else None)
    assert view.response == (RESPONSE if response else None)
    assert view.identity == (IDENTITY if identity and not complaint.anonymous else None)
    assert ("note" in {event.kind for event in view.timeline()}) is internal
    assert all(view.sees(event) for event in view.timeline())
    assert messages_read(view) == messages


@pytest.mark.parametrize("privacy", PRIVACY)
def test_whoever_may_neither_handle_nor_report_gets_the_public_view(handled_complaint, make_user, make_unit,
                                                                    privacy):
    complaint = handled_complaint(privacy)
    public = visibility.view_for(complaint, visibility.PUBLIC)
    other_unit = make_unit(name="Dinas Perhubungan", short_name="Dishub")
    strangers = [None, AnonymousUserMixin(), make_user(CITIZEN), ReporterPass(complaint.id + 1),
                 make_user(ASN, unit=other_unit), make_user(ASN, unit=complaint.unit, confirmed=False)]
    for stranger in strangers:
        view = visibility.view_for(complaint, stranger)
        assert view.viewer == visibility.PUBLIC
        assert (view.content, view.response, view.identity) == (public.content, public.response, None)
        assert [e.id for e in view.timeline()] == [e.id for e in public.timeline()]


@pytest.mark.parametrize("privacy", PRIVACY)
def test_a_reporter_with_an_account_gets_the_reporter_view(handled_complaint, make_user, privacy):
    citizen = make_user(CITIZEN, full_name="Siti Pelapor")
    complaint = handled_complaint(privacy, reporter=citizen)
    view = visibility.view_for(complaint, citizen)
    assert view.viewer == visibility.REPORTER
    assert view.content["title"] == CONTENT["title"] and view.identity is None
    # The account's name and e-mail stand for the reporter wherever the identity may go.
    national = visibility.view_for(complaint, visibility.NATIONAL)
    assert national.identity == (None if complaint.anonymous else
                                 {"name": "Siti Pelapor", "email": citizen.email, "phone": IDENTITY["phone"]})


def test_a_viewer_is_a_person_or_one_of_the_named_kinds(complaint):
    with pytest.raises(ValueError):
        visibility.view_for(complaint, "handler")


@pytest.mark.parametrize("privacy", PRIVACY)
def test_the_api_and_the_forward_send_what_their_viewer_may_see(client, handled_complaint, privacy):
    complaint = handled_complaint(privacy)
    public = visibility.view_for(complaint, visibility.PUBLIC)
    answer = client.get(f"/api/v1/complaints/{complaint.tracking_code}").json
    assert {key: answer.get(key) for key in CONTENT} == (public.content or dict.fromkeys(CONTENT))
    assert answer.get("response") == public.response
    national = visibility.view_for(complaint, visibility.NATIONAL)
    payload = services.forward_payload(complaint, event="forwarded")
    assert {key: payload[key] for key in CONTENT} == national.content
    assert payload["public_response"] == national.response
    assert encryption.unseal(payload).get("reporter") == national.identity
    assert (encryption.SEALED in payload) is (national.identity is not None)
