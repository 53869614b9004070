{
    "name": "Test: replica probe",
    "version": "1.0",
    "depends": ["base"],
    "data": [],
    "installable": True,
}
