from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

# Django's own account views, under Vietnamese paths and with the names Django links them by.
# Password change is for every user; the reset pages are public (marked so by Django).
accounts = [
    path("dang-nhap/", auth_views.LoginView.as_view(), name="login"),
    path("dang-xuat/", auth_views.LogoutView.as_view(), name="logout"),
    path("doi-mat-khau/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("doi-mat-khau/xong/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("quen-mat-khau/", auth_views.PasswordResetView.as_view(), name="password_reset"),
    path("quen-mat-khau/da-gui/", auth_views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "dat-lai-mat-khau/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "dat-lai-mat-khau/xong/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
]

urlpatterns = [
    path("tai-khoan/", include(accounts)),
    path("i18n/", include("django.conf.urls.i18n")),
    path("quan-tri/", admin.site.urls),
    path("bao-cao/", include("reports.urls")),
    path("nhap-excel/", include("intake.urls")),
    path("", include("registry.urls")),
]
# Uploaded files are never served by URL, not even in development: each goes through its view,
# which checks that the user may see the record it belongs to.
