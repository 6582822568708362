"""Sessions: several clips of one run (side, rear, front; early and late) → one report."""
