"""gunicorn configuration for Traguardo: `gunicorn -c deploy/gunicorn.conf.py`.

Every value can be changed with an environment variable (docs/deploy.md). Threads rather
than more processes: pages spend most of their time waiting for the database, and
threads share the memory of one process.
"""

import multiprocessing
import os

wsgi_app = "traguardo.project.wsgi:application"
bind = os.environ.get("TRAGUARDO_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("TRAGUARDO_WORKERS", str(multiprocessing.cpu_count() * 2 + 1)))
worker_class = "gthread"
threads = int(os.environ.get("TRAGUARDO_THREADS", "4"))
# Generating the Relazione PDF takes a few seconds; nothing legitimate takes a minute.
timeout = int(os.environ.get("TRAGUARDO_TIMEOUT", "60"))
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then so that a slow leak never grows unbounded.
max_requests = 2000
max_requests_jitter = 200
# Logs to standard output/error, collected by systemd or the container runtime.
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("TRAGUARDO_GUNICORN_LOG_LEVEL", "info")
# Which proxies may set X-Forwarded-* (with TRAGUARDO_BEHIND_PROXY=1 in the settings).
forwarded_allow_ips = os.environ.get("TRAGUARDO_FORWARDED_ALLOW_IPS", "127.0.0.1")
# Load the application before forking: faster start, shared memory, errors at start-up.
preload_app = True
