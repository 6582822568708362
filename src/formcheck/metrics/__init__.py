"""Per-stride metrics: one registry, one definition per metric."""
