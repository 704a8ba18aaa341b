"""The WSGI application for production servers: `gunicorn config.wsgi:application` (see
`scripts/serve.sh`, `make serve` and the systemd units in docs/deploy.md)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()
