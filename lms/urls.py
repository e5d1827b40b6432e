from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from lms.people.forms import LoginForm, PasswordResetForm

urlpatterns = [
    path("django-admin/", admin.site.urls),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("i18n/", include("django.conf.urls.i18n")),
    path(
        "tai-khoan/login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True, authentication_form=LoginForm),
        name="login",
    ),
    path(
        "tai-khoan/password_reset/",
        auth_views.PasswordResetView.as_view(form_class=PasswordResetForm),
        name="password_reset",
    ),
    path("tai-khoan/", include("django.contrib.auth.urls")),
    path("ho-so/", include("lms.people.urls")),
    path("hoc-tap-cua-toi/", include("lms.learning.urls")),
    path("kiem-tra/", include("courses.urls")),
    path("h5p/", include("lms.h5p.urls")),
    path("hoat-dong/", include("courses.h5p_urls")),
    path("dao-tao/", include("lms.compliance.urls")),
    path("bat-buoc/", include("lms.compliance.learner_urls")),
    path("chung-nhan/", include("lms.certificates.urls")),
    path("xac-minh/", include("lms.certificates.verification_urls")),
    path("thong-bao/", include("lms.reminders.urls")),
    path("health/", include("lms.ops.urls")),
    path("ho-so/du-lieu-cua-toi/", include("lms.privacy.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

urlpatterns += [path("", include(wagtail_urls))]
