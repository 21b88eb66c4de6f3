"""Agents' names sort as a reader of Spanish or English expects (portal.collation); the indexes on them follow."""

from django.db import migrations

import portal.fields


class Migration(migrations.Migration):
    dependencies = [("agents", "0005_agent_biography_es"), ("portal", "0009_names_sort_as_readers_expect")]

    operations = [
        migrations.AlterField(
            model_name="agent",
            name="first_name",
            field=portal.fields.PersonNameField(max_length=100, verbose_name="first name"),
        ),
        migrations.AlterField(
            model_name="agent",
            name="last_name",
            field=portal.fields.PersonNameField(max_length=100, verbose_name="last name"),
        ),
    ]
