"""The performance benchmark of DESIGN §10: concurrent players over real sockets against
one daphne process and the fake Gemini server (`make bench`, `python -m bench.play`)."""
