"""The Gemini storyteller (google-genai): `provider` is the storyteller itself; `config` makes the
clients (AI Studio or Vertex AI), `calls` retries and times each call, `outcomes` reads finish
reasons and blocks, `stream` cleans the streamed chapter, `speech` turns text into narration."""
