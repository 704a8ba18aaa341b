from django.urls import path

from . import views, views_bidding, views_manage, views_milestones, views_stats

app_name = "challenges"
urlpatterns = [
    path("", views.challenge_list, name="list"),
    path("stats/", views_stats.challenge_stats, name="stats"),
    path("<int:pk>/", views.challenge_detail, name="detail"),
    # Disclosure tiers and bidding (the bidder's side).
    path("<int:pk>/terms/", views_bidding.terms_accept, name="terms-accept"),
    path("<int:pk>/attachments/<int:attachment_pk>/", views_bidding.attachment_download, name="attachment"),
    path("<int:pk>/bid/", views_bidding.bid_form, name="bid-new"),
    path("bids/", views_bidding.my_bids, name="my-bids"),
    path("bids/<int:pk>/", views_bidding.bid_detail, name="bid-detail"),
    path("bids/<int:pk>/edit/", views_bidding.bid_edit, name="bid-edit"),
    path("bids/<int:pk>/submit/", views_bidding.bid_submit, name="bid-submit"),
    path("bids/<int:pk>/withdraw/", views_bidding.bid_withdraw, name="bid-withdraw"),
    path(
        "bids/<int:pk>/files/<int:attachment_pk>/",
        views_bidding.bid_attachment_download,
        name="bid-attachment",
    ),
    path("invitations/<int:pk>/decline/", views_bidding.invitation_decline, name="invitation-decline"),
    # 里程碑验收: the bidder reports, the owner accepts or returns; evidence for the two parties only.
    path("milestones/<int:pk>/", views_milestones.milestone_detail, name="milestone"),
    path("milestones/<int:pk>/report/", views_milestones.milestone_report, name="milestone-report"),
    path("milestones/<int:pk>/accept/", views_milestones.milestone_accept, name="milestone-accept"),
    path("milestones/<int:pk>/return/", views_milestones.milestone_return, name="milestone-return"),
    path(
        "milestones/<int:pk>/evidence/<int:evidence_pk>/",
        views_milestones.milestone_evidence,
        name="milestone-evidence",
    ),
    # The owner's and city administrator's console, and the evaluators' pages.
    path("<int:pk>/manage/", views_manage.manage, name="manage"),
    path("<int:pk>/manage/<slug:action>/", views_manage.manage_action, name="manage-action"),
    path("bids/<int:pk>/review/<slug:action>/", views_manage.bid_action, name="bid-action"),
    path("evaluations/", views_manage.evaluations, name="evaluations"),
    path("evaluations/<int:pk>/", views_manage.evaluation, name="evaluation"),
]
