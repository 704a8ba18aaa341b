from django.contrib import admin, messages
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from innomarket.backoffice.admin_mixins import ListingAdmin, with_extra
from innomarket.common.exceptions import ApplicationError

from . import services
from .models import Policy, PolicyCondition


class PolicyConditionInline(admin.TabularInline):
    """适用条件 on the policy's page: proposals from the text arrive unconfirmed; only confirmed
    ones decide who the policy applies to."""

    model = PolicyCondition
    extra = 0
    fields = ("kind", "op", "number", "name", "qualifier", "source_text", "proposed", "is_confirmed")
    readonly_fields = ("proposed",)


@admin.register(Policy)
class PolicyAdmin(ListingAdmin):
    inlines = (PolicyConditionInline,)
    actions = (*ListingAdmin.actions, "propose_conditions")
    list_display = with_extra(ListingAdmin.list_display, "issuer", "support_type", "issued_on", after=0)
    list_filter = with_extra(ListingAdmin.list_filter, "support_type", "level", after=1)
    search_fields = (*ListingAdmin.search_fields, "issuer", "document_number")
    date_hierarchy = "issued_on"

    @admin.action(description=gettext_lazy("从全文提取建议的适用条件"))
    def propose_conditions(self, request, queryset):
        found, failures = 0, []
        for policy in queryset:
            try:
                found += len(services.policy_conditions_propose(policy=policy, actor=request.user))
            except ApplicationError as exc:
                failures.append(f"“{policy}”：{exc.message}")
        self.message_user(
            request,
            _("提取了 %(n)d 条建议条件，请在各政策页面核对后勾选“已确认”。") % {"n": found},
            messages.SUCCESS if not failures else messages.WARNING,
        )
        for failure in failures:
            self.message_user(request, failure, messages.ERROR)
