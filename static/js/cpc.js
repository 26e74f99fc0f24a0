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
