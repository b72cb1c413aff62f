"""Is the database answering? Asked by /healthz, which must answer in bounded time.

The probe runs in a thread and the check waits for it at most HEALTHZ_TIMEOUT seconds: a
blackholed database can hold a connection attempt (up to DB_CONNECT_TIMEOUT) or a pooled
connection's pre-ping (up to DB_TCP_USER_TIMEOUT) for longer than a load balancer waits. Only
one probe per engine runs at a time, so a load balancer asking every second while the database
hangs adds no threads or connections: until the running probe ends, the answer is "no".
"""
import threading
import weakref

from sqlalchemy import text

_probes = weakref.WeakKeyDictionary()  # engine -> the lock its running probe holds
_probes_lock = threading.Lock()


def database_answers(engine, timeout, logger):
    with _probes_lock:
        running = _probes.setdefault(engine, threading.Lock())
    if not running.acquire(blocking=False):
        logger.warning("health check: the previous probe of the database has not finished yet")
        return False
    outcome, done = {}, threading.Event()

    def probe():
        try:
            with engine.connect() as connection:
                connection.execute(text("SELECT 1"))
            outcome["ok"] = True
        except Exception as e:  # any database failure means unhealthy, whatever the driver raises
            outcome["error"] = e
        finally:
            running.release()
            done.set()

    threading.Thread(target=probe, name="healthz-probe", daemon=True).start()
    if not done.wait(timeout):
        logger.error("health check: the database did not answer within %gs", timeout)
        return False
    if "error" in outcome:
        logger.error("health check: database unreachable: %s: %s",
                     type(outcome["error"]).__name__, outcome["error"])
        return False
    return True
