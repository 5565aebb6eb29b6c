"""Extensions loaded by the Rasa server itself (named in endpoints.yml)."""
