// Accessibility fixes for Django's own admin widgets, loaded on the offer form.
// SelectFilter2 (the two-box lists) puts an aria-label on a bare <span>, the filter icon;
// ARIA permits no label there. As role="img" the icon keeps its label for screen readers.
// Runs on "load", after SelectFilter2 (whose script comes first) has built its boxes.
window.addEventListener("load", () => {
  for (const icon of document.querySelectorAll(".search-label-icon[aria-label]:not([role])")) {
    icon.setAttribute("role", "img");
  }
});
