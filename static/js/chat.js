/* Online Chat in the browser: each [data-chat] window talks to its chat over a WebSocket
   (servicecenter/consumers.py); [data-console] keeps the service center's queue up to date.

   Nothing is lost or doubled across a dropped connection: every message this tab sends carries its own id
   (client_id) and stays "pending" until the server's copy of it comes back; on reconnecting, the tab asks for
   every message after the last one it has ("hello" with `after`) and sends its pending ones again, which the
   server keeps once per id. Messages are shown by their server id, once each. */
(function () {
  "use strict";

  var MAX_BACKOFF = 10000;

  function socketUrl(path) {
    return (location.protocol === "https:" ? "wss://" : "ws://") + location.host + path;
  }

  function newId() {
    if (window.crypto && crypto.randomUUID) {
      return crypto.randomUUID();
    }
    var bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    var hex = Array.prototype.map.call(bytes, function (b) { return (b + 0x100).toString(16).slice(1); }).join("");
    return hex.slice(0, 8) + "-" + hex.slice(8, 12) + "-" + hex.slice(12, 16) + "-" + hex.slice(16, 20) + "-" + hex.slice(20);
  }

  function fill(text, values) {
    return text.replace(/\{(\w+)\}/g, function (whole, name) {
      return Object.prototype.hasOwnProperty.call(values, name) ? values[name] : whole;
    });
  }

  function Chat(root) {
    this.root = root;
    this.side = root.getAttribute("data-side");
    this.words = function (name) { return root.getAttribute("data-words-" + name) || ""; };
    this.log = root.querySelector("[data-chat-log]");
    this.state = root.querySelector("[data-chat-state]");
    this.typing = root.querySelector("[data-chat-typing]");
    this.input = root.querySelector("[data-chat-input]");
    this.send = root.querySelector("[data-chat-send]");
    this.endButton = root.querySelector("[data-chat-end]");
    this.form = root.querySelector("[data-chat-form]");
    this.timeFormat = new Intl.DateTimeFormat(root.getAttribute("data-language") || "en", { hour: "numeric", minute: "2-digit" });
    this.lastId = 0;
    this.shown = {};
    this.pending = {}; // client_id -> body, until the server's copy arrives
    this.pendingOrder = [];
    this.backoff = 500;
    this.failures = 0;
    this.finished = false;
    this.lastTypingSent = 0;
    this.myId = this.side + ":" + newId();
    this.log.textContent = ""; // the page's copy is what the socket sends again, in order
    this.input.hidden = false;
    this.send.hidden = false;
    this.bind();
    this.connect();
  }

  Chat.prototype.bind = function () {
    var chat = this;
    this.send.addEventListener("click", function () { chat.submit(); });
    this.input.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && !event.shiftKey) {
        event.preventDefault();
        chat.submit();
      }
    });
    this.input.addEventListener("input", function () {
      var now = Date.now();
      if (now - chat.lastTypingSent > 2000 && chat.isOpen()) {
        chat.lastTypingSent = now;
        chat.socket.send(JSON.stringify({ type: "typing" }));
      }
    });
    this.form.addEventListener("submit", function (event) {
      if (chat.isOpen()) {
        event.preventDefault();
        chat.socket.send(JSON.stringify({ type: "close" }));
      }
    });
  };

  Chat.prototype.isOpen = function () {
    return this.socket && this.socket.readyState === WebSocket.OPEN;
  };

  Chat.prototype.connect = function () {
    var chat = this;
    var socket = new WebSocket(socketUrl(this.root.getAttribute("data-socket-path")));
    this.socket = socket;
    socket.addEventListener("open", function () {
      chat.failures = 0;
      chat.backoff = 500;
      chat.root.classList.remove("chat-offline");
      socket.send(JSON.stringify({ type: "hello", after: chat.lastId }));
      chat.pendingOrder.forEach(function (clientId) {
        if (chat.pending[clientId] !== undefined) {
          socket.send(JSON.stringify({ type: "message", client_id: clientId, body: chat.pending[clientId] }));
        }
      });
    });
    socket.addEventListener("message", function (event) {
      var data;
      try { data = JSON.parse(event.data); } catch (error) { return; }
      chat.receive(data);
    });
    socket.addEventListener("close", function () {
      if (chat.socket !== socket || chat.finished) {
        return;
      }
      chat.failures += 1;
      chat.root.classList.add("chat-offline");
      chat.say(chat.failures > 3 ? chat.words("offline") : chat.words("reconnecting"));
      window.setTimeout(function () { chat.connect(); }, chat.backoff);
      chat.backoff = Math.min(chat.backoff * 2, MAX_BACKOFF);
    });
  };

  // For the tests and for a person whose network drops: close the socket as a lost connection would.
  Chat.prototype.drop = function () {
    if (this.socket) {
      this.socket.close();
    }
  };

  Chat.prototype.say = function (text) {
    this.state.textContent = text;
  };

  Chat.prototype.submit = function () {
    var body = this.input.value.trim();
    if (!body || this.finished) {
      return;
    }
    var clientId = newId();
    this.pending[clientId] = body;
    this.pendingOrder.push(clientId);
    this.showPending(clientId, body);
    this.input.value = "";
    if (this.isOpen()) {
      this.socket.send(JSON.stringify({ type: "message", client_id: clientId, body: body }));
    }
  };

  Chat.prototype.showPending = function (clientId, body) {
    var line = document.createElement("li");
    line.className = "chat-line chat-" + this.side + " chat-pending";
    line.setAttribute("data-client-id", clientId);
    line.appendChild(this.author(this.words("you")));
    line.appendChild(document.createTextNode(body));
    var note = document.createElement("span");
    note.className = "muted chat-sending";
    note.textContent = " " + this.words("sending");
    line.appendChild(note);
    this.log.appendChild(line);
    this.scroll();
  };

  Chat.prototype.author = function (name, at) {
    var head = document.createElement("span");
    head.className = "chat-author";
    var strong = document.createElement("strong");
    strong.textContent = name;
    head.appendChild(strong);
    if (at) {
      var time = document.createElement("time");
      time.dateTime = at;
      time.className = "muted";
      time.textContent = " " + this.timeFormat.format(new Date(at));
      head.appendChild(time);
    }
    head.appendChild(document.createTextNode(" "));
    return head;
  };

  Chat.prototype.receive = function (data) {
    if (data.type === "message") {
      this.show(data.message);
    } else if (data.type === "state") {
      this.showState(data.state);
    } else if (data.type === "places") {
      this.showPlace(data.places);
    } else if (data.type === "typing") {
      this.showTyping(data.side);
    } else if (data.type === "refused") {
      if (data.client_id && this.pending[data.client_id] !== undefined) {
        delete this.pending[data.client_id];
        var line = this.log.querySelector('[data-client-id="' + data.client_id + '"]');
        if (line) {
          line.classList.add("chat-refused");
          line.querySelector(".chat-sending").textContent = " " + data.reason;
        }
      }
      if (data.end) {
        this.finish(this.words("gone"));
      }
    }
  };

  Chat.prototype.show = function (message) {
    if (message.id > this.lastId) {
      this.lastId = message.id;
    }
    if (this.shown[message.id]) {
      return;
    }
    this.shown[message.id] = true;
    var mine = message.client_id && this.pending[message.client_id] !== undefined;
    var pendingLine = message.client_id ? this.log.querySelector('[data-client-id="' + message.client_id + '"]') : null;
    if (mine) {
      delete this.pending[message.client_id];
    }
    var line = document.createElement("li");
    line.className = "chat-line chat-" + message.side;
    line.setAttribute("data-id", message.id);
    if (message.event) {
      var text = message.event === "taken" ? this.words("taken")
        : message.event === "handed_over" ? this.words("handed-over")
        : message.event === "timed_out" ? this.words("timed-out") : this.words("ended");
      line.appendChild(document.createTextNode(fill(text, { name: message.author, to: message.body })));
    } else {
      var own = message.side === this.side;
      line.appendChild(this.author(own && this.side === "person" ? this.words("you") : message.author, message.at));
      line.appendChild(document.createTextNode(message.body));
    }
    if (pendingLine) {
      this.log.replaceChild(line, pendingLine);
    } else {
      this.log.appendChild(line);
    }
    if (message.side !== "event" && message.side !== this.side) {
      this.typing.textContent = "";
    }
    this.scroll();
  };

  Chat.prototype.showState = function (state) {
    if (state.id && String(state.id) !== this.root.getAttribute("data-socket-path").split("/")[3]) {
      return;
    }
    this.status = state.status;
    var staff = this.side === "staff";
    if (state.status === "waiting") {
      this.say(staff ? this.words("waiting-staff") : fill(this.words("waiting"), { place: state.place || 1 }));
    } else if (state.status === "active") {
      if (staff && String(state.staff_id) !== this.root.getAttribute("data-me")) {
        this.finish(fill(this.words("handed"), { name: state.staff })); // handed over: this window is done
      } else if (staff) {
        this.say(this.words("active-staff"));
      } else {
        this.say(fill(this.words("active"), { name: state.staff }));
      }
    } else if (state.status === "closed") {
      this.finish(staff ? this.words("closed-staff") : this.words("closed"));
    }
  };

  Chat.prototype.showPlace = function (places) {
    if (this.status !== "waiting" || this.side !== "person") {
      return;
    }
    var id = Number(this.root.getAttribute("data-socket-path").split("/")[3]);
    var language = Object.keys(places).filter(function (key) { return places[key].indexOf(id) >= 0; })[0];
    if (language) {
      this.say(fill(this.words("waiting"), { place: places[language].indexOf(id) + 1 }));
    }
  };

  Chat.prototype.showTyping = function (side) {
    var chat = this;
    this.typing.textContent = side === "staff" ? this.words("typing-staff") : this.words("typing-person");
    window.clearTimeout(this.typingTimer);
    this.typingTimer = window.setTimeout(function () { chat.typing.textContent = ""; }, 4000);
  };

  Chat.prototype.finish = function (text) {
    if (this.finished) {
      return; // the first reason given stays (taken over, ended), not the closing that follows it
    }
    this.finished = true;
    this.say(text);
    this.typing.textContent = "";
    this.input.disabled = true;
    this.send.disabled = true;
    this.endButton.hidden = true;
    this.root.classList.add("chat-ended");
    if (this.socket && this.socket.readyState <= WebSocket.OPEN) {
      this.socket.close();
    }
  };

  Chat.prototype.scroll = function () {
    this.log.scrollTop = this.log.scrollHeight;
  };

  // The service center's queue, as it changes: who waits, in which language, since when.
  function Console(root) {
    var list = root.querySelector("[data-queue]");
    var count = root.querySelector("[data-queue-count]");
    var spanish = root.getAttribute("data-spanish") === "1";
    var words = function (name) { return root.getAttribute("data-words-" + name) || ""; };
    var waiting = [];
    var backoff = 500;
    function render() {
      list.textContent = "";
      count.textContent = String(waiting.length);
      if (!waiting.length) {
        var empty = document.createElement("li");
        empty.className = "muted";
        empty.textContent = words("empty");
        list.appendChild(empty);
        return;
      }
      waiting.forEach(function (row) {
        var item = document.createElement("li");
        item.setAttribute("data-language", row.language);
        var name = document.createElement("strong");
        name.textContent = row.name;
        item.appendChild(name);
        var minutes = Math.max(0, Math.floor((Date.now() - new Date(row.opened_at).getTime()) / 60000));
        var about = document.createElement("span");
        about.className = "muted";
        about.textContent = (row.language === "es" ? words("spanish") : words("english")) + " · " + fill(words("waited"), { minutes: minutes });
        item.appendChild(about);
        if (row.language !== "es" || spanish) {
          var form = document.createElement("form");
          form.method = "post";
          form.className = "inline-form";
          form.action = root.getAttribute("data-take-path").replace("/0/", "/" + row.id + "/");
          var token = document.createElement("input");
          token.type = "hidden";
          token.name = "csrfmiddlewaretoken";
          token.value = root.getAttribute("data-csrf");
          form.appendChild(token);
          var button = document.createElement("button");
          button.type = "submit";
          button.className = "button";
          button.textContent = words("take");
          form.appendChild(button);
          item.appendChild(form);
        }
        list.appendChild(item);
      });
    }
    function handedOver() {
      if (root.querySelector("[data-handed-over]")) {
        return;
      }
      // Said, not done: reloading now would lose what the member is typing in another chat.
      var notice = document.createElement("p");
      notice.className = "notice";
      notice.setAttribute("data-handed-over", "");
      notice.setAttribute("role", "status");
      var link = document.createElement("a");
      link.href = window.location.pathname;
      link.textContent = words("handed-to-you");
      notice.appendChild(link);
      root.insertBefore(notice, root.firstChild);
    }
    function connect() {
      var socket = new WebSocket(socketUrl(root.getAttribute("data-socket-path")));
      socket.addEventListener("open", function () { backoff = 500; });
      socket.addEventListener("message", function (event) {
        var data;
        try { data = JSON.parse(event.data); } catch (error) { return; }
        if (data.type === "queue") {
          waiting = data.queue.waiting;
          render();
        } else if (data.type === "state" && data.state.status === "active"
                   && String(data.state.staff_id) === root.getAttribute("data-me")
                   && !document.querySelector('[data-chat][data-socket-path="/ws/chat/' + data.state.id + '/"]')) {
          handedOver(); // a colleague handed this member a chat
        }
      });
      socket.addEventListener("close", function () {
        window.setTimeout(connect, backoff);
        backoff = Math.min(backoff * 2, MAX_BACKOFF);
      });
    }
    window.setInterval(render, 30000); // waiting times move on
    connect();
  }

  window.portalChats = [];
  document.querySelectorAll("[data-chat]").forEach(function (root) {
    window.portalChats.push(new Chat(root));
  });
  document.querySelectorAll("[data-console]").forEach(function (root) {
    Console(root);
  });
})();
