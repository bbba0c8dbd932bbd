// A stand-in for the browser's voice in the read-aloud tests: Debian's headless Chromium
// has no voices, so speech would never end. It records what it was asked to say and
// ends an utterance only when the test says so (window.__speech.finish()). Like some
// real voices, cancel() still fires the cancelled utterance's "end", a little later.
// It also keeps the page's WebSockets, so a test can drop the connection the way a
// network does (an abnormal closure, code 1006), after which htmx reconnects.
(() => {
  const spoken = [];
  let pending = null;
  let cancels = 0;
  class FakeUtterance {
    constructor(text) {
      this.text = text;
      this.rate = 1;
      this.lang = "";
      this.onend = null;
      this.onerror = null;
    }
  }
  const synth = {
    speaking: false,
    paused: false,
    pending: false,
    getVoices: () => [],
    speak(utterance) {
      spoken.push({ text: utterance.text, rate: utterance.rate, streaming: !!document.querySelector(".chapter-text--streaming") });
      pending = utterance;
    },
    cancel() {
      cancels += 1;
      const utterance = pending;
      pending = null;
      if (utterance && utterance.onend) setTimeout(() => utterance.onend({}), 0);
    },
    pause() {},
    resume() {},
    addEventListener() {},
    removeEventListener() {},
  };
  Object.defineProperty(window, "speechSynthesis", { value: synth, configurable: true });
  window.SpeechSynthesisUtterance = FakeUtterance;
  window.__speech = {
    spoken,
    get pending() { return pending ? pending.text : null; },
    get cancels() { return cancels; },
    finish() {
      const utterance = pending;
      pending = null;
      if (utterance && utterance.onend) utterance.onend({});
      return !!utterance;
    },
  };

  const NativeWebSocket = window.WebSocket;
  const sockets = [];
  function RecordedWebSocket(url, protocols) {
    const socket = protocols === undefined ? new NativeWebSocket(url) : new NativeWebSocket(url, protocols);
    sockets.push(socket);
    return socket;
  }
  RecordedWebSocket.prototype = NativeWebSocket.prototype;
  Object.assign(RecordedWebSocket, { CONNECTING: 0, OPEN: 1, CLOSING: 2, CLOSED: 3 });
  window.WebSocket = RecordedWebSocket;
  window.__sockets = sockets;
  window.__dropConnection = () => {
    const socket = sockets[sockets.length - 1];
    const onclose = socket.onclose;
    socket.onclose = null;
    socket.close();
    onclose(new CloseEvent("close", { code: 1006 }));
  };
})();
