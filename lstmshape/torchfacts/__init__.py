"""What torch does, said once: the recurrent family and its constructor arguments (kinds, spec),
torch's constructor rules in torch's order (rules), the parameters (parameters), dtypes, and
torch's sentences with each release's wording (sentences, releases)."""
