{
    "name": "Test: missing external dependency",
    "depends": ["base"],
    "external_dependencies": {"python": ["agora_no_such_package"], "bin": []},
}
