from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from lms.http import icon_sprite
from lms.people import login_views

urlpatterns = [
    path("django-admin/", admin.site.urls),
    # Before Wagtail's own (same address): the sprite with a year of caching (lms/http.py).
    path("admin/sprite/", icon_sprite),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("i18n/", include("django.conf.urls.i18n")),
    path("tai-khoan/login/", login_views.LoginView.as_view(), name="login"),
    path("tai-khoan/password_reset/", login_views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "tai-khoan/reset/<uidb64>/<token>/",
        login_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("tai-khoan/", include("django.contrib.auth.urls")),
    path("ho-so/", include("lms.people.urls")),
    path("hoc-tap-cua-toi/", include("lms.learning.urls")),
    path("kiem-tra/", include("courses.urls")),
    path("h5p/", include("lms.h5p.urls")),
    path("hoat-dong/", include("courses.h5p_urls")),
    path("dao-tao/", include("lms.compliance.reports.record_urls")),
    path("bat-buoc/", include("lms.compliance.urls")),
    path("chung-nhan/", include("lms.certificates.urls")),
    path("ky-nang-so/", include("lms.skills.urls")),
    path("xac-minh/", include("lms.certificates.verification_urls")),
    path("thong-bao/", include("lms.reminders.urls")),
    path("health/", include("lms.ops.urls")),
    path("ho-so/du-lieu-cua-toi/", include("lms.privacy.urls")),
    path("tai-ve/", include("courses.offline_urls")),
    path("", include("lms.offline.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

urlpatterns += [path("", include(wagtail_urls))]
