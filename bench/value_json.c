/* value_json: the CPU of kdx_value_to_json on a snapshot-sized value (an ASG read back),
 * 200,000 times. Build against a tree's library and run:
 *   cc -O2 -I. -o build/bench/value_json bench/value_json.c build/libkdx.a \
 *      $(pkg-config --libs json-c openssl expat libcurl) -lm -lpthread && build/bench/value_json */
#include "common/value.h"
#include <stdio.h>
#include <string.h>
#include <time.h>
int main(void)
{
	kdx_arena a; kdx_arena_init(&a);
	strbuf err = STRBUF_INIT, out = STRBUF_INIT;
	const char *src = "{\"AutoScalingGroupName\":\"kaldrix-staging-us-west-2\",\"MinSize\":2,\"MaxSize\":10,\"DesiredCapacity\":4,\"Tags\":[{\"Key\":\"env\",\"Value\":\"staging\"},{\"Key\":\"app\",\"Value\":\"kaldrix\"}],\"HealthCheckGracePeriod\":300,\"Weight\":0.7,\"Zones\":[\"us-west-2a\",\"us-west-2b\",\"us-west-2c\"]}";
	kdx_value *v = kdx_value_from_json(&a, src, strlen(src), &err);
	struct timespec t0, t1;
	int n = 200000;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t0);
	for (int i = 0; i < n; i++) { strbuf_reset(&out); kdx_value_to_json(&out, v); }
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t1);
	double us = ((t1.tv_sec - t0.tv_sec) * 1e9 + (t1.tv_nsec - t0.tv_nsec)) / 1e3 / n;
	printf("%.2f us per kdx_value_to_json (%zu bytes) %s\n", us, out.len, out.buf);
	return 0;
}
