-- Record a limit decision: proposed, and applied at once when $status is 'applied'.
INSERT INTO limit_decisions VALUES ($id, $client, $previous, $new, $suggested, $reason, $user, $now,
                                    $status, $decided_by, $decided_at)
