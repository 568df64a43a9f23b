from django.db import migrations

# Levels as they stand after the 2025 reform; "district" stays for history before 1 July 2025.
LEVELS = [
    ("central", "Trung ương", 0),
    ("province", "Tỉnh, thành phố", 1),
    ("district", "Huyện, quận, thị xã (trước 01/7/2025)", 2),
    ("commune", "Xã, phường, đặc khu", 3),
    ("grassroots", "Cơ sở", 4),
    ("cell", "Chi bộ", 5),
]


def add_levels(apps, schema_editor):
    Level = apps.get_model("organizations", "Level")
    for slug, name, rank in LEVELS:
        Level.objects.get_or_create(slug=slug, defaults={"name": name, "rank": rank})


class Migration(migrations.Migration):
    dependencies = [("organizations", "0001_initial")]
    operations = [migrations.RunPython(add_levels, migrations.RunPython.noop)]
