"""cloudlet_fake: an ML2 mechanism driver that binds every port without any L2 agent.

A test cloudlet runs no OVS, DHCP or L3 agent and touches no host networking, yet Nova refuses
to boot with an unbound port (PortBindingFailed). This driver binds each port to the first
segment offered, with vif_type "ovs", and marks it ACTIVE (notes, gotcha 7).
"""
from neutron_lib.api.definitions import portbindings
from neutron_lib import constants
from neutron_lib.plugins.ml2 import api


class CloudletFakeMechanismDriver(api.MechanismDriver):

    def initialize(self):
        pass

    @property
    def connectivity(self):
        return portbindings.CONNECTIVITY_L2

    def bind_port(self, context):
        for segment in context.segments_to_bind:
            context.set_binding(
                segment[api.ID],
                portbindings.VIF_TYPE_OVS,
                {portbindings.CAP_PORT_FILTER: True,
                 portbindings.OVS_HYBRID_PLUG: False},
                status=constants.PORT_STATUS_ACTIVE)
            return
