from django.db import migrations

LANGUAGE_CODES = ["en", "es", "ar", "hy", "yue", "fa", "hmn", "km", "ko", "lo", "cmn", "ru", "tl", "vi"]
EXPERTISE = [
    ("individual-family", "Individual and family plans"),
    ("small-business", "Small business (CCSB)"),
    ("medi-cal", "Medi-Cal"),
    ("dental", "Dental"),
    ("vision", "Vision"),
    ("medicare", "Medicare"),
]


def add(apps, schema_editor):
    Language = apps.get_model("agents", "Language")
    ProductExpertise = apps.get_model("agents", "ProductExpertise")
    for code in LANGUAGE_CODES:
        Language.objects.get_or_create(code=code)
    for code, name in EXPERTISE:
        ProductExpertise.objects.get_or_create(code=code, defaults={"name": name})


def remove(apps, schema_editor):
    apps.get_model("agents", "Language").objects.filter(code__in=LANGUAGE_CODES).delete()
    apps.get_model("agents", "ProductExpertise").objects.filter(
        code__in=[code for code, _ in EXPERTISE]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("agents", "0002_initial")]

    operations = [migrations.RunPython(add, remove)]
