// The API docs page (templates/drf_spectacular/swagger_ui.html): Swagger UI renders inside
// the page's own <main>, under its h1. Swagger UI's React tree brings a second <main> (its
// operations) and h3 headings right under the h1; as it renders, its operations become a
// named region of the page's main and its headings follow on from the h1 (tags at level 2, an
// operation's sections at 3) (attributes React does not
// manage, so they stay across its re-renders).
"use strict";

(() => {
  const root = document.getElementById("swagger-ui");
  if (!root) {
    return;
  }
  const label = root.dataset.operationsLabel || "Operations";
  const fix = () => {
    for (const inner of root.querySelectorAll("main:not([role])")) {
      inner.setAttribute("role", "region");
      inner.setAttribute("aria-label", label);
    }
    for (const heading of root.querySelectorAll("h3.opblock-tag:not([aria-level])")) {
      heading.setAttribute("aria-level", "2");
    }
    // Each operation's sections (parameters, responses) under its tag's heading.
    for (const heading of root.querySelectorAll(".opblock h4:not([aria-level])")) {
      heading.setAttribute("aria-level", "3");
    }
    for (const heading of root.querySelectorAll(".opblock h5:not([aria-level])")) {
      heading.setAttribute("aria-level", "4");
    }
    for (const heading of root.querySelectorAll("section.models h4:not([aria-level])")) {
      heading.setAttribute("aria-level", "2");
    }
  };
  new MutationObserver(fix).observe(root, {childList: true, subtree: true});
  fix();
})();
