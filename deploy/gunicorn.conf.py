"""Gunicorn settings for NQTrack: `gunicorn -c deploy/gunicorn.conf.py nqtrack.wsgi`.

Every value can be changed from the environment file (/etc/nqtrack/env, see env.example)
without editing this file.
"""

import multiprocessing
import os

wsgi_app = "nqtrack.wsgi:application"

# nginx proxies to this address; keep it on the loopback unless nginx runs elsewhere.
bind = os.environ.get("NQTRACK_BIND", "127.0.0.1:8000")

# The usual (2 x cores) + 1 sync workers: requests are short and mostly wait on the database.
workers = int(os.environ.get("NQTRACK_WEB_WORKERS", str(multiprocessing.cpu_count() * 2 + 1)))
worker_class = "sync"

# Large XLSX exports and Word drafts take seconds; a worker stuck longer than this is restarted.
timeout = int(os.environ.get("NQTRACK_WEB_TIMEOUT", "60"))
graceful_timeout = 30
keepalive = 5

# A worker is replaced after this many requests, so a slow leak cannot grow without bound.
max_requests = 1000
max_requests_jitter = 100

# Access and error logs go to the journal (stdout/stderr under systemd).
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("NQTRACK_WEB_LOG_LEVEL", "info")
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms "%(a)s"'

# Only nginx on this machine may set X-Forwarded-For / X-Forwarded-Proto.
forwarded_allow_ips = os.environ.get("NQTRACK_FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

proc_name = "nqtrack-web"
