"""The one web server of the process (Starlette + uvicorn): every HTTP platform's routes, and
``/healthz`` and ``/readyz``. See :mod:`marketbot.platforms.web.server`."""

from marketbot.platforms.web.server import WebServer, WebServerError

__all__ = ["WebServer", "WebServerError"]
