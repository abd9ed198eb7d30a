// Filter forms: leave empty fields out of the URL, so that links stay short and shareable.
document.addEventListener("submit", function (event) {
  var form = event.target;
  if (!form.classList.contains("filters") || form.method.toLowerCase() !== "get") return;
  Array.prototype.forEach.call(form.elements, function (field) {
    if (field.name && field.value === "") field.disabled = true;
  });
});

// Long choice lists (units, models): Tom Select searches the options in the page, or asks the
// server as the user types when the page holds only the chosen one (data-remote).
function tidyActiveOption(control) {
  // The reference sits on the search input, or on the control itself where it takes the focus.
  [control.control_input, control.control, control.focus_node].forEach(function (node) {
    var active = node && node.getAttribute && node.getAttribute("aria-activedescendant");
    if (active && (!control.isOpen || !document.getElementById(active))) node.removeAttribute("aria-activedescendant");
  });
}

function danvanAutocomplete(root) {
  if (typeof TomSelect === "undefined") return;
  root.querySelectorAll("select[data-autocomplete]").forEach(function (select) {
    if (select.tomselect) return;
    var data = select.dataset;
    var settings = {
      allowEmptyOption: true,
      maxOptions: 300,
      placeholder: data.placeholder,
      render: {
        no_results: function () { return '<div class="no-results">' + data.noResults + "</div>"; },
        loading: function () { return '<div class="spinner-border spinner-border-sm m-2" role="status"><span class="visually-hidden">' + data.loading + "</span></div>"; },
        // The chosen unit without the indentation that shows its depth in the list.
        item: function (item, escape) { return "<div>" + escape(String(item.text).trim()) + "</div>"; },
        option: function (item, escape) {
          var context = item.context ? '<div class="small text-body-secondary">' + escape(item.context) + "</div>" : "";
          return "<div>" + escape(item.text) + context + "</div>";
        }
      }
    };
    if (data.remote === "1") {
      settings.valueField = "value";
      settings.labelField = "text";
      settings.searchField = [];
      settings.loadThrottle = 250;
      // No "---------" choice: the placeholder shows when nothing is chosen, the × clears it.
      settings.allowEmptyOption = false;
      settings.plugins = { clear_button: { title: data.clear } };
      settings.shouldLoad = function (query) { return query.length >= 2; };
      // The server already chose and ordered the suggestions.
      settings.score = function () { return function (item) { return item.value === "" ? 0 : 1; }; };
      settings.load = function (query, callback) {
        fetch(data.autocomplete + "&q=" + encodeURIComponent(query), { headers: { Accept: "application/json" } })
          .then(function (response) { return response.json(); })
          .then(function (json) { callback(json.results); })
          .catch(function () { callback(); });
      };
    }
    // A list closed, or drawn again by late suggestions, leaves no reference to an option that
    // is hidden or gone (aria-activedescendant): a screen reader would announce nothing.
    // Once more after the choice has been drawn: Tom Select may set the reference again then.
    settings.onDropdownClose = function () {
      var control = this;
      tidyActiveOption(control);
      window.setTimeout(function () { tidyActiveOption(control); }, 0);
    };
    settings.onLoad = function () { tidyActiveOption(this); };
    // Several choices (the old units of a merge): each chosen one has its own remove button.
    if (select.multiple) settings.plugins = Object.assign({}, settings.plugins, { remove_button: { title: data.clear } });
    var label = select.id && document.querySelector('label[for="' + select.id + '"]');
    new TomSelect(select, settings);
    // Tom Select moves the label to its own input; the hidden original keeps a name too.
    if (label) select.setAttribute("aria-label", label.textContent.trim());
  });
}
document.addEventListener("DOMContentLoaded", function () { danvanAutocomplete(document); });
document.addEventListener("htmx:load", function (event) { danvanAutocomplete(event.target); });

// No inline code or style (the Content-Security-Policy refuses them): the pages mark what they
// need with data- attributes, and this file does it, in the page and in what htmx swaps in.

// A choice list that applies at once (the language menu).
document.addEventListener("change", function (event) {
  if (event.target.matches("select[data-submit-on-change]")) event.target.form.requestSubmit();
});

// "Select all on this page" ticks every row checkbox of its form (the model list's bulk form;
// on a decision's page, the boxes named by data-select-name: "add" or "remove").
document.addEventListener("change", function (event) {
  var all = event.target;
  if (!all.matches("input[data-select-all]")) return;
  var name = all.dataset.selectName || "selected";
  document.querySelectorAll('input[name="' + name + '"][form="' + all.dataset.selectAll + '"]').forEach(function (box) {
    box.checked = all.checked;
  });
});

// Progress bars: their width, in per cent, from data-width.
function danvanWidths(root) {
  root.querySelectorAll("[data-width]").forEach(function (bar) { bar.style.width = bar.dataset.width + "%"; });
}
document.addEventListener("DOMContentLoaded", function () { danvanWidths(document); });
document.addEventListener("htmx:load", function (event) { danvanWidths(event.target); });

// "Back" on the error pages: the previous page of the history when there is one, else the link.
document.addEventListener("click", function (event) {
  var link = event.target.closest("a[data-history-back]");
  if (link && window.history.length > 1) {
    event.preventDefault();
    window.history.back();
  }
});

// Print buttons (data-print): the page's own print styles leave the menus and forms out.
document.addEventListener("click", function (event) {
  var button = event.target.closest ? event.target.closest("[data-print]") : null;
  if (button) window.print();
});
