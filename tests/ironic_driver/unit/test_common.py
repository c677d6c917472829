"""The one parser (offline) and the one validation (against the simulator)."""

from __future__ import annotations

import pytest
from ironic.common import exception
from ironic.conductor import task_manager
from ironic.tests.unit.objects import utils as obj_utils
from oslo_utils import uuidutils

from oneview_openstack import client
from oneview_openstack.ironic_driver import common, errors

from .. import oneview_seed as seed
from ..ironic_unit import OneViewDbTestCase
from ..oneview_seed import OneViewSide
from .base import OneViewTestCase

SH_ID = "30303437-3034-4D32-3231-303030314752"
SPT_ID = "934fe70c-5841-449d-80d9-0228c534547d"


class ParseTestCase(OneViewDbTestCase):
    """parse_driver_info: the node's own fields and [oneview], no OneView call."""

    def setUp(self) -> None:
        super().setUp()
        self.config(
            group="oneview",
            manager_url="https://ov.example",
            username="admin",
            password="s3cret-pw",
            tls_cacert_file="/etc/ov-ca.pem",
        )

    def _parse(self, driver_info=None, capabilities=None):
        properties = {"capabilities": capabilities} if capabilities is not None else {}
        node = self.create_node(
            uuid=uuidutils.generate_uuid(), driver_info=driver_info or {}, properties=properties
        )
        return node, common.parse_driver_info(node)

    def test_a_bare_id_becomes_a_uri_and_the_settings_come_from_the_config(self) -> None:
        node, settings = self._parse({"server_hardware_uri": SH_ID})

        assert settings.node_uuid == node.uuid
        assert settings.server_hardware_uri == f"/rest/server-hardware/{SH_ID}"
        assert settings.server_profile_template_uri is None
        connection = settings.connection
        assert (connection.url, connection.username, connection.password) == (
            "https://ov.example",
            "admin",
            "s3cret-pw",
        )
        assert connection.ca_file == "/etc/ov-ca.pem"
        assert connection.insecure is False

    def test_uris_are_kept_and_the_template_may_come_from_the_capabilities(self) -> None:
        _, settings = self._parse(
            {"server_hardware_uri": f"/rest/server-hardware/{SH_ID}"},
            capabilities=f"server_profile_template_uri:/rest/server-profile-templates/{SPT_ID},"
            "enclosure_group_uri:EG1,server_hardware_type_uri:SHT1",
        )

        assert settings.server_profile_template_uri == f"/rest/server-profile-templates/{SPT_ID}"
        assert settings.enclosure_group_uri == "/rest/enclosure-groups/EG1"
        assert settings.server_hardware_type_uri == "/rest/server-hardware-types/SHT1"

    def test_a_missing_server_hardware_names_the_node_and_the_field(self) -> None:
        with pytest.raises(exception.MissingParameterValue) as caught:
            self._parse({})

        assert "driver_info/server_hardware_uri is missing" in str(caught.value)

    def test_malformed_uris_name_the_node_field_value_and_what_is_allowed(self) -> None:
        for value in (
            "https://ov.example/rest/server-hardware/1",
            "/rest/server-profiles/1",
            "a b",
            42,
            "/rest/server-hardware/",
        ):
            node = self.create_node(
                uuid=uuidutils.generate_uuid(), driver_info={"server_hardware_uri": value}
            )
            with pytest.raises(exception.InvalidParameterValue) as caught:
                common.parse_driver_info(node)
            message = str(caught.value)
            assert node.uuid in message
            assert "driver_info/server_hardware_uri" in message
            assert repr(value) in message
            assert "/rest/server-hardware/<id> URI or the id alone" in message

    def test_two_different_templates_are_refused(self) -> None:
        with pytest.raises(exception.InvalidParameterValue, match="must name the same template"):
            self._parse(
                {"server_hardware_uri": SH_ID, "server_profile_template_uri": "T1"},
                capabilities="server_profile_template_uri:T2",
            )

    def test_the_same_template_in_both_places_is_accepted(self) -> None:
        _, settings = self._parse(
            {"server_hardware_uri": SH_ID, "server_profile_template_uri": "abc"},
            capabilities="server_profile_template_uri:/rest/server-profile-templates/ABC",
        )

        assert settings.server_profile_template_uri == "/rest/server-profile-templates/abc"

    def test_malformed_capabilities_are_refused(self) -> None:
        with pytest.raises(exception.InvalidParameterValue, match="malformed entry 'boot_mode'"):
            self._parse({"server_hardware_uri": SH_ID}, capabilities="boot_mode,x:y")

    def test_no_appliance_anywhere(self) -> None:
        self.config(group="oneview", manager_url=None)

        with pytest.raises(exception.MissingParameterValue, match=r"\[oneview\]manager_url"):
            self._parse({"server_hardware_uri": SH_ID})

    def test_a_bare_host_name_means_https(self) -> None:
        self.config(group="oneview", manager_url="ov.example:8443")

        _, settings = self._parse({"server_hardware_uri": SH_ID})

        assert settings.connection.url == "https://ov.example:8443"

    def test_bad_manager_urls_are_refused(self) -> None:
        for url in ("ftp://ov.example", "https://ov.example/rest", "https://"):
            with pytest.raises(exception.InvalidParameterValue) as caught:
                self._parse({"server_hardware_uri": SH_ID, "oneview_manager_url": url})
            assert f"driver_info/oneview_manager_url has the invalid value {url!r}" in str(
                caught.value
            )

    def test_another_appliance_needs_its_own_credentials(self) -> None:
        with pytest.raises(exception.MissingParameterValue) as caught:
            self._parse({"server_hardware_uri": SH_ID, "oneview_manager_url": "https://other"})

        assert "never sent to a per-node appliance" in str(caught.value)

    def test_another_appliance_with_its_own_credentials(self) -> None:
        _, settings = self._parse(
            {
                "server_hardware_uri": SH_ID,
                "oneview_manager_url": "https://other",
                "oneview_username": "lab",
                "oneview_password": "lab-pw",
                "oneview_tls_cacert_file": "/etc/other-ca.pem",
            }
        )

        connection = settings.connection
        assert (connection.url, connection.username, connection.password) == (
            "https://other",
            "lab",
            "lab-pw",
        )
        assert connection.ca_file == "/etc/other-ca.pem"

    def test_the_configured_appliance_named_on_the_node_keeps_the_configured_credentials(
        self,
    ) -> None:
        _, settings = self._parse(
            {"server_hardware_uri": SH_ID, "oneview_manager_url": "https://ov.example/"}
        )

        assert settings.connection.username == "admin"

    def test_username_and_password_go_together(self) -> None:
        with pytest.raises(exception.MissingParameterValue, match="oneview_password is missing"):
            self._parse({"server_hardware_uri": SH_ID, "oneview_username": "lab"})

    def test_no_credentials_anywhere(self) -> None:
        self.config(group="oneview", password=None)

        with pytest.raises(exception.MissingParameterValue, match=r"\[oneview\]password"):
            self._parse({"server_hardware_uri": SH_ID})

    def test_the_password_never_shows_in_the_settings(self) -> None:
        _, settings = self._parse({"server_hardware_uri": SH_ID})

        assert "s3cret-pw" not in repr(settings)
        assert "s3cret-pw" not in str(settings.connection.cache_key())

    def test_every_interface_lists_the_node_fields(self) -> None:
        node = self.create_node(
            uuid=uuidutils.generate_uuid(),
            power_interface="oneview",
            management_interface="oneview",
            inspect_interface="oneview",
        )

        with task_manager.acquire(self.context, node.uuid, shared=True) as task:
            for interface in (task.driver.power, task.driver.management, task.driver.inspect):
                properties = interface.get_properties()
                assert properties["server_hardware_uri"].endswith("Required.")
                assert {
                    "server_profile_template_uri",
                    "oneview_manager_url",
                    "oneview_password",
                } <= set(properties)

    def test_custom_traits_use_the_placement_alphabet(self) -> None:
        assert common.custom_trait("SHT", "SY 480 Gen10 1") == "CUSTOM_OV_SHT_SY_480_GEN10_1"
        assert common.custom_trait("EG", "EG-Prod") == "CUSTOM_OV_EG_EG_PROD"


