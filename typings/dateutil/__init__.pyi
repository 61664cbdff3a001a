# python-dateutil 4.0 has no py.typed marker (types-python-dateutil is not in
# requirements-dev); relativedelta is the one part this project uses.
