"""The web app and the JSON API (FastAPI): unit pages reached by one-tap links, the
secretariat's pages, import review, LINE webhooks and ``/api/v1``.

Front end only: it calls :mod:`tracker.services` and :mod:`tracker.views`, never
:mod:`tracker.cli`. Build it with :func:`tracker.web.app.create_app`.
"""
