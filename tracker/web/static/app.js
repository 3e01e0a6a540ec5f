// ITA Tracker: htmx sends the session's form secret with every request it makes.
document.addEventListener("htmx:configRequest", function (event) {
  var meta = document.querySelector('meta[name="csrf-token"]');
  if (meta) { event.detail.headers["X-CSRF-Token"] = meta.content; }
});

// A refused change (4xx) shows its one line beside the form that sent it, instead of nothing.
document.addEventListener("htmx:beforeSwap", function (event) {
  var status = event.detail.xhr.status;
  if (status < 400 || status >= 600) { return; }
  // The element that sent the request (the event's own elt is the swap target).
  var source = (event.detail.requestConfig && event.detail.requestConfig.elt) || event.detail.elt;
  var form = source.closest("form");
  var place = form && form.querySelector(".form-error");
  if (!place) { return; }
  event.detail.shouldSwap = true;
  event.detail.isError = false;
  event.detail.target = place;
  event.detail.swapOverride = "innerHTML";
});
