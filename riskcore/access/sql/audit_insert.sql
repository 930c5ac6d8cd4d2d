-- One row of the append-only audit log (riskcore.access.audit.write). Nothing updates or deletes it.
INSERT INTO audit_log VALUES (nextval('audit_seq'), $at, $user, $role, $action, $entity, $entity_id, $before, $after,
                              $reason, $source)
