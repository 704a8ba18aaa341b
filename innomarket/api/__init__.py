"""The open REST API (开放接口): ``/api/v1/``, django-ninja. See ``docs/api.md``."""
