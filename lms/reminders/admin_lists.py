"""The reminders admin's two lists on Wagtail's generic views, and the viewset that routes every reminders
admin page under `reminders_admin` (/admin/reminders/):

- the reminders (`index`, administrators): every reminder with its state and detail, filtered by state and
  kind, searched by recipient; failed ones have a checkbox and go to "send again" (`admin_views.retry`);
- the people one may remind (`nudge`, HR managers for their units, trainers for their courses): open
  obligations from `selectors.nudge_candidates`, filtered by course, unit and overdue; the selected rows
  and a message go to the confirmation step (`admin_views.nudge_confirm`).

Both start from a selector and join what their columns show, so a page costs the same queries whatever
its rows. Who may open them: the permission policies of admin_views.
"""

import django_filters
from django.contrib.auth.models import Permission
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, pgettext_lazy
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.forms.search import SearchForm
from wagtail.admin.paginator import WagtailPaginator
from wagtail.admin.ui.tables import Column, StatusTagColumn
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets.button import Button

from lms import dates
from lms.compliance.models import Obligation
from lms.learning import structure
from lms.people.models import OrgUnit
from lms.people.scope import scope_for, units_visible
from lms.validation import IdModelChoiceField

from . import admin_views, selectors
from .forms import NudgeForm
from .models import Kind, Reminder

PER_PAGE = 50


def local_time(moment) -> str:
    return date_format(timezone.localtime(moment), "d/m/Y H:i") if moment else ""


class IdModelChoiceFilter(django_filters.ModelChoiceFilter):
    """django-filter's model choice whose id is checked before the database sees it (lms.validation)."""

    class field_class(django_filters.fields.ModelChoiceField, IdModelChoiceField):  # noqa: N801
        pass


class SelectColumn(Column):
    """A checkbox per row that `selectable` allows, named `field`, for the form around the table."""

    def __init__(self, name, *, field: str, id_prefix: str, selectable, describe, absent=None, **kwargs):
        super().__init__(name, label=format_html('<span class="w-sr-only">{}</span>', _("Select")), **kwargs)
        self.field, self.id_prefix = field, id_prefix
        self.selectable, self.describe, self.absent = selectable, describe, absent

    def get_value(self, instance):
        if not self.selectable(instance):
            return self.absent(instance) if self.absent else ""
        return format_html(
            '<input type="checkbox" name="{}" value="{}" id="{}-{}" aria-label="{}">',
            self.field,
            instance.pk,
            self.id_prefix,
            instance.pk,
            self.describe(instance),
        )


# The reminders ------------------------------------------------------------------------------------------


class ReminderFilterSet(WagtailFilterSet):
    state = django_filters.ChoiceFilter(
        label=gettext_lazy("State"), choices=Reminder.State.choices, empty_label=gettext_lazy("All states")
    )
    kind = django_filters.ChoiceFilter(
        label=gettext_lazy("Kind"), choices=Kind.choices, empty_label=gettext_lazy("All kinds")
    )

    class Meta:
        model = Reminder
        fields = []


def _recipient(reminder: Reminder) -> str:
    return format_html(
        '<div class="title-wrapper">{}</div><span class="w-text-grey-400">{}</span>',
        reminder.recipient.get_full_name(),
        reminder.recipient.email or _("no email address"),
    )


def _kind(reminder: Reminder) -> str:
    label = reminder.get_kind_display()
    if reminder.kind == Kind.DUE_SOON:
        label = format_html(
            "{} ({})",
            label,
            ngettext("%(days)s day", "%(days)s days", reminder.offset) % {"days": reminder.offset},
        )
    if reminder.created_by_id:
        return format_html(
            "{}<br><small>{}</small>",
            label,
            _("by %(name)s") % {"name": reminder.created_by.get_full_name()},
        )
    return label


def _course(reminder: Reminder) -> str:
    title = reminder.obligation.course.title if reminder.obligation_id else "—"
    if reminder.period:
        return format_html("{}<br><small>{}</small>", title, reminder.period)
    return title


def _moment(reminder: Reminder) -> str:
    if reminder.sent_at:
        return format_html(
            "{}<br><small>{}</small>",
            local_time(reminder.not_before),
            _("sent %(at)s") % {"at": local_time(reminder.sent_at)},
        )
    return local_time(reminder.not_before)


