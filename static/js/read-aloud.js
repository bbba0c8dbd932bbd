// Read aloud: the browser's own voice (Web Speech API) reads the chapter one sentence at a
// time and the sentence being read is highlighted and kept in view. Sentences come from
// our own boundaries (below), not from the voice's word events, which some voices lack.
// The text is only read from the page, never written back as HTML: the highlight is a
// CSS Custom Highlight over the existing text nodes, so htmx swaps and streamed pieces
// are left alone. A sentence is found again after a swap by how many letters come
// before it (whitespace aside), which a streamed chapter and its saved paragraphs share.
// Sentences come from sentences.js (the same split as the server's narration timings).
//
// When a saved chapter has a stored narration (the Gemini voice: #chapter-narration
// carries its audio URL and, per sentence, [key, start s, end s]), Listen plays that
// instead and the highlight follows the audio's time; speed is its playbackRate. While
// there is none (not made yet, turned off, a chapter still streaming) or when it fails to
// load or play, the browser's voice reads as above, from the sentence being read.
(function () {
  "use strict";
  var synth = window.speechSynthesis;
  var control = document.getElementById("read-aloud");
  if (!control) return;
  // A browser without a voice still plays a stored narration: the control shows for either.
  var canSpeak = !!synth && typeof window.SpeechSynthesisUtterance === "function";

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
  var audio = null; // the stored narration being played, when there is one
  var audioUrl = "";
  var timings = []; // [[key, start, end], ...] of that narration
  var broken = {}; // narration URLs that failed here: the browser's voice reads instead

  function showControl() {
    var usable = canSpeak || !!storedNarration();
    control.hidden = !usable;
    document.getElementById("read-aloud-settings").hidden = !usable;
  }
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

  var sentences = window.StoryWebSentences.split;

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

  // The chapter's stored narration, if it has one that can be played here.
  function storedNarration() {
    var element = document.getElementById("chapter-narration");
    var url = element ? element.getAttribute("data-audio") : "";
    if (!url || broken[url] || streaming() || typeof window.Audio !== "function") return null;
    try {
      var rows = JSON.parse(element.getAttribute("data-timings") || "[]");
      return rows.length ? { url: url, timings: rows } : null;
    } catch (e) {
      return null;
    }
  }

  function stopAudio() {
    if (!audio) return;
    audio.pause();
    audio.removeAttribute("src");
    audio = null;
    audioUrl = "";
  }

  // The sentence heard at the audio's current time, and its place in the chapter.
  function followAudio() {
    if (!audio) return;
    var now = audio.currentTime;
    var row = null;
    for (var i = 0; i < timings.length; i++) {
      if (timings[i][1] <= now) row = timings[i];
      else break;
    }
    if (!row || (current && current.key === row[0])) return;
    var found = sentences(readText().text, false);
    for (var n = 0; n < found.length; n++) {
      if (found[n].key === row[0]) {
        current = found[n];
        current.index = n + 1;
        position = current.key;
        showHighlight();
        return;
      }
    }
  }

  function fallBackToVoice() {
    if (audioUrl) broken[audioUrl] = true;
    stopAudio();
    if (!playing) return;
    if (current) position = current.key;
    speakNext();
  }

  function playStored(stored) {
    if (!audio || audioUrl !== stored.url) {
      stopAudio();
      audio = new Audio(stored.url);
      audio.preload = "auto";
      audioUrl = stored.url;
      timings = stored.timings;
      audio.addEventListener("timeupdate", followAudio);
      audio.addEventListener("seeked", followAudio);
      audio.addEventListener("ended", function () {
        stopAudio();
        current = null;
        position = 0;
        setPlaying(false);
        showHighlight();
      });
      audio.addEventListener("error", function (event) {
        if (event.target === audio) fallBackToVoice();
      });
    }
    audio.playbackRate = parseFloat(speedSelect.value) || 1;
    if (current) {
      // After a pause (or from the voice), hear the whole sentence again.
      for (var i = 0; i < timings.length; i++) {
        if (timings[i][0] === current.key) audio.currentTime = timings[i][1];
      }
    }
    var started = audio.play();
    if (started && typeof started.catch === "function") {
      started.catch(function (error) {
        if (error && error.name === "AbortError") return; // paused before it began
        if (error && error.name === "NotAllowedError") setPlaying(false); // the button will do it
        else fallBackToVoice();
      });
    }
  }

  function setPlaying(value) {
    playing = value;
    control.classList.toggle("read-aloud--playing", value);
    playButton.querySelector(".read-aloud-label").textContent = value ? "Pause" : "Listen";
    playButton.querySelector(".read-aloud-icon").textContent = value ? "❚❚" : "▶";
  }

  function cancelSpeech() {
    generation += 1;
    if (canSpeak) synth.cancel();
  }

  function speakNext() {
    if (!playing) return;
    if (!canSpeak) {
      setPlaying(false); // no voice here, and no narration that plays
      return;
    }
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
    var stored = storedNarration();
    if (stored) {
      playStored(stored);
      return;
    }
    stopAudio();
    if (current) position = current.key; // after a pause, say the whole sentence again
    speakNext();
  }

  function pause() {
    setPlaying(false);
    waiting = false;
    if (audio) audio.pause();
    cancelSpeech();
  }

  showControl();

  playButton.addEventListener("click", function () {
    if (playing) pause();
    else play();
  });

  restartButton.addEventListener("click", function () {
    cancelSpeech();
    if (audio) audio.currentTime = 0;
    current = null;
    position = 0;
    play();
  });

  speedSelect.addEventListener("change", function () {
    try {
      window.localStorage.setItem(SPEED_KEY, speedSelect.value);
    } catch (e) {
      /* not remembered */
    }
    if (audio) audio.playbackRate = parseFloat(speedSelect.value) || 1;
    else if (playing) {
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
    showControl();
    var now = chapterNow();
    if (now !== chapterNumber) {
      // Another chapter: read it from its first sentence if the reader was listening.
      chapterNumber = now;
      cancelSpeech();
      stopAudio();
      current = null;
      position = 0;
      waiting = false;
      showHighlight();
      if (playing) play();
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
    stopAudio();
  });
})();