class ValidateTestCase(OneViewTestCase):
    """validate_node: one read of the server and of the template, consistent settings."""

    def setUp(self) -> None:
        super().setUp()
        self.side = OneViewSide(self.sim)

    def _validate(self, node, require_template: bool = False):
        with task_manager.acquire(self.context, node.uuid, shared=True) as task:
            return common.validate_node(task, require_template=require_template)

    def test_a_node_validates_reading_the_server_and_template_once_per_task(self) -> None:
        node = self.create_oneview_node()
        self._validate(node)  # logs in
        self.sim.operator.clear_counters()

        with task_manager.acquire(self.context, node.uuid, shared=True) as task:
            for _ in range(3):  # e.g. the verify step, then inspection or deploy
                common.validate_node(task)
            validated = common.validate_node(task)

        assert self.sim.operator.counters() == {
            "GET /rest/server-hardware/{id}": 1,
            "GET /rest/server-profile-templates/{id}": 1,
        }
        assert validated.server.name == seed.BLADE
        assert validated.template is not None and validated.template.name == seed.TEMPLATE

    def test_a_failing_validation_reads_oneview_once_per_task_too(self) -> None:
        node = self.create_oneview_node(template=seed.TEMPLATE_EDGE)
        with pytest.raises(exception.InvalidParameterValue):
            self._validate(node)  # logs in (a reset simulator answers the first request 401)
        self.sim.operator.clear_counters()
        errors_seen = []

        with task_manager.acquire(self.context, node.uuid, shared=True) as task:
            for _ in range(3):
                with pytest.raises(exception.InvalidParameterValue) as caught:
                    common.validate_node(task)
                errors_seen.append(str(caught.value))

        assert len(set(errors_seen)) == 1
        assert self.sim.operator.count("GET", "/rest/server-hardware/{id}") == 1

    def test_each_task_reads_oneview_again(self) -> None:
        node = self.create_oneview_node(template=None)
        self._validate(node)
        self.sim.operator.clear_counters()

        self._validate(node)
        self._validate(node)

        assert self.sim.operator.counters() == {"GET /rest/server-hardware/{id}": 2}

    def test_an_unknown_server(self) -> None:
        node = self.create_oneview_node(driver_info={"server_hardware_uri": "nonexistent-1"})

        with pytest.raises(exception.InvalidParameterValue) as caught:
            self._validate(node)

        assert (
            "driver_info/server_hardware_uri is '/rest/server-hardware/nonexistent-1', "
            "which OneView does not know" in str(caught.value)
        )

    def test_a_template_of_another_hardware_type(self) -> None:
        node = self.create_oneview_node(template=seed.TEMPLATE_660)

        with pytest.raises(exception.InvalidParameterValue) as caught:
            self._validate(node)

        message = str(caught.value)
        assert seed.TEMPLATE_660 in message and seed.BLADE in message
        assert "allowed: a template for that type" in message

    def test_a_template_of_another_enclosure_group(self) -> None:
        node = self.create_oneview_node(template=seed.TEMPLATE_EDGE)

        with pytest.raises(exception.InvalidParameterValue, match="for that enclosure group"):
            self._validate(node)

    def test_a_template_that_does_not_manage_boot(self) -> None:
        self.side.edit(self.seed.template(seed.TEMPLATE), boot={"manageBoot": False, "order": []})
        node = self.create_oneview_node()

        with pytest.raises(exception.InvalidParameterValue, match="boot.manageBoot false"):
            self._validate(node)

    def test_a_template_with_virtual_macs_validates_with_ports_carrying_pool_macs(self) -> None:
        self.side.edit(self.seed.template(seed.TEMPLATE), macType="Virtual")
        node = self.create_oneview_node()
        obj_utils.create_test_port(self.context, node_id=node.id, address="9a:a0:22:90:00:01")

        validated = self._validate(node)

        assert validated.template is not None
        assert validated.template.mac_type == client.MacType.VIRTUAL

    def test_a_template_with_user_defined_macs_is_refused(self) -> None:
        self.side.edit(self.seed.template(seed.TEMPLATE), macType="UserDefined")
        node = self.create_oneview_node()

        with pytest.raises(
            exception.InvalidParameterValue,
            match="macType 'UserDefined'; allowed: 'Physical' or 'Virtual'",
        ):
            self._validate(node)

    def test_declared_hardware_type_and_enclosure_group_must_match_the_server(self) -> None:
        for capability in ("server_hardware_type_uri:wrong", "enclosure_group_uri:wrong"):
            node = self.create_oneview_node(properties={"capabilities": capability})
            with pytest.raises(exception.InvalidParameterValue) as caught:
                self._validate(node)
            assert f"capabilities {capability.split(':')[0]} is " in str(caught.value)

    def test_declared_values_matching_the_server_validate(self) -> None:
        caps = (
            f"server_hardware_type_uri:{self.seed.hardware_types[seed.BLADE]},"
            f"enclosure_group_uri:{self.seed.enclosure_groups[seed.BLADE]}"
        )
        node = self.create_oneview_node(properties={"capabilities": caps})

        assert self._validate(node).server.name == seed.BLADE

    def test_ports_must_be_nics_of_the_server(self) -> None:
        node = self.create_oneview_node()
        obj_utils.create_test_port(self.context, node_id=node.id, address="52:54:00:00:00:01")

        with pytest.raises(exception.InvalidParameterValue) as caught:
            self._validate(node)

        assert "52:54:00:00:00:01 are not NICs of server hardware" in str(caught.value)
        assert "02:23:13:10:00:01" in str(caught.value)  # an allowed MAC

    def test_one_port_must_be_the_boot_nic(self) -> None:
        node = self.create_oneview_node()
        # function a of port 2: a NIC of the server, but the template boots from port 1
        obj_utils.create_test_port(self.context, node_id=node.id, address="02:23:13:10:00:0a")

        with pytest.raises(exception.InvalidParameterValue) as caught:
            self._validate(node)

        assert "no port has MAC 02:23:13:10:00:01" in str(caught.value)
        assert "Mezz 3:1-a" in str(caught.value)

    def test_the_boot_nic_as_a_port_validates(self) -> None:
        node = self.create_oneview_node()
        obj_utils.create_test_port(self.context, node_id=node.id, address="02:23:13:10:00:01")

        assert self._validate(node).template is not None

    def test_a_rack_server_with_its_template(self) -> None:
        node = self.create_oneview_node(seed.RACK, template=seed.TEMPLATE_RACK)
        obj_utils.create_test_port(self.context, node_id=node.id, address="02:23:14:10:00:00")

        assert self._validate(node).server.name == seed.RACK  # its Embedded 1:1 NIC

    def test_a_rack_server_port_that_is_none_of_its_nics_is_refused(self) -> None:
        node = self.create_oneview_node(seed.RACK, template=seed.TEMPLATE_RACK)
        obj_utils.create_test_port(self.context, node_id=node.id, address="52:54:00:00:00:01")

        with pytest.raises(exception.InvalidParameterValue, match="52:54:00:00:00:01 are not NICs"):
            self._validate(node)

    def test_a_template_can_be_required(self) -> None:
        node = self.create_oneview_node(template=None)

        with pytest.raises(exception.MissingParameterValue, match="server_profile_template_uri"):
            self._validate(node, require_template=True)

    def test_validation_while_oneview_is_unreachable(self) -> None:
        node = self.create_oneview_node()
        self.sim.operator.add_fault("/rest/*", drop_connection=True)

        with pytest.raises(errors.OneViewConnectionError) as caught:
            self._validate(node)

        assert "validating the node's OneView settings" in str(caught.value)

    def test_refused_credentials_name_the_user_not_the_password(self) -> None:
        node = self.create_oneview_node(
            driver_info={"oneview_username": "intruder", "oneview_password": "guess-pw"}
        )

        with pytest.raises(errors.OneViewAuthenticationError) as caught:
            self._validate(node)

        assert "'intruder'" in str(caught.value)
        assert "guess-pw" not in str(caught.value)

    def test_a_ca_file_that_is_not_there_names_the_node_and_the_path(self) -> None:
        node = self.create_oneview_node(
            driver_info={"oneview_tls_cacert_file": "/etc/oneview/missing-ca.pem"}
        )

        with pytest.raises(exception.InvalidParameterValue) as caught:
            self._validate(node)

        assert node.uuid in str(caught.value)
        assert "'/etc/oneview/missing-ca.pem' is not a file" in str(caught.value)
