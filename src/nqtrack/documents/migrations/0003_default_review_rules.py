from django.db import migrations

# Defaults from the guidance the provinces follow: central documents reviewed after 5 and 10
# years, provincial (and lower) ones after 3 and 5; plan 2 months before; report in 10 days.
RULES = {
    "central": (5, 10),
    "province": (3, 5),
    "district": (3, 5),
    "commune": (3, 5),
    "grassroots": (3, 5),
}
REVIEWED_TYPES = ["CT", "KL", "NQ"]


def add_rules(apps, schema_editor):
    Level = apps.get_model("organizations", "Level")
    ReviewRule = apps.get_model("documents", "ReviewRule")
    for slug, (interim, final) in RULES.items():
        level = Level.objects.filter(slug=slug).first()
        if level is not None:
            ReviewRule.objects.get_or_create(level=level, defaults={
                "interim_years": interim, "final_years": final, "plan_lead_months": 2,
                "finalize_days": 10, "reviewed_types": REVIEWED_TYPES})


class Migration(migrations.Migration):
    dependencies = [
        ("documents", "0002_document_links"),
        ("organizations", "0002_default_levels"),
    ]
    operations = [migrations.RunPython(add_rules, migrations.RunPython.noop)]
