/**
 * The pages' one script, served as a file (web/assets.ts); every page works without it. It moves focus from an
 * error summary's link onto the field itself (a plain fragment link only scrolls) and brings the field's label or
 * legend into view with it, as the GOV.UK error summary does.
 */
export const SCRIPT = `"use strict";
document.addEventListener("click", function (event) {
  var link = event.target instanceof Element ? event.target.closest(".error-summary a[href^='#']") : null;
  if (!link) return;
  var field = document.getElementById(link.getAttribute("href").slice(1));
  if (!field) return;
  event.preventDefault();
  var legend = field.closest("fieldset") ? field.closest("fieldset").querySelector("legend") : null;
  var label = legend || document.querySelector("label[for='" + field.id + "']") || field;
  label.scrollIntoView();
  field.focus({ preventScroll: true });
});
`;
