-- Point-in-time features, after step 4 (see features_lived.sql): the temp tables of steps 1 and 2 dropped.
DROP TABLE IF EXISTS temp.feature_obs;
DROP TABLE IF EXISTS temp.feature_lived;
