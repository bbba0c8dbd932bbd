// The reader's small helpers that htmx does not cover:
// - when a new chapter arrives, move keyboard focus and the view to its title;
// - say so when the connection drops (htmx reconnects by itself).
(function () {
  "use strict";
  var shownChapter = null;
  var reduceMotion = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;

  function currentChapter() {
    var chapter = document.getElementById("chapter");
    return chapter ? chapter.getAttribute("data-chapter") : null;
  }

  document.addEventListener("DOMContentLoaded", function () {
    shownChapter = currentChapter();
  });

  function focusTitle(scroll) {
    var title = document.getElementById("chapter-title");
    if (!title) return;
    title.setAttribute("tabindex", "-1");
    title.focus({ preventScroll: true });
    // Scroll to the chapter's top, so its "Chapter 4 of 10" line shows too (its CSS
    // scroll margin keeps it clear of the sticky bar).
    var chapter = document.getElementById("chapter") || title;
    if (scroll) chapter.scrollIntoView({ behavior: reduceMotion ? "auto" : "smooth", block: "start" });
  }

  var titleHadFocus = false;
  document.body.addEventListener("htmx:wsBeforeMessage", function () {
    var active = document.activeElement;
    titleHadFocus = !!active && active.id === "chapter-title";
  });

  document.body.addEventListener("htmx:wsAfterMessage", function () {
    var now = currentChapter();
    if (now !== null && now !== shownChapter) {
      shownChapter = now;
      focusTitle(true);
    } else if (titleHadFocus && document.activeElement === document.body) {
      // The finished chapter replaced the one being written: keep the reader's place.
      focusTitle(false);
    }
  });

  function setConnection(text) {
    var note = document.getElementById("connection-note");
    if (!note) return;
    note.textContent = text;
    note.hidden = !text;
  }

  document.body.addEventListener("htmx:wsClose", function (event) {
    var code = event.detail && event.detail.event ? event.detail.event.code : 0;
    if (code === 4403) {
      setConnection("This adventure belongs to someone else.");
    } else if (code !== 1000) {
      setConnection("The connection dropped. Reconnecting…");
    }
  });
  document.body.addEventListener("htmx:wsOpen", function () {
    setConnection("");
  });
})();
