/* yusuan language switch: both languages are in every page; this shows one and remembers the choice
   (localStorage and a cookie, so it holds after a reload and across pages). Datasette's own pages print a
   title as "中文 / English" and a description as the Chinese, a blank line, the English: they are split into
   the two languages here, so they follow the switch too. No network, no dependencies. */
(function () {
  "use strict";
  var KEY = "yusuan_lang";
  var titles = null;  // the page title in both languages, once split
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
    if (titles) { document.title = lang === "en" ? titles.en : titles.zh; }
  }
  function remember(lang) {
    try { window.localStorage.setItem(KEY, lang); } catch (e) { /* private mode: the cookie still holds it */ }
    document.cookie = KEY + "=" + lang + "; path=/; max-age=31536000; SameSite=Lax";
  }
  function split(text) {
    /* [zh, en] of a bilingual text, or null: "中文 / English", or "中文\n\nEnglish" */
    text = text.trim();
    var parts = text.split(/\n\s*\n/);
    if (parts.length >= 2) {
      return [parts[0].trim(), parts.slice(1).join("\n\n").trim()];
    }
    var slash = text.indexOf(" / ");
    if (slash > 0 && /[\u3400-\u9fff]/.test(text.slice(0, slash))) {
      return [text.slice(0, slash).trim(), text.slice(slash + 3).trim()];
    }
    return null;
  }
  function span(lang, text) {
    var s = document.createElement("span");
    s.className = lang;
    s.setAttribute("lang", lang === "en" ? "en" : "zh-Hans");
    s.textContent = text;
    return s;
  }
  function bilingual(el) {
    /* an element of Datasette's own pages holding only text: its two languages as .zh and .en spans */
    if (el.querySelector(".zh, .en") || el.children.length) { return; }
    var parts = split(el.textContent);
    if (!parts) { return; }
    el.textContent = "";
    el.appendChild(span("zh", parts[0]));
    el.appendChild(span("en", parts[1]));
  }
  apply(stored());
  document.addEventListener("DOMContentLoaded", function () {
    var title = split(document.title);
    if (title) { titles = {zh: title[0], en: title[1]}; }
    var nodes = document.querySelectorAll("h1, .metadata-description, dl.column-descriptions dd, body.db li a");
    for (var i = 0; i < nodes.length; i++) { bilingual(nodes[i]); }
    apply(document.documentElement.getAttribute("data-lang") || stored());
    var button = document.getElementById("lang-switch");
    if (!button) { return; }
    button.addEventListener("click", function () {
      var next = document.documentElement.getAttribute("data-lang") === "en" ? "zh" : "en";
      apply(next);
      remember(next);
    });
  });
}());
