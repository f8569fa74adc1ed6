/* yusuan language switch: both languages are in every page; this shows one and remembers the choice
   (localStorage and the yusuan_lang cookie, so it holds after a reload and across pages). A link can carry the
   language: ?_lang=en or ?_lang=zh sets it (and remembers it). Datasette's own pages print a title as
   "中文 / English" and a description as the Chinese, a blank line, the English: they are split into the two
   languages here, and Datasette's own words (rows sorted by, Apply, View and edit SQL, home …) are given in
   Chinese from the table below, so they follow the switch too. A canned query's :document parameter becomes a
   list of the documents by name (a JSON data block the footer prints: site/plugins/yusuan_pages.py); its
   parameters are labelled in both languages; the window's title follows the switch (tables, queries, SQL).
   No network, no dependencies. */
(function () {
  "use strict";
  var KEY = "yusuan_lang";
  var titles = null;  // the page title in both languages, once split
  function asked() {
    var match = window.location.search.match(/[?&]_lang=(zh|en)(?:&|$)/);
    return match ? match[1] : null;
  }
  function stored() {
    var value = asked();
    if (!value) {
      try { value = window.localStorage.getItem(KEY); } catch (e) { value = null; }
    }
    if (!value) {
      var match = document.cookie.match(/(?:^|;\s*)yusuan_lang=(zh|en)/);
      value = match ? match[1] : null;
    }
    return value === "en" ? "en" : "zh";
  }
  function remember(lang) {
    try { window.localStorage.setItem(KEY, lang); } catch (e) { /* private mode: the cookie still holds it */ }
    document.cookie = KEY + "=" + lang + "; path=/; max-age=31536000; SameSite=Lax";
  }
  /* Datasette 0.65's words, in the order tried: [English (a regular expression over one text), Chinese]. */
  var WORDS = [
    [/^home$/, "首页"],
    [/^Search:$/, "搜索："],
    [/^- remove filter -$/, "- 移除条件 -"],
    [/^- column -$/, "- 列 -"],
    [/^Sort\.\.\.$/, "排序…"],
    [/^Sort by (.+)$/, "按 $1 排序"],
    [/^descending$/, "降序"],
    [/^Apply$/, "应用"],
    [/^View and edit SQL$/, "查看和编辑 SQL"],
    [/^This data as$/, "数据格式："],
    [/^advanced$/, "高级"],
    [/^Next page$/, "下一页"],
    [/^Advanced export$/, "高级导出"],
    [/^JSON shape:$/, "JSON 形式："],
    [/^default$/, "默认"],
    [/^array$/, "数组"],
    [/^newline-delimited$/, "逐行"],
    [/^object$/, "对象"],
    [/^CSV options:$/, "CSV 选项："],
    [/^download file$/, "下载文件"],
    [/^expand labels$/, "展开标签"],
    [/^stream all rows$/, "输出全部行"],
    [/^Export CSV$/, "导出 CSV"],
    [/^Query parameters$/, "查询参数"],
    [/^Run SQL$/, "运行 SQL"],
    [/^Edit SQL$/, "编辑 SQL"],
    [/^Format SQL$/, "格式化 SQL"],
    [/^hide$/, "隐藏"],
    [/^show$/, "显示"],
    [/^0 results$/, "没有结果"],
    [/^0 records$/, "没有记录"],
    [/^Queries$/, "查询"],
    [/^Tables$/, "表"],
    [/^Views$/, "视图"],
    [/^Hidden tables$/, "隐藏的表"],
    [/^Many rows$/, "很多行"],
    [/^Download SQLite DB:$/, "下载 SQLite 数据库："],
    [/^\(view\)$/, "（视图）"],
    [/^Custom SQL query(?: returning (more than )?([\d,]+) rows?)?$/, function (m, more, n) {
      return "自定义 SQL 查询" + (n ? "，返回" + (more ? "超过 " : " ") + n + " 行" : ""); }],
    [/^([\d,]+) rows?((?: where .*?)?)((?: sorted by \S+(?: descending)?)?)$/, function (m, n, where, sort) {
      var out = n + " 行";
      if (where) { out += "，条件：" + where.replace(/^ where /, "").replace(/ and /g, " 且 "); }
      if (sort) {
        var desc = / descending$/.test(sort);
        out += "，按 " + sort.replace(/^ sorted by /, "").replace(/ descending$/, "") + (desc ? " 降序" : " 排序");
      }
      return out; }],
    [/^([\d,]+) extra where clauses?$/, "$1 个额外条件"],
    [/^remove$/, "移除"],
    [/^These facets timed out:/, "这些分面超时："],
    [/^Suggested facets:$/, "建议的分面："],
    [/^Data license:$/, "数据许可："],
    [/^Links from other tables$/, "其他表中与此行相连的行"],
    [/^from (\S+) in (\S+)$/, "（$2 表的 $1）"],
    [/^· Data source:$/, "· 数据来源："],
    [/^Data source:$/, "数据来源："],
    [/^Powered by$/, "技术支持："]
  ];
  var OPERATORS = {"=": "=", "!=": "≠", "contains": "包含", "does not contain": "不包含", "ends with": "结尾是",
    "starts with": "开头是", "like": "like", "not like": "not like", "glob": "glob", ">": ">", ">=": "≥", "<": "<", "<=": "≤",
    "in": "属于", "not in": "不属于", "is empty": "为空", "is not empty": "不为空", "is null": "为 null", "is not null": "不为 null",
    "is blank": "为空白", "is not blank": "不为空白", "array contains": "数组包含", "array does not contain": "数组不包含",
    "date": "日期"};
  function chinese(text) {
    var clean = text.replace(/\s+/g, " ").trim();
    if (!clean) { return null; }
    for (var i = 0; i < WORDS.length; i++) {
      if (WORDS[i][0].test(clean)) { return clean.replace(WORDS[i][0], WORDS[i][1]); }
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
  var SKIP = /^(SCRIPT|STYLE|TEXTAREA|PRE|CODE|TD|TITLE|svg|SVG|OPTION|SELECT)$/;
  function datasetteWords(root) {
    /* every text of Datasette's own templates in the table above: replaced by its two languages */
    var walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT, {acceptNode: function (node) {
      for (var el = node.parentNode; el && el !== root; el = el.parentNode) {
        if (SKIP.test(el.nodeName) || (el.classList && (el.classList.contains("zh") || el.classList.contains("en")
            || el.classList.contains("facet-results")))) {  /* data: values, never translated */
          return NodeFilter.FILTER_REJECT;
        }
      }
      return NodeFilter.FILTER_ACCEPT;
    }});
    var found = [];
    for (var node = walker.nextNode(); node; node = walker.nextNode()) { found.push(node); }
    found.forEach(function (node) {
      var zh = chinese(node.nodeValue);
      if (zh === null) { return; }
      var pair = document.createElement("span");
      pair.className = "yusuan-words";
      pair.appendChild(span("zh", zh));
      pair.appendChild(span("en", node.nodeValue.replace(/\s+/g, " ").trim()));
      var parent = node.parentNode;
      if (/^\s/.test(node.nodeValue)) { parent.insertBefore(document.createTextNode(" "), node); }
      if (/\s$/.test(node.nodeValue)) { parent.insertBefore(document.createTextNode(" "), node.nextSibling); }
      parent.replaceChild(pair, node);
    });
    /* buttons (input values) and the options of Datasette's filter and sort lists: two texts kept as data-* */
    var controls = root.querySelectorAll("input[type=submit], input[type=button], button:not(#lang-switch), option");
    for (var i = 0; i < controls.length; i++) {
      var el = controls[i];
      var text = el.nodeName === "INPUT" ? el.value : el.textContent;
      var zh = el.nodeName === "OPTION" && OPERATORS.hasOwnProperty(text.trim()) ? OPERATORS[text.trim()] : chinese(text);
      if (zh === null || el.hasAttribute("data-text-en")) { continue; }
      el.setAttribute("data-text-en", text.trim());
      el.setAttribute("data-text-zh", zh);
    }
  }
  function controlsIn(lang) {
    var controls = document.querySelectorAll("[data-text-en][data-text-zh]");
    for (var i = 0; i < controls.length; i++) {
      var el = controls[i], text = el.getAttribute(lang === "en" ? "data-text-en" : "data-text-zh");
      if (el.nodeName === "INPUT") { el.value = text; } else { el.textContent = text; }
    }
  }
  function apply(lang) {
    var root = document.documentElement;
    root.setAttribute("data-lang", lang);
    root.setAttribute("lang", lang === "en" ? "en" : "zh-Hans");
    if (titles) { document.title = lang === "en" ? titles.en : titles.zh; }
    if (document.body) { controlsIn(lang); }
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
  function bilingual(el) {
    /* an element of Datasette's own pages holding only text: its two languages as .zh and .en spans */
    if (el.querySelector(".zh, .en") || el.children.length) { return; }
    var parts = split(el.textContent);
    if (!parts) { return; }
    el.textContent = "";
    el.appendChild(span("zh", parts[0]));
    el.appendChild(span("en", parts[1]));
  }
  /* a canned query's parameters (metadata/queries/*.yaml params), labelled in both languages (metadata/site/parameters.yaml) */
  function parameterLabels() {
    var data = document.getElementById("yusuan-parameters");  /* metadata/site/parameters.yaml, by the plugin */
    if (!data) { return; }
    var PARAMS = JSON.parse(data.textContent);
    var labels = document.querySelectorAll("form.sql label[for]");
    for (var i = 0; i < labels.length; i++) {
      var label = labels[i], name = label.textContent.trim();
      if (label.children.length || !PARAMS.hasOwnProperty(name)) { continue; }
      label.textContent = "";
      label.appendChild(span("zh", PARAMS[name][0]));
      label.appendChild(span("en", PARAMS[name][1]));
      label.setAttribute("title", name);
    }
  }
  function pageTitles() {
    /* the window's title in both languages: "中文 / English" split; Datasette's table title
       ("db: table: 15 rows where … sorted by …") and query titles ("db: SELECT …") from the page's heading */
    var title = split(document.title);
    if (title) { return {zh: title[0], en: title[1]}; }
    var body = document.body.classList, h1 = document.querySelector("h1");
    var zh = h1 && h1.querySelector(".zh"), en = h1 && h1.querySelector(".en");
    var named = zh && en ? {zh: zh.textContent.trim(), en: en.textContent.trim()} : null;
    var table = document.title.match(/^[^:]+: [^:]+: (.+)$/);
    if (body.contains("table") && table) {
      var rest = table[1].replace(/\s+/g, " ").trim(), rest_zh = chinese(rest) || rest;
      return named ? {zh: named.zh + "：" + rest_zh, en: named.en + ": " + rest}
        : {zh: document.title.slice(0, -table[1].length).replace(/: /g, "：") + rest_zh, en: document.title};
    }
    if (body.contains("query")) {
      if (named) { return named; }
      var sql = document.title.replace(/^[^:]+: /, "");
      return {zh: "自定义 SQL 查询：" + sql, en: "Custom SQL query: " + sql};
    }
    return null;
  }
  function documentChoices() {
    /* a canned query's document parameter: a list of the documents by name (the value stays the id), fetched
       from where the page says (one file the browser keeps for this database); the text box stays until it comes */
    var data = document.getElementById("yusuan-documents");
    var inputs = document.querySelectorAll("form.sql input[type=text][name=document]");
    if (!data || !inputs.length || !window.fetch) { return; }
    fetch(JSON.parse(data.textContent).src, {credentials: "same-origin"}).then(function (response) {
      return response.ok ? response.json() : null;
    }).then(function (docs) {
      if (docs) { documentLists(inputs, docs); }
    }).catch(function () { /* the text box stays: an id typed still works */ });
  }
  function documentLists(inputs, docs) {
    for (var i = 0; i < inputs.length; i++) {
      var input = inputs[i], select = document.createElement("select");
      select.id = input.id;
      select.name = input.name;
      select.className = "document-choice";
      var all = document.createElement("option");
      all.value = "";
      all.setAttribute("data-text-zh", "全部文件");
      all.setAttribute("data-text-en", "Every document");
      select.appendChild(all);
      docs.forEach(function (d) {
        var option = document.createElement("option");
        option.value = d.id;
        option.setAttribute("data-text-zh", d.zh);
        option.setAttribute("data-text-en", d.en);
        option.selected = d.id === input.value;
        select.appendChild(option);
      });
      input.parentNode.replaceChild(select, input);
    }
    controlsIn(document.documentElement.getAttribute("data-lang") || stored());
  }
  var first = stored();
  if (asked()) { remember(first); }
  apply(first);
  document.addEventListener("DOMContentLoaded", function () {
    var nodes = document.querySelectorAll("h1, .metadata-description, dl.column-descriptions dd, body.db li a");
    for (var i = 0; i < nodes.length; i++) { bilingual(nodes[i]); }
    titles = pageTitles();
    parameterLabels();
    documentChoices();
    datasetteWords(document.body);
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
