"""Accounts: sign up, log in, log out, styled like the game. A guest's adventures
move into the account when they sign up or log in (see signals.py)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import login
from django.contrib.auth.forms import UserCreationForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from adventures.safety import player_text_validator


class SignupForm(UserCreationForm):
    """A username and a password, nothing else (no email: README "Child safety and
    privacy"); the username is screened like everything players write."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        username = self.fields["username"]
        username.validators.append(player_text_validator("username"))
        username.help_text = "A made-up name is best, like StarFox or Captain Acorn: not your real full name."


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
