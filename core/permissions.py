"""The one place that answers "may this user do X to this object?".

Views, templates (`can(...)`), services, the API and the CLI all ask `can()` or `require()`, so
each rule is written once, here. A rule is a function of (user, obj) returning True or False;
anonymous visitors arrive as Flask-Login's AnonymousUserMixin (not authenticated). Work nobody
does in person (sweeps, the worker, command-line commands, the demo seed) acts as SYSTEM; a missing
actor (None) is refused, so a caller who forgets to say who acts never gets the system's power.
"""
from functools import wraps
from typing import NamedTuple

from flask_login import current_user

from .errors import NotAllowed
from .i18n import gettext as _

CITIZEN, ORG_MEMBER, ASN, MODERATOR, ADMIN = "citizen", "org_member", "asn", "moderator", "admin"
ROLES = (CITIZEN, ORG_MEMBER, ASN, MODERATOR, ADMIN)
STAFF_ROLES = (MODERATOR, ADMIN)

_rules = {}
ANY_UNIT = object()  # is_confirmed_asn() without a unit: of whichever unit the ASN belongs to


def rule(action):
    def register(fn):
        if action in _rules:
            raise ValueError(f"permission rule {action!r} defined twice")
        _rules[action] = fn
        return fn
    return register


def _active(user):
    return bool(user is not None and user.is_authenticated and user.is_active)


def is_confirmed_asn(user, unit_id=ANY_UNIT):
    """A confirmed ASN of this unit: an active ASN account that a moderator or admin confirmed to
    act for their unit. Without `unit_id`, of whichever unit they belong to; a unit id of None
    (a complaint not yet routed) matches nobody. Its SQL twin is accounts.models.User.confirmed_asn()."""
    return (_active(user) and user.role == ASN and user.asn_confirmed_at is not None
            and user.unit_id is not None and (unit_id is ANY_UNIT or user.unit_id == unit_id))


def is_staff(user):
    return _active(user) and user.role in STAFF_ROLES


def is_admin(user):
    return _active(user) and user.role == ADMIN


class SystemActor:
    """The platform itself acting: the worker's sweeps, `flask ...` commands, the demo seed.

    Whoever runs these already holds the server, so every rule lets SYSTEM through. It is no user:
    the audit log and timelines store it without a user, shown as "sistem" (as work without a
    person always was). There is one, SYSTEM; compare with `is`.
    """

    name = "sistem"
    id = None
    role = None
    is_authenticated = False
    is_active = False
    is_anonymous = False

    def __repr__(self):
        return "permissions.SYSTEM"


SYSTEM = SystemActor()


def can(user, action, obj=None):
    try:
        check = _rules[action]
    except KeyError:
        raise KeyError(f"no permission rule named {action!r}") from None
    return user is SYSTEM or bool(check(user, obj))


def require(user, action, obj=None):
    """NotAllowed unless the user may; SYSTEM always may.

    None is a TypeError, not NotAllowed: it means the caller forgot to say who acts, a mistake in
    the code rather than a person without the right, and a view would show NotAllowed as a polite
    message and hide it. Pass the person, or SYSTEM for the platform's own work.
    """
    if user is None:
        raise TypeError(f"no actor given for {action!r}: pass the person acting, or "
                        f"core.permissions.SYSTEM for the platform's own work")
    if not can(user, action, obj):
        raise NotAllowed(_("Anda tidak memiliki izin untuk tindakan ini."))


