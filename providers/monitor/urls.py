from django.urls import path

from providers.monitor import views

app_name = "monitor"

urlpatterns = [
    path("monitor/", views.monitor_page, name="monitor"),
    path("monitor/export.xlsx", views.monitor_export, name="monitor-export"),
    path("api/monitor/", views.monitor_api, name="monitor-api"),
]
