"""Settings, URLs, WSGI and the Celery application of Traguardo."""

from traguardo.project.celery import app as celery_app

__all__ = ("celery_app",)
