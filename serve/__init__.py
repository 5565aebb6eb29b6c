"""Serving the assistant: the web pages and the chat relay, the supervision of the servers, the
production topology on one machine, the retention of stored conversations.

It uses the domain code of `bot` (never the other way round); the actions never import it.
"""
