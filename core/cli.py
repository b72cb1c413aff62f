"""`flask outbox ...` and `flask worker`: the outbox and the periodic work, from the command line."""
import click
from flask.cli import AppGroup, with_appcontext

from . import outbox, worker

outbox_cli = AppGroup("outbox", help="Deliver the outbox (e-mail, forwarding to SP4N-LAPOR!).")


@outbox_cli.command("deliver")
@click.option("--once", is_flag=True, help="One pass over what is due, then exit (default: loop until SIGTERM).")
def deliver_command(once):
    """Send the due outbox messages, retrying failures with backoff."""
    if not once:
        worker.run(sweeps=False)
        return
    stats = {}
    outbox.deliver(stats=stats)
    summary = outbox.summary()
    click.echo(f"sent: {stats['sent']}, retry later: {stats['retry']}, failed: {stats['failed']}, "
               f"waiting for configuration: {stats['waiting']}")
    click.echo(f"in the outbox now: {summary['counts'][outbox.PENDING]} pending, "
               f"{summary['counts'][outbox.FAILED]} failed (see /admin/outbox)")
    if not summary["forward_configured"]:
        from .forwarding import PROBLEMS
        click.echo(f"warning: {PROBLEMS[summary['forward_problem']]}; forwarding messages wait", err=True)


@click.command("worker")
@click.option("--once", is_flag=True, help="Run every step once, then exit.")
@with_appcontext
def worker_command(once):
    """Run the sweeps and the outbox in a loop; SIGTERM or SIGINT stops it after the current step."""
    results = worker.run(once=once)
    if once:
        click.echo(f"sweeps: {results.get('sweeps')}; outbox: {results.get('outbox')}")
