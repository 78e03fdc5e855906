-- Tenant fairness: the claim's index in tenant order, so that when more is due than the executors
-- can send, a claim can take each tenant's earliest due work in turn (the fair claim) instead of
-- reading one global due order, in which a tenant with a flood due holds up every tenant due after
-- it. Same rows and order within a tenant as schedule_claim.
CREATE INDEX schedule_tenant_claim ON schedule (tenant_id, claim_rank, next_fire_at)
    WHERE state = 'ACTIVE' AND NOT flow_limited;
