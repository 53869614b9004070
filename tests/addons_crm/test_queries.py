"""Query counts of the CRM's hot paths: creating leads in bulk, loading the pipeline."""

from __future__ import annotations

from agora.testing.queries import assert_queries


def test_create_50_leads_with_customers(env, stages):
    partners = env["res.partner"].create([{"name": f"Customer {n}", "email": f"c{n}@x.example"}
                                          for n in range(5)])
    env.flush_all()
    env.invalidate_all()
    vals = [{"name": f"Lead {n}", "partner_id": partners[n % 5].id, "expected_revenue": 10.0}
            for n in range(50)]
    # measured 14: 11 for the leads, 3 for their chatter (followers, "created" notes,
    # the note subtype) — whatever the number of leads
    with assert_queries(env.cr, 14) as log:
        leads = env["crm.lead"].create(vals)
        env.flush_all()
    print(f"create 50 leads: {len(log)} queries")
    assert leads[7].email_from == "c2@x.example" and leads[7].stage_id == stages["new"]
    assert set(leads.mapped("probability")) == {25.0}


def test_pipeline_read_group_with_stage_columns(env, stages):
    env.invalidate_all()
    with assert_queries(env.cr, 5) as log:  # measured: 3
        groups = env["crm.lead"].read_group([("type", "=", "opportunity")],
                                            ["expected_revenue:sum"], ["stage_id"])
    print(f"pipeline read_group: {len(log)} queries")
    assert [g["stage_id"][0] for g in groups] == [s.id for s in stages.values()]


def test_days_to_assign_and_close(env, stages):
    lead = env["crm.lead"].create({"name": "Timing", "type": "opportunity"})
    env.flush_all()
    env.cr.execute("UPDATE crm_lead SET create_date = date_open - interval '2 days' "
                   "WHERE id = %s", (lead.id,))
    env.invalidate_all()
    assert round(lead.day_open, 3) == 2.0 and lead.day_close == 0.0
    lead.action_set_won()
    assert lead.day_close >= 2.0
