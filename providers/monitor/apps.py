from django.apps import AppConfig


class MonitorConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "providers.monitor"
    label = "monitor"
    verbose_name = "Monitor: dekking en capaciteit"

    def ready(self):
        # The 2023 inventory snapshot is made when the baseline is loaded (providers.baseline
        # sends the signal; this layer above it listens).
        from providers.baseline import baseline_loaded
        from providers.monitor.snapshots import record_inventory_snapshot

        baseline_loaded.connect(record_inventory_snapshot, dispatch_uid="monitor-inventory")
