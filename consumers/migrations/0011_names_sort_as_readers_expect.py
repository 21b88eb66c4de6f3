"""Consumers' names sort as a reader of Spanish or English expects (portal.collation). PostgreSQL rebuilds the
indexes on them with the new collation (case_sort_name, which the Book of Business's sort by name reads,
case_applicant_identity and the trigram indexes), so the sort by name still walks an index."""

from django.db import migrations

import portal.fields


class Migration(migrations.Migration):
    dependencies = [("consumers", "0010_verification_reminder"), ("portal", "0009_names_sort_as_readers_expect")]

    operations = [
        migrations.AlterField(
            model_name="consumercase",
            name="first_name",
            field=portal.fields.PersonNameField(max_length=100, verbose_name="first name"),
        ),
        migrations.AlterField(
            model_name="consumercase",
            name="last_name",
            field=portal.fields.PersonNameField(max_length=100, verbose_name="last name"),
        ),
    ]
