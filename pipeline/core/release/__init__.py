"""Release stage: validated tables → an immutable, versioned, self-describing folder under dataset/releases/."""
