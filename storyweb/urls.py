"""Top-level URLs: the game, accounts, the admin, and media in single-machine setups."""

from __future__ import annotations

from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from adventures import accounts
from adventures.play import views
from classroom import joining

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/signup/", accounts.signup, name="signup"),
    path("accounts/", accounts.account, name="account"),
    path("accounts/download/", accounts.account_download, name="account_download"),
    path("privacy/", accounts.privacy_notice, name="privacy"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True, authentication_form=accounts.LoginForm),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("teach/", include("classroom.urls")),
    path("join/", joining.join, name="join"),
    path("join/<str:token>/", joining.rejoin, name="rejoin"),
    path("", include("adventures.urls")),
]

if settings.STORYWEB_SERVE_MEDIA:
    urlpatterns.append(path(f"{settings.MEDIA_URL.strip('/')}/<path:name>", views.media, name="media"))
