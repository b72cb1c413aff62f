"""`flask demo seed`: a believable city for trying the site, built by the pillars' seed steps.

Core knows no pillar: each pillar registers its part where it is written (`@seed_step(order=...)`
in its demo.py): accounts' people first (order 10), then what they file (complaints, 20), host
(forum, 30) and learn (training, 40). A step gets `city`, a dict the steps share (accounts puts the
demo users by role under "users"), and returns the lines to print. The step that owns the people
also says, with `populated`, when the database is not empty: the demo seeds only an empty one.
"""
from dataclasses import dataclass
from typing import Callable

import click
from flask.cli import AppGroup
from sqlalchemy import delete

from .extensions import db
from .outbox import EMAIL, OutboxMessage
from .registry import Registry

demo_cli = AppGroup("demo", help="Demo data (never on a real site).")


@dataclass(frozen=True)
class SeedStep:
    seed: Callable  # seed(city) -> lines to print
    populated: Callable | None  # () -> True when the database already has this part's data


STEPS = Registry("demo seed step")


def seed_step(*, order, populated=None):
    """Register a pillar's part of the demo city; steps run by order, each committed on its own."""
    def register(fn):
        STEPS.add(f"{fn.__module__}:{fn.__name__}", SeedStep(fn, populated), order=order)
        return fn
    return register


@demo_cli.command("seed")
@click.option("--if-empty", is_flag=True, help="Do nothing when the database already has users.")
def seed_command(if_empty):
    """Create demo units, organisations, one user per role, complaints, consultations and training."""
    steps = [step for _name, step in STEPS.items()]
    if any(step.populated() for step in steps if step.populated is not None):
        if if_empty:
            click.echo("Database already has data; demo seed skipped.")
            return
        raise click.ClickException("The database already has users; seed only an empty database.")
    city, lines = {}, []
    for step in steps:
        lines.extend(step.seed(city) or ())
        db.session.commit()
    # The demo's e-mails would only fill the terminal: keep the forward messages, drop the e-mails.
    db.session.execute(delete(OutboxMessage).where(OutboxMessage.kind == EMAIL))
    db.session.commit()
    click.echo("Demo data created.")
    for line in lines:
        click.echo(line)
