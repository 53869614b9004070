"""The ORM: models, fields, environments, domains, schema synchronisation."""
