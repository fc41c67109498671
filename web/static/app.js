// Search page behaviour: "/" focuses the search box; suggestions as you type.
// Everything here is optional: the search form and all links work without it.
(function () {
  "use strict";

  function isTyping(target) {
    return target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName));
  }

  document.addEventListener("keydown", function (event) {
    if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey || isTyping(event.target)) {
      return;
    }
    var box = document.getElementById("q");
    if (box) {
      event.preventDefault();
      box.focus();
      box.select();
    }
  });

  var KIND_LABELS = { title: "文章", tag: "标签" };

  function Suggester(input, list) {
    this.input = input;
    this.list = list;
    this.items = [];
    this.active = -1;
    this.timer = null;
    this.controller = null;
    this.composing = false;
    input.addEventListener("input", this.onInput.bind(this));
    // An input method (pinyin, …) types Latin letters until the reader picks
    // the characters: suggest for those, when the composition ends.
    input.addEventListener("compositionstart", this.onCompositionStart.bind(this));
    input.addEventListener("compositionend", this.onCompositionEnd.bind(this));
    input.addEventListener("keydown", this.onKey.bind(this));
    input.addEventListener("blur", this.hide.bind(this));
    list.addEventListener("mousedown", function (event) { event.preventDefault(); });
  }

  Suggester.prototype.onInput = function (event) {
    if (this.composing || event.isComposing) { return; }
    this.schedule();
  };

  Suggester.prototype.onCompositionStart = function () {
    this.composing = true;
    clearTimeout(this.timer);
    if (this.controller) { this.controller.abort(); }
    this.hide();
  };

  Suggester.prototype.onCompositionEnd = function () {
    this.composing = false;
    this.schedule();
  };

  Suggester.prototype.schedule = function () {
    clearTimeout(this.timer);
    this.timer = setTimeout(this.fetch.bind(this), 120);
  };

  Suggester.prototype.fetch = function () {
    var q = this.input.value.trim();
    if (this.controller) { this.controller.abort(); }
    if (!q) { this.hide(); return; }
    this.controller = new AbortController();
    var self = this;
    fetch("/api/suggest?q=" + encodeURIComponent(q), { signal: this.controller.signal })
      .then(function (response) { return response.ok ? response.json() : { suggestions: [] }; })
      .then(function (data) {
        if (self.input.value.trim() === q) { self.show(data.suggestions || []); }
      })
      .catch(function () { /* aborted or offline: keep the plain form */ });
  };

  Suggester.prototype.show = function (suggestions) {
    var list = this.list;
    list.textContent = "";
    this.items = suggestions.map(function (suggestion, i) {
      var item = document.createElement("li");
      item.setAttribute("role", "option");
      item.id = "suggestion-" + i;
      var link = document.createElement("a");
      link.href = suggestion.url;
      var kind = document.createElement("span");
      kind.className = "kind kind-" + suggestion.kind;
      kind.textContent = KIND_LABELS[suggestion.kind] || suggestion.kind;
      var text = document.createElement("span");
      text.className = "text";
      text.textContent = suggestion.text;
      link.appendChild(kind);
      link.appendChild(text);
      item.appendChild(link);
      list.appendChild(item);
      return item;
    });
    this.active = -1;
    list.hidden = this.items.length === 0;
    this.input.setAttribute("aria-expanded", String(!list.hidden));
  };

  Suggester.prototype.hide = function () {
    this.list.hidden = true;
    this.input.setAttribute("aria-expanded", "false");
    this.input.removeAttribute("aria-activedescendant");
    this.active = -1;
  };

  Suggester.prototype.move = function (step) {
    var count = this.items.length;
    if (!count) { return; }
    if (this.active >= 0) { this.items[this.active].classList.remove("active"); }
    this.active = (this.active + 1 + step + count + 1) % (count + 1) - 1;
    if (this.active >= 0) {
      this.items[this.active].classList.add("active");
      this.input.setAttribute("aria-activedescendant", this.items[this.active].id);
    } else {
      this.input.removeAttribute("aria-activedescendant");
    }
  };

  Suggester.prototype.onKey = function (event) {
    if (this.list.hidden || event.isComposing) { return; }
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      this.move(event.key === "ArrowDown" ? 1 : -1);
    } else if (event.key === "Escape") {
      this.hide();
    } else if (event.key === "Enter" && this.active >= 0) {
      event.preventDefault();
      window.location.href = this.items[this.active].querySelector("a").href;
    }
  };

  document.addEventListener("DOMContentLoaded", function () {
    var input = document.getElementById("q");
    var list = document.getElementById("suggestions");
    if (input && list && window.fetch) { new Suggester(input, list); }
  });
})();
