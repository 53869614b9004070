"""Leads and opportunities.

A lead is a first contact to qualify; converting it makes it an opportunity (with a
customer) that moves through the pipeline's stages. Won: in a stage marked "won", at
100%. Lost: archived at 0%, with a reason. Restoring a lost one gives it back the
probability of its stage.

The default probability of a stage is its rank among the open (not won) stages of the
pipeline: with New, Qualified, Proposition and Won, an opportunity is 25%, 50%, 75% and
100% likely. A probability typed by the user stays until the stage changes.

Nothing here knows about quotations: ``sale_crm`` extends this model. The customer
helpers (``_prepare_customer_values``, ``_find_matching_partner``,
``_handle_partner_assignment``) are meant to be reused by such extensions.
"""

from __future__ import annotations

import re
from typing import Any

from agora import api, exceptions, fields, models

PRIORITIES = [("0", "Low"), ("1", "Medium"), ("2", "High"), ("3", "Very High")]
#: lead field -> partner field copied when a customer is chosen (only into empty fields)
PARTNER_ADDRESS_FIELDS = {"email_from": "email", "phone": "phone", "street": "street",
                          "street2": "street2", "city": "city", "zip": "zip",
                          "country_id": "country_id"}
_EMAIL_NAME = re.compile(r"^\s*\"?([^\"<]*?)\"?\s*<([^>]+)>\s*$")


