"""The game's pages. Every page works without JavaScript; only the live stream of a
chapter needs it (without it, a choice is a plain form post that writes the chapter
before the page comes back)."""

from __future__ import annotations

import re
import uuid
from datetime import datetime
from typing import Any

from asgiref.sync import async_to_sync
from django.conf import settings
from django.contrib import messages
from django.forms import ModelChoiceField
from django.http import Http404, HttpRequest, HttpResponse, HttpResponsePermanentRedirect, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.static import serve

from adventures import services
from adventures.context_processors import COMFORT_CHOICES, TEXT_SIZES, reading_comfort
from adventures.models import Adventure, AdventureStatus, TelemetryEvent
from adventures.operations import limits, telemetry
from adventures.play import extras, narration, pages, reader, visitors, writing
from adventures.play.forms import AdventureStartForm, FeedbackForm
from adventures.storytellers import briefs


def _owned(request: HttpRequest) -> Any:
    return Adventure.objects.owned_by(visitor=visitors.known_visitor(request), user=request.user)


def _get_owned(request: HttpRequest, adventure_id: Any) -> Adventure:
    """The adventure if this visitor or user owns it; 404 otherwise (never 403: the page
    does not confirm that someone else's adventure exists)."""
    adventure: Adventure | None = _owned(request).with_content().filter(pk=adventure_id).first()
    if adventure is None:
        raise Http404("No such adventure.")
    return adventure


def _choices_of(form: AdventureStartForm, name: str) -> Any:
    """The rows a start form's choice field offers (a class may narrow them)."""
    field = form.fields[name]
    if not isinstance(field, ModelChoiceField):
        raise TypeError(f"{name} is not a choice of rows")
    return field.queryset


def _start_form(request: HttpRequest, data: Any = None) -> AdventureStartForm:
    """The start form; a class member's offers only what their class may play."""
    member = visitors.class_member(request)
    return AdventureStartForm(data, offer=member.school_class.start_offer() if member is not None else None)


def _home_context(request: HttpRequest, form: AdventureStartForm) -> dict[str, Any]:
    return {
        "form": form,
        "worlds": list(_choices_of(form, "world")),
        "topics": list(_choices_of(form, "topic")),
        "in_progress": list(_owned(request).in_progress().with_content()[:3]),
    }


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "adventures/home.html", _home_context(request, _start_form(request)))


@require_http_methods(["GET", "POST"])
def adventures(request: HttpRequest) -> HttpResponse:
    """GET: the visitor's adventures. POST: start a new one."""
    if request.method == "POST":
        return _start(request)
    owned = _owned(request).with_content().with_progress().exclude(status=AdventureStatus.ABANDONED)
    return render(request, "adventures/my_adventures.html", {"adventures": [pages.adventure_card(a) for a in owned]})


def _start(request: HttpRequest) -> HttpResponse:
    form = _start_form(request, request.POST)
    if not form.is_valid():
        return render(request, "adventures/home.html", _home_context(request, form), status=400)
    visitor = visitors.visitor_id(request)
    if not limits.adventure_start_allowed(visitor=visitor, ip=visitors.client_ip(request)):
        telemetry.record("rate_limited", limit="adventures")
        form.add_error(None, limits.FRIENDLY_MESSAGES["adventures"])
        return render(request, "adventures/home.html", _home_context(request, form), status=429)
    adventure = services.adventure_start(
        visitor=visitor,
        user=request.user,
        world=form.cleaned_data["world"],
        topic=form.cleaned_data["topic"],
        difficulty=form.cleaned_data["difficulty"],
        length=form.cleaned_data["length"],
        pronouns=form.cleaned_data["pronouns"],
        age_band=form.cleaned_data["age_band"],
        member=visitors.class_member(request),
    )
    return redirect("adventures:play", adventure.id)


@require_GET
def play(request: HttpRequest, adventure_id: Any) -> HttpResponse:
    adventure = _get_owned(request, adventure_id)
    if adventure.status == AdventureStatus.ABANDONED:
        messages.info(request, "That adventure was put away. Start a new one whenever you like!")
        return redirect("adventures:list")
    try:
        state = reader.read(adventure)
    except reader.NothingToShow as error:
        raise Http404("This adventure has no chapters.") from error
    if state.written is not None:
        telemetry.record_chapter_viewed(
            adventure_id=adventure.id, chapter_number=state.written.number, chapter_kind=state.written.kind
        )
    given = services.feedback_given(visitor=visitors.known_visitor(request), user=request.user)
    context = state.context(feedback_given=given, signed_in=request.user.is_authenticated)
    context["ws_url"] = f"/ws/adventures/{adventure.id}/"
    response = render(request, "adventures/play.html", context)
    if state.chapters:
        async_to_sync(extras.request_missing)(adventure.id, state.chapters[-1:], adventure.agency_options)
    return response


