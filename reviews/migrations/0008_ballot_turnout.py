"""The minimum turnout of a ballot round: the province's rule per year, the papers each round needs
(fixed at opening), and proposals whose votes are not shown (a round with fewer than 3 papers)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def set_papers_needed(apps, schema_editor):
    """Give the rounds already opened the default: two thirds of their members at opening, rounded up."""
    Ballot = apps.get_model("reviews", "Ballot")
    for ballot in Ballot.objects.all().iterator():
        ballot.min_papers = max(1, -(-2 * ballot.members_at_opening // 3))
        ballot.save(update_fields=["min_papers"])


class Migration(migrations.Migration):
    dependencies = [
        ("blocs", "0003_term_next_roles"),
        ("reviews", "0007_elected_roles_in_registry"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="BallotRule",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("year", models.PositiveSmallIntegerField(verbose_name="year")),
                (
                    "min_turnout_percent",
                    models.PositiveSmallIntegerField(
                        blank=True, null=True, verbose_name="minimum turnout (percentage of the members at opening)"
                    ),
                ),
                ("updated_at", models.DateTimeField(verbose_name="changed at")),
                (
                    "province",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT, related_name="ballot_rules", to="blocs.province"
                    ),
                ),
                (
                    "updated_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT, related_name="+", to=settings.AUTH_USER_MODEL
                    ),
                ),
            ],
            options={
                "verbose_name": "ballot rule",
                "verbose_name_plural": "ballot rules",
                "constraints": [
                    models.UniqueConstraint(fields=("province", "year"), name="one_ballot_rule_per_province_year"),
                    models.CheckConstraint(
                        condition=models.Q(
                            ("min_turnout_percent__isnull", True),
                            models.Q(("min_turnout_percent__gte", 1), ("min_turnout_percent__lte", 100)),
                            _connector="OR",
                        ),
                        name="ballot_turnout_is_a_percentage",
                    ),
                ],
            },
        ),
        migrations.AddField(
            model_name="ballot",
            name="min_papers",
            field=models.PositiveSmallIntegerField(default=1, verbose_name="papers needed to count"),
            preserve_default=False,
        ),
        migrations.RunPython(set_papers_needed, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="proposal",
            name="votes",
            field=models.PositiveSmallIntegerField(blank=True, null=True, verbose_name="votes"),
        ),
    ]
