"""The web app: upload a clip from a phone, watch progress, read the report."""
