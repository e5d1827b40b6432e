"""The administrator's allow-list of sites H5P content may load media from (external_media.py).

Sites are listed when an uploaded package first names them, blocked. An administrator (permission
`h5p.change_externalmediahost`: administrators only, roles.py gives trainers none) allows or blocks each
one; every change is audited (MEDIA_HOST_CHANGE). There is no add or delete page: the list is what packages
name, and a site nobody allows stays harmless.
"""

from django.urls import path
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.admin.views.generic.models import EditView, IndexView
from wagtail.admin.viewsets.model import ModelViewSet

from .external_media import media_host_set_allowed
from .models import ExternalMediaHost


class MediaHostFilterSet(WagtailFilterSet):
    class Meta:
        model = ExternalMediaHost
        fields = ["allowed"]


class MediaHostIndexView(IndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().select_related("updated_by")


class MediaHostEditView(EditView):
    def save_instance(self):
        return media_host_set_allowed(
            host=self.form.instance,
            allowed=self.form.cleaned_data["allowed"],
            note=self.form.cleaned_data["note"],
            user=self.request.user,
        )


def _allowed_text(host: ExternalMediaHost) -> str:
    return _("allowed") if host.allowed else _("blocked")


class MediaHostViewSet(ModelViewSet):
    model = ExternalMediaHost
    name = "h5p_media_hosts"
    url_prefix = "h5p-trang-ngoai"
    icon = "site"
    menu_label = _("H5P external media sites")
    menu_order = 252
    add_to_admin_menu = True
    index_view_class = MediaHostIndexView
    edit_view_class = MediaHostEditView
    form_fields = ["allowed", "note"]
    copy_view_enabled = False
    inspect_view_enabled = False
    add_to_reference_index = False
    filterset_class = MediaHostFilterSet
    search_fields = ["host", "note"]
    list_per_page = 50
    list_display = [
        Column("host", label=_("Site"), sort_key="host"),
        Column("allowed", label=_("May load"), accessor=_allowed_text, sort_key="allowed"),
        Column("note", label=_("Note")),
        DateColumn("first_seen_at", label=_("First seen"), sort_key="first_seen_at"),
        Column("updated_by", label=_("Changed by")),
    ]

    def get_common_view_kwargs(self, **kwargs):
        view_kwargs = super().get_common_view_kwargs(**kwargs)
        for view in ("add", "delete", "usage"):
            view_kwargs[f"{view}_url_name"] = None
        return view_kwargs

    def get_urlpatterns(self):
        return [
            path("", self.index_view, name="index"),
            path("results/", self.index_results_view, name="index_results"),
            path("<id:pk>/", self.edit_view, name="edit"),
            path("<id:pk>/history/", self.history_view, name="history"),
            path("<id:pk>/history/results/", self.history_results_view, name="history_results"),
        ]
