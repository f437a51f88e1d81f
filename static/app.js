// Progressive enhancements of the server-rendered forms. Every page works without this file.
(function () {
  "use strict";

  // Full-width digits and punctuation, as typed with a Chinese input method, to ASCII.
  function fold(s) {
    return s.replace(/[\uFF01-\uFF5E]/g, function (c) {
      return String.fromCharCode(c.charCodeAt(0) - 0xFEE0);
    }).replace(/\u3000/g, " ");
  }

  function echoFor(input) {
    var echo = document.querySelector('[data-echo-for="' + input.name + '"]');
    if (!echo) {
      echo = document.createElement("p");
      echo.className = "echo";
      echo.setAttribute("data-echo-for", input.name);
      input.insertAdjacentElement("afterend", echo);
    }
    return echo;
  }

  // Amounts in 元 are echoed in 万元, so a 元/万元 slip shows at once.
  function showWan(input) {
    var v = fold(input.value).replace(/[,\s]/g, "");
    var echo = echoFor(input);
    if (!/^\d+(\.\d{1,2})?$/.test(v)) {
      echo.textContent = "";
      return;
    }
    var wan = Number(v) / 10000;
    echo.textContent = "= " + wan.toLocaleString("zh-CN", { minimumFractionDigits: 4, maximumFractionDigits: 4 }) + " 万元";
  }

  document.querySelectorAll("input[data-money]").forEach(function (input) {
    input.addEventListener("input", function () { showWan(input); });
  });

  // Code inputs ask the server for matching codes (a code prefix or part of the name).
  var timers = {};
  document.querySelectorAll("input[data-lookup]").forEach(function (input) {
    var list = input.getAttribute("data-lookup");
    var datalist = document.getElementById(list);
    if (!datalist) return;
    input.addEventListener("input", function () {
      clearTimeout(timers[input.name]);
      var q = fold(input.value).trim();
      if (q.length < 2) return;
      timers[input.name] = setTimeout(function () {
        fetch("/codes/" + encodeURIComponent(list) + "?q=" + encodeURIComponent(q), { credentials: "same-origin" })
          .then(function (r) { return r.ok ? r.json() : []; })
          .then(function (items) {
            datalist.replaceChildren.apply(datalist, items.map(function (it) {
              var o = document.createElement("option");
              o.value = it.code;
              o.textContent = it.label;
              return o;
            }));
          })
          .catch(function () {});
      }, 200);
    });
  });

  // A known USCC offers the party's details from the directory.
  ["seller", "buyer"].forEach(function (side) {
    var code = document.querySelector('input[name="' + side + '_uscc"]');
    if (!code) return;
    code.addEventListener("change", function () {
      var q = fold(code.value).trim().toUpperCase();
      var old = document.getElementById(side + "-directory-offer");
      if (old) old.remove();
      if (q.length !== 18) return;
      fetch("/parties/lookup?q=" + encodeURIComponent(q), { credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.json() : []; })
        .then(function (found) {
          var p = found.find(function (f) { return f.uscc === q; });
          if (!p) return;
          var offer = document.createElement("p");
          offer.id = side + "-directory-offer";
          offer.className = "echo";
          offer.textContent = "名录中已有：" + p.name + " ";
          var button = document.createElement("button");
          button.type = "button";
          button.className = "btn btn-small";
          button.textContent = "填入名录信息";
          button.addEventListener("click", function () {
            ["name", "country_code", "admin_code", "nature_code", "address", "zipcode", "representative", "contact", "phone"].forEach(function (k) {
              var el = document.querySelector('[name="' + side + "_" + k + '"]');
              if (el) el.value = p[k];
            });
            offer.textContent = "已填入名录信息（" + p.updated_by + " 于 " + p.updated + " 更新），如有变化可直接修改。";
          });
          offer.appendChild(button);
          code.insertAdjacentElement("afterend", offer);
        })
        .catch(function () {});
    });
  });

  // Print buttons (the certificate); without this file the browser's own print does the same.
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  });
})();
