"""How work runs: background tasks that outlive a socket, the database's thread pool, and shared
state on the event loop (locks, counters, flags; Redis or in-process)."""
