"""The worker: one loop that sends the outbox and runs the sweeps on a schedule.

The sweeps (escalating complaints, closing consultations' input, ...) are registered by the
pillars that own them (`@worker.sweep`); the worker knows them only by their registered names.

`flask worker` runs it beside the web processes (`make run` starts one); any number may run at
once, because the outbox and the sweeps take their rows with locks that skip each other. SIGTERM
or SIGINT lets the current step finish and then ends the loop; a second Ctrl-C ends it at once.
"""
import signal
import threading
import time

from flask import current_app

from .errors import database_unavailable
from .extensions import db
from .mailer_connection import abort_sends
from .registry import Registry

STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)
OUTBOX_BATCH = 100


def deliver_outbox(now=None, stop=None):
    """One outbox pass; the counts say what happened to each message it touched."""
    from . import outbox
    stats = {}
    outbox.deliver(now=now, limit=OUTBOX_BATCH, stats=stats, stop=stop)
    return stats


# The periodic work of each pillar and of core, registered where it is written (@sweep) as a
# "module:function" name; load_sweeps() looks the names up, so each run calls what the module
# holds then, and a deployment that lost a module is caught before the loop starts.
SWEEPS = Registry("sweep")


def sweep(*, order):
    """Register a function the worker calls with now=... every WORKER_SWEEP_SECONDS; lower orders first."""
    def register(fn):
        SWEEPS.add(f"{fn.__module__}:{fn.__name__}", None, order=order)
        return fn
    return register


class SweepUnavailable(RuntimeError):
    """A registered sweep cannot be imported: a broken deployment, not something to skip."""


def load_sweeps():
    """The registered sweep functions, imported; SweepUnavailable names the first that is missing.

    A missing sweep means complaints that are never escalated or consultations never closed,
    silently: the worker refuses to start (or to go on) rather than log a warning nobody reads.
    """
    import importlib
    sweeps = []
    for target in SWEEPS:
        module_name, function_name = target.split(":")
        try:
            sweeps.append((target, getattr(importlib.import_module(module_name), function_name)))
        except (ImportError, AttributeError) as e:
            raise SweepUnavailable(f"sweep {target} cannot be imported ({type(e).__name__}: {e}); "
                                   f"the worker stops") from e
    return sweeps


def run_sweeps(now=None, stop=None):
    """Every pillar's sweeps (escalation, reminders, auto-close; closing consultations' input)."""
    results = {}
    for target, sweep in load_sweeps():
        if stop is not None and stop.is_set():
            break
        results[target] = sweep(now=now)
    return results


class Worker:
    """Runs each step when its interval has passed; sleeps in between until the next is due."""

    def __init__(self, *, now=None, sweeps=True):
        config = current_app.config
        self.now = now
        self.stopping = threading.Event()
        # Sweeps first, so what they forward leaves in the same round.
        self.steps = [("sweeps", run_sweeps, config["WORKER_SWEEP_SECONDS"])] if sweeps else []
        if sweeps:
            load_sweeps()  # fail now, before the loop, when a sweep is missing
        self.steps.append(("outbox", deliver_outbox, config["WORKER_OUTBOX_SECONDS"]))
        self.last_results = {}

    def stop(self, signum=None, frame=None):
        if self.stopping.is_set() and signum == signal.SIGINT:
            raise SystemExit(1)  # Ctrl-C twice: the person does not want to wait for the step
        if signum is not None:
            current_app.logger.info("worker: %s received, stopping after the current step",
                                    signal.Signals(signum).name)
        self.stopping.set()
        # A hung mail server would hold the step for MAIL_TIMEOUT per command: cut it short.
        abort_sends()

    def run(self, once=False):
        """Run every step once (`once`), or loop until stop() is called or a signal arrives."""
        restore = self._handle_signals()
        current_app.logger.info("worker started (%s)",
                                ", ".join(f"{name} every {every}s" for name, _fn, every in self.steps))
        try:
            due = {name: 0.0 for name, _fn, _every in self.steps}  # monotonic times; 0: run now
            while not self.stopping.is_set():
                for name, fn, every in self.steps:
                    if self.stopping.is_set():
                        break
                    if time.monotonic() >= due[name]:
                        busy = self._step(name, fn)
                        # A full outbox pass means more may be due: go again without sleeping.
                        due[name] = time.monotonic() + (0 if busy else every)
                if once:
                    break
                self.stopping.wait(max(0.0, min(due.values()) - time.monotonic()))
        finally:
            for signum, handler in restore.items():
                signal.signal(signum, handler)
        current_app.logger.info("worker stopped")
        return self.last_results

    def _step(self, name, fn):
        """One step; whatever it raises is logged and rolled back so the loop keeps going."""
        logger = current_app.logger
        try:
            result = fn(now=self.now, stop=self.stopping)
        except SweepUnavailable:
            raise  # not a passing failure: the next turn would fail the same way
        except Exception as e:
            if database_unavailable(e):  # expected while the database is away: no traceback
                logger.error("worker step %s failed, the database is unavailable (%s: %s); "
                             "it runs again at its next turn", name, type(e).__name__, e)
            else:
                logger.exception("worker step %s failed; it runs again at its next turn", name)
            try:
                db.session.rollback()
            except Exception:  # the database may be gone; the next step reconnects
                logger.exception("worker: rollback after the failed step %s failed too", name)
            return False
        self.last_results[name] = result
        if name == "outbox" and any(result[k] for k in ("sent", "retry", "failed")):
            logger.info("outbox: %s", result)
        return name == "outbox" and sum(result.values()) >= OUTBOX_BATCH

    def _handle_signals(self):
        # Python only lets the main thread set handlers; a worker in a thread is stopped by stop().
        if threading.current_thread() is not threading.main_thread():
            return {}
        restore = {}
        for signum in STOP_SIGNALS:
            restore[signum] = signal.getsignal(signum)
            signal.signal(signum, self.stop)
        return restore


def run(once=False, now=None, sweeps=True):
    """What `flask worker` (and `flask outbox deliver`, without the sweeps) calls."""
    return Worker(now=now, sweeps=sweeps).run(once=once)


# Imported only so core's own sweeps (staged uploads, daily digests) register as the pillars' do: a
# `flask worker` may load nothing else that imports them; at the end, since they import this module.
from . import notices, uploads  # noqa: E402,F401
