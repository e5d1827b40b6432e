"""Admin lists on Wagtail's generic views, shared by the apps (people, quiz and h5p may import it: it
imports no project app).

`ListViewSet` is a `ModelViewSet` reduced to its list (`index`, and `index_results`, which Wagtail's
filters and search reload the table from) plus the app's own pages in the same URL namespace
(`get_extra_urlpatterns`): no add, edit, delete, copy or history view, no permission of its own to grant
(permissions come through the role groups), no edit URL for Wagtail to link to.
"""

from django.contrib.auth.models import Permission
from django.urls import path
from wagtail.admin.admin_url_finder import NullAdminURLFinder
from wagtail.admin.ui.tables import Column, TitleColumn
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSet


class ListIndexView(generic.IndexView):
    FORMATS = ()  # no spreadsheet export unless a list asks for one


class ListViewSet(ModelViewSet):
    copy_view_enabled = False
    add_to_reference_index = False
    url_finder_class = NullAdminURLFinder  # no edit page to link to

    def get_common_view_kwargs(self, **kwargs):
        view_kwargs = super().get_common_view_kwargs(**kwargs)
        for view in ("add", "edit", "delete", "history", "usage"):
            view_kwargs[f"{view}_url_name"] = None
        return view_kwargs

    def get_permissions_to_register(self):
        return Permission.objects.none()  # granted through the role groups (lms/people/roles.py)

    def get_extra_urlpatterns(self) -> list:
        return []

    def get_urlpatterns(self):
        return [
            path("", self.index_view, name="index"),
            path("results/", self.index_results_view, name="index_results"),
            *self.get_extra_urlpatterns(),
        ]


class NotedTitleColumn(TitleColumn):
    """A title (linked when `get_url` is given) with a note in grey under it: a username, a code."""

    cell_template_name = "admin_lists/noted_title_cell.html"

    def __init__(self, *args, note, **kwargs):
        super().__init__(*args, **kwargs)
        self.note = note

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        context["note"] = self.note(instance)
        return context


class TemplateColumn(Column):
    """A cell drawn by its own template (`instance`, `request` and `column` in its context); keyword
    arguments beyond Column's become attributes of the column, e.g. whether the viewer may act."""

    def __init__(self, *args, template: str, **options):
        column_options = {
            key: options.pop(key)
            for key in ("label", "accessor", "classname", "sort_key", "width")
            if key in options
        }
        super().__init__(*args, **column_options)
        self.cell_template_name = template
        for name, value in options.items():
            setattr(self, name, value)
