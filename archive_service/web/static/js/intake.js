/* Intake form, progressively enhanced (the form works without this file):
   - the classification-code field suggests JRA classes and names the class that applies (GET /staf/kode);
   - files can be dropped onto the file area, and are listed with their sizes;
   - the upload shows a progress bar (XMLHttpRequest); on success the browser goes to the new record's page,
     on an error the server's page (with the messages next to the fields) replaces the form. */
(function () {
  "use strict";

  function formatSize(bytes) {
    if (bytes < 1024) { return bytes + " B"; }
    if (bytes < 1024 * 1024) { return (bytes / 1024).toFixed(1) + " KB"; }
    return (bytes / (1024 * 1024)).toFixed(1) + " MB";
  }

  function setupPicker(form) {
    var input = document.getElementById("classification_code");
    var list = document.getElementById("kode-daftar");
    var hint = document.getElementById("kode-jra");
    var endpoint = form.getAttribute("data-kode-url");
    if (!input || !list || !hint || !endpoint || !window.fetch) { return; }
    var timer = null;
    var asked = null;

    function lookup() {
      var q = input.value.trim();
      if (q === asked) { return; }
      asked = q;
      if (!q) { return; }
      fetch(endpoint + "?q=" + encodeURIComponent(q), { credentials: "same-origin", headers: { "Accept": "application/json" } })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (data) {
          if (!data || data.q !== input.value.trim()) { return; }
          list.textContent = "";
          data.suggestions.forEach(function (item) {
            var option = document.createElement("option");
            option.value = item.code;
            option.label = item.code + " — " + item.record_type;
            list.appendChild(option);
          });
          hint.textContent = data.applies ? data.applies.text : data.none_text;
        })
        .catch(function () { asked = null; });
    }

    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(lookup, 250);
    });
    input.addEventListener("change", lookup);
  }

  function setupDrop(form) {
    var zone = document.getElementById("zona-berkas");
    var input = document.getElementById("berkas");
    var chosen = document.getElementById("berkas-terpilih");
    if (!zone || !input || !chosen) { return; }

    function show() {
      chosen.textContent = "";
      Array.prototype.forEach.call(input.files, function (file) {
        var item = document.createElement("li");
        item.textContent = file.name + " (" + formatSize(file.size) + ")";
        chosen.appendChild(item);
      });
    }

    function stop(event) {
      event.preventDefault();
      event.stopPropagation();
    }

    ["dragenter", "dragover"].forEach(function (name) {
      zone.addEventListener(name, function (event) { stop(event); zone.classList.add("is-dragover"); });
    });
    ["dragleave", "drop"].forEach(function (name) {
      zone.addEventListener(name, function (event) { stop(event); zone.classList.remove("is-dragover"); });
    });
    zone.addEventListener("drop", function (event) {
      var dropped = event.dataTransfer && event.dataTransfer.files;
      if (!dropped || !dropped.length) { return; }
      try {  // keep what was already chosen and add the dropped files
        var all = new DataTransfer();
        Array.prototype.forEach.call(input.files, function (file) { all.items.add(file); });
        Array.prototype.forEach.call(dropped, function (file) { all.items.add(file); });
        input.files = all.files;
      } catch (e) {
        input.files = dropped;
      }
      show();
    });
    input.addEventListener("change", show);
  }

  function replacePage(html) {
    var doc = new DOMParser().parseFromString(html, "text/html");
    var fresh = doc.getElementById("konten");
    var main = document.getElementById("konten");
    if (!fresh || !main) { document.open(); document.write(html); document.close(); return; }
    main.innerHTML = fresh.innerHTML;
    document.title = doc.title;
    init();
    var alert = main.querySelector("[role=alert]");
    (alert || main).setAttribute("tabindex", "-1");
    (alert || main).focus();
  }

  function setupUpload(form) {
    var progress = document.getElementById("unggah-progres");
    var status = document.getElementById("unggah-status");
    var button = document.getElementById("kirim-unggah");
    if (!progress || !status || !window.FormData || !window.XMLHttpRequest) { return; }
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var xhr = new XMLHttpRequest();
      xhr.open("POST", form.action);
      xhr.setRequestHeader("X-Requested-With", "XMLHttpRequest");
      xhr.upload.addEventListener("progress", function (e) {
        if (!e.lengthComputable) { return; }
        progress.max = e.total;
        progress.value = e.loaded;
        status.textContent = form.getAttribute("data-msg-mengunggah") + " " + Math.round((100 * e.loaded) / e.total) + "%";
      });
      xhr.addEventListener("load", function () {
        var type = xhr.getResponseHeader("Content-Type") || "";
        if (xhr.status < 300 && type.indexOf("application/json") === 0) {
          window.location.assign(JSON.parse(xhr.responseText).location);
          return;
        }
        replacePage(xhr.responseText);
      });
      xhr.addEventListener("error", function () {
        progress.hidden = true;
        status.textContent = form.getAttribute("data-msg-gagal");
        if (button) { button.disabled = false; }
      });
      progress.hidden = false;
      progress.value = 0;
      if (button) { button.disabled = true; }
      xhr.send(new FormData(form));
    });
  }

  function init() {
    var form = document.getElementById("form-unggah");
    if (!form) { return; }
    setupPicker(form);
    setupDrop(form);
    setupUpload(form);
  }

  init();
}());
