"""Scheduled work: the JobQueue's entry points. Each asks a service what is due (the database
holds the truth) and sends through the outbox, rendering with the handlers' views."""
