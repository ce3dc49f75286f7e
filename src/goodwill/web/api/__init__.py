"""/api/v1: JSON over the services, token or session auth."""
