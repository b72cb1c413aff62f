"""`flask scorecard refresh` (what changed since the last refresh) and `flask scorecard rebuild` (everything)."""
import click
from flask.cli import AppGroup

from . import aggregates

scorecard_cli = AppGroup("scorecard", help="Rapor pelayanan publik: the precomputed figures.")


@scorecard_cli.command("refresh")
def refresh_command():
    """Recompute the days touched since the last refresh, and the snapshot."""
    result = aggregates.refresh(full=False, wait=True)
    click.echo(f"Scorecard refreshed: {result['days']} day(s) recomputed{' (full rebuild)' if result['full'] else ''}.")


@scorecard_cli.command("rebuild")
def rebuild_command():
    """Recompute every figure from the records (after a calendar correction, or to check)."""
    result = aggregates.refresh(full=True, wait=True)
    click.echo(f"Scorecard rebuilt: {result['days']} day(s) with figures.")
