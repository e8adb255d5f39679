"""Sub-commands of the ``coursekit`` command line (see ``coursekit.cli``)."""
