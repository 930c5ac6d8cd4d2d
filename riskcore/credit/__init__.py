"""Credit: features, the client score (model, rules, reasons) and credit limits with their decisions."""
