"""The ``agora`` command line (click). Entry point: :func:`agora.cli.main.main`."""
