/*
 * Kuruma Cover device kit: publish one crash alert from an in-car gateway, in plain C with the
 * Eclipse Mosquitto client library (libmosquitto, MQTT 5).
 *
 * The device contract (docs/devices.md) in code:
 *   - connect with the account PUT /v1/devices/{id} answered: username, password and the one
 *     client id the account accepts (or a client certificate on the certificate listener);
 *   - publish JSON at QoS 1 to devices/{deviceId}/crash, never retained;
 *   - keep the alert until the PUBACK says Success (0x00). On 0x10 "No matching subscribers", on
 *     no PUBACK within the timeout, or on a lost connection, publish the SAME payload (same
 *     eventId) again after a back-off: the platform applies each eventId once, so a duplicate
 *     costs nothing while a lost alert is a crash nobody hears about;
 *   - a refusal (CONNACK or PUBACK reason code 0x80 and above: bad credentials, revoked device,
 *     topic not allowed) is not retried: publishing again cannot change the answer.
 *
 * Build: make        Usage: ./crash_alert -h          Exit: 0 delivered, 1 usage, 2 refused, 3 gave up
 */
#include <errno.h>
#include <mosquitto.h>
#include <mqtt_protocol.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define PUBACK_TIMEOUT_S 10
#define MAX_ATTEMPTS 30

struct gateway {
	bool connack_seen;
	int connack_reason;   /* MQTT 5 CONNACK reason code */
	bool connected;
	int awaited_mid;      /* message id of the publish in flight, 0 when none */
	bool puback_seen;
	int puback_reason;    /* MQTT 5 PUBACK reason code */
};

static void on_connect(struct mosquitto *mosq, void *obj, int reason, int flags, const mosquitto_property *props)
{
	struct gateway *gw = obj;
	(void)mosq; (void)flags; (void)props;
	gw->connack_seen = true;
	gw->connack_reason = reason;
	gw->connected = (reason == 0);
}

static void on_disconnect(struct mosquitto *mosq, void *obj, int reason, const mosquitto_property *props)
{
	struct gateway *gw = obj;
	(void)mosq; (void)props;
	gw->connected = false;
	if (reason != 0) fprintf(stderr, "connection lost (%d)\n", reason);
}

static void on_publish(struct mosquitto *mosq, void *obj, int mid, int reason, const mosquitto_property *props)
{
	struct gateway *gw = obj;
	(void)mosq; (void)props;
	if (mid != gw->awaited_mid) return;
	gw->puback_seen = true;
	gw->puback_reason = reason;
}

static void usage(const char *name)
{
	fprintf(stderr,
		"usage: %s -H host -p port -i client-id -u username [-P password] -t topic -e event-id -g peak-g\n"
		"          [-c ca-file] [-C client-cert -K client-key] [-a occurred-at]\n"
		"  -c: CA that signed the broker's certificate (TLS); -C/-K: the device's certificate and key\n"
		"  (certificate listener: no password); -a: ISO-8601 instant with zone (default: now, UTC)\n",
		name);
}

/* Runs the network loop until `done` or the deadline; false when the deadline passed first. */
static bool loop_until(struct mosquitto *mosq, const bool *done, const struct gateway *gw, int seconds)
{
	time_t deadline = time(NULL) + seconds;
	while (!*done && time(NULL) < deadline) {
		int rc = mosquitto_loop(mosq, 100, 1);
		if (rc != MOSQ_ERR_SUCCESS && !gw->connected) return *done;
	}
	return *done;
}

/* Opens the connection; 0 connected, 2 refused by the broker, 3 not reachable. */
static int connect_gateway(struct mosquitto *mosq, struct gateway *gw, const char *host, int port)
{
	gw->connack_seen = false;
	if (mosquitto_connect_bind_v5(mosq, host, port, 30, NULL, NULL) != MOSQ_ERR_SUCCESS) return 3;
	if (!loop_until(mosq, &gw->connack_seen, gw, PUBACK_TIMEOUT_S)) return 3;
	if (gw->connack_reason != 0) {
		fprintf(stderr, "connection refused: %s (0x%02x)\n", mosquitto_reason_string(gw->connack_reason), gw->connack_reason);
		return 2;
	}
	return 0;
}

