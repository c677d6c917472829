"""sanitize(): the one function every log line with a body, header or URL goes through."""

from oneview_openstack.client import sanitize
from oneview_openstack.client.sanitize import MASK


def test_login_body_password_is_masked_and_other_fields_kept():
    body = {"userName": "Administrator", "password": "s3cret!", "loginMsgAck": True}
    clean = sanitize(body)
    assert clean == {"userName": "Administrator", "password": MASK, "loginMsgAck": True}
    assert body["password"] == "s3cret!", "the input must not be modified"


def test_session_token_in_answer_and_header_is_masked_whatever_the_case():
    assert sanitize({"sessionID": "LTE4OTg1"}) == {"sessionID": MASK}
    headers = {"auth": "LTE4OTg1", "Auth": "x", "X-API-Version": "800", "Session-ID": "y"}
    assert sanitize(headers) == {
        "auth": MASK,
        "Auth": MASK,
        "X-API-Version": "800",
        "Session-ID": MASK,
    }


def test_nested_secrets_in_lists_are_masked():
    body = {"members": [{"name": "ilo", "credentials": {"password": "p"}}, {"password": "q"}]}
    assert sanitize(body) == {"members": [{"name": "ilo", "credentials": MASK}, {"password": MASK}]}


def test_secrets_inside_strings_are_masked():
    url = "hplocons://addr=172.18.6.23&sessionkey=a79659e3b3b7c8209c901ac3509a6719"
    assert sanitize(url) == f"hplocons://addr=172.18.6.23&sessionkey={MASK}"
    assert "hunter2" not in sanitize("POST /x?password=hunter2&user=a")


def test_non_secret_values_pass_unchanged():
    assert sanitize(None) is None
    assert sanitize(42) == 42
    assert sanitize([("filter", "\"name='a'\"")]) == [["filter", "\"name='a'\""]]


def test_query_parameters_named_like_secrets_are_masked():
    params = [("filter", "name='a'"), ("sessionkey", "abc123"), ("auth", "tok")]
    assert sanitize(params) == [["filter", "name='a'"], ["sessionkey", MASK], ["auth", MASK]]
