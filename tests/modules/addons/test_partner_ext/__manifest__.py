{
    "name": "Test: partner extension",
    "version": "1.0",
    "depends": ["base"],
    "data": [],
    "installable": True,
}
