-- The outbox hops of kuruma_hop_seconds (ingest-commit->accepted-topic, policy-commit->public-topic,
-- claims-commit->claim-topic) start at the row's commit instant. CURRENT_TIMESTAMP is the
-- transaction's START, which would charge the whole transaction (locks, inserts, and the wait for
-- a pool connection's earlier statements) to the relay. clock_timestamp() is the instant the row is
-- written: the outbox insert is the last statement of every transaction that writes one, so it
-- trails the commit by one COMMIT round trip (the WAL flush included), which the hop then counts
-- and the hop before it counts too. Storing the true commit instant would need a second write
-- after COMMIT. A default change only: no table rewrite, existing rows keep their value.
ALTER TABLE "outbox" ALTER COLUMN "created_at" SET DEFAULT clock_timestamp();