class CrmLead(models.Model):
    _name = "crm.lead"
    _description = "Lead/Opportunity"
    _order = "priority desc, id desc"

    name = fields.Char(string="Opportunity", required=True, index=True)
    type = fields.Selection([("lead", "Lead"), ("opportunity", "Opportunity")],
                            required=True, index=True, default="lead")
    active = fields.Boolean(default=True)
    # customer
    partner_id = fields.Many2one("res.partner", string="Customer", index=True,
                                 ondelete="set null")
    partner_name = fields.Char(string="Company Name",
                               help="The customer's company, created on conversion if new.")
    contact_name = fields.Char(string="Contact Name")
    email_from = fields.Char(string="Email", index=True)
    phone = fields.Char()
    function = fields.Char(string="Job Position")
    street = fields.Char()
    street2 = fields.Char()
    city = fields.Char()
    zip = fields.Char(string="Zip")
    country_id = fields.Many2one("res.country", string="Country")
    # assignment and pipeline
    user_id = fields.Many2one("res.users", string="Salesperson", index=True,
                              default=lambda self: self.env.uid, tracking=True)
    team_id = fields.Many2one("crm.team", string="Sales Team", index=True,
                              default=lambda self: self._default_team_id())
    stage_id = fields.Many2one("crm.stage", string="Stage", index=True, ondelete="restrict",
                               default=lambda self: self._default_stage_id(), tracking=True)
    priority = fields.Selection(PRIORITIES, default="0", index=True)
    tag_ids = fields.Many2many("crm.tag", "crm_tag_rel", "lead_id", "tag_id", string="Tags")
    color = fields.Integer(string="Color Index")
    company_id = fields.Many2one("res.company", string="Company", index=True,
                                 default=lambda self: self.env.company.id)
    company_currency = fields.Many2one("res.currency", related="company_id.currency_id",
                                       string="Currency")
    # revenue
    expected_revenue = fields.Monetary(currency_field="company_currency", tracking=True)
    probability = fields.Float(aggregator="avg")
    automated_probability = fields.Float(compute="_compute_automated_probability",
                                         help="The probability of the lead's stage.")
    prorated_revenue = fields.Monetary(currency_field="company_currency", store=True,
                                       compute="_compute_prorated_revenue")
    # dates
    date_deadline = fields.Date(string="Expected Closing")
    date_open = fields.Datetime(string="Assignment Date", readonly=True, copy=False)
    date_closed = fields.Datetime(string="Closed Date", readonly=True, copy=False)
    date_conversion = fields.Datetime(string="Conversion Date", readonly=True, copy=False)
    date_last_stage_update = fields.Datetime(string="Last Stage Update", copy=False)
    day_open = fields.Float(string="Days to Assign", compute="_compute_day_open")
    day_close = fields.Float(string="Days to Close", compute="_compute_day_close")
    # outcome
    lost_reason_id = fields.Many2one("crm.lost.reason", string="Lost Reason", index=True,
                                     ondelete="restrict", copy=False)
    lost_feedback = fields.Text(string="Closing Note", copy=False)
    won_status = fields.Selection([("won", "Won"), ("lost", "Lost"), ("pending", "Pending")],
                                  compute="_compute_won_status", store=True, index=True)
    description = fields.Text(string="Notes")

    # -- defaults -------------------------------------------------------------------------
    def _default_team_id(self) -> int | bool:
        team_id = self.env.context.get("default_team_id")
        if team_id:
            return team_id
        return self.env["crm.team"]._get_default_team_id(user_id=self.env.uid).id or False

    def _default_stage_id(self) -> int | bool:
        team_id = self.env.context.get("default_team_id") or self._default_team_id()
        return self._stage_find(team_id=team_id, domain=[("fold", "=", False)]).id or False

    @api.model
    def _stage_find(self, team_id: int | bool = False, domain: list | None = None,
                    order: str = "sequence, id", limit: int = 1) -> Any:
        """The first stages (by ``order``) shown in ``team_id``'s pipeline: the team's
        own and the shared ones, further filtered by ``domain``."""
        team_ids = [False, team_id] if team_id else [False]
        search_domain = [("team_id", "in", team_ids), *(domain or [])]
        return self.env["crm.stage"].search(search_domain, order=order, limit=limit)

    # -- computes -------------------------------------------------------------------------
    @api.depends("stage_id")
    def _compute_automated_probability(self) -> None:
        by_stage = self._stage_probabilities(self.stage_id)
        for lead in self:
            lead.automated_probability = by_stage.get(lead.stage_id.id, 0.0)

    @api.model
    def _stage_probabilities(self, stages: Any) -> dict[int, float]:
        """{stage id: default probability}: 100 for won stages, else the stage's rank among
        the open stages of its pipeline (its team's and the shared ones), spread evenly
        below 100. One search for all the stages asked."""
        if not stages:
            return {}
        team_ids = list({stage.team_id.id for stage in stages if stage.team_id})
        pipeline = self.env["crm.stage"].search(
            [("team_id", "in", [False, *team_ids]), ("is_won", "=", False)],
            order="sequence, id")
        result: dict[int, float] = {}
        for stage in stages:
            if stage.is_won:
                result[stage.id] = 100.0
                continue
            open_stages = [s.id for s in pipeline
                           if not s.team_id or s.team_id.id == stage.team_id.id]
            rank = open_stages.index(stage.id) + 1 if stage.id in open_stages else 0
            result[stage.id] = round(100.0 * rank / (len(open_stages) + 1), 2)
        return result

    @api.depends("expected_revenue", "probability")
    def _compute_prorated_revenue(self) -> None:
        for lead in self:
            lead.prorated_revenue = (lead.expected_revenue or 0.0) * (lead.probability or 0.0) / 100.0

    @api.depends("active", "probability", "stage_id.is_won")
    def _compute_won_status(self) -> None:
        for lead in self:
            if lead.active and lead.stage_id.is_won:
                lead.won_status = "won"
            elif not lead.active and not lead.probability:
                lead.won_status = "lost"
            else:
                lead.won_status = "pending"

    @api.depends("create_date", "date_open")
    def _compute_day_open(self) -> None:
        for lead in self:
            lead.day_open = _days_between(lead.create_date, lead.date_open)

    @api.depends("create_date", "date_closed")
    def _compute_day_close(self) -> None:
        for lead in self:
            lead.day_close = _days_between(lead.create_date, lead.date_closed)

    # -- onchanges (the form) -------------------------------------------------------------
    @api.onchange("partner_id")
    def _onchange_partner_id(self) -> None:
        for lead in self:
            if lead.partner_id:
                for name, value in lead._prepare_values_from_partner(lead.partner_id).items():
                    lead[name] = value

    @api.onchange("stage_id")
    def _onchange_stage_id(self) -> None:
        for lead in self:
            # a lost (archived) lead stays at 0%; one not saved yet cannot be lost
            if lead.stage_id and (lead.active or not lead._origin):
                lead.probability = lead.automated_probability

    # -- create / write -------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list: Any) -> Any:
        if isinstance(vals_list, dict):
            vals_list = [vals_list]
        vals_list = self._complete_team_and_stage([dict(vals) for vals in vals_list])
        now = fields.Datetime.now()
        partners = {partner.id: partner for partner in self.env["res.partner"].browse(
            list({vals["partner_id"] for vals in vals_list if vals.get("partner_id")}))}
        probabilities = self._stage_probabilities(self.env["crm.stage"].browse(
            list({vals["stage_id"] for vals in vals_list if vals.get("stage_id")})))
        for vals in vals_list:
            if vals.get("partner_id"):
                partner_values = self._prepare_values_from_partner(partners[vals["partner_id"]])
                for name, value in partner_values.items():
                    if not vals.get(name):
                        vals[name] = value
            if vals.get("user_id", self.env.uid) and not vals.get("date_open"):
                vals["date_open"] = now
            probability = probabilities.get(vals.get("stage_id"), 0.0)
            if "probability" not in vals:
                vals["probability"] = probability if vals.get("active", True) else 0.0
            if probability == 100.0 and not vals.get("date_closed"):
                vals["date_closed"] = now
        return super().create(vals_list)

    def _complete_team_and_stage(self, vals_list: list[dict[str, Any]]
                                 ) -> list[dict[str, Any]]:
        """The default team (looked up once) and the first open stage of each lead's
        team, for the values that have none: the stage depends on the team."""
        if any("team_id" not in vals for vals in vals_list):
            team_id = self.default_get(["team_id"]).get("team_id", False)
            for vals in vals_list:
                vals.setdefault("team_id", team_id)
        if any("stage_id" not in vals for vals in vals_list):
            context_stage = self.env.context.get("default_stage_id")
            by_team: dict[Any, int | bool] = {}
            for vals in vals_list:
                if "stage_id" in vals:
                    continue
                if context_stage:
                    vals["stage_id"] = context_stage
                    continue
                team_id = vals.get("team_id") or False
                if team_id not in by_team:
                    by_team[team_id] = self._stage_find(
                        team_id=team_id, domain=[("fold", "=", False)]).id or False
                vals["stage_id"] = by_team[team_id]
        return vals_list

    def write(self, vals: dict[str, Any]) -> bool:
        vals = dict(vals)
        now = fields.Datetime.now()
        if vals.get("user_id") and "date_open" not in vals:
            vals["date_open"] = now
        if "stage_id" in vals:
            vals.setdefault("date_last_stage_update", now)
        if "active" in vals and not vals["active"]:
            # archived = lost: nothing left to win
            vals.setdefault("probability", 0.0)
        elif vals.get("active"):
            vals.setdefault("lost_reason_id", False)
        if vals.get("stage_id"):
            stage = self.env["crm.stage"].browse(vals["stage_id"])
            if stage.is_won:
                vals.setdefault("probability", 100.0)
                vals.setdefault("date_closed", now)
            else:
                vals.setdefault("date_closed", False)
                if "probability" not in vals and not vals.get("active"):
                    # a lost lead keeps its 0% when moved; the open ones follow the stage
                    lost = self.filtered(lambda lead: not lead.active)
                    if lost:
                        super(CrmLead, lost).write(vals)
                    open_leads = self - lost
                    probability = self._stage_probabilities(stage)[stage.id]
                    if open_leads:
                        super(CrmLead, open_leads).write({**vals, "probability": probability})
                    return True
        if vals.get("active") and "probability" not in vals:
            return self._write_restoring_probability(vals)
        return super().write(vals)

    def _write_restoring_probability(self, vals: dict[str, Any]) -> bool:
        """Restored leads get the probability of their stage back (one write per
        stage)."""
        stage_id = vals.get("stage_id")
        if stage_id:
            stage = self.env["crm.stage"].browse(stage_id)
            probability = self._stage_probabilities(stage)[stage.id]
            return super().write({**vals, "probability": probability})
        probabilities = self._stage_probabilities(self.stage_id)
        for stage, leads in self.grouped("stage_id").items():
            probability = probabilities.get(stage.id, 0.0)
            super(CrmLead, leads).write({**vals, "probability": probability})
        return True

    # -- grouping: every stage of the pipeline is a column, empty or not -------------------
    @api.model
    def read_group(self, domain: Any, fields: list[str], groupby: str | list[str],
                   offset: int = 0, limit: int | None = None, orderby: str | bool = False,
                   lazy: bool = True) -> list[dict[str, Any]]:
        groups = super().read_group(domain, fields, groupby, offset=offset, limit=limit,
                                    orderby=orderby, lazy=lazy)
        groupbys = [groupby] if isinstance(groupby, str) else list(groupby or [])
        if groupbys[:1] != ["stage_id"] or offset or limit or (not lazy and len(groupbys) > 1):
            return groups
        return self._expand_stage_groups(groups, domain or [], fields or [], lazy,
                                         keep_order=bool(orderby))

    @api.model
    def _read_group_stage_ids(self, stages: Any, domain: Any) -> Any:
        """The stages shown as pipeline columns (Odoo's ``group_expand``): those of the
        team in context (``default_team_id``) and the shared ones, plus ``stages``."""
        team_id = self.env.context.get("default_team_id")
        team_ids = [False, team_id] if team_id else [False]
        found = self.env["crm.stage"].search(["|", ("id", "in", stages.ids),
                                              ("team_id", "in", team_ids)],
                                             order="sequence, id")
        return found

    def _expand_stage_groups(self, groups: list[dict[str, Any]], domain: list[Any],
                             fields: list[str], lazy: bool, keep_order: bool
                             ) -> list[dict[str, Any]]:
        by_stage = {group["stage_id"][0] if group["stage_id"] else False: group
                    for group in groups}
        stages = self._read_group_stage_ids(
            self.env["crm.stage"].browse([sid for sid in by_stage if sid]), domain)
        count_key = "stage_id_count" if lazy else "__count"
        aggregated = [name.split(":")[0] for name in fields
                      if name.split(":")[0] not in ("stage_id", "__count")]
        for stage in stages:
            if stage.id in by_stage:
                by_stage[stage.id]["__fold"] = stage.fold
                continue
            empty: dict[str, Any] = {"stage_id": (stage.id, stage.display_name),
                                     count_key: 0, "__fold": stage.fold}
            for name in aggregated:
                empty[name] = False
            leaf = [("stage_id", "=", stage.id)]
            empty["__domain"] = ["&", *leaf, *domain] if domain else leaf
            by_stage[stage.id] = empty
        if keep_order:
            # the caller's order for the groups found; the empty columns after them
            known = {id(group) for group in groups}
            return groups + [group for group in by_stage.values() if id(group) not in known]
        order = {stage.id: index for index, stage in enumerate(stages)}
        return sorted(by_stage.values(), key=lambda group: order.get(
            group["stage_id"][0] if group["stage_id"] else False, len(order)))

    # -- won / lost -----------------------------------------------------------------------
    def action_set_won(self) -> bool:
        """Won: restored if lost, moved to the first won stage of its team, 100%."""
        self.action_unarchive()
        for team, leads in self.grouped("team_id").items():
            won_stage = self._stage_find(team_id=team.id, domain=[("is_won", "=", True)])
            if not won_stage:
                raise exceptions.UserError(
                    f"No stage is marked as won for the sales team {team.name or '(none)'}: "
                    "mark one in CRM > Configuration > Stages.")
            leads.write({"stage_id": won_stage.id, "probability": 100.0})
        return True

    def action_set_won_rainbowman(self) -> bool:
        """The form's Won button (Odoo shows a rainbow man; the outcome is the same)."""
        return self.action_set_won()

    def action_set_lost(self, **additional_values: Any) -> bool:
        """Lost: archived at 0%, keeping ``lost_reason_id`` / ``lost_feedback`` given."""
        unknown = set(additional_values) - set(self._fields)
        if unknown:
            raise exceptions.UserError(f"crm.lead.action_set_lost: unknown fields {sorted(unknown)}")
        self.write({**additional_values, "active": False, "probability": 0.0})
        return True

    def toggle_active(self) -> bool:
        """Archive the active ones (as lost, without reason), restore the others."""
        archived = self.filtered(lambda lead: not lead.active)
        (self - archived).action_archive()
        archived.action_unarchive()
        return True

    def action_restore(self) -> bool:
        """The form's Restore button on a lost opportunity."""
        return self.action_unarchive()

    # -- conversion -----------------------------------------------------------------------
    def convert_opportunity(self, partner: Any, user_ids: Any = False,
                            team_id: int | bool = False) -> bool:
        """Leads become opportunities of ``partner`` (a res.partner, its id or False);
        won and lost ones are left alone. ``user_ids``/``team_id`` reassign them."""
        if isinstance(partner, int):
            partner = self.env["res.partner"].browse(partner)
        customer = partner or self.env["res.partner"]
        for lead in self:
            if not lead.active or lead.probability == 100:
                continue
            lead.write(lead._convert_opportunity_data(customer, team_id))
        if user_ids or team_id:
            self._handle_salesmen_assignment(user_ids=user_ids, team_id=team_id)
        return True

    def _convert_opportunity_data(self, customer: Any, team_id: int | bool = False
                                  ) -> dict[str, Any]:
        """What a lead's conversion writes (extensions add their own keys)."""
        self.ensure_one()
        values: dict[str, Any] = {"type": "opportunity",
                                  "date_conversion": fields.Datetime.now()}
        if customer:
            values["partner_id"] = customer.id
            for name, value in self._prepare_values_from_partner(customer).items():
                if not self[name]:
                    values[name] = value
        if not self.stage_id or (team_id and self.stage_id.team_id
                                 and self.stage_id.team_id.id != team_id):
            stage = self._stage_find(team_id=team_id or self.team_id.id,
                                     domain=[("fold", "=", False)])
            values["stage_id"] = stage.id or False
        return values

    def _handle_salesmen_assignment(self, user_ids: Any = None,
                                    team_id: int | bool = False) -> None:
        """Give the leads to ``team_id`` and the ``user_ids`` in turn."""
        if hasattr(user_ids, "ids"):
            user_ids = user_ids.ids
        if team_id:
            self.write({"team_id": team_id})
        users = list(user_ids or [])
        if len(users) == 1:
            self.write({"user_id": users[0]})
        elif users:
            # in turn, one write per salesperson
            for offset, user_id in enumerate(users):
                self[offset::len(users)].write({"user_id": user_id})

    def _handle_partner_assignment(self, force_partner_id: int | bool = False,
                                   create_missing: bool = True) -> None:
        """Link each lead to ``force_partner_id``, else keep its customer, else create
        one from its company and contact names (``create_missing``)."""
        for lead in self:
            if force_partner_id:
                partner = self.env["res.partner"].browse(force_partner_id)
                values = {"partner_id": partner.id}
                for name, value in lead._prepare_values_from_partner(partner).items():
                    if not lead[name]:
                        values[name] = value
                lead.write(values)
            if not lead.partner_id and create_missing:
                lead.write({"partner_id": lead._create_customer().id})

    def _create_customer(self) -> Any:
        """A new customer from the lead: its company (and the contact person in it when
        both names are known), else a person."""
        self.ensure_one()
        partners = self.env["res.partner"]
        if self.partner_name:
            company = partners.create(self._prepare_customer_values(self.partner_name,
                                                                    is_company=True))
            if self.contact_name:
                return partners.create(self._prepare_customer_values(
                    self.contact_name, is_company=False, parent_id=company.id))
            return company
        name = self.contact_name or _name_from_email(self.email_from) or self.name
        return partners.create(self._prepare_customer_values(name, is_company=False))

    def _prepare_customer_values(self, partner_name: str, is_company: bool = False,
                                 parent_id: int | bool = False) -> dict[str, Any]:
        """res.partner values for a customer named ``partner_name`` made from the lead."""
        self.ensure_one()
        values: dict[str, Any] = {
            "name": partner_name, "is_company": is_company, "parent_id": parent_id or False,
            "email": _address_from_email(self.email_from) or False, "phone": self.phone or False,
            "street": self.street or False, "street2": self.street2 or False,
            "city": self.city or False, "zip": self.zip or False,
            "country_id": self.country_id.id or False, "type": "contact",
        }
        if not is_company:
            values["function"] = self.function or False
        return values

    def _prepare_values_from_partner(self, partner: Any) -> dict[str, Any]:
        """Lead values taken from a customer: contact details, company and contact names."""
        values: dict[str, Any] = {}
        for lead_field, partner_field in PARTNER_ADDRESS_FIELDS.items():
            value = partner[partner_field]
            values[lead_field] = value.id if hasattr(value, "_ids") else value
        if partner.is_company:
            values["partner_name"] = partner.name
        else:
            values["contact_name"] = partner.name
            values["function"] = partner.function
            if partner.parent_id:
                values["partner_name"] = partner.parent_id.name
        return {name: value for name, value in values.items() if value}

    def _find_matching_partner(self, email_only: bool = False) -> Any:
        """The existing customer this lead is about: its own, else one with its email,
        else (unless ``email_only``) one with its company or contact name."""
        self.ensure_one()
        if self.partner_id:
            return self.partner_id
        partners = self.env["res.partner"]
        email = _address_from_email(self.email_from)
        if email:
            found = partners.search([("email", "=ilike", email)], limit=1)
            if found:
                return found
        if email_only:
            return partners
        if self.partner_name:
            found = partners.search([("name", "=ilike", self.partner_name),
                                     ("is_company", "=", True)], limit=1)
            if found:
                return found
        if self.contact_name:
            return partners.search([("name", "=ilike", self.contact_name)], limit=1)
        return partners

    def redirect_lead_opportunity_view(self) -> dict[str, Any]:
        """The window action showing this lead or opportunity in its form."""
        self.ensure_one()
        form = self.env.ref("crm.crm_lead_view_form", raise_if_not_found=False)
        return {
            "type": "ir.actions.act_window",
            "name": "Opportunity" if self.type == "opportunity" else "Lead",
            "res_model": "crm.lead", "res_id": self.id, "view_mode": "form",
            "views": [[form.id if form else False, "form"]], "target": "current",
            "context": {"default_type": self.type},
        }


def _days_between(start: Any, end: Any) -> float:
    if not start or not end:
        return 0.0
    return abs((end - start).total_seconds()) / 86400.0


def _address_from_email(email: str | bool | None) -> str:
    """``"Jane <jane@x.com>"`` -> ``jane@x.com``."""
    if not email:
        return ""
    match = _EMAIL_NAME.match(email)
    return (match.group(2) if match else email).strip()


def _name_from_email(email: str | bool | None) -> str:
    """``"Jane <jane@x.com>"`` -> ``Jane``; a bare address gives itself."""
    if not email:
        return ""
    match = _EMAIL_NAME.match(email)
    return (match.group(1).strip() if match and match.group(1).strip()
            else _address_from_email(email))
