"""The test nova-api: flavors and their extra specs through openstacksdk, as the CLI uses them."""

import pytest
import requests
from openstack import exceptions

from oneview_openstack.testing.nova_service import MICROVERSION_HEADER, NovaApiService

pytestmark = pytest.mark.functional

BAREMETAL_SPECS = {
    "resources:CUSTOM_BAREMETAL_GOLD": "1",
    "resources:VCPU": "0",
    "resources:MEMORY_MB": "0",
    "resources:DISK_GB": "0",
    "trait:CUSTOM_FOO": "required",
}

# The first microversion at which Nova validates extra spec names and values; openstacksdk's
# Flavor stops at 2.61, so its own extra-spec calls are never validated.
VALIDATING_MICROVERSION = "2.86"


def test_a_baremetal_flavor_round_trip(nova: NovaApiService) -> None:
    compute = nova.connection().compute
    flavor = compute.create_flavor(name="bm-gold", ram=4096, vcpus=2, disk=20, is_public=True)

    compute.create_flavor_extra_specs(flavor, BAREMETAL_SPECS)

    assert compute.fetch_flavor_extra_specs(flavor).extra_specs == BAREMETAL_SPECS
    assert compute.get_flavor(flavor.id).extra_specs == BAREMETAL_SPECS
    assert [f.name for f in compute.flavors()] == ["bm-gold"]

    specs_path = f"/flavors/{flavor.id}/os-extra_specs"
    valid = compute.post(
        specs_path, json={"extra_specs": BAREMETAL_SPECS}, microversion=VALIDATING_MICROVERSION
    )
    assert valid.status_code == 200, valid.text
    invalid = compute.post(
        specs_path,
        json={"extra_specs": {"trait:CUSTOM_FOO": "maybe"}},
        microversion=VALIDATING_MICROVERSION,
    )
    assert invalid.status_code == 400
    assert "'maybe' is not one of" in invalid.text
    assert compute.get_flavor_extra_specs_property(flavor, "trait:CUSTOM_FOO") == "required"

    compute.delete_flavor(flavor.id)

    with pytest.raises(exceptions.NotFoundException):
        compute.get_flavor(flavor.id)
    assert not [line for line in nova.log_text().splitlines() if " ERROR " in line]


def test_requests_are_admin_unless_they_say_otherwise(nova: NovaApiService) -> None:
    body = {"flavor": {"name": "bm-silver", "ram": 1024, "vcpus": 1, "disk": 10}}
    headers = {MICROVERSION_HEADER: "latest"}
    member = {**headers, "X-Auth-Token": "alice:project-a", "X-Roles": "member,reader"}

    refused = requests.post(f"{nova.url}/flavors", json=body, headers=member, timeout=10)
    listed = requests.get(f"{nova.url}/flavors", headers=member, timeout=10)
    created = requests.post(f"{nova.url}/flavors", json=body, headers=headers, timeout=10)

    assert refused.status_code == 403
    assert "os_compute_api:os-flavor-manage:create" in refused.text
    assert listed.status_code == 200
    assert created.status_code == 200, created.text
    assert created.json()["flavor"]["name"] == "bm-silver"
