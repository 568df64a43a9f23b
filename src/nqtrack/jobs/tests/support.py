"""Helpers of the worker tests: a study session to import into, a dead process, a free port."""

from __future__ import annotations

import datetime as dt
import socket
import subprocess
import sys

from nqtrack.dissemination import sessions
from nqtrack.dissemination.models import StudySession
from nqtrack.dissemination.tests.support import World


def session_for(world: World) -> StudySession:
    return sessions.study_session_create(
        by=world.tree.commune_office,
        organizer=world.tree.xa,
        documents=[world.resolution],
        held_on=dt.date(2025, 2, 20),
    )


def dead_pid() -> int:
    """The pid of a process that has exited (and been reaped)."""
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


LOUD_SKIPS: list[str] = []


def skip_loudly(reason: str) -> None:
    """Skip, with a warning and a banner at the end of the run (jobs/tests/conftest.py)."""
    import warnings

    import pytest

    if reason not in LOUD_SKIPS:
        LOUD_SKIPS.append(reason)
        warnings.warn(reason, stacklevel=2)
    pytest.skip(reason)
