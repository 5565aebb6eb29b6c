"""What the Rasa server loads from addons/: the reduced spaCy model, the masked logs, the
action-result check."""

from __future__ import annotations

import json
import logging

import pytest
import structlog
from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction
from rasa.nlu.classifiers.fallback_classifier import undo_fallback_prediction

from addons import log_privacy
from addons.action_validation import validate_action_result
from addons.spacy_nlp import load_model


@pytest.mark.slow  # loads the French word vectors
def test_spacy_model_is_loaded_once_with_only_tokens_and_vectors():
    model = load_model("fr_core_news_md", ())
    assert load_model("fr_core_news_md", ()) is model, "every graph node shares one copy"
    assert model.model.pipe_names == []
    doc = model.model("technicienne de maintenance des batteries")
    assert [t.text for t in doc][-1] == "batteries" and doc[-1].has_vector


@pytest.mark.slow  # loads the French word vectors
def test_a_parse_copied_by_rasa_test_nlu_shares_its_spacy_document():
    """`rasa test nlu` deep-copies the parse of each message the FallbackClassifier answered: the
    document must not be copied with the whole vocabulary (seconds per message)."""
    doc = load_model("fr_core_news_md", ()).model("c'est complet ?")
    parse = {
        "text": "c'est complet ?",
        "text_spacy_doc": doc,
        "intent": {"name": "nlu_fallback", "confidence": 0.4},
        "intent_ranking": [{"name": "nlu_fallback", "confidence": 0.4}, {"name": "faq", "confidence": 0.3}],
    }
    undone = undo_fallback_prediction(parse)
    assert undone["intent"]["name"] == "faq" and parse["intent"]["name"] == "nlu_fallback"
    assert undone["text_spacy_doc"] is doc


@pytest.fixture
def plain_structlog():
    saved = structlog.get_config()
    structlog.configure(processors=[structlog.processors.JSONRenderer()])
    yield
    structlog.configure(**saved)


def test_structured_logs_mask_what_people_wrote(plain_structlog, capsys):
    log_privacy.install()
    log_privacy.install()  # idempotent
    structlog.get_logger().error(
        "rest.message.received.failure",
        text="mon numéro 06 12 34 56 78",
        parse_data_entities=[{"value": "zoe@example.org"}],
        sender_id="abc",
    )
    line = json.loads(capsys.readouterr().out.strip())
    assert line == {
        "event": "rest.message.received.failure",
        "text": "[masqué]",
        "parse_data_entities": "[masqué]",
        "sender_id": "abc",
    }
    assert structlog.get_config()["processors"].count(log_privacy.mask_personal_values) == 1


def test_action_server_answers_are_checked_against_rasas_schema():
    action = RemoteAction("action_greet", None)
    assert validate_action_result(
        action, {"events": [{"event": "slot", "name": "commune", "value": "62498"}], "responses": [{"text": "Bonjour"}]}
    )
    assert RemoteAction._validate_action_result is validate_action_result, "installed when addons is imported"
    with pytest.raises(ValidationError, match="Failed to validate Action server response"):
        validate_action_result(action, {"events": "pas une liste"})


def _log_failure(level: int) -> str:
    import io

    from sqlalchemy.exc import OperationalError

    from privacy import logs

    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    root = logging.getLogger()
    saved = root.level, root.handlers[:]
    root.handlers, root.level = [handler], level
    try:
        logs.install()
        try:
            raise OperationalError(
                "INSERT INTO contact_request (contact) VALUES (%(c)s)", {"c": "06 12 34 56 78"}, Exception("coupé")
            )
        except OperationalError as error:
            logging.getLogger("rasa.core.tracker_store").exception(f"Error happened when trying to save: {error}")
    finally:
        root.level, root.handlers = saved
    return stream.getvalue()


def test_standard_logs_keep_the_error_but_not_the_data_below_debug():
    written = _log_failure(logging.INFO)
    assert "Error happened when trying to save" in written and "OperationalError" in written
    assert "06 12 34 56 78" not in written and "Traceback" not in written


def test_debug_logs_keep_the_traceback_but_no_phone_number():
    written = _log_failure(logging.DEBUG)
    assert "Traceback" in written and "06 12 34 56 78" not in written


@pytest.mark.parametrize(
    "text",
    [
        "06 12 34 56 78",
        "0612345678",
        "+33 6 12 34 56 78",
        "+33612345678",
        "06.12.34.56.78",
        "06-12-34-56-78",
        "camille.dupont+emploi@example.org",
    ],
)
def test_every_way_of_writing_a_phone_or_an_email_is_masked(text):
    from privacy.logs import scrub

    assert scrub(f"appelez-moi au {text} svp") == "appelez-moi au [masqué] svp"


def test_nested_personal_values_and_tracebacks_with_locals_are_masked(capsys):
    saved = structlog.get_config()
    structlog.configure(
        processors=[
            structlog.dev.set_exc_info,
            structlog.processors.dict_tracebacks,
            structlog.processors.JSONRenderer(),
        ]
    )
    try:
        log_privacy.install()
        contact = "camille@example.org"  # a local variable of the failing frame
        try:
            raise ValueError(f"bad contact {contact}")
        except ValueError:
            structlog.get_logger().exception(
                "processor.failure",
                sender_id="abc",
                tracker={"events": [{"text": "zoé"}], "slots": {"contact": contact}},
                details=[{"latest_message": {"text": "x"}}, "appelez le 0612345678"],
            )
    finally:
        structlog.configure(**saved)
    written = capsys.readouterr().out
    line = json.loads(written.strip())
    assert "camille" not in written and "0612345678" not in written and "zoé" not in written
    assert line["error"] == "ValueError" and line["sender_id"] == "abc"
    assert line["tracker"] == {"events": "[masqué]", "slots": "[masqué]"}
