import io

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.translation import gettext as _

from innomarket.accounts import roles
from innomarket.backoffice.admin_mixins import (
    AllianceOnlyAdminMixin,
    CityScopedAdminMixin,
    VerifiableAdminMixin,
)
from innomarket.common.exceptions import ApplicationError

from .forms import ProfileBulkImportForm
from .models import Membership, Organisation, OrganisationProfile, OrganisationTag


@admin.register(OrganisationTag)
class OrganisationTagAdmin(AllianceOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("name", "slug", "description", "sort_order")
    list_editable = ("sort_order",)
    search_fields = ("name", "slug", "description")


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    raw_id_fields = ("user",)
    fields = ("user", "role", "created_at")
    readonly_fields = ("created_at",)


@admin.register(Organisation)
class OrganisationAdmin(VerifiableAdminMixin, admin.ModelAdmin):
    list_display = (
        "name",
        "kind",
        "city",
        "status",
        "credit_code",
        "source",
        "is_sample",
        "last_verified_at",
        "updated_at",
    )
    list_filter = ("status", "city", "kind", "tags", "source", "is_sample")
    search_fields = ("name", "short_name", "credit_code", "address")
    autocomplete_fields = ("parent",)
    filter_horizontal = ("fields", "tags")
    list_select_related = ("city",)
    inlines = [MembershipInline]
    list_per_page = 50
    show_full_result_count = False


@admin.register(Membership)
class MembershipAdmin(CityScopedAdminMixin, admin.ModelAdmin):
    city_field = "organisation__city"
    list_display = ("user", "organisation", "role", "created_at")
    list_filter = ("role", "organisation__city")
    search_fields = ("user__username", "user__name", "organisation__name")
    autocomplete_fields = ("organisation",)
    raw_id_fields = ("user",)
    list_select_related = ("user", "organisation")


@admin.register(OrganisationProfile)
class OrganisationProfileAdmin(CityScopedAdminMixin, admin.ModelAdmin):
    """经营数据 in the back office: a city administrator sees and corrects the figures of its city's
    organisations, and imports many at once from Excel (``import_view``)."""

    city_field = "organisation__city"
    list_display = (
        "organisation",
        "year",
        "revenue_wan",
        "rd_expense_wan",
        "headcount",
        "ip_total",
        "updated_at",
    )
    list_filter = ("organisation__city", "year")
    search_fields = ("organisation__name", "organisation__credit_code")
    autocomplete_fields = ("organisation",)
    list_select_related = ("organisation",)
    change_list_template = "admin/organisations/organisationprofile/change_list.html"

    def save_model(self, request, obj, form, change):
        from innomarket.policies.services import organisation_push_queue

        super().save_model(request, obj, form, change)
        organisation_push_queue(organisation_id=obj.organisation_id)  # 免申即享, after the commit

    def get_urls(self):
        return [
            path(
                "import/",
                self.admin_site.admin_view(self.import_view),
                name="organisations_organisationprofile_import",
            ),
            path(
                "template.xlsx",
                self.admin_site.admin_view(self.template_view),
                name="organisations_organisationprofile_template",
            ),
            *super().get_urls(),
        ]

    def _require_importer(self, request: HttpRequest) -> None:
        if not (roles.is_alliance_admin(request.user) or roles.is_city_admin(request.user)):
            raise DjangoPermissionDenied

    def template_view(self, request: HttpRequest) -> HttpResponse:
        from .profile_import import write_profile_template
        from .views_workspace import xlsx_response

        self._require_importer(request)
        buffer = io.BytesIO()
        write_profile_template(buffer)
        return xlsx_response(buffer.getvalue(), "经营数据导入模板.xlsx")

    def import_view(self, request: HttpRequest) -> HttpResponse:
        """导入经营数据: upload, check every row, write all of them — or, when asked, the valid ones."""
        from .profile_import import profile_import_commit, profile_import_validate

        self._require_importer(request)
        form = ProfileBulkImportForm(request.POST or None, request.FILES or None)
        report, written, status = None, None, 200
        if request.method == "POST" and form.is_valid():
            try:
                report = profile_import_validate(actor=request.user, fileobj=form.cleaned_data["file"])
                written = profile_import_commit(
                    actor=request.user, report=report, keep_valid=form.cleaned_data["keep_valid"]
                )
            except ApplicationError as exc:
                form.add_error("file" if report is None else None, str(exc))
                status = 400
            else:
                messages.success(request, _("已导入 %(n)d 个机构的经营数据。") % {"n": written})
        elif request.method == "POST":
            status = 400
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("导入经营数据"),
            "form": form,
            "report": report,
            "written": written,
            "template_url": reverse("admin:organisations_organisationprofile_template"),
            "changelist_url": reverse("admin:organisations_organisationprofile_changelist"),
        }
        return render(request, "admin/organisations/organisationprofile/import.html", context, status=status)
