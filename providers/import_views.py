"""The admin's import as background jobs (providers/import_jobs.py), for the municipality only.

`BackgroundImportMixin` keeps django-import-export's upload form (the checks of
`SpreadsheetImportForm`) and replaces what follows it:

- a valid upload starts a job and redirects to its page, `.../import/<id>/`: a progress bar
  while it runs (static/js/import-progress.js polls `.../import/<id>/status.json`; without
  JavaScript a "Vernieuwen" link reloads), then the preview with the button *Bevestigen*, or
  the rows with their errors;
- *Bevestigen* (`POST .../import/<id>/opslaan/`) queues the import in one transaction; the
  same page then shows what was saved, or why nothing was;
- the import page lists the latest jobs, whose pages stay readable afterwards.

Every page answers 403 to anyone without the import permission (partners), and 404 for a job
of another kind (an offers job under the organisations' address).
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseNotAllowed, JsonResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse

from providers import import_jobs
from providers.imports import MunicipalityImportExportMixin
from providers.models import ImportJob

RECENT_JOBS = 10
FORMAT_NAMES = {"SafeXLSX": "xlsx", "SafeCSV": "csv"}


class BackgroundImportMixin(MunicipalityImportExportMixin):
    import_template_name = "admin/providers/import.html"

    def get_urls(self):
        info = self.get_model_info()
        own = [
            path(
                "import/<int:job_id>/",
                self.admin_site.admin_view(self.import_job_view),
                name="{}_{}_import_job".format(*info),
            ),
            path(
                "import/<int:job_id>/status.json",
                self.admin_site.admin_view(self.import_job_status),
                name="{}_{}_import_job_status".format(*info),
            ),
            path(
                "import/<int:job_id>/opslaan/",
                self.admin_site.admin_view(self.import_job_confirm),
                name="{}_{}_import_job_confirm".format(*info),
            ),
        ]
        return own + super().get_urls()

    def _job_url(self, name: str, job: ImportJob) -> str:
        info = self.get_model_info()
        return reverse(
            f"admin:{info[0]}_{info[1]}_{name}", args=[job.pk], current_app=self.admin_site.name
        )

    def _job(self, request, job_id) -> ImportJob:
        if not self.has_import_permission(request):
            raise PermissionDenied
        job = ImportJob.objects.filter(pk=job_id, model_name=self.opts.model_name).first()
        if job is None:
            raise Http404
        return job

    # The upload ----------------------------------------------------------------------------

    def import_action(self, request, **kwargs):
        if not self.has_import_permission(request):
            raise PermissionDenied
        if request.method == "POST":
            form = self.create_import_form(request)
            if form.is_valid():
                import_file = form.cleaned_data["import_file"]
                input_format = self.get_import_formats()[int(form.cleaned_data["format"])]
                import_file.seek(0)
                job = import_jobs.start_preview(
                    model_name=self.opts.model_name,
                    file_name=import_file.name,
                    file_format=FORMAT_NAMES[input_format.__name__],
                    content=import_file.read(),
                    user=request.user,
                )
                return redirect(self._job_url("import_job", job))
        return super().import_action(request, **kwargs)

    def get_import_context_data(self, **kwargs):
        context = super().get_import_context_data(**kwargs)
        jobs = ImportJob.objects.filter(model_name=self.opts.model_name).select_related("user")
        context["import_jobs"] = [
            (job, self._job_url("import_job", job)) for job in jobs.defer("content")[:RECENT_JOBS]
        ]
        return context

    def process_import(self, request, **kwargs):
        """The library's synchronous confirm is replaced by the job's `bevestigen`."""
        if not self.has_import_permission(request):
            raise PermissionDenied
        raise Http404

    # A job's pages -------------------------------------------------------------------------

    def import_job_view(self, request, job_id):
        job = self._job(request, job_id)
        context = {
            **self.admin_site.each_context(request),
            "title": f"Importeren: {job.file_name}",
            "opts": self.opts,
            "job": job,
            "progress": import_jobs.progress(job),
            "can_confirm": import_jobs.can_confirm(job),
            "status_url": self._job_url("import_job_status", job),
            "confirm_url": self._job_url("import_job_confirm", job),
            "import_url": reverse(
                "admin:{}_{}_import".format(*self.get_model_info()),
                current_app=self.admin_site.name,
            ),
        }
        return TemplateResponse(request, "admin/providers/import_job.html", context)

    def import_job_status(self, request, job_id):
        job = self._job(request, job_id)
        return JsonResponse(
            {
                "status": job.status,
                "status_label": job.get_status_display(),
                "stage": job.stage,
                "stage_label": job.get_stage_display(),
                "finished": job.finished,
                **import_jobs.progress(job),
            }
        )

    def import_job_confirm(self, request, job_id):
        job = self._job(request, job_id)
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not import_jobs.confirm(job=job, user=request.user):
            messages.error(
                request,
                "Deze import kan niet (meer) worden bevestigd: hij is al bevestigd, had fouten, "
                "of het bestand is niet meer bewaard. Lees het bestand opnieuw in.",
            )
        return redirect(self._job_url("import_job", job))
