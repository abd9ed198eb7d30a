// Filter forms: leave empty fields out of the URL, so that links stay short and shareable.
document.addEventListener("submit", function (event) {
  var form = event.target;
  if (!form.classList.contains("filters") || form.method.toLowerCase() !== "get") return;
  Array.prototype.forEach.call(form.elements, function (field) {
    if (field.name && field.value === "") field.disabled = true;
  });
});
