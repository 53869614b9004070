{"name": "Entry-point addon", "depends": ["base"]}