@require_POST
def choose(request: HttpRequest, adventure_id: Any) -> HttpResponse:
    """The no-JavaScript way to choose: record the choice, write the next chapter, and
    come back to the reader. (With JavaScript the same buttons send over the socket.)
    As on the socket, only a choice that writes a chapter counts against the limit."""
    adventure = _get_owned(request, adventure_id)
    write, job = _record_choice(request, adventure)
    if write:  # the chapter is written on the server's loop, as for a socket; we wait here
        async_to_sync(writing.write_and_wait)(adventure.id, job)
    return HttpResponseRedirect(reverse("adventures:play", args=[adventure.id]) + "#chapter")


def _record_choice(request: HttpRequest, adventure: Adventure) -> tuple[bool, briefs.ChapterJob | None]:
    """Whether to write the chapter due, and its job if the choice prepared it."""
    try:
        number, choice = int(request.POST.get("chapter", "")), request.POST.get("choice", "")
    except ValueError:
        number, choice = 0, ""
    ticket = limits.chapter_take(visitor=visitors.visitor_id(request), ip=visitors.client_ip(request))
    if not ticket.allowed:
        would_write = not (number and choice) or services.chapter_choice_check(
            adventure_id=adventure.id, number=number, choice_id=choice
        ) is (services.ChoiceOutcome.RECORDED)
        if would_write:
            telemetry.record("rate_limited", adventure_id=adventure.id, limit=ticket.refused)
            messages.info(request, ticket.message)
        else:  # it would write nothing: no need to wait
            messages.info(request, ALREADY_CHOSEN)
        return False, None
    if not (number and choice):  # "Write the next chapter" / "Try again": the chapter due
        return True, None
    try:
        result, job = writing.record_choice(adventure_id=adventure.id, number=number, choice_id=choice)
    except Exception:
        limits.chapter_refund(ticket)
        raise
    if not result.recorded:
        limits.chapter_refund(ticket)
        messages.info(request, ALREADY_CHOSEN)
    return True, job


ALREADY_CHOSEN = "That choice was already made, so the story carries on from where it is."


@require_GET
def recap(request: HttpRequest, adventure_id: Any) -> HttpResponse:
    adventure = _get_owned(request, adventure_id)
    chapters = list(adventure.chapters.select_related("question").order_by("number"))
    reviews = pages.question_reviews(chapters)
    context = {
        "adventure": adventure,
        "chapters": chapters,
        "reviews": reviews,
        "right": sum(r["is_correct"] for r in reviews),
        "time_spent": pages.time_spent(chapters, recap_opened=_recap_first_opened(adventure)).total_seconds(),
    }
    telemetry.record("recap_viewed", adventure_id=adventure.id)
    response = render(request, "adventures/recap.html", context)
    async_to_sync(extras.request_missing)(adventure.id, chapters, [])
    return response


def _recap_first_opened(adventure: Adventure) -> datetime:
    """When the player first opened the recap of the finished adventure: the end of
    reading its last chapter. Now, if this is the first time."""
    first = (
        TelemetryEvent.objects.filter(name="recap_viewed", adventure_id=adventure.id)
        .filter(created_at__gte=adventure.completed_at or timezone.now())
        .order_by("created_at")
        .values_list("created_at", flat=True)
        .first()
    )
    return first or timezone.now()


@require_POST
def feedback(request: HttpRequest, adventure_id: Any) -> HttpResponse:
    """Thumbs up or down (the no-JavaScript path; with it, the form goes over the socket)."""
    adventure = _get_owned(request, adventure_id)
    form = FeedbackForm(request.POST)
    if not form.is_valid():
        messages.error(request, str(next(iter(form.errors.values()))[0]))
    else:
        try:
            services.feedback_give(
                visitor=visitors.visitor_id(request),
                user=request.user,
                adventure_id=adventure.id,
                chapter_number=adventure.chapters.count(),
                **form.cleaned_data,
            )
            messages.success(request, "Thank you for telling us! It helps us make better stories.")
        except services.FeedbackAlreadyGiven:
            messages.info(request, "You have told us already. Thank you!")
    return HttpResponseRedirect(reverse("adventures:play", args=[adventure.id]) + "#chapter")


