/* The portal's only script (the Content-Security-Policy allows no inline code):
   confirmations before destructive actions, choosing every row of a page, and the session-timeout warning. */
(function () {
  "use strict";

  document.addEventListener("click", function (event) {
    var element = event.target.closest("[data-confirm]");
    if (element && !window.confirm(element.getAttribute("data-confirm"))) {
      event.preventDefault();
    }
  });

  // "Choose every row on this page": a box in a list's header ticks the rows of the form it names. Shown only
  // where this script runs; without it, rows are ticked one by one.
  document.querySelectorAll("[data-check-page]").forEach(function (all) {
    var rows = document.querySelectorAll(
      'input[type="checkbox"][name="chosen"][form="' + all.getAttribute("data-check-page") + '"]'
    );
    all.hidden = false;
    all.addEventListener("change", function () {
      rows.forEach(function (box) {
        box.checked = all.checked;
      });
    });
  });

  var body = document.body;
  var idle = parseInt(body.getAttribute("data-session-idle") || "0", 10);
  var banner = document.getElementById("session-warning");
  if (!idle || !banner) {
    return;
  }
  var warnBefore = parseInt(body.getAttribute("data-session-warning"), 10);
  var token = document.querySelector('meta[name="csrf-token"]').getAttribute("content");
  var button = banner.querySelector("[data-session-keepalive]");
  var timer = null;

  function signedOut() {
    window.location.assign(body.getAttribute("data-session-expired-url"));
  }

  function schedule(secondsLeft) {
    window.clearTimeout(timer);
    if (secondsLeft > warnBefore) {
      banner.hidden = true;
      timer = window.setTimeout(check, (secondsLeft - warnBefore) * 1000);
    } else {
      if (banner.hidden) {
        banner.hidden = false;
        button.focus();
      }
      timer = window.setTimeout(check, Math.max(secondsLeft, 1) * 1000);
    }
  }

  function answer(response) {
    if (response.status === 401 || response.status === 403) {
      signedOut();
      return null;
    }
    return response.json();
  }

  // Another tab may have kept the session alive: ask the server before warning or leaving.
  function check() {
    fetch(body.getAttribute("data-session-status-url"), {
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    })
      .then(answer)
      .then(function (data) {
        if (!data) {
          return;
        }
        if (data.seconds_left <= 0) {
          signedOut();
        } else {
          schedule(data.seconds_left);
        }
      })
      .catch(function () {
        timer = window.setTimeout(check, 15000);
      });
  }

  button.addEventListener("click", function () {
    fetch(body.getAttribute("data-session-keepalive-url"), {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRFToken": token, Accept: "application/json" },
    })
      .then(answer)
      .then(function (data) {
        if (data) {
          schedule(data.seconds_left);
        }
      });
  });

  schedule(idle);
})();
