"""Collection queries: filter expressions, sort keys and paging parameters."""

import pytest

from oneview_openstack.client import PowerState
from oneview_openstack.client.query import filter_params, page_params, sort_param


def test_mapping_becomes_one_anded_filter_per_item():
    params = filter_params(
        {
            "serverHardwareTypeUri": "/rest/server-hardware-types/FE50",
            "powerState": PowerState.OFF,
        }
    )
    assert params == [
        ("filter", "\"serverHardwareTypeUri='/rest/server-hardware-types/FE50'\""),
        ("filter", "\"powerState='Off'\""),
    ]


def test_values_of_other_types_and_null():
    params = filter_params({"memoryMb": 4096, "powerLock": False, "serverProfileUri": None})
    assert params == [
        ("filter", "\"memoryMb='4096'\""),
        ("filter", "\"powerLock='false'\""),
        ("filter", '"serverProfileUri = NULL"'),
    ]


def test_raw_expressions_pass_through_once_quoted():
    assert filter_params(["name matches 'web%'", '"memoryMb gt 4096"']) == [
        ("filter", "\"name matches 'web%'\""),
        ("filter", '"memoryMb gt 4096"'),
    ]


def test_nested_attribute_names_are_allowed():
    assert filter_params({"associatedResource.resourceUri": "/rest/x"}) == [
        ("filter", "\"associatedResource.resourceUri='/rest/x'\"")
    ]


@pytest.mark.parametrize(
    ("filters", "words"),
    [
        ({"name; drop": "x"}, "filter attribute 'name; drop'"),
        ({"name": "Bob's"}, "contains a quote"),
        ({"name": 1.5}, "has type float"),
        ("name='x'", "not a string"),
        ([""], "non-empty string"),
    ],
)
def test_bad_filters_are_refused_with_a_message_naming_them(filters, words):
    with pytest.raises(ValueError, match=words):
        filter_params(filters)


def test_sort_and_paging():
    assert sort_param("name") == [("sort", "name")]
    assert sort_param(["name:ascending", "memoryMb:desc"]) == [
        ("sort", "name:ascending,memoryMb:desc")
    ]
    assert page_params(500, 250) == [("start", "500"), ("count", "250")]
    with pytest.raises(ValueError, match="sort key 'name:up'"):
        sort_param("name:up")
    with pytest.raises(ValueError, match="page_size must be a positive int, got 0"):
        page_params(0, 0)


def test_fields_become_one_comma_separated_parameter():
    from oneview_openstack.client.query import fields_param

    assert fields_param(["uri", "powerState", "mpHostInfo.mpHostName"]) == [
        ("fields", "uri,powerState,mpHostInfo.mpHostName")
    ]
    assert fields_param(None) == []
    assert fields_param([]) == []


@pytest.mark.parametrize("fields", ["uri,powerState", ["uri", "power state"], [3]])
def test_bad_fields_are_refused_naming_the_value(fields):
    from oneview_openstack.client.query import fields_param

    with pytest.raises(ValueError, match="field|fields"):
        fields_param(fields)
