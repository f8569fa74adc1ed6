/* yusuan language switch: both languages are in every page; this shows one and remembers the choice
   (localStorage and a cookie, so it holds after a reload and across pages). No network, no dependencies. */
(function () {
  "use strict";
  var KEY = "yusuan_lang";
  function stored() {
    var value = null;
    try { value = window.localStorage.getItem(KEY); } catch (e) { value = null; }
    if (!value) {
      var match = document.cookie.match(/(?:^|;\s*)yusuan_lang=(zh|en)/);
      value = match ? match[1] : null;
    }
    return value === "en" ? "en" : "zh";
  }
  function apply(lang) {
    var root = document.documentElement;
    root.setAttribute("data-lang", lang);
    root.setAttribute("lang", lang === "en" ? "en" : "zh-Hans");
  }
  function remember(lang) {
    try { window.localStorage.setItem(KEY, lang); } catch (e) { /* private mode: the cookie still holds it */ }
    document.cookie = KEY + "=" + lang + "; path=/; max-age=31536000; SameSite=Lax";
  }
  apply(stored());
  document.addEventListener("DOMContentLoaded", function () {
    var button = document.getElementById("lang-switch");
    if (!button) { return; }
    button.addEventListener("click", function () {
      var next = document.documentElement.getAttribute("data-lang") === "en" ? "zh" : "en";
      apply(next);
      remember(next);
    });
  });
}());
