"""What the committee does to a model: drafts, evidence, scenarios, normalising, work under a budget."""
