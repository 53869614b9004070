{
    "name": "Opportunity to Quotation",
    "version": "0.1.0",
    "summary": "Quotations made from CRM opportunities, and the opportunity's orders",
    "category": "Hidden",
    "depends": ["sale", "crm"],
    "data": ["views/crm_lead_views.xml"],
    "license": "LGPL-3",
    "installable": True,
    "auto_install": True,
}
