"""The teacher's pages (/teach/): sign up, classes, what each child played and learned.

A teacher sees only their own classes: anything else is a 404, as for adventures."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from adventures.accounts import SignupForm
from adventures.models import Adventure
from adventures.play import pages
from classroom import export, figures, services
from classroom.forms import ClassCreateForm, ClassSettingsForm
from classroom.models import ClassMember, SchoolClass, TeacherProfile


def _is_teacher(request: HttpRequest) -> bool:
    return request.user.is_authenticated and TeacherProfile.objects.filter(user=request.user).exists()


def teacher_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not _is_teacher(request):
            return render(request, "classroom/not_teacher.html", status=403)
        return view(request, *args, **kwargs)

    return wrapper


def _own_class(request: HttpRequest, class_id: int) -> SchoolClass:
    school_class = SchoolClass.objects.of_teacher(request.user).filter(pk=class_id).first()
    if school_class is None:
        raise Http404("No such class.")
    return school_class


def _own_member(school_class: SchoolClass, member_id: int) -> ClassMember:
    member = school_class.members.filter(pk=member_id).first()
    if member is None:
        raise Http404("No such child in this class.")
    return member


@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    """A new teacher account; a signed-in account can become a teacher's with one press."""
    if request.user.is_authenticated:
        if request.method == "POST":
            services.teacher_make(user=request.user)
            return redirect("classroom:home")
        return render(request, "classroom/signup.html", {"form": None})
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        services.teacher_make(user=user)
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        return redirect("classroom:home")
    return render(request, "classroom/signup.html", {"form": form}, status=400 if form.errors else 200)


@teacher_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    classes = SchoolClass.objects.of_teacher(request.user).prefetch_related("members")
    return render(request, "classroom/home.html", {"classes": classes})


@teacher_required
@require_http_methods(["GET", "POST"])
def class_new(request: HttpRequest) -> HttpResponse:
    form = ClassCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        school_class = services.class_create(teacher=request.user, name=form.cleaned_data["name"])
        messages.success(request, f"“{school_class.name}” is ready. Read the code out to your class.")
        return redirect("classroom:class", school_class.pk)
    return render(request, "classroom/class_new.html", {"form": form}, status=400 if form.errors else 200)


def _class_context(request: HttpRequest, school_class: SchoolClass, settings_form: ClassSettingsForm) -> dict[str, Any]:
    return {
        "school_class": school_class,
        "figures": figures.class_figures(school_class),
        "settings_form": settings_form,
        "join_url": request.build_absolute_uri(reverse("join")),
    }


@teacher_required
@require_GET
def class_page(request: HttpRequest, class_id: int) -> HttpResponse:
    school_class = _own_class(request, class_id)
    context = _class_context(request, school_class, ClassSettingsForm.for_class(school_class))
    return render(request, "classroom/class.html", context)


@teacher_required
@require_POST
def class_settings(request: HttpRequest, class_id: int) -> HttpResponse:
    school_class = _own_class(request, class_id)
    form = ClassSettingsForm.for_class(school_class, request.POST)
    if not form.is_valid():
        return render(request, "classroom/class.html", _class_context(request, school_class, form), status=400)
    services.class_settings_save(school_class=school_class, **form.cleaned_data)
    messages.success(request, "Saved. The children’s start page offers just that now.")
    return redirect(reverse("classroom:class", args=[school_class.pk]) + "#settings")


@teacher_required
@require_POST
def class_code(request: HttpRequest, class_id: int) -> HttpResponse:
    school_class = _own_class(request, class_id)
    if not school_class.is_open:
        raise Http404("This class is closed.")
    services.class_regenerate_code(school_class=school_class)
    messages.success(request, "A new code is ready; the old one no longer works. Children already in keep playing.")
    return redirect("classroom:class", school_class.pk)


SURE = "Tick the box to say you are sure: this cannot be undone."


@teacher_required
@require_POST
def class_close(request: HttpRequest, class_id: int) -> HttpResponse:
    school_class = _own_class(request, class_id)
    if not request.POST.get("confirm"):
        messages.error(request, SURE)
    elif services.class_close(school_class=school_class):
        messages.success(request, "The class is closed: nobody can join or play in it now.")
    return redirect("classroom:class", school_class.pk)


@teacher_required
@require_GET
def class_csv(request: HttpRequest, class_id: int) -> HttpResponse:
    school_class = _own_class(request, class_id)
    response = HttpResponse(export.class_csv(figures.class_figures(school_class)), content_type="text/csv")
    name = "".join(ch if ch.isalnum() else "-" for ch in school_class.name).strip("-") or "class"
    response["Content-Disposition"] = f'attachment; filename="storyweb-{name}-{timezone.localdate():%Y-%m-%d}.csv"'
    return response


@teacher_required
@require_GET
def class_cards(request: HttpRequest, class_id: int) -> HttpResponse:
    """A printable sheet: one card per child with their link back into the class."""
    school_class = _own_class(request, class_id)
    cards = [
        (member, request.build_absolute_uri(reverse("rejoin", args=[member.rejoin_token])))
        for member in school_class.members.all()
    ]
    context = {"school_class": school_class, "cards": cards, "join_url": request.build_absolute_uri(reverse("join"))}
    return render(request, "classroom/cards.html", context)


@teacher_required
@require_GET
def child_page(request: HttpRequest, class_id: int, member_id: int) -> HttpResponse:
    school_class = _own_class(request, class_id)
    member = _own_member(school_class, member_id)
    child = next(c for c in figures.class_figures(school_class).children if c.member.pk == member.pk)
    adventures = [pages.adventure_card(a) for a in figures.member_adventures(member)]
    context = {"school_class": school_class, "member": member, "child": child, "adventures": adventures}
    return render(request, "classroom/child.html", context)


@teacher_required
@require_GET
def child_recap(request: HttpRequest, class_id: int, member_id: int, adventure_id: Any) -> HttpResponse:
    """The child's recap, as they see it, for their teacher."""
    school_class = _own_class(request, class_id)
    member = _own_member(school_class, member_id)
    adventure = Adventure.objects.filter(member=member, pk=adventure_id).with_content().first()
    if adventure is None:
        raise Http404("No such adventure.")
    chapters = list(adventure.chapters.select_related("question").order_by("number"))
    reviews = pages.question_reviews(chapters)
    last = max((c.chosen_at or c.created_at for c in chapters), default=adventure.created_at)
    context = {
        "adventure": adventure,
        "chapters": chapters,
        "reviews": reviews,
        "right": sum(r["is_correct"] for r in reviews),
        "time_spent": pages.time_spent(chapters, recap_opened=last).total_seconds(),
        "teacher_view": {"member": member, "school_class": school_class},
    }
    return render(request, "adventures/recap.html", context)


@teacher_required
@require_POST
def child_remove(request: HttpRequest, class_id: int, member_id: int) -> HttpResponse:
    school_class = _own_class(request, class_id)
    member = _own_member(school_class, member_id)
    if not request.POST.get("confirm"):
        messages.error(request, SURE)
        return redirect("classroom:child", school_class.pk, member.pk)
    nickname = member.nickname
    services.member_remove(member=member)
    messages.success(request, f"{nickname} has left the class, with everything they played.")
    return redirect("classroom:class", school_class.pk)
