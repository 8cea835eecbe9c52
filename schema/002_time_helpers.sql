-- Exact instants between the service and PostgreSQL. The service keeps instants as
-- microseconds since the Unix epoch (int8); these convert without the rounding that
-- to_timestamp(double precision) would bring.
CREATE FUNCTION eventd_us(t timestamptz) RETURNS bigint
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  AS $$ SELECT (extract(epoch FROM t) * 1000000)::bigint $$;

CREATE FUNCTION eventd_ts(us bigint) RETURNS timestamptz
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  AS $$ SELECT 'epoch'::timestamptz + us * interval '1 microsecond' $$;