def _detail(reminder: Reminder) -> str:
    if not reminder.last_error:
        return reminder.detail
    return format_html(
        '{}<details><summary>{}</summary><pre class="reminder-error">{}</pre></details>',
        reminder.detail,
        _("Last error"),
        reminder.last_error,
    )


class ReminderIndexView(generic.IndexView):
    """Every reminder, newest first. The failed ones can be selected and sent again."""

    page_title = gettext_lazy("Reminders")
    header_icon = "mail"
    paginate_by = PER_PAGE

    def get_base_queryset(self):
        return selectors.reminders_listed()

    def get_search_form(self):
        return SearchForm(self.request.GET or None, placeholder=_("Name, username or email"))

    @property
    def no_results_message(self):
        if self.is_filtering or self.is_searching:
            return _("No reminders match these filters.")
        return _("No reminders yet.")

    @property
    def columns(self):
        failed = Reminder.State.FAILED
        return [
            SelectColumn(
                "select",
                field="ids",
                id_prefix="retry",
                selectable=lambda r: r.state == failed,
                describe=lambda r: (
                    _("Select the reminder to %(name)s") % {"name": r.recipient.get_full_name()}
                ),
            ),
            Column("recipient", label=_("Recipient"), accessor=_recipient, classname="title"),
            Column("kind", label=_("Kind"), accessor=_kind),
            Column("course", label=_("Course"), accessor=_course),
            Column("not_before", label=_("Not before"), accessor=_moment),
            StatusTagColumn(
                "state",
                label=_("State"),
                accessor="get_state_display",
                primary=lambda r: r.state == Reminder.State.SENT,
            ),
            Column("attempts", label=_("Attempts")),
            Column("detail", label=_("Detail"), accessor=_detail),
        ]

    @property
    def header_more_buttons(self):
        return [
            Button(_("Operations status"), url=reverse("reminders_admin:ops"), icon_name="time"),
            Button(_("Email templates"), url=reverse("reminders_admin:templates"), icon_name="doc-full"),
        ]


# The people one may remind -------------------------------------------------------------------------------


def _nudge_courses(request):
    reachable = selectors.obligations_nudgeable(request.user)
    return (
        structure.course_model()
        .objects.filter(pk__in=reachable.values("course_id"))
        .order_by("title")
        .only("pk", "title")
    )


def _nudge_units(request):
    """An HR manager's units; for a trainer, the units of the people they may remind."""
    if scope_for(request.user).manages_units:
        return units_visible(request.user).order_by("path")
    reachable = selectors.obligations_nudgeable(request.user)
    return OrgUnit.objects.filter(pk__in=reachable.values("unit_id")).order_by("path")


class CourseChoiceFilter(IdModelChoiceFilter):
    class field_class(IdModelChoiceFilter.field_class):  # noqa: N801
        def label_from_instance(self, course):
            return course.title


class UnitChoiceFilter(IdModelChoiceFilter):
    class field_class(IdModelChoiceFilter.field_class):  # noqa: N801
        def label_from_instance(self, unit):
            return unit.name


class NudgeFilterSet(WagtailFilterSet):
    course = CourseChoiceFilter(
        label=gettext_lazy("Course"),
        queryset=_nudge_courses,
        field_name="course",
        empty_label=gettext_lazy("All courses"),
    )
    unit = UnitChoiceFilter(
        label=gettext_lazy("Unit"),
        queryset=_nudge_units,
        method="filter_unit",
        empty_label=gettext_lazy("All units"),
    )
    status = django_filters.ChoiceFilter(
        label=gettext_lazy("Show"),
        choices=[("overdue", gettext_lazy("Overdue only"))],
        empty_label=gettext_lazy("Everyone with open training"),
        method="filter_status",
    )

    class Meta:
        model = Obligation
        fields = []

    def filter_unit(self, queryset, name, unit):
        """The unit and everything below it."""
        return queryset.filter(unit__path__startswith=unit.path) if unit else queryset

    def filter_status(self, queryset, name, value):
        return queryset.filter(due_at__lt=timezone.now()) if value == "overdue" else queryset


