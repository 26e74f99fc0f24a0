// Behaviour of the pages, kept out of the HTML: the Content Security Policy allows no inline
// script and no on* attributes.
"use strict";

// <button data-print>: print the page (the dialogue preparation pack).
document.addEventListener("click", (event) => {
  if (event.target.closest("[data-print]")) {
    event.preventDefault();
    window.print();
  }
});

// The error summary of a form sent back with errors (includes/form_errors.html) takes the
// focus, so the person hears what is wrong first; its links lead to each field.
const focusErrorSummary = () => {
  const summary = document.querySelector("[data-error-summary]");
  if (summary) {
    summary.focus();
  }
};
if (document.readyState === "loading") {
  document.addEventListener("DOMContentLoaded", focusErrorSummary);
} else {
  focusErrorSummary();
}
