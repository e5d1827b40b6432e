"""Reminders in the Wagtail admin: the viewset of its pages (admin_lists.py, admin_views.py) under a
"Reminders" menu group, and the email templates as a snippet whose form refuses templates that do not
compile (forms.EmailTemplateForm)."""

from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import Menu, MenuItem, SubmenuMenuItem
from wagtail.admin.panels import FieldPanel, HelpPanel, ObjectList
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from lms.people.permissions import PermissionMenuItem

from . import admin_views, selectors
from .admin_lists import RemindersViewSet
from .forms import TEMPLATE_VARIABLES, EmailTemplateForm
from .models import EmailTemplate


@hooks.register("register_admin_viewset")
def register_reminders_viewset():
    return RemindersViewSet()


def _variables_help() -> str:
    items = format_html_join("", "<li><code>{{{{ {} }}}}</code> — {}</li>", TEMPLATE_VARIABLES)
    return format_html(
        "<p>{}</p><ul>{}</ul><p>{}</p>",
        _(
            "The subject and bodies are Django templates. Without a template of your own for a kind, the "
            "built-in Vietnamese message is sent. These variables are available:"
        ),
        items,
        _(
            "Keep the unsubscribe link in every email. Example: {% for row in rows %}{{ row.name }}: "
            "{{ row.course }}{% endfor %}"
        ),
    )


class EmailTemplateViewSet(SnippetViewSet):
    model = EmailTemplate
    icon = "mail"
    add_to_admin_menu = False
    url_prefix = "reminders/email-templates"
    list_display = ["kind", "subject", "updated_at"]
    edit_handler = ObjectList(
        [
            HelpPanel(content=_variables_help, heading=_("Variables")),
            FieldPanel("kind"),
            FieldPanel("subject"),
            FieldPanel("text_body"),
            FieldPanel("html_body"),
        ],
        base_form_class=EmailTemplateForm,
    )


register_snippet(EmailTemplateViewSet)


class NudgeMenuItem(MenuItem):
    """Shown to those the nudge pages let in (HR managers with units, trainers of a course)."""

    def is_shown(self, request):
        return admin_views.NUDGE_POLICY.user_has_permission(request.user, "view")


@hooks.register("register_admin_menu_item")
def register_reminders_menu():
    items = [
        PermissionMenuItem(
            _("Reminders"),
            reverse("reminders_admin:index"),
            permission=selectors.OPERATE,
            units=False,
            name="reminders-list",
            icon_name="mail",
            order=10,
        ),
        PermissionMenuItem(
            _("Operations"),
            reverse("reminders_admin:ops"),
            permission=selectors.OPERATE,
            units=False,
            name="reminders-ops",
            icon_name="time",
            order=20,
        ),
        PermissionMenuItem(
            _("Email templates"),
            reverse("reminders_admin:templates"),
            permission=selectors.OPERATE,
            units=False,
            name="reminders-templates",
            icon_name="doc-full",
            order=30,
        ),
        NudgeMenuItem(
            _("Remind people"),
            reverse("reminders_admin:nudge"),
            name="reminders-nudge",
            icon_name="mail",
            order=40,
        ),
    ]
    return SubmenuMenuItem(_("Reminders"), Menu(items=items), name="reminders", icon_name="mail", order=290)
