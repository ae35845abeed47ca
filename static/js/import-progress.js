// The progress bar of an import job (templates/admin/providers/import_job.html): polls the
// job's status URL once a second and reloads the page when the job is done. Without
// JavaScript the page offers a "Vernieuwen" link instead.
(function () {
    "use strict";
    var box = document.querySelector("[data-status-url]");
    if (!box || !window.fetch) {
        return;
    }
    var bar = document.getElementById("import-progress-bar");
    var label = document.getElementById("import-progress-label");

    function show(status) {
        bar.value = status.percent;
        bar.textContent = status.percent + "%";
        var text = status.stage_label + ": " + status.status_label.toLowerCase();
        if (status.total) {
            text += ", " + status.done + " van " + status.total + " regels gecontroleerd";
        }
        label.textContent = text + ".";
    }

    function poll() {
        fetch(box.getAttribute("data-status-url"), {
            credentials: "same-origin",
            headers: {Accept: "application/json"}
        })
            .then(function (response) {
                if (!response.ok) {
                    throw new Error("status " + response.status);
                }
                return response.json();
            })
            .then(function (status) {
                if (status.finished) {
                    window.location.reload();
                    return;
                }
                show(status);
                window.setTimeout(poll, 1000);
            })
            .catch(function () {
                window.setTimeout(poll, 5000);
            });
    }

    window.setTimeout(poll, 1000);
})();
