-- Point-in-time features, between steps 2 and 3 (see features_lived.sql): each observation's probe
-- keys, where numpy reads the running sums of the events.
SELECT obs_n, key_0, key_90, key_365, key_start FROM feature_obs