def _person(row: Obligation) -> str:
    if row.nudged_today:
        return format_html(
            '<div class="title-wrapper">{}</div><small>{}</small>',
            row.user.get_full_name(),
            _("Already reminded today"),
        )
    return format_html('<div class="title-wrapper">{}</div>', row.user.get_full_name())


class PeoplePaginator(WagtailPaginator):
    """Counts the rows as people (each row is a person's open training), not as obligations."""

    verbose_name = pgettext_lazy("counted", "person")
    verbose_name_plural = pgettext_lazy("counted", "people")


class NudgeIndexView(generic.IndexView):
    """The people with open mandatory training the viewer may remind; select some, add a message, review."""

    page_title = gettext_lazy("Remind people")
    header_icon = "mail"
    paginate_by = PER_PAGE
    results_template_name = "reminders/admin/nudge_results.html"
    filterset_class = NudgeFilterSet
    paginator_class = PeoplePaginator

    @cached_property
    def now(self):
        return timezone.now()

    def get_base_queryset(self):
        return selectors.nudge_candidates(self.request.user, now=self.now)

    @property
    def no_results_message(self):
        if self.is_filtering:
            return _("Nobody matches these filters.")
        return _("Nobody you can remind has open mandatory training.")

    def _due(self, row: Obligation) -> str:
        if row.due_at < self.now:
            return format_html(
                '{}<br><span class="w-status w-status--label">{}</span>',
                dates.date_vn(row.due_at),
                _("Overdue"),
            )
        return dates.date_vn(row.due_at)

    @property
    def columns(self):
        return [
            SelectColumn(
                "select",
                field="obligations",
                id_prefix="nudge",
                selectable=lambda row: not row.nudged_today,
                describe=lambda row: _("Select %(name)s") % {"name": row.user.get_full_name()},
                absent=lambda row: format_html('<span title="{}">✓</span>', _("Already reminded today")),
            ),
            Column("person", label=_("Person"), accessor=_person, classname="title"),
            Column("unit", label=_("Unit"), accessor="unit.name"),
            Column("course", label=_("Course"), accessor="course.title"),
            Column("due_at", label=_("Due"), accessor=self._due),
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["form"] = NudgeForm()
        return context


# The viewset ----------------------------------------------------------------------------------------------


class RemindersViewSet(ModelViewSet):
    """/admin/reminders/: the two lists above (each with its `…_results` view for Wagtail's filtering without
    a reload) and the other pages of admin_views. The menu is wagtail_hooks' "Reminders" group."""

    model = Reminder
    name = "reminders_admin"
    url_prefix = "reminders"
    icon = "mail"
    add_to_admin_menu = False
    add_to_reference_index = False
    copy_view_enabled = False
    index_view_class = ReminderIndexView
    index_results_template_name = "reminders/admin/reminder_results.html"
    search_fields = ["recipient__full_name", "recipient__username", "recipient__email"]
    search_backend_name = None  # the ORM's icontains: reminders are not in the search index
    filterset_class = ReminderFilterSet
    list_per_page = PER_PAGE

    def get_common_view_kwargs(self, **kwargs):
        view_kwargs = super().get_common_view_kwargs(**kwargs)
        for view in ("add", "edit", "delete", "history", "usage", "inspect"):
            view_kwargs[f"{view}_url_name"] = None
        return view_kwargs

    def get_permissions_to_register(self):
        return Permission.objects.none()  # granted through the role groups (lms/people/roles.py)

    def nudge_view(self, results_only=False):
        return NudgeIndexView.as_view(
            model=Obligation,
            permission_policy=admin_views.NUDGE_POLICY,
            index_url_name=self.get_url_name("nudge"),
            index_results_url_name=self.get_url_name("nudge_results"),
            results_only=results_only,
        )

    def get_urlpatterns(self):
        return [
            path("", self.index_view, name="index"),
            path("results/", self.index_results_view, name="index_results"),
            path("send-again/", admin_views.retry, name="retry"),
            path("templates/", admin_views.templates, name="templates"),
            path("templates/<str:kind>/preview/", admin_views.preview, name="preview"),
            path("operations/", admin_views.ops, name="ops"),
            path("nudge/", self.nudge_view(), name="nudge"),
            path("nudge/results/", self.nudge_view(results_only=True), name="nudge_results"),
            path("nudge/confirm/", admin_views.nudge_confirm, name="nudge_confirm"),
        ]
