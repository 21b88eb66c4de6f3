/* The portal's only script (the Content-Security-Policy allows no inline code):
   confirmations before destructive actions, choosing every row of a page, the menu and tables on a phone, and
   the session-timeout warning. */
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

  // The menu: behind one button on a phone, or wherever its items would not fit on one row (a long Spanish
  // menu on a narrow laptop); open and shut with the button, Escape shuts it. Without this script every item
  // simply shows.
  var header = document.querySelector(".site-header.has-menu");
  if (header) {
    var toggle = header.querySelector(".menu-toggle");
    var items = header.querySelectorAll(".main-nav li");
    var phone = window.matchMedia("(max-width: 720px)");
    toggle.hidden = false;
    var place = function () {
      header.classList.remove("menu-collapsible");
      var wraps = items.length > 1 && items[items.length - 1].offsetTop > items[0].offsetTop + 4;
      header.classList.toggle("menu-collapsible", phone.matches || wraps);
    };
    var setOpen = function (open) {
      header.classList.toggle("menu-open", open);
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
    };
    toggle.addEventListener("click", function () {
      setOpen(!header.classList.contains("menu-open"));
    });
    header.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && header.classList.contains("menu-open")) {
        setOpen(false);
        toggle.focus();
      }
    });
    var pending = null;
    window.addEventListener("resize", function () {
      window.clearTimeout(pending);
      pending = window.setTimeout(place, 100);
    });
    place();
  }

  // Long filter panels start shut on a phone (their summary says how many filters are in use), unless one of
  // their fields is in error; on a wider screen they are always open.
  document.querySelectorAll("details[data-shut-on-phone]").forEach(function (panel) {
    var phone = window.matchMedia("(max-width: 720px)");
    if (phone.matches && !panel.querySelector(".field-error")) {
      panel.open = false;
    }
    phone.addEventListener("change", function () {
      if (!phone.matches) {
        panel.open = true;
      }
    });
  });

  // Tables become stacked rows (label: value) on a phone: each cell is given its column's heading to show
  // before it. The headings stay as the row of sort links.
  document.querySelectorAll("table.table").forEach(function (table) {
    var headings = table.querySelectorAll("thead tr:last-child th");
    if (!headings.length) {
      return;
    }
    var labels = [];
    headings.forEach(function (th) {
      for (var n = 0; n < (th.colSpan || 1); n += 1) {
        labels.push(th.textContent.replace(/\s+/g, " ").trim());
      }
    });
    table.classList.add("stackable");
    table.querySelectorAll("tbody tr").forEach(function (row) {
      var column = 0;
      Array.prototype.forEach.call(row.children, function (cell) {
        // A cell across the whole row ("No documents yet.") is a sentence, not a value of one column.
        if (!cell.hasAttribute("data-label") && labels[column] && (cell.colSpan || 1) < labels.length) {
          cell.setAttribute("data-label", labels[column]);
        }
        column += cell.colSpan || 1;
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
