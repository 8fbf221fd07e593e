// govsite serve: reload the page after each rebuild. Served only by `govsite serve`, never
// part of a built site.
"use strict";
(function () {
  var seen = null;
  function poll() {
    fetch("/__govsite/generation", { cache: "no-store" })
      .then(function (response) { return response.text(); })
      .then(function (generation) {
        if (seen !== null && generation !== seen) window.location.reload();
        seen = generation;
      })
      .catch(function () {})
      .then(function () { setTimeout(poll, 700); });
  }
  poll();
})();
