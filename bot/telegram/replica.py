"""This process as one of several replicas sharing one PostgreSQL database.

With SQLite there is one process (a lock file sees to it) and nothing here is used. On
PostgreSQL any number of replicas may run: each has a name, and takes short leases in the
database before it works for a person (their updates) or an outbox lane (one case's messages to
one chat), taking at most ``people`` people at a time so that a backlog is shared among the
replicas. A lease is renewed every time the replica looks for work, so it lasts while the replica
is alive; a replica that dies stops renewing and another takes over once the lease runs out.
Scheduled jobs (purges, case reminders) run once per tick: the replica that records the tick runs it.
"""

from __future__ import annotations

import datetime as dt
import os
import socket
import uuid
from dataclasses import dataclass, field


def _name() -> str:
    return f"{socket.gethostname()[:30]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


@dataclass(frozen=True)
class Replica:
    name: str = field(default_factory=_name)
    lease: dt.timedelta = dt.timedelta(seconds=15)
    poll_seconds: float = 0.25  # how often a worker looks for updates another replica stored
    people: int = 64  # the most people it works for at once, so that the other replicas get a share
