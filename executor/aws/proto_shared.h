/* proto_shared: helpers the protocol files share (encoding of scalars, URIs, timestamps,
 * base64, UUIDs) and the per-protocol entry points proto.c dispatches to.
 * Internal to executor/aws/proto*.c. */
#ifndef AWS_PROTO_SHARED_H
#define AWS_PROTO_SHARED_H
#include <stdbool.h>
#include <stddef.h>

#include "model.h"
#include "proto.h"

/* RFC 3986 percent-encoding: unreserved characters and those in keep stay as they are. */
void aws_wire_uri_encode(strbuf *sb, const char *s, size_t n, const char *keep);
/* A number as botocore writes it: whole numbers without a fraction, others shortest;
 * NaN, Infinity and -Infinity as those words. */
void aws_wire_number(strbuf *sb, double v);
/* Is s[0..n) a number in JSON's grammar (no "inf", "nan", hex, spaces)? */
bool aws_wire_is_number(const char *s, size_t n);
/* A float or double from the wire: a JSON-grammar number, or "NaN", "Infinity",
 * "-Infinity" (the protocols' words for them). False for anything else. */
bool aws_wire_parse_double(const char *s, size_t n, double *out);
/* A timestamp value (string or number) in FORMAT ("iso8601", "unixTimestamp", "rfc822");
 * returns -1 when v is not a timestamp. */
int aws_wire_timestamp(strbuf *sb, const kdx_value *v, const char *format);
/* A scalar as text (strings as is, booleans true/false, numbers, timestamps in FORMAT,
 * blobs base64 when b64). Returns -1 for lists and maps. */
int aws_wire_scalar(strbuf *sb, const aws_shape *s, const kdx_value *v, const char *ts_format,
		    bool b64);
void aws_wire_base64(strbuf *sb, const char *s, size_t n);
/* Decode base64; returns -1 on malformed input. */
int aws_wire_base64_decode(strbuf *sb, const char *s, size_t n);
/* A random (version 4) UUID from OpenSSL's RAND_bytes. */
void aws_wire_uuid(strbuf *sb);
/* Seconds since the epoch as ISO 8601 "2026-11-26T10:00:00Z" (with .ffffff if micros). */
void aws_wire_iso8601(strbuf *sb, int64_t secs, int micros);

/* Per-protocol serialisers and parsers. The input is already validated. */
int aws_query_serialize(const aws_model *m, const aws_operation *op, const kdx_value *in,
			aws_request *req, strbuf *err);
int aws_json_serialize(const aws_model *m, const aws_operation *op, const kdx_value *in,
		       aws_request *req, strbuf *err);
int aws_rest_serialize(const aws_model *m, const aws_operation *op, const kdx_value *in,
		       aws_request *req, strbuf *err);
/* JSON body of a structure (json and rest-json), members in input order. */
void aws_json_write(strbuf *sb, const aws_shape *s, const kdx_value *v);
/* XML element NAME for v with shape s (rest-xml), ElementTree's output byte for byte. */
void aws_xml_write(strbuf *sb, const aws_shape *s, const kdx_value *v, const char *name);

int aws_xml_parse(const aws_model *m, const aws_operation *op, const aws_response *resp,
		  kdx_arena *a, kdx_value **out, strbuf *err);
int aws_json_parse(const aws_model *m, const aws_operation *op, const aws_response *resp,
		   kdx_arena *a, kdx_value **out, strbuf *err);
void aws_xml_parse_error(const aws_response *resp, aws_error *e);
void aws_json_parse_error(const aws_model *m, const aws_response *resp, aws_error *e);
/* The members of an error response besides its code, message and request id, shaped by
 * the model's error shape named CODE when there is one: a map in a (NULL when none). */
kdx_value *aws_json_error_fields(const aws_model *m, const aws_response *resp,
				 const char *code, kdx_arena *a);
kdx_value *aws_xml_error_fields(const aws_model *m, const aws_response *resp,
				const char *code, kdx_arena *a);
/* Is KEY one of what aws_error holds already (code, message, request id, type)? */
bool aws_error_known_field(const char *key);

/* Members of a rest response that live in headers or the status code, added to the
 * builder; shared by rest-xml and rest-json. */
typedef struct aws_vbuild {
	kdx_arena *a;
	const char **keys;
	kdx_value **vals;
	size_t n, alloc;
} aws_vbuild;
void aws_vbuild_add(aws_vbuild *b, const char *key, kdx_value *v);
kdx_value *aws_vbuild_finish(aws_vbuild *b); /* frees the builder's arrays */
void aws_rest_parse_headers(const aws_shape *out, const aws_response *resp, aws_vbuild *b);
/* A scalar of shape s from text (numbers and booleans typed, timestamps in ISO 8601, the
 * rest strings). */
kdx_value *aws_scalar_from_text(kdx_arena *a, const aws_shape *s, const char *text, size_t n);
/* A timestamp from the wire (ISO 8601, epoch seconds or an HTTP date) as ISO 8601 in UTC,
 * "2026-11-26T10:00:00Z", "…:00.5Z"; text that is none of them is kept as it is. */
kdx_value *aws_timestamp_value(kdx_arena *a, const char *text, size_t n);

#endif
