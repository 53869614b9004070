"""Won, lost (with a reason, through the wizard or not), restore, and their cost."""

from __future__ import annotations

import pytest

from agora import exceptions
from agora.testing.queries import assert_queries


def _opportunity(env, stages, **values):
    return env["crm.lead"].create({"name": "Deal", "type": "opportunity",
                                   "expected_revenue": 1000.0,
                                   "stage_id": stages["qualified"].id, **values})


def test_set_won_moves_to_the_won_stage(env, stages):
    lead = _opportunity(env, stages)
    assert lead.action_set_won_rainbowman() is True
    assert lead.stage_id == stages["won"] and lead.probability == 100.0
    assert lead.won_status == "won" and lead.date_closed and lead.prorated_revenue == 1000.0


def test_set_won_uses_the_team_won_stage_and_refuses_without_one(env, stages):
    team = env["crm.team"].create({"name": "Export"})
    team_won = env["crm.stage"].create({"name": "Signed", "sequence": 50, "is_won": True,
                                        "team_id": team.id})
    leads = _opportunity(env, stages, team_id=team.id) | _opportunity(env, stages)
    leads.action_set_won()
    assert leads.mapped("stage_id") == team_won | stages["won"]
    stages["won"].write({"is_won": False})
    other = _opportunity(env, stages)
    with pytest.raises(exceptions.UserError, match="No stage is marked as won"):
        other.action_set_won()


def test_set_lost_keeps_reason_and_restore_gives_probability_back(env, stages):
    lead = _opportunity(env, stages)
    reason = env.ref("crm.lost_reason_2")
    lead.action_set_lost(lost_reason_id=reason.id, lost_feedback="Went with a rival")
    assert not lead.active and lead.probability == 0.0 and lead.prorated_revenue == 0.0
    assert lead.won_status == "lost" and lead.lost_reason_id == reason
    assert lead.lost_feedback == "Went with a rival"
    assert not env["crm.lead"].search([("id", "=", lead.id)])
    # moving a lost lead keeps it lost
    lead.write({"stage_id": stages["proposition"].id})
    assert lead.probability == 0.0 and lead.won_status == "lost"
    lead.toggle_active()
    assert lead.active and lead.probability == 75.0 and not lead.lost_reason_id
    assert lead.won_status == "pending"
    lead.toggle_active()  # archiving is losing, without a reason
    assert not lead.active and lead.probability == 0.0
    lead.action_restore()
    assert lead.active and lead.probability == 75.0
    with pytest.raises(exceptions.UserError, match="unknown fields"):
        lead.action_set_lost(lost_reason="oops")


def test_won_restores_a_lost_lead(env, stages):
    lead = _opportunity(env, stages)
    lead.action_set_lost(lost_reason_id=env.ref("crm.lost_reason_1").id)
    lead.action_set_won()
    assert lead.active and lead.won_status == "won" and not lead.lost_reason_id


def test_lost_wizard(env, stages):
    leads = _opportunity(env, stages) | _opportunity(env, stages)
    wizard_model = env["crm.lead.lost"].with_context(active_model="crm.lead",
                                                     active_ids=leads.ids)
    defaults = wizard_model.default_get(["lead_ids", "lost_reason_id"])
    assert defaults["lead_ids"] == [(6, 0, leads.ids)]
    wizard = wizard_model.create({**defaults, "lost_reason_id": env.ref("crm.lost_reason_3").id,
                                  "lost_feedback": "No stock before June"})
    assert wizard.action_lost_reason_apply() == {"type": "ir.actions.act_window_close"}
    assert set(leads.mapped("won_status")) == {"lost"}
    assert leads.mapped("lost_reason_id") == env.ref("crm.lost_reason_3")
    empty = env["crm.lead.lost"].create({})
    with pytest.raises(exceptions.UserError, match="no lead"):
        empty.action_lost_reason_apply()


def test_set_won_on_50_leads_runs_a_bounded_number_of_queries(env, stages):
    leads = env["crm.lead"].create([
        {"name": f"Deal {n}", "type": "opportunity", "expected_revenue": 100.0 * n,
         "stage_id": stages["qualified"].id} for n in range(50)])
    env.flush_all()
    env.invalidate_all()
    leads = env["crm.lead"].browse(leads.ids)
    # measured 9: read, stage search, stage, update, and the stage tracking in the
    # chatter (old values, 50 messages in one insert, their values in another, ids)
    with assert_queries(env.cr, 9) as log:
        leads.action_set_won()
        env.flush_all()
    print(f"action_set_won on 50 leads: {len(log)} queries")
    assert set(leads.mapped("won_status")) == {"won"}
    assert sum(leads.mapped("prorated_revenue")) == sum(100.0 * n for n in range(50))
