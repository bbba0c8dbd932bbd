"""ASGI entry point: HTTP through Django (storyweb/http.py: one trip to a thread per
page), WebSockets through Channels.

Sockets are checked against ALLOWED_HOSTS (Origin header) and carry the session from
the cookie, unread: the consumer reads it, the user and the adventure in one call on
its worker pool (channels' AuthMiddleware would read the user first, in a thread hop of
its own on asgiref's one thread for thread-sensitive calls, where every connecting
socket of the process waits in line). HTTP request bodies over the limit are refused (413) before Django
reads them, and daphne neither keeps them nor drops oversized socket messages without
a 1009 close (storyweb/bounds.py).
The objects of the program as loaded are then frozen out of the garbage collector's
full collections (storyweb/memory.py).
Outside DEBUG, the deploy checks of adventures/operations/checks.py run here so that an unsafe
production configuration refuses to start.
"""

from __future__ import annotations

import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "storyweb.settings")
django.setup(set_prefix=False)

from storyweb.http import PageHandler  # noqa: E402

django_asgi_app = PageHandler()  # Django's ASGI handler, a page in one trip to a thread

from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402
from channels.sessions import SessionMiddlewareStack  # noqa: E402

from adventures.operations.checks import refuse_unsafe_production  # noqa: E402
from storyweb.bounds import BodyLimit, tune_daphne  # noqa: E402
from storyweb.memory import freeze_the_loaded_program  # noqa: E402
from storyweb.routing import websocket_urlpatterns  # noqa: E402

refuse_unsafe_production()
tune_daphne()
freeze_the_loaded_program()

application = ProtocolTypeRouter(
    {
        "http": BodyLimit(django_asgi_app),
        "websocket": AllowedHostsOriginValidator(SessionMiddlewareStack(URLRouter(websocket_urlpatterns))),
    }
)
