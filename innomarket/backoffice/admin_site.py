from django.contrib.admin import AdminSite
from django.utils.translation import gettext_lazy as _


def configure_admin_site(site: AdminSite) -> None:
    """Chinese titles for the back office (后台维护端) and an index that leads with what waits for verification."""
    site.site_header = _("沿沪宁协同创新集市 · 后台维护端")
    site.site_title = _("协同创新集市后台")
    site.index_title = _("数据维护与核验")
    site.index_template = "backoffice/index.html"
