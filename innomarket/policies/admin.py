from django.contrib import admin, messages
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from innomarket.backoffice.admin_mixins import CityScopedAdminMixin, ListingAdmin, with_extra
from innomarket.common.exceptions import ApplicationError

from . import services
from .models import Policy, PolicyCondition, PolicyPush


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

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # Conditions confirmed (or amounts changed) on a public policy: organisations that now meet
        # it are told once, after the commit, like on publication.
        if form.instance.status in Policy.WORKFLOW.public:
            services.policy_push_queue(policy=form.instance, trigger=PolicyPush.Trigger.CONDITIONS)

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


@admin.register(PolicyPush)
class PolicyPushAdmin(CityScopedAdminMixin, admin.ModelAdmin):
    """免申即享推送记录: who was told of which policy, when and why. Written only by the push service."""

    city_field = "policy__city"
    list_display = ("policy", "organisation", "trigger", "recipients", "created_at")
    list_filter = ("trigger", "policy__city")
    search_fields = ("policy__title", "organisation__name")
    list_select_related = ("policy", "organisation")
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
