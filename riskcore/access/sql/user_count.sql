-- How many accounts the workspace has, disabled ones included: none, and the app runs in demo mode
-- (disabling every account must not open the app to anyone).
SELECT count(*) FROM users
