/* The question form (quiz snippet) shows only the fields of the chosen kind: each panel that concerns some
   kinds names them in data-question-kinds (lms/quiz/wagtail_hooks.py) and is hidden for the others. Hidden
   with the `hidden` attribute, so screen readers skip it too; the fields keep their values. */
(function () {
  "use strict";

  function apply(select) {
    var kind = select.value;
    document.querySelectorAll("[data-question-kinds]").forEach(function (panel) {
      var kinds = panel.getAttribute("data-question-kinds").split(" ");
      var shown = kinds.indexOf(kind) !== -1;
      panel.hidden = !shown;
      if (!shown) {
        panel.style.display = "none"; // Wagtail's panel classes set a display that would beat `hidden`
      } else {
        panel.style.removeProperty("display");
      }
    });
  }

  function start() {
    var select = document.querySelector("select[data-question-kind]");
    if (!select) {
      return;
    }
    select.addEventListener("change", function () {
      apply(select);
    });
    // Answers added with "Add answer" bring their own kind-specific panels.
    new MutationObserver(function () {
      apply(select);
    }).observe(select.form || document.body, { childList: true, subtree: true });
    apply(select);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
