"""Signal handlers: a guest's adventures follow them into their account."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from adventures import services
from adventures.play import visitors


@receiver(user_logged_in, dispatch_uid="storyweb-claim-guest-adventures")
def claim_guest_adventures(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if request is None or not hasattr(request, "session"):
        return
    visitor = request.session.get(visitors.SESSION_KEY)
    if visitor:
        services.adventures_claim(visitor=visitor, user=user)
