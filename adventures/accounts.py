"""Accounts: sign up, log in, log out, styled like the game. A guest's adventures
move into the account when they sign up or log in (see signals.py)."""

from __future__ import annotations

from typing import Any

from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import login
from django.contrib.auth.forms import AuthenticationForm, UserCreationForm
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from adventures import limits, telemetry, visitors


@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("adventures:list")
    form = UserCreationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        return redirect("adventures:list")
    return render(request, "registration/signup.html", {"form": form}, status=400 if form.errors else 200)


class ThrottledLogin:
    """Wrong passwords are counted per user name and per address (limits.py); past
    either limit, logging in is refused for the rest of the window, whatever the
    password, so guessing gets a handful of tries per quarter of an hour."""

    request: HttpRequest | None
    cleaned_data: dict[str, Any]

    def clean(self) -> dict[str, Any]:
        ip = visitors.client_ip(self.request) if self.request is not None else "unknown"
        username = str(self.cleaned_data.get("username") or "").strip().lower()
        if not limits.login_allowed(ip=ip, username=username):
            telemetry.record("rate_limited", limit="login")
            raise ValidationError(limits.FRIENDLY_MESSAGES["login"], code="throttled")
        try:
            return super().clean()  # type: ignore[misc]
        except ValidationError:
            limits.login_failed(ip=ip, username=username)
            raise


class LoginForm(ThrottledLogin, AuthenticationForm):
    pass


class AdminLoginForm(ThrottledLogin, AdminAuthenticationForm):
    pass
