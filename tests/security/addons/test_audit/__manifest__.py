{
    "name": "Test: audit trail",
    "version": "1.0",
    "summary": "Opts res.partner and res.users in to the audit trail (tests only)",
    "depends": ["base"],
    "data": [],
    "installable": True,
}
