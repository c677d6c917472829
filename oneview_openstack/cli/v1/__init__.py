"""The commands, one module per object (as python-ironicclient's ``osc/v1``)."""
