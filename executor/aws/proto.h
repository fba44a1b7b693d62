/* proto: the AWS wire protocols kdx speaks (query, ec2, rest-xml, json, rest-json), driven
 * by a model (model.h): an operation and its input kdx_value become an aws_request; a
 * response becomes a kdx_value shaped by the output shape, or an aws_error.
 * Serialisation fills method, path, query, headers, body, service and region of the
 * request; scheme and host are the endpoint resolver's job (aws_client_resolve). Parsed
 * values live in the arena the caller passes; aws_error (client.h) owns its strings. */
#ifndef AWS_PROTO_H
#define AWS_PROTO_H
#include <stdbool.h>
#include <stdint.h>

#include "client.h"
#include "model.h"
#include "request.h"
#include "../../common/arena.h"
#include "../../common/value.h"

/* Validate INPUT (a map, or NULL) against OPERATION, fill idempotency tokens that are
 * absent with fresh UUIDs, and serialise into req (which must be initialised; fields it
 * sets are replaced). Returns 0, or -1 with err filled (validation problems one a line). */
int aws_proto_serialize(const aws_model *m, const char *operation, const kdx_value *input,
			const char *region, aws_request *req, strbuf *err);

/* Parse a successful (2xx) response of OPERATION into *out, allocated in a. Returns 0, or
 * -1 with err filled when the body does not parse. */
int aws_proto_parse(const aws_model *m, const char *operation, const aws_response *resp,
		    kdx_arena *a, kdx_value **out, strbuf *err);

/* Decode an error response (status >= 300) per the model's protocol into e->code, message
 * and request_id (replacing what e held); the http_status is set too. Falls back to a
 * code named after the HTTP status when the body says nothing. Its signature is an
 * aws_error_decoder (client.h): pass the model as ud. */
void aws_proto_decode_error(void *model, const aws_response *resp, aws_error *e);

/* Timestamps as the models use them: ISO 8601 ("2026-11-26T10:00:00Z", fraction and offset
 * allowed) or seconds since the epoch. Returns 0, or -1 when s is neither. */
int aws_timestamp_parse(const char *s, int64_t *secs, int *micros);

#endif
