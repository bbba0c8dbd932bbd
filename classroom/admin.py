"""Staff make any account a teacher's by adding a teacher profile; classes and their
members are listed (nicknames only) for support."""

from __future__ import annotations

from django.contrib import admin

from classroom.models import ClassMember, SchoolClass, TeacherProfile


@admin.register(TeacherProfile)
class TeacherProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "created_at"]
    search_fields = ["user__username"]
    autocomplete_fields = ["user"]


class ClassMemberInline(admin.TabularInline):
    model = ClassMember
    fields = ["nickname", "joined_at"]
    readonly_fields = ["joined_at"]
    extra = 0


@admin.register(SchoolClass)
class SchoolClassAdmin(admin.ModelAdmin):
    list_display = ["name", "teacher", "code", "created_at", "closed_at"]
    list_filter = ["closed_at"]
    search_fields = ["name", "teacher__username", "code"]
    readonly_fields = ["code", "created_at"]
    filter_horizontal = ["worlds", "topics"]
    inlines = [ClassMemberInline]
