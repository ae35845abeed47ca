"""Setting and resetting a password (the link in an invitation or a reset e-mail), in Dutch;
reset mails are throttled (sociale_kaart/login_protection.py)."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from sociale_kaart.login_protection import ThrottledPasswordResetView


def _site_context():
    return {"site_header": admin.site.site_header, "site_title": admin.site.site_title}


urlpatterns = [
    path(
        "wachtwoord-vergeten/",
        ThrottledPasswordResetView.as_view(
            template_name="admin/account/password_reset_form.html",
            email_template_name="admin/account/password_reset_email.txt",
            subject_template_name="admin/account/password_reset_subject.txt",
            success_url=reverse_lazy("password_reset_done"),
            extra_context=_site_context(),
        ),
        name="admin_password_reset",
    ),
    path(
        "wachtwoord-vergeten/verzonden/",
        auth_views.PasswordResetDoneView.as_view(
            template_name="admin/account/password_reset_done.html",
            extra_context=_site_context(),
        ),
        name="password_reset_done",
    ),
    path(
        "wachtwoord/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            template_name="admin/account/password_reset_confirm.html",
            success_url=reverse_lazy("password_reset_complete"),
            extra_context=_site_context(),
        ),
        name="password_reset_confirm",
    ),
    path(
        "wachtwoord/ingesteld/",
        auth_views.PasswordResetCompleteView.as_view(
            template_name="admin/account/password_reset_complete.html",
            extra_context=_site_context(),
        ),
        name="password_reset_complete",
    ),
]
