"""What an operator runs and watches: telemetry, the admin site and its dashboard, the outage page,
and the system checks that refuse unsafe production settings."""
