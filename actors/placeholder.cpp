// Placeholder until the first actor lands.
