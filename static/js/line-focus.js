// Line focus (a reading comfort setting): a clear band over the story, two lines tall,
// with the rest of the page dimmed, so the eye keeps its line. The band stays where it
// is while the page scrolls under it (arrow keys, space, a finger), follows the pointer
// over the story, and wraps the sentence being read aloud.
(function () {
  "use strict";
  if (!document.documentElement.classList.contains("focus-line")) return;
  var text = document.getElementById("chapter-text");
  if (!text) return;

  var band = document.createElement("div");
  band.className = "line-focus";
  band.setAttribute("aria-hidden", "true");
  document.body.appendChild(band);

  function lineHeight() {
    var current = document.getElementById("chapter-text");
    var style = current ? getComputedStyle(current) : null;
    var value = style ? parseFloat(style.lineHeight) : NaN;
    return isNaN(value) ? 32 : value;
  }

  var centre = window.innerHeight * 0.4;
  var span = 0; // the height of the sentence being read, when there is one
  function place(y, height) {
    height = Math.max(height || 0, lineHeight() * 2);
    centre = Math.max(height / 2, Math.min(window.innerHeight - height / 2, y));
    band.style.height = Math.round(height) + "px";
    band.style.transform = "translateY(" + Math.round(centre - height / 2) + "px)";
  }
  place(centre);

  document.addEventListener("pointermove", function (event) {
    if (event.pointerType === "mouse" && event.target.closest && event.target.closest("#chapter-text")) {
      span = 0;
      place(event.clientY);
    }
  });
  // The whole sentence being read, with half a line's room above and below, so the
  // band's edges fall between lines.
  document.addEventListener("storyweb:reading", function (event) {
    var room = lineHeight() / 2;
    span = event.detail.bottom - event.detail.top + room;
    place((event.detail.top + event.detail.bottom) / 2, span);
  });
  window.addEventListener("resize", function () {
    place(centre, span);
  });
})();
