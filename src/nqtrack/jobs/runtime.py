"""Who this process is, as the job bookkeeping records it.

`nqtrack db_worker` names itself with its worker id; any other process (a web server running
jobs with the immediate backend, a management command) is named after its host and pid.
"""

from __future__ import annotations

import os
import socket

_worker_id: str | None = None


def host_name() -> str:
    return socket.gethostname()[:255]


def set_worker_id(worker_id: str | None) -> None:
    global _worker_id
    _worker_id = worker_id


def current_worker() -> tuple[str, str, int]:
    """(worker id, host, pid) of this process."""
    pid = os.getpid()
    host = host_name()
    worker_id = _worker_id or f"inline:{host}:{pid}"
    return worker_id[:64], host, pid


def pid_alive(pid: int) -> bool:
    """Whether a process with this pid runs on this host."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, another user's
        return True
    except OSError:
        return False
    return True