int main(int argc, char *argv[])
{
	const char *host = NULL, *client_id = NULL, *username = NULL, *password = NULL, *topic = NULL;
	const char *event_id = NULL, *ca_file = NULL, *cert_file = NULL, *key_file = NULL, *occurred_at = NULL;
	double peak_g = -1;
	int port = 0, opt;
	while ((opt = getopt(argc, argv, "H:p:i:u:P:t:e:g:c:C:K:a:h")) != -1) {
		switch (opt) {
		case 'H': host = optarg; break;
		case 'p': port = atoi(optarg); break;
		case 'i': client_id = optarg; break;
		case 'u': username = optarg; break;
		case 'P': password = optarg; break;
		case 't': topic = optarg; break;
		case 'e': event_id = optarg; break;
		case 'g': peak_g = strtod(optarg, NULL); break;
		case 'c': ca_file = optarg; break;
		case 'C': cert_file = optarg; break;
		case 'K': key_file = optarg; break;
		case 'a': occurred_at = optarg; break;
		default: usage(argv[0]); return 1;
		}
	}
	if (!host || port <= 0 || !client_id || !username || !topic || !event_id || peak_g < 0 || (!password && !cert_file) || (!cert_file != !key_file)) {
		usage(argv[0]);
		return 1;
	}

	/* The id goes into JSON as it is, so only characters that need no escaping are taken. */
	if (strlen(event_id) == 0 || strlen(event_id) > 128 || strspn(event_id, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._:-") != strlen(event_id) || peak_g > 100) {
		fprintf(stderr, "event id: 1-128 of A-Z a-z 0-9 . _ : -; peak g: 0-100\n");
		return 1;
	}
	char now[32];
	if (!occurred_at) {
		time_t t = time(NULL);
		strftime(now, sizeof now, "%Y-%m-%dT%H:%M:%SZ", gmtime(&t));
		occurred_at = now;
	}
	/* The alert is built once: every republish sends these exact bytes, same eventId. */
	char payload[512];
	int length = snprintf(payload, sizeof payload, "{\"eventId\":\"%s\",\"occurredAt\":\"%s\",\"peakG\":%.2f}", event_id, occurred_at, peak_g);
	if (length < 0 || (size_t)length >= sizeof payload) {
		fprintf(stderr, "event id too long\n");
		return 1;
	}

	struct gateway gw = {0};
	mosquitto_lib_init();
	/* clean start: an alert is kept by this program until acknowledged, not in a broker session. */
	struct mosquitto *mosq = mosquitto_new(client_id, true, &gw);
	if (!mosq) {
		fprintf(stderr, "mosquitto_new: %s\n", strerror(errno));
		return 3;
	}
	mosquitto_int_option(mosq, MOSQ_OPT_PROTOCOL_VERSION, MQTT_PROTOCOL_V5);
	/* Nagle off: an alert written while the previous packet is unacknowledged would otherwise wait
	   for the broker's delayed ACK (up to 40 ms on Linux). The broker sets it on its side too. */
	mosquitto_int_option(mosq, MOSQ_OPT_TCP_NODELAY, 1);
	mosquitto_connect_v5_callback_set(mosq, on_connect);
	mosquitto_disconnect_v5_callback_set(mosq, on_disconnect);
	mosquitto_publish_v5_callback_set(mosq, on_publish);
	if (password || !cert_file) mosquitto_username_pw_set(mosq, username, password);
	if (ca_file && mosquitto_tls_set(mosq, ca_file, NULL, cert_file, key_file, NULL) != MOSQ_ERR_SUCCESS) {
		fprintf(stderr, "cannot read the CA, certificate or key file\n");
		return 1;
	}

	int status = 3;
	for (int attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
		if (attempt > 1) sleep(attempt < 10 ? attempt : 10); /* back-off before a republish */
		if (!gw.connected) {
			int rc = connect_gateway(mosq, &gw, host, port);
			if (rc == 2) { status = 2; break; }
			if (rc != 0) { fprintf(stderr, "attempt %d: broker not reachable\n", attempt); continue; }
		}
		gw.puback_seen = false;
		int mid = 0;
		if (mosquitto_publish_v5(mosq, &mid, topic, length, payload, 1, false, NULL) != MOSQ_ERR_SUCCESS) continue;
		gw.awaited_mid = mid;
		if (!loop_until(mosq, &gw.puback_seen, &gw, PUBACK_TIMEOUT_S)) {
			fprintf(stderr, "attempt %d: no PUBACK within %d s; republishing\n", attempt, PUBACK_TIMEOUT_S);
			mosquitto_disconnect(mosq);
			gw.connected = false;
			continue;
		}
		if (gw.puback_reason == MQTT_RC_SUCCESS) {
			printf("delivered %s after %d attempt(s)\n", event_id, attempt);
			status = 0;
			break;
		}
		if (gw.puback_reason == MQTT_RC_NO_MATCHING_SUBSCRIBERS) {
			fprintf(stderr, "attempt %d: no platform intake subscribed (0x10); republishing\n", attempt);
			continue;
		}
		fprintf(stderr, "publish refused: %s (0x%02x)\n", mosquitto_reason_string(gw.puback_reason), gw.puback_reason);
		status = 2;
		break;
	}
	if (gw.connected) {
		mosquitto_disconnect(mosq);
		mosquitto_loop(mosq, 100, 1);
	}
	mosquitto_destroy(mosq);
	mosquitto_lib_cleanup();
	return status;
}