@require_POST
def abandon(request: HttpRequest, adventure_id: Any) -> HttpResponse:
    adventure = _get_owned(request, adventure_id)
    if services.adventure_abandon(adventure=adventure):
        messages.success(request, "Adventure put away.")
    return redirect("adventures:list")


@require_GET
def world_picture(request: HttpRequest, slug: str) -> HttpResponse:
    """The picture of a world on the picker, drawn by the offline artist."""
    from adventures import art
    from adventures.models import StoryWorld

    world = StoryWorld.objects.active().filter(slug=slug).first()
    if world is None:
        raise Http404("No such world.")
    svg = art.draw_chapter_scene(briefs.world_preview_brief(world), "")
    response = HttpResponse(svg, content_type="image/svg+xml")
    response["Cache-Control"] = "public, max-age=86400"
    response["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"
    return response


@require_GET
def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers ask for /favicon.ico on pages that name no icon (the admin's): the game's
    icon. (Looked up per request: the hashed name exists only after collectstatic.)"""
    return HttpResponsePermanentRedirect(static("img/favicon.svg"))


@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    """For load balancers and test harnesses: the process answers."""
    return HttpResponse("ok", content_type="text/plain")


# An adventure's stored picture: adventures/<uuid>/<stem>.<extension> (picture_store.store()'s
# names, with the suffix storage adds when a name is taken). Nothing else is served:
# not reused/ (pictures kept for reuse, which pages never link to), no other folder.
ADVENTURE_FILE = re.compile(r"adventures/([0-9a-f-]{36})/[\w-]+\.[a-z0-9]+")


def _taught(request: HttpRequest, adventure_id: Any) -> bool:
    """A class member's pictures are also their teacher's to see (classroom/)."""
    return (
        request.user.is_authenticated
        and Adventure.objects.filter(pk=adventure_id, member__school_class__teacher=request.user).exists()
    )


@require_GET
def media(request: HttpRequest, name: str) -> HttpResponseBase:
    """Stored pictures, for single-machine setups (with shared or S3 storage, point
    MEDIA_URL at it instead). Only an adventure's own files (pictures, narrations), and
    only to its owner (to a class member's teacher, and to staff, for the admin): 404 for
    anyone else and for any other file, as for the adventure's pages. Names never change
    once written, so the owner's browser keeps them for a year, and no shared cache does."""
    found = ADVENTURE_FILE.fullmatch(name)
    if found is None:
        raise Http404("No such picture.")
    try:
        adventure_id = uuid.UUID(found.group(1))
    except ValueError:
        raise Http404("No such picture.") from None
    if not (
        request.user.is_staff or _owned(request).filter(pk=adventure_id).exists() or _taught(request, adventure_id)
    ):
        raise Http404("No such picture.")
    ranged = name.endswith(".wav")  # a narration (narration.py): the audio player seeks in it
    partial = narration.partial_response(name, request.headers.get("Range", "")) if ranged else None
    response = partial or serve(request, name, document_root=str(settings.MEDIA_ROOT))
    if ranged:
        response["Accept-Ranges"] = "bytes"
    response["Cache-Control"] = "private, max-age=31536000, immutable"
    if name.endswith(".svg"):
        response["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"
    return response


@require_POST
def text_size(request: HttpRequest) -> HttpResponse:
    size = request.POST.get("size", "")
    if size in TEXT_SIZES:
        request.session["text_size"] = size
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = reverse("adventures:home")
    return HttpResponseRedirect(target)


@require_POST
def comfort(request: HttpRequest) -> HttpResponse:
    """One reading-comfort setting (`setting=value`); anything unknown changes nothing."""
    settings_now = reading_comfort(request.session)
    for name, choices in COMFORT_CHOICES.items():
        value = request.POST.get(name)
        if value is not None and value in {choice for choice, _label in choices}:
            settings_now[name] = value
            request.session["reading_comfort"] = settings_now
            request.session["comfort_open"] = True
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = reverse("adventures:home")
    return HttpResponseRedirect(target)
