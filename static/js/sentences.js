// Our sentence boundaries, shared by the read-aloud (highlight and the browser's voice)
// and, letter for letter, by the server's narration timings (adventures/narration_timing.py):
// . ! ? or … (with any closing quotes or brackets) followed by whitespace, or a line break
// (paragraphs are joined by one). A sentence is named by its `key`: how many letters
// (whitespace aside) come before it. While a chapter streams, the last piece may be half
// a sentence and waits for more words.
(function () {
  "use strict";
  var ABBREVIATIONS = /(?:^|\s)(?:Mr|Mrs|Ms|Dr|St|Prof|e\.g|i\.e)\.$/;

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

  window.StoryWebSentences = { split: sentences };
})();
