"""Keeping personal data out of the logs, for every process: the action server, the Rasa
server's addons, the web pages and the command line. It imports nothing of the project."""
