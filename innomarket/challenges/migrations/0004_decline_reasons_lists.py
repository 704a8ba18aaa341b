"""One reason list for bid and invitation declines, several reasons per answer: the single
``decline_reason`` becomes the list ``decline_reasons``; an invitation's old codes map onto the shared list."""

from django.db import migrations, models

# Invitation codes before this migration → the shared DeclineReason codes.
INVITATION_CODES = {
    "not_our_field": "out_of_scope",
    "capability": "team_capacity",
    "capacity": "workload",
    "budget": "cost",
    "other": "other",
}


def forwards(apps, schema_editor):
    Bid = apps.get_model("challenges", "Bid")
    Invitation = apps.get_model("challenges", "Invitation")
    for bid in Bid.objects.exclude(decline_reason="").only("pk", "decline_reason"):
        Bid.objects.filter(pk=bid.pk).update(decline_reasons=[bid.decline_reason])
    for invitation in Invitation.objects.exclude(decline_reason="").only("pk", "decline_reason"):
        code = INVITATION_CODES.get(invitation.decline_reason, "other")
        Invitation.objects.filter(pk=invitation.pk).update(decline_reasons=[code])


def backwards(apps, schema_editor):
    Bid = apps.get_model("challenges", "Bid")
    Invitation = apps.get_model("challenges", "Invitation")
    back = {new: old for old, new in INVITATION_CODES.items()}
    for bid in Bid.objects.exclude(decline_reasons=[]).only("pk", "decline_reasons"):
        Bid.objects.filter(pk=bid.pk).update(decline_reason=(bid.decline_reasons or [""])[0])
    for invitation in Invitation.objects.exclude(decline_reasons=[]).only("pk", "decline_reasons"):
        first = (invitation.decline_reasons or ["other"])[0]
        Invitation.objects.filter(pk=invitation.pk).update(decline_reason=back.get(first, "other"))


class Migration(migrations.Migration):
    dependencies = [
        ("challenges", "0003_invitation_decline_reason_invitation_supplier_and_more"),
    ]

    operations = [
        migrations.AddField(
            model_name="bid",
            name="decline_reasons",
            field=models.JSONField(blank=True, default=list, verbose_name="未入选原因"),
        ),
        migrations.AddField(
            model_name="invitation",
            name="decline_reasons",
            field=models.JSONField(blank=True, default=list, verbose_name="婉拒原因"),
        ),
        migrations.RunPython(forwards, backwards),
        migrations.RemoveField(model_name="bid", name="decline_reason"),
        migrations.RemoveField(model_name="invitation", name="decline_reason"),
    ]
