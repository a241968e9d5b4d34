"""The learner's own pages: dashboard, plan and exports. Each module is one resource."""
