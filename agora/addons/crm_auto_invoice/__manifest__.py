{
    "name": "Won Opportunity Invoices Itself (example)",
    "version": "0.1.0",
    "summary": "Example of modular inheritance: winning an opportunity quotes, confirms, "
               "invoices and posts — by extending crm, sale and account with super()",
    "category": "Hidden",
    "depends": ["sale_crm"],
    "data": ["data/crm_auto_invoice_data.xml"],
    "license": "LGPL-3",
    "installable": True,
}
