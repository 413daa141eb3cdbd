"""The engine: cases, the two oracles, comparison, and the property that ties them to a submission."""
