-- 0011: background work links to the request that caused it.
--
-- The W3C traceparent of the write that queued an event, when that write was traced (sampled); the
-- relay's and the consumer's spans link to it, so a trace viewer leads from a request to the email,
-- fan-out or thumbnails it caused. Null for writes nobody traced.
ALTER TABLE outbox ADD COLUMN trace_parent text;
