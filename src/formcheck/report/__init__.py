"""Human-facing output: terminal summary (and, later, HTML)."""
