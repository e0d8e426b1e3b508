/**
 * The pages' one script, served as a file (web/assets.ts); every page works without it.
 *
 * - The error summary: its links move focus onto the field itself (a plain fragment link only scrolls) and bring
 *   the field's label or legend into view with it, as the GOV.UK error summary does.
 * - The report form's attachments: the file goes straight to storage with the presigned URL the JSON API answers
 *   (POST …/attachments, PUT the bytes, POST …/confirm; docs/api.md), with a progress bar; any refusal returns to
 *   the attachments page, which says why in the page's language. Without the script the same form posts the file
 *   to S3 itself (a presigned POST), and S3 sends the browser back to the app.
 * - The receipt's print button, which needs the script and is hidden without it.
 */
export const SCRIPT = `"use strict";
document.addEventListener("click", function (event) {
  var link = event.target instanceof Element ? event.target.closest(".error-summary a[href^='#']") : null;
  if (!link) return;
  var field = document.getElementById(link.getAttribute("href").slice(1));
  if (!field) return;
  event.preventDefault();
  var legend = field.closest("fieldset") ? field.closest("fieldset").querySelector("legend") : null;
  var label = legend || document.querySelector("label[for='" + field.id + "']") || field;
  label.scrollIntoView();
  field.focus({ preventScroll: true });
});

(function () {
  var form = document.querySelector("form[data-direct-upload]");
  if (!form || !window.fetch || !window.XMLHttpRequest) return;
  var api = form.getAttribute("data-direct-upload");
  var types = JSON.parse(form.getAttribute("data-types"));
  var maxBytes = Number(form.getAttribute("data-max-bytes"));
  var input = form.querySelector("input[type=file]");
  var box = form.querySelector(".upload-progress");
  var bar = box.querySelector("progress");
  var status = box.querySelector(".upload-status");
  var busy = false;
  function leave(query) {
    location.assign(form.getAttribute("data-return") + "?" + query);
  }
  function post(path, body) {
    var init = { method: "POST", credentials: "same-origin", headers: {} };
    if (body) {
      init.headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(body);
    }
    return fetch(api + path, init);
  }
  function typeOf(name) {
    name = name.toLowerCase();
    return Object.keys(types).filter(function (type) {
      return types[type].some(function (extension) { return name.slice(-extension.length) === extension; });
    })[0];
  }
  function put(started, file) {
    var request = new XMLHttpRequest();
    request.open("PUT", started.upload.url);
    Object.keys(started.upload.headers).forEach(function (header) {
      // The browser sets the length itself and refuses to be told it.
      if (header.toLowerCase() !== "content-length") request.setRequestHeader(header, started.upload.headers[header]);
    });
    request.upload.addEventListener("progress", function (progress) {
      if (progress.lengthComputable) bar.value = Math.round((progress.loaded / progress.total) * 100);
    });
    request.addEventListener("error", function () { leave("refused=failed"); });
    request.addEventListener("load", function () {
      if (request.status < 200 || request.status > 299) return leave("refused=failed");
      bar.value = 100;
      post("/attachments/" + started.attachment.id + "/confirm").then(function (confirmed) {
        leave(confirmed.ok ? "added=" + encodeURIComponent(started.attachment.id) : confirmed.status === 400 ? "refused=content" : "refused=failed");
      }, function () { leave("refused=failed"); });
    });
    request.send(file);
  }
  form.addEventListener("submit", function (event) {
    var file = input.files && input.files[0];
    // No file chosen: the app's own answer says to choose one.
    if (!file) return;
    event.preventDefault();
    if (busy) return;
    busy = true;
    var type = typeOf(file.name);
    if (!type) return leave("refused=type");
    if (file.size > maxBytes) return leave("refused=size");
    if (file.size === 0) return leave("refused=empty");
    box.hidden = false;
    status.textContent = status.getAttribute("data-uploading").replace("{name}", file.name);
    post("/attachments", { fileName: file.name, contentType: type, size: file.size }).then(function (response) {
      if (!response.ok) return leave(response.status === 409 ? "refused=tooMany" : "refused=failed");
      return response.json().then(function (started) { put(started, file); });
    }).catch(function () { leave("refused=failed"); });
  });
})();

(function () {
  var print = document.querySelector("button[data-print]");
  if (!print) return;
  print.hidden = false;
  print.addEventListener("click", function () { window.print(); });
})();
`;
