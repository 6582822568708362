"""Batch analysis of many clips: discovery, a resumable ledger, local processes or Ray."""
