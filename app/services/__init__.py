"""Services: the rules behind the /api routes, over a session the route owns."""