def permission_required(action):
    """View decorator for rules that need no object: anonymous → login, others → 403."""
    def decorate(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            from .extensions import login_manager
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            require(current_user, action)
            return view(*args, **kwargs)
        return wrapped
    return decorate


# --- the site and administration ------------------------------------------------------------

@rule("admin.access")
def _admin_access(user, obj):
    return is_staff(user)


@rule("audit.view")
def _audit_view(user, obj):
    return is_admin(user)


@rule("unit.manage")
def _unit_manage(user, obj):
    return is_admin(user)


@rule("user.list")
def _user_list(user, obj):
    return is_staff(user)


@rule("user.manage")
def _user_manage(user, obj):
    # Admins change roles and deactivate; nobody does it to themselves (no lock-out by accident).
    return is_admin(user) and (obj is None or obj.id != user.id)


@rule("user.confirm_asn")
def _user_confirm_asn(user, obj):
    return is_staff(user) and (obj is None or (obj.role == ASN and obj.id != user.id))


# --- accounts --------------------------------------------------------------------------------

@rule("account.use")
def _account_use(user, obj):
    return _active(user)


@rule("unit.act_for")
def _unit_act_for(user, unit):
    """An ASN acts for their own unit only once a moderator or admin confirmed them."""
    if not _active(user) or unit is None:
        return False
    return user.role in STAFF_ROLES or is_confirmed_asn(user, unit.id)


# --- organisations ---------------------------------------------------------------------------

@rule("organisation.register")
def _organisation_register(user, obj):
    return _active(user) and user.email_verified_at is not None


@rule("organisation.view")
def _organisation_view(user, org):
    if org.status == "verified":
        return True
    # Members see their organisation while it waits, and its contact sees why it was rejected.
    return is_staff(user) or (_active(user) and org.membership_of(user) is not None)


@rule("organisation.document")
def _organisation_document(user, org):
    """The SK or deed: moderators and admins, and the contact person who registered it (even while it waits)."""
    if is_staff(user):
        return True
    membership = org.membership_of(user) if _active(user) else None
    return membership is not None and membership.is_contact


@rule("organisation.verify")
def _organisation_verify(user, org):
    return is_staff(user)


@rule("organisation.join")
def _organisation_join(user, org):
    return (_active(user) and user.email_verified_at is not None and org.status == "verified"
            and user.role not in STAFF_ROLES and not org.has_member(user, approved_only=False))


@rule("organisation.manage_members")
def _organisation_manage_members(user, org):
    return is_staff(user) or (_active(user) and org.is_contact(user))


@rule("organisation.act_for")
def _organisation_act_for(user, org):
    """Post on behalf of an organisation: a verified organisation and an approved member."""
    return _active(user) and org.status == "verified" and org.has_member(user)


# --- outbox and calendar -------------------------------------------------------------------

@rule("outbox.manage")
def _outbox_manage(user, obj):
    return is_admin(user)


@rule("calendar.manage")
def _calendar_manage(user, obj):
    return is_admin(user)


# --- complaints ------------------------------------------------------------------------------

class ReporterPass:
    """A visitor who opened a complaint's secret reporter link in this browser session.

    Reporters without an account act through it; it grants the reporter's actions on that one
    complaint and nothing else.
    """

    is_authenticated = False
    is_active = True
    id = None
    role = None

    def __init__(self, complaint_id):
        self.complaint_id = complaint_id


@rule("complaint.queue")
def _complaint_queue(user, obj):
    return is_staff(user) or is_confirmed_asn(user)


@rule("complaint.moderate")
def _complaint_moderate(user, complaint):
    """Verify and route, reject, reroute, forward to the national system."""
    return is_staff(user)


@rule("complaint.handle")
def _complaint_handle(user, complaint):
    """Work on a case: the unit it is routed to, and the moderators."""
    return is_staff(user) or is_confirmed_asn(user, complaint.unit_id)


@rule("complaint.reporter")
def _complaint_reporter(actor, complaint):
    if isinstance(actor, ReporterPass):
        return actor.complaint_id == complaint.id
    return _active(actor) and complaint.reporter_id is not None and actor.id == complaint.reporter_id


@rule("complaint.view_case")
def _complaint_view_case(actor, complaint):
    return can(actor, "complaint.reporter", complaint) or can(actor, "complaint.handle", complaint)


@rule("accompaniment.respond")
def _accompaniment_respond(user, accompaniment):
    """Accept or decline a request to accompany a complaint: whoever acts for the organisation."""
    return accompaniment.status == "requested" and can(user, "organisation.act_for", accompaniment.organisation)


@rule("accompaniment.follow")
def _accompaniment_follow(user, accompaniment):
    """See the accompanied complaint, hear of it, write notes, end it: whoever acts for the
    organisation, while the accompaniment is active."""
    return accompaniment.status == "active" and can(user, "organisation.act_for", accompaniment.organisation)


# --- forum (Forum Konsultasi Publik) ----------------------------------------------------------

def _is_host(user, consultation):
    return is_confirmed_asn(user, consultation.unit_id)


def _verified(user):
    return _active(user) and user.email_verified_at is not None


@rule("consultation.create")
def _consultation_create(user, obj):
    """Moderators, and confirmed ASN for their own unit."""
    return is_staff(user) or is_confirmed_asn(user)


@rule("consultation.manage")
def _consultation_manage(user, consultation):
    """Edit, change stage, mark attendance, write and publish the berita acara: host unit or moderators."""
    return is_staff(user) or _is_host(user, consultation)


@rule("consultation.view")
def _consultation_view(user, consultation):
    return consultation.stage != "draft" or can(user, "consultation.manage", consultation)


@rule("consultation.register")
def _consultation_register(user, consultation):
    return _verified(user) and consultation.stage in ("open", "closed")


class InputAuthorship(NamedTuple):
    """On whose behalf one person may post input to one consultation; false when on nobody's."""

    organisations: list  # the verified organisations they are an approved member of
    own_name: bool  # in their own name, as a registered citizen

    def __bool__(self):
        return bool(self.organisations) or self.own_name


def input_authorship(user, consultation):
    """Who may post input: a verified account, for a verified organisation it is an approved member
    of, or in its own name where the consultation lets registered citizens post (never a moderator's
    or admin's own name). The one rule behind `forum.post_input`, the input form's choices and the
    posting service's check."""
    if not _verified(user):
        return InputAuthorship([], False)
    organisations = [org for org in getattr(user, "approved_organisations", []) if org.status == "verified"]
    return InputAuthorship(organisations, consultation.allow_citizen_input and user.role not in STAFF_ROLES)


@rule("forum.post_input")
def _forum_post_input(user, consultation):
    """Verified organisation members post input; citizens too where the consultation allows it."""
    return bool(input_authorship(user, consultation))


@rule("forum.reply")
def _forum_reply(user, forum_input):
    return _verified(user)


@rule("forum.support")
def _forum_support(user, forum_input):
    return _active(user)


@rule("forum.flag")
def _forum_flag(user, post):
    return _active(user)


@rule("forum.edit_post")
def _forum_edit_post(user, post):
    """Authors edit their own posts (the service enforces the time window)."""
    return _active(user) and post.author_id == user.id


@rule("forum.respond")
def _forum_respond(user, forum_input):
    """Only the host unit answers officially."""
    return _is_host(user, forum_input.consultation)


@rule("forum.moderate")
def _forum_moderate(user, obj):
    """Hide posts, lock inputs, work the flag queue, turn an input into a complaint."""
    return is_staff(user)


@rule("forum.follow")
def _forum_follow(user, obj):
    return _active(user)


@rule("action.update")
def _action_update(user, action):
    """Progress on a follow-up action: its responsible unit, the host unit, or moderators."""
    return is_staff(user) or is_confirmed_asn(user, action.unit_id) or _is_host(user, action.consultation)


# --- training -------------------------------------------------------------------------------

@rule("training.learn")
def _training_learn(user, module):
    """Modules for ASN are for ASN (and staff); community and general modules for anyone signed in."""
    if not _active(user) or module is None or not module.published:
        return False
    if module.audience == "asn":
        return user.role in (ASN,) + STAFF_ROLES
    return True


@rule("training.author")
def _training_author(user, obj):
    """Write modules, lessons and questions; import and export them."""
    return is_admin(user)


@rule("training.report")
def _training_report(user, unit):
    """Completion reports: admins and moderators for every unit, a unit's manager for their own."""
    if is_staff(user):
        return True
    return is_confirmed_asn(user, ANY_UNIT if unit is None else unit.id) and user.unit_manager


@rule("certificate.revoke")
def _certificate_revoke(user, certificate):
    return is_admin(user)
