-- Event types get the reverse-DNS prefix `com.kurumacover.` (issue #18; docs/partner-api.md#event-types).
-- The platform now emits and matches only prefixed names, so what partner-webhooks stored under the
-- legacy names is renamed: an endpoint's subscriptions (else it would stop receiving the events it
-- asked for), and the events already received (replays match them against the subscriptions; a
-- pending or replayed delivery sends the body, which now carries the prefixed type as it would
-- have from the topic). Booking history (booking_event, booking.last_type, rejected_transition)
-- stays as partners sent it: it is a record of what was received, and nothing matches on it.
UPDATE "webhook_endpoint"
   SET "event_types" = ARRAY(SELECT CASE WHEN t LIKE 'com.kurumacover.%' THEN t ELSE 'com.kurumacover.' || t END FROM unnest("event_types") AS t)
 WHERE EXISTS (SELECT 1 FROM unnest("event_types") AS t WHERE t NOT LIKE 'com.kurumacover.%');

UPDATE "webhook_event"
   SET "type" = 'com.kurumacover.' || "type",
       "body" = jsonb_set("body"::jsonb, '{type}', to_jsonb('com.kurumacover.' || "type"))::text
 WHERE "type" NOT LIKE 'com.kurumacover.%';
