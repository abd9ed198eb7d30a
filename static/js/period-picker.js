/* Report period picker: show only the inputs of the chosen kind of period.
   Without JavaScript every input stays visible and the form still works. */
(function () {
  "use strict";
  document.querySelectorAll("form[data-period-picker]").forEach(function (form) {
    var select = form.querySelector("select[name=period]");
    if (!select) return;
    var groups = form.querySelectorAll("[data-period-for]");
    function update() {
      groups.forEach(function (group) {
        var kinds = group.getAttribute("data-period-for").split(" ");
        var shown = kinds.indexOf(select.value) !== -1;
        group.hidden = !shown;
        group.querySelectorAll("input, select").forEach(function (input) { input.disabled = !shown; });
      });
    }
    select.addEventListener("change", update);
    update();
  });
})();
