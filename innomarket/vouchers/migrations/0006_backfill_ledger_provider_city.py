"""Backfill ``LedgerTransaction.provider_city`` for transactions posted before it was recorded.

The city a provider was in at posting time was never stored, so the best knowledge is the city of
the provider organisation named on the transaction's receivable / settled entries as it is now,
which is what settlement statements used until this field existed: the backfill changes no
statement. Reversals take the city of the transaction they reverse, as the services do.
"""

from collections import defaultdict

from django.db import migrations

PROVIDER_ACCOUNT_KINDS = ("provider_receivable", "settled")


def backfill(apps, schema_editor):
    LedgerEntry = apps.get_model("vouchers", "LedgerEntry")
    LedgerTransaction = apps.get_model("vouchers", "LedgerTransaction")
    by_city = defaultdict(set)
    rows = (
        LedgerEntry.objects.filter(
            account__kind__in=PROVIDER_ACCOUNT_KINDS,
            account__organisation__isnull=False,
            transaction__provider_city__isnull=True,
        )
        .values_list("transaction_id", "account__organisation__city_id")
        .distinct()
        .order_by()
    )
    for transaction_id, city_id in rows:
        by_city[city_id].add(transaction_id)
    for city_id, ids in by_city.items():
        ids = sorted(ids)
        for start in range(0, len(ids), 500):  # bounded IN lists (SQLite's variable limit)
            LedgerTransaction.objects.filter(pk__in=ids[start : start + 500]).update(provider_city_id=city_id)
    # A reversal's entries name the same accounts, but copy explicitly so the two always agree.
    for reversal in LedgerTransaction.objects.filter(
        reverses__isnull=False, reverses__provider_city__isnull=False
    ).select_related("reverses"):
        if reversal.provider_city_id != reversal.reverses.provider_city_id:
            reversal.provider_city_id = reversal.reverses.provider_city_id
            reversal.save(update_fields=["provider_city"])


class Migration(migrations.Migration):
    dependencies = [
        ("vouchers", "0005_ledger_transaction_provider_city"),
    ]

    operations = [
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
