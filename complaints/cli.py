"""`flask complaints ...` commands."""
from datetime import datetime

import click
from flask.cli import AppGroup

from . import sweeps

complaints_cli = AppGroup("complaints", help="Complaint sweeps.")


def _moment(value):
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise click.BadParameter("use ISO 8601, e.g. 2026-11-30T09:00:00+07:00") from None
    if moment.tzinfo is None:
        raise click.BadParameter("give the offset, e.g. +07:00")
    return moment


@complaints_cli.command("escalate")
@click.option("--now", "now_text", help="Pretend it is this moment (ISO 8601 with offset).")
def escalate_command(now_text):
    """Forward every overdue, unforwarded open complaint to SP4N-LAPOR! (once each)."""
    count = sweeps.escalate(now=_moment(now_text))
    click.echo(f"Forwarded {count} complaint(s).")


@complaints_cli.command("sweep")
@click.option("--now", "now_text", help="Pretend it is this moment (ISO 8601 with offset).")
def sweep_command(now_text):
    """Run escalation, reminders and auto-close once."""
    counts = sweeps.run_all(now=_moment(now_text))
    click.echo(", ".join(f"{k}: {v}" for k, v in counts.items()))
