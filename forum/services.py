"""Every state change of the forum, gathered from the concern modules (see forum/__init__.py).

The API, the CLI and other pillars import from here; the forum's own views use the concern
modules directly.
"""
from .consultation_services import (add_document, cancel_registration, close_due, close_input,  # noqa: F401
                                    complete_if_done, create_consultation, mark_attendance, move_to_follow_up,
                                    publish, register, remove_document, update_consultation)
from .minutes_services import (publish_minutes, save_minutes, update_action,  # noqa: F401
                               upload_signed_scan)
from .notice_services import follow, unfollow  # noqa: F401
from .input_services import (convert_to_complaint, dismiss_flag, edit_post, flag, hide, lock,  # noqa: F401
                             post_input, reply, respond, support, unhide, unlock, withdraw_support)
