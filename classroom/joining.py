"""The children's side: joining a class with its code and a nickname (no email, no
password), and coming back on another device with the link on their card."""

from __future__ import annotations

import secrets

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from adventures.operations import limits, telemetry
from adventures.play import visitors
from classroom import services
from classroom.forms import JoinForm
from classroom.middleware import become_member, set_member_cookie
from classroom.models import ClassMember

SIGNED_IN = "This browser is signed in to an account. Log out first, then join your class."
NICKNAME_TAKEN = (
    "Someone in this class already uses that name. If it is you on another device, type the code on your card "
    "as well. If not, add a letter, like “{name} B”."
)
CARD_WRONG = "That card code does not match your name. Check your card, or ask your teacher."
CARD_NO_NAME = "Nobody in this class has that name yet. Type your name exactly as it is on your card."


def _welcome(request: HttpRequest, member: ClassMember) -> HttpResponse:
    request.session.cycle_key()
    become_member(request, member)
    messages.success(
        request, f"Welcome, {member.nickname}! You are in {member.school_class.name}. Pick your adventure."
    )
    response = redirect("adventures:home")
    set_member_cookie(response, member)
    return response


def _member_for(form: JoinForm) -> ClassMember | None:
    """The member this child is: a new one, or (with the code on their card) the one
    they already are. None, with the form's errors saying why, otherwise."""
    school_class, name, card = form.school_class, form.cleaned_data["name"], form.cleaned_data["card"]
    if school_class is None:  # clean_code sets it on a valid form
        return None
    existing = school_class.members.filter(nickname__iexact=name).first()
    if existing is not None and card:
        if secrets.compare_digest(card, existing.card_code):
            return existing
        form.add_error("card", CARD_WRONG)
        return None
    if existing is not None:
        form.add_error("name", NICKNAME_TAKEN.format(name=name))
        return None
    if card:
        form.add_error("name", CARD_NO_NAME)
        return None
    try:
        return services.member_join(school_class=school_class, nickname=name)
    except services.NicknameTaken:  # joined a moment ago, from another device
        form.add_error("name", NICKNAME_TAKEN.format(name=name))
        return None


@require_http_methods(["GET", "POST"])
def join(request: HttpRequest) -> HttpResponse:
    form = JoinForm(request.POST or None)
    if request.method == "POST":
        ip = visitors.client_ip(request)
        # Wrong codes count like wrong passwords: guessing codes gets a handful of tries.
        if not limits.login_allowed(ip=ip, username=f"join:{ip}"):
            telemetry.record("rate_limited", limit="join")
            form.add_error(None, limits.FRIENDLY_MESSAGES["login"])
        elif request.user.is_authenticated:
            form.add_error(None, SIGNED_IN)
        elif form.is_valid() and form.school_class is not None:
            member = _member_for(form)
            if member is not None:
                return _welcome(request, member)
            if "card" in form.errors:
                limits.login_failed(ip=ip, username=f"join:{ip}")
        elif "code" in form.errors:
            limits.login_failed(ip=ip, username=f"join:{ip}")
    status = 400 if form.errors else 200
    return render(
        request, "classroom/join.html", {"form": form, "member": visitors.class_member(request)}, status=status
    )


@require_http_methods(["GET", "POST"])
def rejoin(request: HttpRequest, token: str) -> HttpResponse:
    """A child's card link. GET asks (link checkers and previews change nothing); the
    button posts."""
    member = ClassMember.objects.active().select_related("school_class").filter(rejoin_token=token).first()
    if member is None:
        raise Http404("That card no longer works. Ask your teacher.")
    if request.method == "POST" and not request.user.is_authenticated:
        return _welcome(request, member)
    return render(request, "classroom/rejoin.html", {"member": member})
