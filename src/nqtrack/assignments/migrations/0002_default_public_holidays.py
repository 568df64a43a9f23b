from datetime import date

from django.db import migrations

# Holidays on fixed solar dates (Labour Code 2019, art. 112). Tết and the Hùng Kings'
# commemoration follow the lunar calendar, and the Government announces the exact days off
# (and swapped working days) each year: administrators add those in the holiday table.
FIXED = [(1, 1, "Tết Dương lịch"), (4, 30, "Ngày Chiến thắng"), (5, 1, "Ngày Quốc tế Lao động"),
         (9, 2, "Quốc khánh")]


def add_holidays(apps, schema_editor):
    PublicHoliday = apps.get_model("assignments", "PublicHoliday")
    for year in range(2025, 2031):
        for month, day, name in FIXED:
            PublicHoliday.objects.get_or_create(day=date(year, month, day),
                                                defaults={"name": name})


class Migration(migrations.Migration):
    dependencies = [("assignments", "0001_public_holidays")]
    operations = [migrations.RunPython(add_holidays, migrations.RunPython.noop)]
