"""WSGI entry point for gunicorn: `gunicorn -c webapp/gunicorn_conf.py webapp.wsgi:app`."""
from webapp.app import create_app

app = create_app()
