// Placeholder until the first HTTP source lands.
