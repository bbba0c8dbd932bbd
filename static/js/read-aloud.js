// Read aloud: the browser's own voice (Web Speech API) reads the chapter one sentence at a
// time and the sentence being read is highlighted and kept in view. Sentences come from
// our own boundaries (below), not from the voice's word events, which some voices lack.
// The text is only read from the page, never written back as HTML: the highlight is a
// CSS Custom Highlight over the existing text nodes, so htmx swaps and streamed pieces
// are left alone. A sentence is found again after a swap by how many letters come
// before it (whitespace aside), which a streamed chapter and its saved paragraphs share.
(function () {
  "use strict";
  var synth = window.speechSynthesis;
  var control = document.getElementById("read-aloud");
  if (!control || !synth || typeof window.SpeechSynthesisUtterance !== "function") return;

  var playButton = document.getElementById("read-aloud-play");
  var restartButton = document.getElementById("read-aloud-restart");
  var speedSelect = document.getElementById("read-aloud-speed");
  var SPEED_KEY = "storyweb.readAloudSpeed";
  var reduceMotion = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  var highlights = window.CSS && CSS.highlights && typeof window.Highlight === "function" ? CSS.highlights : null;

  var playing = false;
  var waiting = false; // at the end of the streamed words, waiting for more
  var position = 0; // letters (whitespace aside) before the next sentence to read
  var current = null; // the sentence being read: {key, end, text}
  var generation = 0; // bumps on every cancel, so a stale "end" is ignored
  var chapterNumber = chapterNow();

  control.hidden = false;
  document.getElementById("read-aloud-settings").hidden = false;
  try {
    var saved = window.localStorage.getItem(SPEED_KEY);
    if (saved && speedSelect.querySelector('option[value="' + saved + '"]')) speedSelect.value = saved;
  } catch (e) {
    /* storage may be off: the speed is then not remembered */
  }

  function chapterNow() {
    var chapter = document.getElementById("chapter");
    return chapter ? chapter.getAttribute("data-chapter") : null;
  }

  function streaming() {
    var text = document.getElementById("chapter-text");
    return !!text && text.classList.contains("chapter-text--streaming");
  }

  // The chapter's text as one string, with a line break between paragraphs, and where
  // each text node starts in it.
  function readText() {
    var root = document.getElementById("chapter-text");
    var nodes = [];
    var text = "";
    if (!root) return { text: text, nodes: nodes };
    var walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    var lastBlock = null;
    for (var node = walker.nextNode(); node; node = walker.nextNode()) {
      var block = node.parentNode.closest("p") || root;
      if (lastBlock !== null && block !== lastBlock) text += "\n";
      lastBlock = block;
      nodes.push({ node: node, start: text.length });
      text += node.data;
    }
    return { text: text, nodes: nodes };
  }

  var ABBREVIATIONS = /(?:^|\s)(?:Mr|Mrs|Ms|Dr|St|Prof|e\.g|i\.e)\.$/;

  // Our sentence boundaries: . ! ? or … (with any closing quotes or brackets) followed by
  // whitespace, or a paragraph break. While the chapter streams, the last piece may be
  // half a sentence and waits for more words.
  function sentences(text, stillStreaming) {
    var found = [];
    var start = 0;
    var letters = 0;
    var startLetters = 0;
    function close(end) {
      var raw = text.slice(start, end);
      var lead = raw.length - raw.replace(/^\s+/, "").length;
      var body = raw.trim();
      if (body) found.push({ from: start + lead, to: start + lead + body.length, key: startLetters, end: letters, text: body });
      start = end;
      startLetters = letters;
    }
    for (var i = 0; i < text.length; i++) {
      var ch = text[i];
      if (!/\s/.test(ch)) letters += 1;
      if (ch === "\n") {
        close(i + 1);
        continue;
      }
      if (".!?…".indexOf(ch) === -1) continue;
      var j = i + 1;
      while (j < text.length && "\"'”’)]".indexOf(text[j]) !== -1) j++;
      if (j >= text.length || !/\s/.test(text[j])) continue;
      if (ch === "." && ABBREVIATIONS.test(text.slice(Math.max(0, i - 5), i + 1))) continue;
      for (var k = i + 1; k < j; k++) letters += 1;
      i = j - 1;
      close(j);
    }
    if (!stillStreaming) close(text.length);
    return found;
  }

  function locate(nodes, offset, isEnd) {
    for (var n = nodes.length - 1; n >= 0; n--) {
      var entry = nodes[n];
      if (offset > entry.start || (!isEnd && offset === entry.start)) {
        return { node: entry.node, offset: Math.min(offset - entry.start, entry.node.data.length) };
      }
    }
    return nodes.length ? { node: nodes[0].node, offset: 0 } : null;
  }

  function rangeFor(sentence) {
    var model = readText();
    var found = sentences(model.text, false);
    var match = null;
    for (var i = 0; i < found.length; i++) {
      if (found[i].key === sentence.key) {
        match = found[i];
        break;
      }
    }
    if (!match) return null;
    var a = locate(model.nodes, match.from, false);
    var b = locate(model.nodes, match.to, true);
    if (!a || !b) return null;
    var range = document.createRange();
    range.setStart(a.node, a.offset);
    range.setEnd(b.node, b.offset);
    return range;
  }

  function keepInView(range) {
    var rect = range.getBoundingClientRect();
    if (!rect || (rect.top === 0 && rect.bottom === 0)) return;
    var bar = document.querySelector(".reader-bar");
    var barBottom = 0;
    if (bar && getComputedStyle(bar).position === "sticky") barBottom = Math.max(0, bar.getBoundingClientRect().bottom);
    var top = barBottom + 16;
    var bottom = window.innerHeight - 32;
    var shift = 0;
    if (rect.top < top || rect.bottom > bottom) {
      shift = rect.top - (top + (bottom - top) * 0.3);
      window.scrollBy({ top: shift, behavior: reduceMotion ? "auto" : "smooth" });
    }
    // Where the sentence will be once scrolled (line-focus.js moves its band there).
    var detail = { top: rect.top - shift, bottom: rect.bottom - shift };
    document.dispatchEvent(new CustomEvent("storyweb:reading", { detail: detail }));
  }

  function showHighlight() {
    var paragraphs = document.querySelectorAll("#chapter-text .is-being-read");
    for (var i = 0; i < paragraphs.length; i++) paragraphs[i].classList.remove("is-being-read");
    if (highlights) highlights.delete("read-aloud");
    if (!current) {
      control.removeAttribute("data-sentence");
      return;
    }
    control.setAttribute("data-sentence", String(current.index));
    var range = rangeFor(current);
    if (!range) return;
    if (highlights) highlights.set("read-aloud", new Highlight(range));
    var block = range.startContainer.parentNode && range.startContainer.parentNode.closest("p");
    if (block) block.classList.add("is-being-read");
    keepInView(range);
  }

  function setPlaying(value) {
    playing = value;
    control.classList.toggle("read-aloud--playing", value);
    playButton.querySelector(".read-aloud-label").textContent = value ? "Pause" : "Listen";
    playButton.querySelector(".read-aloud-icon").textContent = value ? "❚❚" : "▶";
  }

  function cancelSpeech() {
    generation += 1;
    synth.cancel();
  }

  function speakNext() {
    if (!playing) return;
    var model = readText();
    var stillStreaming = streaming();
    var found = sentences(model.text, stillStreaming);
    var next = null;
    for (var i = 0; i < found.length; i++) {
      if (found[i].key >= position) {
        next = found[i];
        next.index = i + 1;
        break;
      }
    }
    if (!next) {
      if (stillStreaming) {
        waiting = true; // more words are coming: go on when they do
        return;
      }
      // The end of the chapter: ready to read it again from the top.
      current = null;
      position = 0;
      setPlaying(false);
      showHighlight();
      return;
    }
    waiting = false;
    current = next;
    showHighlight();
    var mine = generation;
    var utterance = new SpeechSynthesisUtterance(next.text);
    utterance.lang = document.documentElement.lang || "en";
    utterance.rate = parseFloat(speedSelect.value) || 1;
    utterance.onend = function () {
      if (mine !== generation) return;
      position = next.end;
      speakNext();
    };
    utterance.onerror = function (event) {
      if (mine !== generation || event.error === "interrupted" || event.error === "canceled") return;
      setPlaying(false);
    };
    synth.speak(utterance);
  }

  function play() {
    setPlaying(true);
    if (current) position = current.key; // after a pause, say the whole sentence again
    speakNext();
  }

  function pause() {
    setPlaying(false);
    waiting = false;
    cancelSpeech();
  }

  playButton.addEventListener("click", function () {
    if (playing) pause();
    else play();
  });

  restartButton.addEventListener("click", function () {
    cancelSpeech();
    current = null;
    position = 0;
    setPlaying(true);
    speakNext();
  });

  speedSelect.addEventListener("change", function () {
    try {
      window.localStorage.setItem(SPEED_KEY, speedSelect.value);
    } catch (e) {
      /* not remembered */
    }
    if (playing) {
      cancelSpeech();
      if (current) position = current.key;
      speakNext();
    }
  });

  // Escape pauses the reading from anywhere on the page.
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && playing) pause();
  });

  // New words, a finished chapter or a reconnect: htmx swapped parts of the page.
  function afterSwap() {
    var now = chapterNow();
    if (now !== chapterNumber) {
      // Another chapter: read it from its first sentence if the reader was listening.
      chapterNumber = now;
      cancelSpeech();
      current = null;
      position = 0;
      waiting = false;
      showHighlight();
      speakNext();
      return;
    }
    if (current) showHighlight();
    if (waiting) speakNext();
  }
  document.body.addEventListener("htmx:wsAfterMessage", afterSwap);
  document.body.addEventListener("htmx:afterSettle", afterSwap);

  // Leaving the page stops the voice (it would otherwise read on in some browsers).
  window.addEventListener("pagehide", function () {
    cancelSpeech();
  });
})();
