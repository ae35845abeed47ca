import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("providers", "0010_search_vector"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="ImportJob",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("model_name", models.CharField(max_length=30, verbose_name="soort")),
                ("file_name", models.CharField(max_length=255, verbose_name="bestand")),
                ("file_format", models.CharField(max_length=10, verbose_name="bestandstype")),
                ("content", models.BinaryField(blank=True, editable=False, verbose_name="inhoud")),
                (
                    "stage",
                    models.CharField(
                        choices=[("voorbeeld", "Voorbeeld"), ("import", "Import")],
                        default="voorbeeld",
                        max_length=20,
                        verbose_name="stap",
                    ),
                ),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("wachtrij", "In de wachtrij"),
                            ("bezig", "Bezig"),
                            ("klaar", "Klaar"),
                            ("mislukt", "Mislukt"),
                        ],
                        default="wachtrij",
                        max_length=20,
                        verbose_name="status",
                    ),
                ),
                (
                    "total_rows",
                    models.PositiveIntegerField(default=0, verbose_name="aantal regels"),
                ),
                ("summary", models.JSONField(blank=True, default=dict, verbose_name="uitkomst")),
                ("message", models.TextField(blank=True, verbose_name="melding")),
                (
                    "created_at",
                    models.DateTimeField(auto_now_add=True, verbose_name="aangemaakt op"),
                ),
                ("updated_at", models.DateTimeField(auto_now=True, verbose_name="gewijzigd op")),
                (
                    "finished_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="klaar op"),
                ),
                (
                    "user",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="import_jobs",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="door",
                    ),
                ),
            ],
            options={
                "verbose_name": "import",
                "verbose_name_plural": "imports",
                "ordering": ["-created_at"],
                "indexes": [
                    models.Index(fields=["model_name", "created_at"], name="import_job_model_idx")
                ],
            },
        ),
    ]
