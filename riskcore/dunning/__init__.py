"""Dunning: who to chase, how, and the record of every reminder, call and notice."""
