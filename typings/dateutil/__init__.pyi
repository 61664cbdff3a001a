# python-dateutil 4.0 has no py.typed marker; relativedelta is the one part this project uses.
