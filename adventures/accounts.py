"""Accounts: sign up, log in, log out, styled like the game; the account page where its
holder downloads or deletes their data; the privacy notice. A guest's adventures move
into the account when they sign up or log in (see signals.py)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm, UserCreationForm
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from adventures import privacy, services
from adventures.models import Adventure
from adventures.operations import limits, telemetry
from adventures.play import visitors
from adventures.safety import player_text_validator

# Django's own help is written for adults (and lists the password rules as HTML); the
# same rules, for a reader of 8, with a grown-up nearby.
USERNAME_HELP = "Make one up, like a nickname, not your real name. Letters, numbers and @ . + - _ only."
PASSWORD_HELP = (
    "At least 8 characters, not only numbers, not a very common password and not like your username. "  # noqa: S105
    "Ask a grown-up to help you choose it and keep it safe."
)
PASSWORD_AGAIN_HELP = "Type the same password again, to be sure."  # noqa: S105
USERNAME_TAKEN = "Someone already has that username. Please try another one."


class SignupForm(UserCreationForm):
    """A username and a password, nothing else (no email: README "Child safety and
    privacy"); the username is screened like everything players write."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        username, password, again = self.fields["username"], self.fields["password1"], self.fields["password2"]
        username.validators.append(player_text_validator("username"))
        username.help_text = USERNAME_HELP
        password.help_text = PASSWORD_HELP
        again.label = "Password again"
        again.help_text = PASSWORD_AGAIN_HELP

    def clean_username(self) -> str:
        """As Django's (names that differ only in case count as taken), in plainer words."""
        username: str = self.cleaned_data["username"]  # called only once the field itself is valid
        if username and self._meta.model.objects.filter(username__iexact=username).exists():
            raise ValidationError(USERNAME_TAKEN)
        return username


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
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": "That username and password do not match. Check them and try again (capital letters count).",
    }


@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("adventures:list")
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        return redirect("adventures:list")
    return render(request, "registration/signup.html", {"form": form}, status=400 if form.errors else 200)


class AccountDeleteForm(forms.Form):
    confirm = forms.BooleanField(
        label="Yes, delete this account and every adventure in it. This cannot be undone.",
        error_messages={"required": "Tick the box to say you are sure."},
    )


class SignedInRequest(HttpRequest):
    """A request behind @login_required: its user is a real account."""

    user: User


@login_required
@require_http_methods(["GET", "POST"])
def account(request: SignedInRequest) -> HttpResponse:
    """The account holder's own data: download it, or delete it all (a page for grown-ups)."""
    form = AccountDeleteForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        services.account_delete(user=request.user)
        logout(request)
        messages.success(request, "The account and everything in it has been deleted.")
        return redirect("adventures:home")
    count = Adventure.objects.filter(user=request.user).count()
    context = {"form": form, "adventure_count": count}
    return render(request, "registration/account.html", context, status=400 if form.errors else 200)


@login_required
@require_GET
def account_download(request: HttpRequest) -> HttpResponse:
    archive = privacy.account_archive(request.user)
    response = HttpResponse(archive, content_type="application/zip")
    name = "".join(ch if ch.isalnum() else "-" for ch in request.user.get_username())
    response["Content-Disposition"] = f'attachment; filename="storyweb-{name}.zip"'
    return response


@require_GET
def privacy_notice(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "adventures/privacy.html",
        {
            "guest_days": settings.STORYWEB_RETENTION_GUEST_DAYS,
            "telemetry_days": settings.STORYWEB_RETENTION_TELEMETRY_DAYS,
            "class_days": settings.STORYWEB_RETENTION_CLOSED_CLASS_DAYS,
            "unfinished_days": settings.STORYWEB_CLEANUP_DAYS,
            "uses_gemini": settings.STORYWEB_LLM == "gemini",
            "narrates": settings.STORYWEB_LLM == "gemini" and settings.GEMINI_NARRATION,
            "contact": settings.STORYWEB_PRIVACY_CONTACT,
        },
    )


class AdminLoginForm(ThrottledLogin, AdminAuthenticationForm):
    pass
