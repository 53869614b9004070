"""The CRM's buttons and methods through XML-RPC, as Odoo clients call them."""

from __future__ import annotations

import xmlrpc.client

import pytest


@pytest.fixture
def rpc(crm_served):
    common = xmlrpc.client.ServerProxy(f"{crm_served.url}/xmlrpc/2/common")
    uid = common.authenticate(crm_served.name, "admin", "admin", {})
    assert uid
    models = xmlrpc.client.ServerProxy(f"{crm_served.url}/xmlrpc/2/object",
                                       allow_none=True)

    def call(model, method, *args, **kwargs):
        return models.execute_kw(crm_served.name, uid, "admin", model, method, list(args),
                                 kwargs)
    return call


def test_lead_lifecycle_over_xmlrpc(rpc):
    lead_id = rpc("crm.lead", "create", {"name": "RPC lead", "partner_name": "RPC Corp",
                                         "contact_name": "Rita Rpc"})
    partner_id = rpc("res.partner", "create", {"name": "RPC Existing", "is_company": True})
    assert rpc("crm.lead", "convert_opportunity", [lead_id], partner_id) is True
    [lead] = rpc("crm.lead", "read", [lead_id], ["type", "partner_id", "probability"])
    assert lead["type"] == "opportunity" and lead["partner_id"][0] == partner_id
    reason = rpc("crm.lost.reason", "search", [("name", "=", "Too expensive")])[0]
    rpc("crm.lead", "action_set_lost", [lead_id], lost_reason_id=reason,
        lost_feedback="Budget cut")
    [lost] = rpc("crm.lead", "read", [lead_id], ["active", "won_status", "lost_reason_id",
                                                 "probability"])
    assert not lost["active"] and lost["won_status"] == "lost"
    assert lost["lost_reason_id"][0] == reason and lost["probability"] == 0
    rpc("crm.lead", "action_set_won_rainbowman", [lead_id])
    [won] = rpc("crm.lead", "read", [lead_id], ["active", "won_status", "probability"])
    assert won == {"id": lead_id, "active": True, "won_status": "won", "probability": 100.0}
    with pytest.raises(xmlrpc.client.Fault):
        rpc("crm.lead", "_create_customer", [lead_id])  # private: not callable remotely
