"""The chatter on leads and opportunities: stage, salesperson and expected revenue are
tracked, a lost opportunity's closing note is posted, activities plan the next steps."""

from agora import models


class CrmLeadMail(models.Model):
    _name = "crm.lead"
    _inherit = ["crm.lead", "mail.thread", "mail.activity.mixin"]

    def action_set_lost(self, **values):
        result = super().action_set_lost(**values)
        feedback = values.get("lost_feedback")
        if feedback:
            for lead in self:
                lead.message_post(body=f"Lost: {feedback}")
        return result
