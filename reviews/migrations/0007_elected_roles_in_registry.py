"""Copy every recorded election's roles into the registry, which now owns next year's roles."""

from django.db import migrations


def copy_elected_roles(apps, schema_editor):
    Election = apps.get_model("reviews", "Election")
    Term = apps.get_model("blocs", "Term")
    for election in Election.objects.all().iterator():
        Term.objects.filter(pk=election.term_id).update(
            next_chair_id=election.chair_id,
            next_vice_chair_id=election.vice_chair_id,
            next_roles_reference=election.reference,
        )


class Migration(migrations.Migration):
    dependencies = [
        ("blocs", "0003_term_next_roles"),
        ("reviews", "0006_dossier"),
    ]

    operations = [migrations.RunPython(copy_elected_roles, migrations.RunPython.noop)]
